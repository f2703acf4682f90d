/**
 * Replies back in the CRM: the user's own help requests with their replies as the background last
 * fetched them (`GET /v1/support`), which staff replies the user has read, and the user's answers
 * on a request (answer back, mark solved), sent at once and never queued. Everything is in
 * `storage.local`, so a restarted service worker, the badge and every tab's overlay read the same.
 * When the list was last fetched has a small key of its own: `storage.onChanged` hands every tab
 * the whole old and new value of a changed key, and the list is rewritten only when it changed.
 */
import { z } from 'zod';
import {
  MY_SUPPORT_REQUESTS_MAX,
  MySupportRequestSchema,
  SUPPORT_REPLY_MAX,
  SupportReplyRequestSchema,
  type MySupportRequest,
  type SupportAck,
  type SupportStatus,
} from '../api/support';
import { SUPPORT_REVISION_KEY } from '../messages';
import { persistedBackoff } from '../sync/backoff';
import { createApiClient, type ApiClient, type ApiFailure, type ApiResult } from '../sync/client';
import { EMPTY_SUPPORT_VIEW, type MySupportView } from './replies-view';
import { tryWithLock, withLock, type Locks } from '../sync/lock';
import { activeEnrollment, readEnrollment, readSyncSettings, type Enrollment } from '../sync/settings';
import { readKey, type Clock, type KeyValueStorage } from '../sync/storage';

export const SUPPORT_REPLIES_KEY = 'support.replies';
export const SUPPORT_REPLIES_FETCHED_KEY = 'support.repliesFetched';
export const SUPPORT_REPLIES_BACKOFF_KEY = 'support.repliesBackoff';
/** One fetch-and-store of the list at a time, so an older answer never overwrites a newer one. */
export const SUPPORT_REPLIES_FETCH_LOCK = 'ombord-support-replies-fetch';
/** Short read-modify-writes of the stored state (seen, deferred, the list). */
export const SUPPORT_REPLIES_STATE_LOCK = 'ombord-support-replies-state';
/** With no open request nothing is expected from support: the list is fetched at most this often. */
export const QUIET_REFRESH_MS = 15 * 60_000;

const ReplyIdsSchema = z.array(z.string().max(100)).max(10_000);

const OwnerSchema = z.object({ backendUrl: z.string(), userId: z.string() });

/** When the last list came through, and for whom; an older version kept `fetchedAt` in `SUPPORT_REPLIES_KEY` (ignored). */
const FetchedSchema = z.object({ owner: OwnerSchema, at: z.number() });

const StoredRepliesSchema = z.object({
  /** Whose requests these are: another user or backend starts from nothing. */
  owner: OwnerSchema,
  /** Newest first, as the backend lists them. */
  requests: z.array(MySupportRequestSchema).max(MY_SUPPORT_REQUESTS_MAX),
  /** Staff replies the user has read (they opened the request). */
  seen: ReplyIdsSchema,
  /** Unread replies the user put off with "Later": no notice for them, the badge stays. */
  deferred: ReplyIdsSchema,
});
type StoredReplies = z.infer<typeof StoredRepliesSchema>;
type Owner = StoredReplies['owner'];

/** What became of the user's answer or "Mark as solved": what the thread dialog tells them. */
export type SupportActionOutcome =
  | { status: 'done'; requestStatus: SupportStatus }
  /** Not connected to an organisation (or the enrolment was revoked). */
  | { status: 'not_enrolled' }
  /** No answer, a busy or failing server, or an answer that is not Ombord's: try again later. */
  | { status: 'unreachable' }
  /** The backend no longer accepts this browser's credential (401/403). */
  | { status: 'signed_out' }
  /** The request is closed and takes no more replies (409). */
  | { status: 'closed' }
  /** The backend has no such request of this user (404). */
  | { status: 'not_found' }
  /** Any other refusal, with the backend's reason. */
  | { status: 'rejected'; message: string };

export type RefreshOutcome =
  | { status: 'refreshed'; changed: boolean }
  | { status: 'skipped'; reason: 'not_enrolled' | 'not_due' | 'backing_off' | 'busy' }
  | { status: 'failed'; failure: ApiFailure };

