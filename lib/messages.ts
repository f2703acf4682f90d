/**
 * Messages between the extension's parts, as one typed map from message name to request and
 * response. Senders use `sendMessage`/`sendTabMessage`; receivers register a handler per name
 * with `handleMessages`, so a missing or misspelt handler is a type error, not a silent switch.
 */
import type { CrmContext } from './crm/context';
import type { AnchorTarget, LocateReport } from './crm/locate';
import type { ProgressEvent } from './api/progress';
import type { ContentPack } from './guides/pack';
import type { SupportedLocale } from './i18n';
import type { Catalog } from './i18n/translator';
import type { SupportRequest } from './api/support';
import type { SupportOutcome } from './support/queue';
import type { CaptureOutcome } from './support/screenshot';
import type { SupportActionOutcome } from './support/replies';
import type { MySupportView } from './support/replies-view';
import type { EnrollInput, EnrollOutcome, SyncStatus } from './sync/service';

export interface MessageMap {
  /** Content script → background: the tab's context changed (null: not a CRM page after all). */
  'context:changed': { request: { context: CrmContext | null }; response: void };
  /** Popup/options → background: the last context a tab reported. */
  'context:get': { request: { tabId: number }; response: CrmContext | null };
  /** Background/popup → content script: find an anchor on the page and describe it. */
  'anchor:locate': { request: { target: AnchorTarget; timeoutMs?: number }; response: LocateReport };
  /**
   * Content script/popup → background: what guidance needs: packs, the user's progress, their
   * language; with `catalog`, also the UI strings in the language the overlay should speak.
   */
  'guidance:load': { request: { catalog?: boolean }; response: GuidanceData };
  /** Content script → background: every progress event, after another tab or a sync changed them. */
  'progress:all': { request: Record<string, never>; response: ProgressEvent[] };
  /** Content script → background: append progress events (idempotent by id). */
  /** `writer`: the sender's `ProgressRevision.writer`, so that it can skip reloading its own change. */
  'progress:record': { request: { events: ProgressEvent[]; writer?: string }; response: { added: number } };
  /** Options → background: enrolment, last sync, queued events, dead letters, last problem. */
  'sync:status': { request: Record<string, never>; response: SyncStatus };
  /** Options → background: sync at once (after a running sync, skipping our own backoff), then the status. */
  'sync:now': { request: Record<string, never>; response: SyncStatus };
  /** Options → background: enrol this browser; fields the policy sets are taken from the policy. */
  'sync:enroll': { request: EnrollInput; response: EnrollOutcome };
  /** Options → background: unenrol; local progress stays. */
  'sync:forget': { request: Record<string, never>; response: SyncStatus };
  /** Content script → background: queue a help request and try to send it at once (idempotent by id). */
  'support:send': { request: { request: SupportRequest }; response: SupportOutcome };
  /** Content script → background: a PNG of the sender's tab, only while it is the active tab of its window (needs activeTab). */
  'support:capture': { request: Record<string, never>; response: CaptureOutcome };
  /** Content script → background: the user's help requests with their replies, as last fetched, and what is unread. */
  'support:mine': { request: Record<string, never>; response: MySupportView };
  /**
   * Content script → background: the user opened a request; its replies are read (the badge
   * updates). No view comes back: `SUPPORT_REVISION_KEY` moves and every tab (the sender too) reloads.
   */
  'support:seen': { request: { requestId: string }; response: void };
  /** Content script → background: "Later" on the replies notice; they stay unread, the notice goes (tabs reload as for `support:seen`). */
  'support:later': { request: Record<string, never>; response: void };
  /** Content script → background: answer back on a request, sent at once (never queued). */
  'support:reply': { request: { requestId: string; body: string }; response: SupportActionOutcome };
  /** Content script → background: the user marks their request solved (closed). */
  'support:solved': { request: { requestId: string }; response: SupportActionOutcome };
  /** Background → content script: the user pressed the "Get help" keyboard shortcut. */
  'help:open': { request: Record<string, never>; response: void };
}

export interface GuidanceData {
  packs: ContentPack[];
  events: ProgressEvent[];
  /**
   * The language the user chose in the options, else the one their organisation set for them,
   * or null to follow the browser.
   */
  locale: SupportedLocale | null;
  /** The enrolled user's roles and teams for audience targeting; empty when not enrolled. */
  roles: string[];
  teams: string[];
  /**
   * When asked for: the language the UI speaks (`locale`, else the browser's) and its catalog
   * with the English one as fallback. The content script gets only these two instead of bundling
   * all five, so it has less to parse before the first tip.
   */
  catalog?: UiCatalog;
}

export interface UiCatalog {
  locale: SupportedLocale;
  messages: Catalog;
  fallback: Catalog;
}

/** `storage.local` key bumped on every progress change, so every tab's overlay updates (a `ProgressRevision`). */
export const PROGRESS_REVISION_KEY = 'progressRevision';

/**
 * A progress change: a fresh id, and who recorded it — the id a CRM tab's overlay sends with its
 * events, or null (a sync brought events from the backend). The tab that recorded the events has
 * them already and need not ask for every event again.
 */
export interface ProgressRevision {
  id: string;
  writer: string | null;
}

/** Who made a change of `PROGRESS_REVISION_KEY` (a `storage.onChanged` change); null when unknown. */
export function progressRevisionWriter(change: unknown): string | null {
  const value: unknown = typeof change === 'object' && change !== null ? (change as { newValue?: unknown }).newValue : undefined;
  if (typeof value !== 'object' || value === null) return null;
  const { writer } = value as { writer?: unknown };
  return typeof writer === 'string' ? writer : null;
}
/** `storage.local` key bumped when the user's help requests, their replies or what is read change. */
export const SUPPORT_REVISION_KEY = 'supportRevision';
/** `storage.local` key of the user's language choice. */
export const LOCALE_KEY = 'locale';

export type MessageName = keyof MessageMap;
export type MessageRequest<N extends MessageName> = MessageMap[N]['request'];
export type MessageResponse<N extends MessageName> = MessageMap[N]['response'];
export interface Envelope<N extends MessageName = MessageName> {
  type: N;
  data: MessageRequest<N>;
}

/** Who sent a message, as far as a handler needs to know. */
export interface MessageSender {
  tabId: number | undefined;
  /** The sending extension's id: messages from anything but this extension are ignored. */
  extensionId: string | undefined;
}

export type MessageHandlers<N extends MessageName> = {
  [K in N]: (data: MessageRequest<K>, sender: MessageSender) => Promise<MessageResponse<K>> | MessageResponse<K>;
};

/**
 * Builds an `onMessage` listener body from a handler map. Returns `undefined` for messages this
 * part does not handle, so another listener (or none) can answer them.
 */
export function dispatchMessage<N extends MessageName>(
  handlers: MessageHandlers<N>,
  message: unknown,
  sender: MessageSender,
): Promise<unknown> | undefined {
  if (!isEnvelope(message) || !Object.hasOwn(handlers, message.type)) return undefined;
  const handler = handlers[message.type as N] as (data: unknown, sender: MessageSender) => unknown;
  return Promise.resolve().then(() => handler(message.data, sender));
}

function isEnvelope(message: unknown): message is Envelope {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string' &&
    'data' in message
  );
}

/** Builds the envelope a sender passes to `runtime.sendMessage` / `tabs.sendMessage`. */
export function envelope<N extends MessageName>(type: N, data: MessageRequest<N>): Envelope<N> {
  return { type, data };
}
