import { browser, defineBackground } from '#imports';
import { STARTER_PACK_FILES } from '@/content/starter-packs';
import { ProgressEventSchema } from '@/lib/api/progress';
import { CrmContextSchema, type CrmContext } from '@/lib/crm/context';
import { onPremisesScriptRegistration } from '@/lib/crm/on-premises';
import { contextSummary } from '@/lib/crm/summary';
import { loadPacks } from '@/lib/guides/load';
import { pageTypeKey, type Translate } from '@/lib/i18n';
import { toSupportedLocale } from '@/lib/i18n/locale';
import {
  dispatchMessage,
  LOCALE_KEY,
  PROGRESS_REVISION_KEY,
  type MessageHandlers,
  type MessageSender,
} from '@/lib/messages';
import { openProgressStore, type ProgressStore } from '@/lib/progress';

/**
 * The service worker: owns the user's progress (IndexedDB, so nothing depends on the worker
 * staying alive), serves content packs to the tabs, keeps each tab's CRM context in session
 * storage, and keeps the content script registered on granted on-premises origins.
 */
export default defineBackground(() => {
  const t: Translate = (key, substitutions) => browser.i18n.getMessage(key, substitutions);
  const tabKey = (tabId: number): string => `tabContext:${tabId}`;

  const starter = loadPacks(STARTER_PACK_FILES);
  for (const error of starter.errors) {
    console.error(`[Ombord] content pack rejected: ${error.pack}${error.itemId ? ` › ${error.itemId}` : ''} › ${error.path}: ${error.message}`);
  }

  // The connection is the only thing kept in memory; it is reopened after the worker restarts.
  let store: Promise<ProgressStore> | null = null;
  const progressStore = (): Promise<ProgressStore> => {
    store ??= openProgressStore().catch((error: unknown) => {
      store = null;
      throw error;
    });
    return store;
  };

  const handlers: MessageHandlers<'context:changed' | 'context:get' | 'guidance:load' | 'progress:record'> = {
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
    async 'guidance:load'() {
      const [events, settings] = await Promise.all([
        progressStore().then((opened) => opened.all()),
        browser.storage.local.get(LOCALE_KEY),
      ]);
      const locale = settings[LOCALE_KEY];
      return { packs: starter.packs, events, locale: typeof locale === 'string' ? toSupportedLocale(locale) : null };
    },
    async 'progress:record'(data) {
      const events = ProgressEventSchema.array().max(500).parse((data as { events?: unknown }).events);
      const { added } = await (await progressStore()).append(events);
      if (added.length > 0) await browser.storage.local.set({ [PROGRESS_REVISION_KEY]: crypto.randomUUID() });
      return { added: added.length };
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