export interface SupportRepliesDeps {
  /** `browser.storage.local`. */
  storage: KeyValueStorage;
  /** `browser.storage.managed.get()`. */
  readManaged: () => Promise<unknown>;
  fetch: typeof fetch;
  locks: Locks;
  now: Clock;
  random: () => number;
  /** A new value for `SUPPORT_REVISION_KEY`. */
  newRevision: () => string;
  timeoutMs?: number;
}

export interface SupportReplies {
  /**
   * Fetches the list when due: every time while a request is open (not closed), else every
   * `QUIET_REFRESH_MS`. `manual` ("Sync now") and `force` (a request was just sent) fetch at once
   * and skip our own backoff; an alarm's run is skipped while another fetch runs.
   */
  refresh(options?: { manual?: boolean; force?: boolean }): Promise<RefreshOutcome>;
  view(): Promise<MySupportView>;
  /** The user read a request: its staff replies stop counting as unread. */
  markSeen(requestId: string): Promise<void>;
  /** "Later": no notice for the replies unread now; they stay unread. */
  deferNotice(): Promise<void>;
  reply(requestId: string, body: string): Promise<SupportActionOutcome>;
  markSolved(requestId: string): Promise<SupportActionOutcome>;
  /** Unenrolled: drops the requests, replies and seen marks. */
  forget(): Promise<void>;
}

/**
 * Staff replies (any role but `user`) the user has not seen. A reply of the user's own after a
 * staff reply says they read it (on another device, say), so only later staff replies count.
 */
export function unreadReplyIds(request: MySupportRequest, seen: ReadonlySet<string>): string[] {
  const replies = request.replies;
  let lastOwn = -1;
  replies.forEach((reply, index) => {
    if (reply.author.role === 'user') lastOwn = index;
  });
  return replies.filter((reply, index) => index > lastOwn && reply.author.role !== 'user' && !seen.has(reply.id)).map((reply) => reply.id);
}

/** The threads, the unread total and which request the notice is about. */
export function supportView(requests: readonly MySupportRequest[], seen: readonly string[], deferred: readonly string[]): MySupportView {
  const seenIds = new Set(seen);
  const deferredIds = new Set(deferred);
  const threads = requests.map((request) => ({ ...request, unreadReplyIds: unreadReplyIds(request, seenIds) }));
  let notice: { requestId: string; at: string } | null = null;
  for (const thread of threads) {
    for (const reply of thread.replies) {
      if (!thread.unreadReplyIds.includes(reply.id) || deferredIds.has(reply.id)) continue;
      // ISO instants of one precision order as strings.
      if (notice === null || reply.at > notice.at) notice = { requestId: thread.id, at: reply.at };
    }
  }
  return {
    requests: threads,
    unread: threads.reduce((total, thread) => total + thread.unreadReplyIds.length, 0),
    noticeRequestId: notice?.requestId ?? null,
  };
}

/** Whether the alarm's run should fetch the list now. */
export function isRefreshDue(state: { fetchedAt: number | null; requests: readonly MySupportRequest[] } | null, now: number): boolean {
  if (state === null || state.fetchedAt === null) return true;
  if (state.requests.some((request) => request.status !== 'closed')) return true;
  return now - state.fetchedAt >= QUIET_REFRESH_MS;
}

