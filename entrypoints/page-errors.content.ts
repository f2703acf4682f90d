import { defineContentScript } from '#imports';
import { CRM_HOST_PATTERNS, NON_ORG_HOST_PATTERNS } from '@/lib/crm/hosts';
import { pageErrorMessage } from '@/lib/support/page-error-channel';

/**
 * Runs in the CRM page's own world (the isolated content script cannot see the page's errors)
 * from the first moment, and posts each uncaught error and unhandled rejection, trimmed, to the
 * CRM content script (`lib/support/errors.ts`), which keeps the last ones for a help request.
 */
export default defineContentScript({
  matches: [...CRM_HOST_PATTERNS],
  excludeMatches: [...NON_ORG_HOST_PATTERNS],
  world: 'MAIN',
  runAt: 'document_start',
  main() {
    const post = (message: ReturnType<typeof pageErrorMessage>): void => window.postMessage(message, window.location.origin);
    window.addEventListener('error', (event) => post(pageErrorMessage('error', event.error ?? event.message, event.filename)), { passive: true });
    window.addEventListener('unhandledrejection', (event) => post(pageErrorMessage('unhandledrejection', event.reason)), { passive: true });
  },
});
