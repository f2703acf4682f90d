import { browser, defineBackground } from '#imports';
import { z } from 'zod';
import { STARTER_PACK_FILES } from '@/content/starter-packs';
import { ProgressEventSchema } from '@/lib/api/progress';
import { MySupportRequestSchema, SupportRequestSchema } from '@/lib/api/support';
import type { CrmContext } from '@/lib/crm/context';
import { CrmContextSchema } from '@/lib/crm/context-schema';
import { onPremisesScriptRegistration } from '@/lib/crm/on-premises';
import { contextSummary } from '@/lib/crm/summary';
import { loadPacks } from '@/lib/guides/load';
import { pageTypeKey, type Translate } from '@/lib/i18n';
import { catalogFor } from '@/lib/i18n/catalogs';
import { toSupportedLocale } from '@/lib/i18n/locale';
import { chooseLocale } from '@/lib/i18n/translator';
import {
  dispatchMessage,
  envelope,
  LOCALE_KEY,
  PROGRESS_REVISION_KEY,
  SUPPORT_REVISION_KEY,
  type MessageHandlers,
  type MessageSender,
  type ProgressRevision,
} from '@/lib/messages';
import { openProgressStore, type ProgressStore } from '@/lib/progress';
import { createSupportOutbox, type SupportOutcome } from '@/lib/support/queue';
import { createSupportReplies } from '@/lib/support/replies';
import { BADGE_BACKGROUND, BADGE_TEXT_COLOR, actionTitle, badgeText } from '@/lib/support/replies-view';
import { captureSenderTab } from '@/lib/support/screenshot';
import { mergePacks } from '@/lib/sync/packs';
import { createSyncService } from '@/lib/sync/service';
import { backendOriginPattern, readSyncSettings } from '@/lib/sync/settings';

/** `progress:record` from a CRM tab: at most 500 events, and the id of the overlay that recorded them. */
const ProgressRecordSchema = z.object({ events: ProgressEventSchema.array().max(500), writer: z.string().max(100).optional() });