export function createSupportReplies(deps: SupportRepliesDeps): SupportReplies {
  const { storage, now } = deps;
  const backoff = persistedBackoff(storage, SUPPORT_REPLIES_BACKOFF_KEY, now, deps.random);

  async function enrolled(): Promise<Enrollment | null> {
    const [settings, stored] = await Promise.all([readSyncSettings(storage, deps.readManaged), readEnrollment(storage)]);
    const enrollment = activeEnrollment(stored, settings);
    return enrollment === null || enrollment.revoked ? null : enrollment;
  }

  const ownerOf = (enrollment: Enrollment): Owner => ({ backendUrl: enrollment.backendUrl, userId: enrollment.user.id });

  const sameOwner = (a: Owner, b: Owner): boolean => a.backendUrl === b.backendUrl && a.userId === b.userId;

  /** The stored state if it is this owner's, else null. */
  async function readOwned(owner: Owner): Promise<StoredReplies | null> {
    const stored = await readKey<StoredReplies | null>(storage, SUPPORT_REPLIES_KEY, StoredRepliesSchema.nullable(), null);
    return stored !== null && sameOwner(stored.owner, owner) ? stored : null;
  }

  const nothingYet = (owner: Owner): StoredReplies => ({ owner, requests: [], seen: [], deferred: [] });

  /** The stored state if it is this owner's; else nothing fetched yet. */
  async function read(owner: Owner): Promise<StoredReplies> {
    return (await readOwned(owner)) ?? nothingYet(owner);
  }

  async function fetchedAt(owner: Owner): Promise<number | null> {
    const fetched = await readKey(storage, SUPPORT_REPLIES_FETCHED_KEY, FetchedSchema.nullable(), null);
    return fetched !== null && sameOwner(fetched.owner, owner) ? fetched.at : null;
  }

  /**
   * Read, change, write under the state lock: the state is written only when it changed (or was
   * another owner's), and the revision moves only when what the overlay shows changed.
   */
  async function update(owner: Owner, change: (state: StoredReplies) => StoredReplies): Promise<{ changed: boolean }> {
    return withLock(deps.locks, SUPPORT_REPLIES_STATE_LOCK, async () => {
      const stored = await readOwned(owner);
      const before = stored ?? nothingYet(owner);
      const after = change(before);
      const changed =
        JSON.stringify([before.requests, before.seen, before.deferred]) !== JSON.stringify([after.requests, after.seen, after.deferred]);
      if (changed) await storage.set({ [SUPPORT_REPLIES_KEY]: after, [SUPPORT_REVISION_KEY]: deps.newRevision() });
      else if (stored === null) await storage.set({ [SUPPORT_REPLIES_KEY]: after });
      return { changed };
    });
  }

  const clientFor = (enrollment: Enrollment): ApiClient =>
    createApiClient({ baseUrl: enrollment.backendUrl, deviceToken: enrollment.deviceToken, fetch: deps.fetch, now, timeoutMs: deps.timeoutMs });

  /** Fetches and stores the list; the caller holds the fetch lock and has decided it is due. */
  async function fetchAndStore(enrollment: Enrollment): Promise<RefreshOutcome> {
    const result = await clientFor(enrollment).listMySupport();
    if (!result.ok) {
      // The last good list stays; 401/403 are the sync's to act on (it marks the enrolment revoked).
      await backoff.failed(result.failure.kind === 'unavailable' ? result.failure.retryAfterMs : null);
      return { status: 'failed', failure: result.failure };
    }
    await backoff.succeeded();
    const requests = result.value.requests;
    // Marks for replies the backend no longer lists are dropped, so they cannot pile up.
    const listed = new Set(requests.flatMap((request) => request.replies.map((reply) => reply.id)));
    const owner = ownerOf(enrollment);
    const { changed } = await update(owner, (state) => ({
      ...state,
      requests,
      seen: state.seen.filter((id) => listed.has(id)),
      deferred: state.deferred.filter((id) => listed.has(id)),
    }));
    await storage.set({ [SUPPORT_REPLIES_FETCHED_KEY]: { owner, at: now() } });
    return { status: 'refreshed', changed };
  }

  async function refresh({ manual = false, force = false } = {}): Promise<RefreshOutcome> {
    const enrollment = await enrolled();
    if (enrollment === null) return { status: 'skipped', reason: 'not_enrolled' };
    const asked = manual || force;
    const run = async (): Promise<RefreshOutcome> => {
      if (!asked) {
        const owner = ownerOf(enrollment);
        const [state, at] = await Promise.all([read(owner), fetchedAt(owner)]);
        if (!isRefreshDue({ fetchedAt: at, requests: state.requests }, now())) return { status: 'skipped', reason: 'not_due' };
      }
      if (!(await backoff.due(asked))) return { status: 'skipped', reason: 'backing_off' };
      return fetchAndStore(enrollment);
    };
    if (asked) return withLock(deps.locks, SUPPORT_REPLIES_FETCH_LOCK, run);
    const locked = await tryWithLock(deps.locks, SUPPORT_REPLIES_FETCH_LOCK, run);
    return locked.acquired ? locked.value : { status: 'skipped', reason: 'busy' };
  }

  async function view(): Promise<MySupportView> {
    const enrollment = await enrolled();
    if (enrollment === null) return EMPTY_SUPPORT_VIEW;
    const state = await read(ownerOf(enrollment));
    return supportView(state.requests, state.seen, state.deferred);
  }

  /** Runs one of the user's actions and reads the list again, so the thread shows the outcome. */
  async function act(requestId: string, send: (client: ApiClient) => Promise<ApiResult<SupportAck>>): Promise<SupportActionOutcome> {
    const enrollment = await enrolled();
    if (enrollment === null) return { status: 'not_enrolled' };
    const result = await send(clientFor(enrollment));
    const outcome = actionOutcome(result);
    if (outcome.status === 'unreachable' || outcome.status === 'signed_out' || outcome.status === 'rejected') {
      if (!result.ok) console.warn(`[Ombord] an action on help request ${requestId} failed:`, result.failure);
      return outcome;
    }
    // The backend took it (or says the request is closed or gone): show its state now.
    await withLock(deps.locks, SUPPORT_REPLIES_FETCH_LOCK, async () => {
      const fetched = await fetchAndStore(enrollment);
      if (fetched.status !== 'failed' || outcome.status !== 'done') return;
      // The list did not come through: at least show the status the backend acknowledged.
      await update(ownerOf(enrollment), (state) => ({
        ...state,
        requests: state.requests.map((request) => (request.id === requestId ? { ...request, status: outcome.requestStatus } : request)),
      }));
    });
    return outcome;
  }

  return {
    refresh,
    view,
    async markSeen(requestId) {
      const enrollment = await enrolled();
      if (enrollment === null) return;
      await update(ownerOf(enrollment), (current) => {
        const request = current.requests.find((candidate) => candidate.id === requestId);
        const unread = request === undefined ? [] : unreadReplyIds(request, new Set(current.seen));
        return unread.length === 0 ? current : { ...current, seen: [...current.seen, ...unread] };
      });
    },
    async deferNotice() {
      const enrollment = await enrolled();
      if (enrollment === null) return;
      await update(ownerOf(enrollment), (current) => {
        const unread = supportView(current.requests, current.seen, []).requests.flatMap((thread) => thread.unreadReplyIds);
        const deferred = new Set(current.deferred);
        const added = unread.filter((id) => !deferred.has(id));
        return added.length === 0 ? current : { ...current, deferred: [...current.deferred, ...added] };
      });
    },
    async reply(requestId, body) {
      // The overlay checks the length; what is left is text the backend would refuse anyway.
      if (!SupportReplyRequestSchema.safeParse({ body }).success) {
        return { status: 'rejected', message: `An answer must be 1 to ${SUPPORT_REPLY_MAX} characters of text, without NUL characters.` };
      }
      return act(requestId, (client) => client.replyToSupport(requestId, body));
    },
    markSolved(requestId) {
      return act(requestId, (client) => client.markSupportSolved(requestId));
    },
    async forget() {
      await withLock(deps.locks, SUPPORT_REPLIES_STATE_LOCK, async () => {
        await storage.remove([SUPPORT_REPLIES_KEY, SUPPORT_REPLIES_FETCHED_KEY, SUPPORT_REPLIES_BACKOFF_KEY]);
        await storage.set({ [SUPPORT_REVISION_KEY]: deps.newRevision() });
      });
    },
  };
}

function actionOutcome(result: ApiResult<SupportAck>): SupportActionOutcome {
  if (result.ok) return { status: 'done', requestStatus: result.value.status };
  const { failure } = result;
  switch (failure.kind) {
    case 'auth':
      return { status: 'signed_out' };
    case 'refused':
      if (failure.status === 409) return { status: 'closed' };
      if (failure.status === 404) return { status: 'not_found' };
      return { status: 'rejected', message: failure.error?.message ?? `HTTP ${failure.status}` };
    case 'network':
    case 'timeout':
    case 'unavailable':
    case 'server':
    case 'invalid_response':
      return { status: 'unreachable' };
  }
}
