import { browser, defineContentScript } from '#imports';
import { CRM_HOST_PATTERNS, NON_ORG_HOST_PATTERNS } from '@/lib/crm/hosts';
import { askGuidanceEarly, shareEarlyGuidance } from '@/lib/guides/early';
import { envelope, LOCALE_KEY, PROGRESS_REVISION_KEY, type GuidanceData } from '@/lib/messages';

/**
 * Asks the background for the overlay's guidance the moment a CRM page starts loading, and
 * leaves the answer for the CRM content script (`lib/guides/early.ts`). Same pages as that one.
 */
export default defineContentScript({
  matches: [...CRM_HOST_PATTERNS],
  excludeMatches: [...NON_ORG_HOST_PATTERNS],
  runAt: 'document_start',
  // No message to the CRM page's `message` listeners (see crm.content.ts).
  noScriptStartedPostMessage: true,
  main() {
    const load = async (): Promise<GuidanceData | null> => {
      try {
        return (await browser.runtime.sendMessage(envelope('guidance:load', { catalog: true }))) as GuidanceData;
      } catch {
        return null; // The CRM content script asks again, and reports why if it fails too.
      }
    };
    shareEarlyGuidance(askGuidanceEarly(load, browser.storage.onChanged, [PROGRESS_REVISION_KEY, LOCALE_KEY]));
  },
});