/**
 * Every minute (Chrome's floor is 30 s): drains the outbox and, every 15 minutes, refreshes packs;
 * reads replies to help requests every minute while one is open, else every 15 minutes.
 */
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
  const TAB_CONTEXT_PREFIX = 'tabContext:';
  const tabKey = (tabId: number): string => `${TAB_CONTEXT_PREFIX}${tabId}`;

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
  const bumpProgressRevision = (writer: string | null) =>
    browser.storage.local.set({ [PROGRESS_REVISION_KEY]: { id: crypto.randomUUID(), writer } satisfies ProgressRevision });
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
    onProgressRestored: () => bumpProgressRevision(null),
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
  // The user's requests and the replies to them, read on the sync alarm; the icon's badge and
  // every tab's overlay follow them through storage (SUPPORT_REVISION_KEY).
  const replies = createSupportReplies({
    storage: browser.storage.local,
    readManaged,
    fetch: (input, init) => fetch(input, init),
    locks: navigator.locks,
    now: Date.now,
    random: Math.random,
    newRevision: () => crypto.randomUUID(),
  });
  const readReplies = (options: { manual?: boolean; force?: boolean }): Promise<void> =>
    replies
      .refresh(options)
      .then(() => undefined)
      .catch((error: unknown) => console.error('[Ombord] reading replies from support failed', error));
  /** Waiting help requests first: one that just arrived belongs in the list the replies are read from. */
  const sendHelpAndReadReplies = async (manual: boolean): Promise<void> => {
    const outcomes = await support.flush({ manual }).catch((error: unknown) => {
      console.error('[Ombord] sending help requests failed', error);
      return new Map<string, SupportOutcome>();
    });
    await readReplies({ manual, force: [...outcomes.values()].some((outcome) => outcome.status === 'sent') });
  };
  const runSync = (manual = false): Promise<void> =>
    Promise.all([
      sync.tick({ manual }).catch((error: unknown) => console.error('[Ombord] sync failed', error)),
      sendHelpAndReadReplies(manual).catch((error: unknown) => console.error('[Ombord] help requests failed', error)),
    ]).then(() => undefined);
  // The unread replies the icon shows, kept here so a page change in a CRM tab (context:changed)
  // does not read the replies state: read from storage when the worker starts and whenever the
  // revision moves (showUnread), so it is never more than a cache of what storage holds.
  let unread = 0;
  let shown: Promise<void> = Promise.resolve();
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
    | 'progress:all'
    | 'progress:record'
    | 'sync:status'
    | 'sync:now'
    | 'sync:enroll'
    | 'sync:forget'
    | 'support:send'
    | 'support:mine'
    | 'support:seen'
    | 'support:later'
    | 'support:reply'
    | 'support:solved'
    | 'support:capture'
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
    async 'guidance:load'(data) {
      const [events, settings, profile, orgPacks] = await Promise.all([
        progressStore().then((opened) => opened.all()),
        browser.storage.local.get(LOCALE_KEY),
        sync.profile(),
        sync.orgPacks(),
      ]);
      const chosen = settings[LOCALE_KEY];
      const locale = (typeof chosen === 'string' ? toSupportedLocale(chosen) : null) ?? profile?.locale ?? null;
      const uiLocale = chooseLocale(locale, browser.i18n.getUILanguage());
      return {
        packs: mergePacks(starter.packs, orgPacks),
        events,
        locale,
        roles: profile?.roles ?? [],
        teams: profile?.teams ?? [],
        ...(data.catalog === true && { catalog: { locale: uiLocale, messages: catalogFor(uiLocale), fallback: catalogFor('en') } }),
      };
    },
    async 'progress:all'() {
      return (await progressStore()).all();
    },
    async 'progress:record'(data) {
      const { events, writer } = ProgressRecordSchema.parse(data);
      const { added } = await (await progressStore()).append(events);
      if (added.length > 0) {
        await bumpProgressRevision(writer ?? null);
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
      await replies.forget();
      return sync.status();
    },
    async 'support:send'(data) {
      const outcome = await support.submit(SupportRequestSchema.parse((data as { request?: unknown }).request));
      // The new request shows in the overlay's list at once, and replies to it are looked for.
      if (outcome.status === 'sent') void readReplies({ force: true });
      return outcome;
    },
    'support:mine': () => replies.view(),
    // No view back: the revision these move reloads every tab's overlay, the sender's too.
    'support:seen': (data) => replies.markSeen(requestIdOf(data)),
    'support:later': () => replies.deferNotice(),
    'support:reply'(data) {
      const body = (data as { body?: unknown }).body;
      return replies.reply(requestIdOf(data), typeof body === 'string' ? body : '');
    },
    'support:solved': (data) => replies.markSolved(requestIdOf(data)),
    // The help screenshot: works after the user invoked Ombord on the tab (shortcut or toolbar: activeTab).
    'support:capture': (_data, sender) => captureSenderTab(browser.tabs, sender.tabId),
  };

  async function rememberContext(tabId: number, context: CrmContext | null): Promise<void> {
    await browser.storage.session.set({ [tabKey(tabId)]: context });
    // Not awaited between reading `unread` and setting the title: a count that changes meanwhile
    // is shown by showUnreadReplies, which reads the tab contexts only after it took the count.
    await browser.action.setTitle({ tabId, title: actionTitle(tabTitle(context), unread, t) });
  }

  function tabTitle(context: CrmContext | null): string {
    return context === null ? t('extName') : `Ombord · ${contextSummary(context, (pageType) => t(pageTypeKey(pageType)))}`;
  }

  /** A help request id from a content script's message; anything else is refused. */
  function requestIdOf(data: unknown): string {
    return MySupportRequestSchema.shape.id.parse((data as { requestId?: unknown }).requestId);
  }

  /**
   * The unread replies on the icon: the badge, the title, and the title of every CRM tab (each
   * has its own, naming the page). Recomputed from storage, so a restarted worker shows the same;
   * one at a time, so an older count never lands after a newer one.
   */
  function showUnread(): void {
    shown = shown
      .then(showUnreadReplies)
      .catch((error: unknown) => console.error('[Ombord] could not show unread replies on the icon', error));
  }

  async function showUnreadReplies(): Promise<void> {
    ({ unread } = await replies.view());
    await browser.action.setBadgeText({ text: badgeText(unread) });
    await browser.action.setTitle({ title: actionTitle(t('extName'), unread, t) });
    const stored = await browser.storage.session.get(null);
    await Promise.all(
      Object.entries(stored)
        .filter(([key]) => key.startsWith(TAB_CONTEXT_PREFIX))
        .map(async ([key, value]) => {
          const context = CrmContextSchema.nullable().safeParse(value);
          const tabId = Number(key.slice(TAB_CONTEXT_PREFIX.length));
          if (!context.success || !Number.isInteger(tabId)) return;
          // The tab may have closed since; its title went with it.
          await browser.action.setTitle({ tabId, title: actionTitle(tabTitle(context.data), unread, t) }).catch(() => undefined);
        }),
    );
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
  // Replies arrived or were read (in any tab): the icon follows.
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && SUPPORT_REVISION_KEY in changes) showUnread();
  });
  // A badge with good contrast; Chrome keeps badges only while it runs, so it is set from storage
  // every time the worker starts.
  void browser.action.setBadgeBackgroundColor({ color: BADGE_BACKGROUND });
  if (typeof browser.action.setBadgeTextColor === 'function') void browser.action.setBadgeTextColor({ color: BADGE_TEXT_COLOR });
  showUnread();
  // Alarms usually survive restarts and updates, but not always; recreating would reset the period.
  void browser.alarms.get(SYNC_ALARM).then((alarm) => {
    if (alarm === undefined) void browser.alarms.create(SYNC_ALARM, { periodInMinutes: 1 });
  });
});
