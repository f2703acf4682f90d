/**
 * The help requests outbox: a request the user sent is kept in `storage.local` until the backend
 * has it (`POST /v1/support`, idempotent by request id), so a request written offline, before
 * enrolment or in a service worker that dies mid-send still arrives. At most `SUPPORT_QUEUE_MAX`
 * wait (the oldest go first), and their screenshots together at most
 * `SUPPORT_QUEUE_SCREENSHOT_CHARS_MAX` (see `withinScreenshotBudget`).
 *
 * `storage.onChanged` hands every listener (the content script in every CRM tab too) the whole old
 * and new value of a changed key, so the queue key holds only the small request records; each
 * screenshot waits under its own key (`supportScreenshotKey`), written once and removed once.
 */
import { z } from 'zod';
import { SupportRequestSchema, SupportScreenshotSchema, type SupportRequest } from '../api/support';
import { persistedBackoff } from '../sync/backoff';
import { createApiClient } from '../sync/client';
import { withLock, type Locks } from '../sync/lock';
import { activeEnrollment, readEnrollment, readSyncSettings, type Enrollment } from '../sync/settings';
import { readKey, type Clock, type KeyValueStorage } from '../sync/storage';

export const SUPPORT_QUEUE_KEY = 'support.queue';
export const SUPPORT_BACKOFF_KEY = 'support.backoff';
export const SUPPORT_LOCK = 'ombord-support';
export const SUPPORT_QUEUE_MAX = 50;
/**
 * Most base64 characters of screenshots the queue keeps: about four screenshots of the largest
 * size (a masked PNG of a CRM page is usually far smaller). The extension has `unlimitedStorage`,
 * so this is not the browser's quota but our own bound on what an unreachable backend leaves in
 * the user's profile.
 */
export const SUPPORT_QUEUE_SCREENSHOT_CHARS_MAX = 24 * 1024 * 1024;

/** The `storage.local` key a queued request's screenshot waits under. */
export const supportScreenshotKey = (requestId: string): string => `support.shot.${requestId}`;

/**
 * A queued request as the queue key holds it: without its screenshot, which waits under
 * `supportScreenshotKey`, and with the screenshot's length, so the budget is kept without reading
 * any screenshot.
 */
export type QueuedRequest = Omit<SupportRequest, 'screenshot'> & { screenshotChars?: number };

/**
 * One entry of the queue key. Versions of Ombord before the screenshots had keys of their own kept
 * them inline (`screenshot`); such an entry is moved to the new layout when the queue is read.
 */
const QueueEntrySchema = SupportRequestSchema.extend({ screenshotChars: z.int().positive().optional() });

/** What became of one request: what the help dialog tells the user. */
export type SupportOutcome =
  | { status: 'sent' }
  /** Kept; sent when the backend answers again. */
  | { status: 'queued' }
  /** Kept; sent once this browser is connected to the organisation. */
  | { status: 'not_enrolled' }
  /** The backend will never take it as it is (4xx); dropped from the queue. */
  | { status: 'rejected'; message: string };

export interface SupportOutboxDeps {
  storage: KeyValueStorage;
  readManaged: () => Promise<unknown>;
  fetch: typeof fetch;
  locks: Locks;
  now: Clock;
  random: () => number;
}

export interface SupportOutbox {
  /** Queues the request (once per id) and tries to send everything queued at once. */
  submit(request: SupportRequest): Promise<SupportOutcome>;
  /**
   * Sends what is queued, unless backing off; run by the sync alarm. What became of each request
   * it tried, by id; empty when nothing waits or it is backing off.
   */
  flush(options?: { manual?: boolean }): Promise<Map<string, SupportOutcome>>;
  /** What waits, oldest first, with the screenshots still kept. */
  queued(): Promise<SupportRequest[]>;
}

type Sent = { ok: true } | { ok: false; keep: true; retryAfterMs: number | null } | { ok: false; keep: false; message: string };

