import { browser, defineBackground } from '#imports';
import { CrmContextSchema, type CrmContext } from '@/lib/crm/context';
import { contextSummary } from '@/lib/crm/summary';
import { dispatchMessage, type MessageHandlers, type MessageSender } from '@/lib/messages';
import { onPremisesScriptRegistration } from '@/lib/crm/on-premises';
import { pageTypeKey, type Translate } from '@/lib/i18n';

/**
 * The service worker: keeps each tab's last CRM context in session storage (so it outlives the
 * worker being stopped), labels the toolbar button with it, and keeps the content script
 * registered on the on-premises Dynamics origins the user granted.
 */
export default defineBackground(() => {
  const t: Translate = (key, substitutions) => browser.i18n.getMessage(key, substitutions);
  const tabKey = (tabId: number): string => `tabContext:${tabId}`;

  const handlers: MessageHandlers<'context:changed' | 'context:get'> = {
    async 'context:changed'(data, sender) {
      if (sender.tabId === undefined) return;
      const parsed = CrmContextSchema.nullable().safeParse((data as { context?: unknown }).context);
      if (!parsed.success) {
        console.warn('[Ombord] ignored a malformed context from tab', sender.tabId, parsed.error.issues);
        return;
      }
      await rememberContext(sender.tabId, parsed.data);
    },
    async 'context:get'(data) {
      const stored = await browser.storage.session.get(tabKey(data.tabId));
      const parsed = CrmContextSchema.nullable().safeParse(stored[tabKey(data.tabId)] ?? null);
      return parsed.success ? parsed.data : null;
    },
  };

  async function rememberContext(tabId: number, context: CrmContext | null): Promise<void> {
    await browser.storage.session.set({ [tabKey(tabId)]: context });
    await browser.action.setTitle({
      tabId,
      title: context === null ? t('extName') : `Ombord · ${contextSummary(context, (pageType) => t(pageTypeKey(pageType)))}`,
    });
  }

  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    const from: MessageSender = { tabId: sender.tab?.id, extensionId: sender.id };
    if (from.extensionId !== browser.runtime.id) return undefined;
    return dispatchMessage(handlers, message, from);
  });

  browser.tabs.onRemoved.addListener((tabId) => {
    void browser.storage.session.remove(tabKey(tabId));
  });

  const registration = onPremisesScriptRegistration({
    permissions: browser.permissions,
    scripting: browser.scripting,
    script: { id: 'ombord-on-premises', js: ['content-scripts/crm.js'] },
  });
  browser.permissions.onAdded.addListener(() => void registration.sync());
  browser.permissions.onRemoved.addListener(() => void registration.sync());
  browser.runtime.onInstalled.addListener(() => void registration.sync());
});
