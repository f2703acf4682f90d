import { browser, defineContentScript } from '#imports';
import { CRM_HOST_PATTERNS, NON_ORG_HOST_PATTERNS } from '@/lib/crm/hosts';
import { detectCrmContextFromPage } from '@/lib/crm';
import { watchCrmContext } from '@/lib/crm/watch';
import { AnchorTargetSchema, describeLocateResult, locateAnchor, type LocateReport } from '@/lib/crm/locate';
import { dispatchMessage, envelope, type MessageHandlers } from '@/lib/messages';
import { shadowRootOf } from '@/lib/dom/shadow-root';

/**
 * The CRM content script: knows where the user is (and tells the background on every SPA
 * navigation) and finds anchors on request. Everything it starts is tied to WXT's `ctx`, so an
 * extension update or reload leaves nothing behind in the CRM page.
 */
export default defineContentScript({
  matches: [...CRM_HOST_PATTERNS],
  excludeMatches: [...NON_ORG_HOST_PATTERNS],
  runAt: 'document_idle',
  main(ctx) {
    let crm: 'salesforce' | 'dynamics' | undefined;

    watchCrmContext({
      window,
      signal: ctx.signal,
      detect: (url) => detectCrmContextFromPage(url, document),
      onChange(context) {
        crm = context?.crm;
        browser.runtime.sendMessage(envelope('context:changed', { context })).catch((error: unknown) => {
          // The background is gone only while the extension is being updated or removed.
          if (ctx.isValid) console.warn('[Ombord] could not report the page context', error);
        });
      },
    });

    const handlers: MessageHandlers<'anchor:locate'> = {
      async 'anchor:locate'(data): Promise<LocateReport> {
        const target = AnchorTargetSchema.safeParse((data as { target?: unknown }).target);
        if (!target.success) {
          return { ok: false, reason: 'invalid_target', tried: [], message: target.error.message };
        }
        const timeoutMs = typeof data.timeoutMs === 'number' ? Math.min(Math.max(data.timeoutMs, 0), 30_000) : 5000;
        const result = await locateAnchor(target.data, {
          document,
          crm,
          timeoutMs,
          signal: ctx.signal,
          shadowRootOf,
        });
        return describeLocateResult(result);
      },
    };

    const onMessage = (message: unknown, sender: { id?: string }): Promise<unknown> | undefined =>
      sender.id === browser.runtime.id
        ? dispatchMessage(handlers, message, { tabId: undefined, extensionId: sender.id })
        : undefined;
    browser.runtime.onMessage.addListener(onMessage);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
  },
});