export function createSupportOutbox(deps: SupportOutboxDeps): SupportOutbox {
  const { storage } = deps;
  const backoff = persistedBackoff(storage, SUPPORT_BACKOFF_KEY, deps.now, deps.random);

  /** The queue's records; an older version's inline screenshots are moved to their own keys first. Run under the lock. */
  async function readQueue(): Promise<QueuedRequest[]> {
    const entries = await readKey(storage, SUPPORT_QUEUE_KEY, z.array(QueueEntrySchema), []);
    const inline = entries.filter((entry) => entry.screenshot !== undefined);
    const records = entries.map(({ screenshot, ...record }): QueuedRequest =>
      screenshot === undefined ? record : { ...record, screenshotChars: screenshot.dataBase64.length },
    );
    if (inline.length > 0) {
      // One write: the screenshots land together with the records that point at them.
      const screenshots = Object.fromEntries(inline.map((entry) => [supportScreenshotKey(entry.id), entry.screenshot]));
      await storage.set({ ...screenshots, [SUPPORT_QUEUE_KEY]: records });
    }
    return records;
  }

  /** The request as the backend takes it: a screenshot that went missing is not worth keeping the request back for. */
  async function withScreenshot({ screenshotChars, ...request }: QueuedRequest): Promise<SupportRequest> {
    if (screenshotChars === undefined) return request;
    const screenshot = await readKey(storage, supportScreenshotKey(request.id), SupportScreenshotSchema.optional(), undefined);
    return screenshot === undefined ? request : { ...request, screenshot };
  }

  /**
   * Writes the records (and a new screenshot) before removing the screenshots no longer kept: a
   * worker that dies in between leaves a stray screenshot, never a record whose screenshot is gone.
   */
  async function store(records: QueuedRequest[], dropped: readonly QueuedRequest[], added: Record<string, unknown> = {}): Promise<void> {
    await storage.set({ [SUPPORT_QUEUE_KEY]: records, ...added });
    const screenshots = dropped.filter((record) => record.screenshotChars !== undefined).map((record) => supportScreenshotKey(record.id));
    if (screenshots.length > 0) await storage.remove(screenshots);
  }

  async function post(enrollment: Enrollment, request: SupportRequest): Promise<Sent> {
    const client = createApiClient({
      baseUrl: enrollment.backendUrl,
      deviceToken: enrollment.deviceToken,
      fetch: deps.fetch,
      now: deps.now,
    });
    const result = await client.postSupport(request);
    // An answer that is not this request's acknowledgement is not proof it arrived.
    if (result.ok) return result.value.id === request.id ? { ok: true } : { ok: false, keep: true, retryAfterMs: null };
    const { failure } = result;
    switch (failure.kind) {
      case 'refused': {
        const reason = failure.error?.message ?? `status ${failure.status}`;
        return { ok: false, keep: false, message: `POST /v1/support was refused: ${reason}` };
      }
      case 'unavailable':
        return { ok: false, keep: true, retryAfterMs: failure.retryAfterMs };
      // Offline, timeouts, server errors, and 401/403 (the sync marks the credential revoked;
      // the request waits for a new enrolment): keep it and try again later.
      default:
        return { ok: false, keep: true, retryAfterMs: null };
    }
  }

  /** Sends the queue oldest first, stopping at the first failure that may pass; outcomes by id. */
  async function send(queue: readonly QueuedRequest[], manual: boolean): Promise<Map<string, SupportOutcome>> {
    const outcomes = new Map<string, SupportOutcome>();
    const [settings, stored] = await Promise.all([readSyncSettings(storage, deps.readManaged), readEnrollment(storage)]);
    const enrollment = activeEnrollment(stored, settings);
    if (enrollment === null || enrollment.revoked) {
      for (const record of queue) outcomes.set(record.id, { status: 'not_enrolled' });
      return outcomes;
    }
    if (!(await backoff.due(manual))) return outcomes;
    let waiting = [...queue];
    for (const record of queue) {
      const sent = await post(enrollment, await withScreenshot(record));
      if (!sent.ok && sent.keep) {
        await backoff.failed(sent.retryAfterMs);
        return outcomes;
      }
      if (sent.ok) {
        outcomes.set(record.id, { status: 'sent' });
      } else {
        console.error(`[Ombord] help request ${record.id} was refused and dropped: ${sent.message}`);
        outcomes.set(record.id, { status: 'rejected', message: sent.message });
      }
      waiting = waiting.filter((other) => other.id !== record.id);
      await store(waiting, [record]);
    }
    await backoff.succeeded();
    return outcomes;
  }

  return {
    queued: () => withLock(deps.locks, SUPPORT_LOCK, async () => Promise.all((await readQueue()).map(withScreenshot))),
    async submit(request) {
      const valid = SupportRequestSchema.parse(request);
      return withLock(deps.locks, SUPPORT_LOCK, async () => {
        let queue = await readQueue();
        if (!queue.some((record) => record.id === valid.id)) {
          const { screenshot, ...record } = valid;
          const all: QueuedRequest[] = [...queue, screenshot === undefined ? record : { ...record, screenshotChars: screenshot.dataBase64.length }];
          queue = withinScreenshotBudget(all.slice(-SUPPORT_QUEUE_MAX));
          const keptScreenshots = new Set(queue.filter((kept) => kept.screenshotChars !== undefined).map((kept) => kept.id));
          const dropped = all.filter((old) => old.screenshotChars !== undefined && !keptScreenshots.has(old.id) && old.id !== valid.id);
          const added = screenshot !== undefined && keptScreenshots.has(valid.id) ? { [supportScreenshotKey(valid.id)]: screenshot } : {};
          await store(queue, dropped, added);
        }
        const outcomes = await send(queue, true);
        return outcomes.get(valid.id) ?? { status: 'queued' };
      });
    },
    flush({ manual = false } = {}) {
      return withLock(deps.locks, SUPPORT_LOCK, async () => {
        const queue = await readQueue();
        return queue.length > 0 ? send(queue, manual) : new Map<string, SupportOutcome>();
      });
    },
  };
}

/**
 * The queue with its screenshots within `budget` base64 characters: the screenshots of the oldest
 * requests are dropped first, and only the screenshots — a request the user wrote matters more
 * than its picture, and the newest picture is the one most likely still relevant.
 */
export function withinScreenshotBudget(records: readonly QueuedRequest[], budget = SUPPORT_QUEUE_SCREENSHOT_CHARS_MAX): QueuedRequest[] {
  let total = records.reduce((sum, record) => sum + (record.screenshotChars ?? 0), 0);
  return records.map((record) => {
    if (total <= budget || record.screenshotChars === undefined) return record;
    total -= record.screenshotChars;
    console.warn(`[Ombord] help request ${record.id} waits without its screenshot: queued screenshots are limited to ${budget} characters`);
    const withoutScreenshot: QueuedRequest = { ...record };
    delete withoutScreenshot.screenshotChars;
    return withoutScreenshot;
  });
}
