import { browser, defineBackground } from '#imports';
import { STARTER_PACK_FILES } from '@/content/starter-packs';
import { ProgressEventSchema } from '@/lib/api/progress';
import { SupportRequestSchema } from '@/lib/api/support';
import { CrmContextSchema, type CrmContext } from '@/lib/crm/context';
import { onPremisesScriptRegistration } from '@/lib/crm/on-premises';
import { contextSummary } from '@/lib/crm/summary';
import { loadPacks } from '@/lib/guides/load';
import { pageTypeKey, type Translate } from '@/lib/i18n';
import { toSupportedLocale } from '@/lib/i18n/locale';
import {
  dispatchMessage,
  envelope,
  LOCALE_KEY,
  PROGRESS_REVISION_KEY,
  type MessageHandlers,
  type MessageSender,
} from '@/lib/messages';
import { openProgressStore, type ProgressStore } from '@/lib/progress';
import { createSupportOutbox } from '@/lib/support/queue';
import { mergePacks } from '@/lib/sync/packs';
import { createSyncService } from '@/lib/sync/service';
import { backendOriginPattern, readSyncSettings } from '@/lib/sync/settings';

/** Every minute (Chrome's floor is 30 s): drains the outbox and, every 15 minutes, refreshes packs. */
const SYNC_ALARM = 'ombord-sync';
/** The `commands` entry (wxt.config.ts) that opens the help dialog in the active tab. */
const OPEN_HELP_COMMAND = 'open-help';
/** New events are sent this soon while the worker lives; the alarm covers a worker that dies first. */
const SYNC_SOON_MS = 5_000;

/**
 * The service worker: owns the user's progress (IndexedDB, so nothing depends on the worker
 * staying alive), syncs it with the organisation's backend and pulls its packs (`lib/sync`, state
 * in storage), serves content packs to the tabs, keeps each tab's CRM context in session
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

  const readManaged = (): Promise<unknown> => browser.storage.managed.get();
  const bumpProgressRevision = () => browser.storage.local.set({ [PROGRESS_REVISION_KEY]: crypto.randomUUID() });
  const sync = createSyncService({
    storage: browser.storage.local,
    readManaged,
    fetch: (input, init) => fetch(input, init),
    locks: navigator.locks,
    progressStore,
    now: Date.now,
    random: Math.random,
    extensionVersion: browser.runtime.getManifest().version,
    hasOriginPermission: (pattern) => browser.permissions.contains({ origins: [pattern] }),
    onProgressRestored: bumpProgressRevision,
  });
  // Help requests wait in storage until the backend has them; the sync alarm retries them.
  const support = createSupportOutbox({
    storage: browser.storage.local,
    readManaged,
    fetch: (input, init) => fetch(input, init),
    locks: navigator.locks,
    now: Date.now,
    random: Math.random,
  });
  const runSync = (manual = false): Promise<void> =>
    Promise.all([
      sync.tick({ manual }).catch((error: unknown) => console.error('[Ombord] sync failed', error)),
      support.flush({ manual }).catch((error: unknown) => console.error('[Ombord] sending help requests failed', error)),
    ]).then(() => undefined);
  // Only a timer handle: if the worker dies first, the next alarm sends the events.
  let soon: ReturnType<typeof setTimeout> | null = null;
  const syncSoon = (): void => {
    soon ??= setTimeout(() => {
      soon = null;
      void runSync();
    }, SYNC_SOON_MS);
  };

  const handlers: MessageHandlers<
    | 'context:changed'
    | 'context:get'
    | 'guidance:load'
    | 'progress:record'
    | 'sync:status'
    | 'sync:now'
    | 'sync:enroll'
    | 'sync:forget'
    | 'support:send'
  > = {
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
      const [events, settings, profile, orgPacks] = await Promise.all([
        progressStore().then((opened) => opened.all()),
        browser.storage.local.get(LOCALE_KEY),
        sync.profile(),
        sync.orgPacks(),
      ]);
      const chosen = settings[LOCALE_KEY];
      return {
        packs: mergePacks(starter.packs, orgPacks),
        events,
        locale: (typeof chosen === 'string' ? toSupportedLocale(chosen) : null) ?? profile?.locale ?? null,
        roles: profile?.roles ?? [],
        teams: profile?.teams ?? [],
      };
    },
    async 'progress:record'(data) {
      const events = ProgressEventSchema.array().max(500).parse((data as { events?: unknown }).events);
      const { added } = await (await progressStore()).append(events);
      if (added.length > 0) {
        await bumpProgressRevision();
        syncSoon();
      }
      return { added: added.length };
    },
    'sync:status': () => sync.status(),
    async 'sync:now'() {
      // Progress and waiting help requests alike: "Sync now" means everything, past any backoff.
      await runSync(true);
      return sync.status();
    },
    async 'sync:enroll'(data) {
      const outcome = await sync.enroll({
        backendUrl: String(data.backendUrl ?? ''),
        enrollmentToken: String(data.enrollmentToken ?? ''),
        email: String(data.email ?? ''),
      });
      // The backend's origin was just granted: it is not an on-premises CRM server.
      void registration.sync();
      if (outcome.ok) void runSync(true);
      return outcome;
    },
    async 'sync:forget'() {
      await sync.forget();
      return sync.status();
    },
    async 'support:send'(data) {
      return support.submit(SupportRequestSchema.parse((data as { request?: unknown }).request));
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
    permissions: {
      // The sync backend's origin is granted from the same optional patterns, but is no CRM.
      async getAll() {
        const [granted, settings] = await Promise.all([browser.permissions.getAll(), readSyncSettings(browser.storage.local, readManaged)]);
        const backend = settings.backendUrl === null ? null : backendOriginPattern(settings.backendUrl);
        return { origins: (granted.origins ?? []).filter((origin) => origin !== backend) };
      },
    },
    scripting: browser.scripting,
    script: { id: 'ombord-on-premises', js: ['content-scripts/crm.js'] },
  });
  browser.permissions.onAdded.addListener(() => void registration.sync());
  browser.permissions.onRemoved.addListener(() => void registration.sync());
  browser.runtime.onInstalled.addListener(() => {
    void registration.sync();
    void runSync();
  });

  // The "Get help" shortcut: the dialog lives in the tab's overlay.
  browser.commands.onCommand.addListener((command) => {
    if (command !== OPEN_HELP_COMMAND) return;
    void browser.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
      if (tab?.id === undefined) return;
      // No overlay in this tab (not a CRM page): nothing to open.
      browser.tabs.sendMessage(tab.id, envelope('help:open', {})).catch(() => undefined);
    });
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM) void runSync();
  });
  browser.runtime.onStartup.addListener(() => void runSync());
  // A policy pushed or changed while the browser runs: enrol (or re-enrol) without waiting.
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') void runSync();
  });
  // Alarms usually survive restarts and updates, but not always; recreating would reset the period.
  void browser.alarms.get(SYNC_ALARM).then((alarm) => {
    if (alarm === undefined) void browser.alarms.create(SYNC_ALARM, { periodInMinutes: 1 });
  });
});
