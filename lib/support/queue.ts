/**
 * The help requests outbox: a request the user sent is kept in `storage.local` until the backend
 * has it (`POST /v1/support`, idempotent by request id), so a request written offline, before
 * enrolment or in a service worker that dies mid-send still arrives. At most `SUPPORT_QUEUE_MAX`
 * wait (the oldest go first), and their screenshots together at most
 * `SUPPORT_QUEUE_SCREENSHOT_CHARS_MAX` (see `withinScreenshotBudget`).
 */
import { z } from 'zod';
import { SupportRequestSchema, type SupportRequest } from '../api/support';
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
 * so this is not the browser's quota but our own bound: every change rewrites the whole queue.
 */
export const SUPPORT_QUEUE_SCREENSHOT_CHARS_MAX = 24 * 1024 * 1024;

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
  /** Sends what is queued, unless backing off; run by the sync alarm. */
  flush(options?: { manual?: boolean }): Promise<void>;
  queued(): Promise<SupportRequest[]>;
}

type Sent = { ok: true } | { ok: false; keep: true; retryAfterMs: number | null } | { ok: false; keep: false; message: string };

export function createSupportOutbox(deps: SupportOutboxDeps): SupportOutbox {
  const { storage } = deps;
  const backoff = persistedBackoff(storage, SUPPORT_BACKOFF_KEY, deps.now, deps.random);
  const queued = () => readKey<SupportRequest[]>(storage, SUPPORT_QUEUE_KEY, z.array(SupportRequestSchema), []);
  const without = async (id: string) => storage.set({ [SUPPORT_QUEUE_KEY]: (await queued()).filter((request) => request.id !== id) });

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
  async function send(manual: boolean): Promise<Map<string, SupportOutcome>> {
    const outcomes = new Map<string, SupportOutcome>();
    const [settings, stored] = await Promise.all([readSyncSettings(storage, deps.readManaged), readEnrollment(storage)]);
    const enrollment = activeEnrollment(stored, settings);
    if (enrollment === null || enrollment.revoked) {
      for (const request of await queued()) outcomes.set(request.id, { status: 'not_enrolled' });
      return outcomes;
    }
    if (!(await backoff.due(manual))) return outcomes;
    for (const request of await queued()) {
      const sent = await post(enrollment, request);
      if (sent.ok) {
        outcomes.set(request.id, { status: 'sent' });
        await without(request.id);
      } else if (!sent.keep) {
        console.error(`[Ombord] help request ${request.id} was refused and dropped: ${sent.message}`);
        outcomes.set(request.id, { status: 'rejected', message: sent.message });
        await without(request.id);
      } else {
        await backoff.failed(sent.retryAfterMs);
        return outcomes;
      }
    }
    await backoff.succeeded();
    return outcomes;
  }

  return {
    queued,
    async submit(request) {
      const valid = SupportRequestSchema.parse(request);
      return withLock(deps.locks, SUPPORT_LOCK, async () => {
        const waiting = await queued();
        if (!waiting.some((queuedRequest) => queuedRequest.id === valid.id)) {
          await storage.set({ [SUPPORT_QUEUE_KEY]: withinScreenshotBudget([...waiting, valid].slice(-SUPPORT_QUEUE_MAX)) });
        }
        const outcomes = await send(true);
        return outcomes.get(valid.id) ?? { status: 'queued' };
      });
    },
    async flush({ manual = false } = {}) {
      await withLock(deps.locks, SUPPORT_LOCK, async () => {
        if ((await queued()).length > 0) await send(manual);
      });
    },
  };
}

/**
 * The queue with its screenshots' base64 within `budget` characters: the screenshots of the
 * oldest requests are dropped first, and only the screenshots — a request the user wrote matters
 * more than its picture, and the newest picture is the one most likely still relevant.
 */
export function withinScreenshotBudget(requests: readonly SupportRequest[], budget = SUPPORT_QUEUE_SCREENSHOT_CHARS_MAX): SupportRequest[] {
  let total = requests.reduce((sum, request) => sum + (request.screenshot?.dataBase64.length ?? 0), 0);
  return requests.map((request) => {
    if (total <= budget || request.screenshot === undefined) return request;
    total -= request.screenshot.dataBase64.length;
    console.warn(`[Ombord] help request ${request.id} waits without its screenshot: queued screenshots are limited to ${budget} characters`);
    const withoutScreenshot: SupportRequest = { ...request };
    delete withoutScreenshot.screenshot;
    return withoutScreenshot;
  });
}
