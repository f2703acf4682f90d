/**
 * Sends the progress outbox to the backend, oldest first, in batches the backend accepts; an
 * event leaves the outbox only when the server acknowledged it, or rejected it (then it is kept
 * as a dead letter with the server's reason, so one bad event never blocks the rest).
 */
import { z } from 'zod';
import { PROGRESS_BATCH_MAX, type ProgressAck, type ProgressEvent } from '../api/progress';
import type { ProgressStore } from '../progress/store';
import { persistedBackoff, type BackoffState } from './backoff';
import type { ApiClient, ApiFailure } from './client';
import { tryWithLock, type Locks } from './lock';
import { readKey, type Clock, type KeyValueStorage } from './storage';

export const OUTBOX_BACKOFF_KEY = 'sync.outboxBackoff';
export const DEAD_LETTERS_KEY = 'sync.deadLetters';
export const OUTBOX_LOCK = 'ombord-sync-outbox';
/** Serialized size one request may reach: well under what a reverse proxy usually allows. */
export const BATCH_MAX_BYTES = 512 * 1024;
/** The newest dead letters kept for the options page; the events themselves stay in the store. */
export const DEAD_LETTERS_KEPT = 200;

export const DeadLetterSchema = z.object({
  id: z.string(),
  type: z.string(),
  packId: z.string(),
  itemId: z.string(),
  /** When the event happened. */
  at: z.string(),
  /** The server's reason, as it wrote it. */
  error: z.string(),
  rejectedAt: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

export interface OutboxDeps {
  store: Pick<ProgressStore, 'outboxPeek' | 'outboxAck'>;
  client: Pick<ApiClient, 'postProgress'>;
  storage: KeyValueStorage;
  locks: Locks;
  now: Clock;
  random: () => number;
  maxBytes?: number;
}

export type DrainResult =
  /** Another drain is running; it will send what this one would have. */
  | { status: 'busy' }
  /** Backing off (or the server asked to wait) until `nextAttemptAt`. */
  | { status: 'waiting'; nextAttemptAt: number }
  | { status: 'drained'; delivered: number; rejected: number }
  | { status: 'failed'; failure: ApiFailure; delivered: number; rejected: number; backoff: BackoffState };

/**
 * Drains until the outbox is empty or a request fails. `manual` (the user pressed "Sync now")
 * skips our own backoff but never a wait the server asked for.
 */
export async function drainOutbox(deps: OutboxDeps, options: { manual?: boolean } = {}): Promise<DrainResult> {
  const locked = await tryWithLock(deps.locks, OUTBOX_LOCK, () => drainHoldingLock(deps, options.manual ?? false));
  return locked.acquired ? locked.value : { status: 'busy' };
}

export async function readDeadLetters(storage: KeyValueStorage): Promise<DeadLetter[]> {
  return readKey(storage, DEAD_LETTERS_KEY, z.array(DeadLetterSchema), []);
}

/** The oldest events whose request body `{"events":[…]}` stays within `maxBytes` (always at least one). */
export function takeBatch(events: readonly ProgressEvent[], maxBytes: number): ProgressEvent[] {
  const encoder = new TextEncoder();
  let bytes = '{"events":[]}'.length;
  const batch: ProgressEvent[] = [];
  for (const event of events.slice(0, PROGRESS_BATCH_MAX)) {
    const size = encoder.encode(JSON.stringify(event)).length + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && bytes + size > maxBytes) break;
    bytes += size;
    batch.push(event);
  }
  return batch;
}

async function drainHoldingLock(deps: OutboxDeps, manual: boolean): Promise<DrainResult> {
  const backoff = persistedBackoff(deps.storage, OUTBOX_BACKOFF_KEY, deps.now, deps.random);
  if (!(await backoff.due(manual))) {
    const state = await backoff.read();
    return { status: 'waiting', nextAttemptAt: state?.nextAttemptAt ?? deps.now() };
  }
  let delivered = 0;
  let rejected = 0;
  for (;;) {
    const peeked = await deps.store.outboxPeek(PROGRESS_BATCH_MAX);
    if (peeked.length === 0) break;
    const sent = await send(deps, takeBatch(peeked, deps.maxBytes ?? BATCH_MAX_BYTES));
    if (!sent.ok) return { status: 'failed', failure: sent.failure, delivered, rejected, backoff: await backoff.failed(retryAfter(sent.failure)) };
    const outcome = await settle(deps, sent.batch, sent.ack);
    delivered += outcome.delivered;
    rejected += outcome.rejected;
    if (outcome.unanswered > 0) {
      // A server that skips events would have them re-sent in a tight loop; wait instead.
      const failure: ApiFailure = {
        kind: 'invalid_response',
        status: 200,
        message: `The server's answer did not mention ${outcome.unanswered} of the ${sent.batch.length} events sent.`,
      };
      return { status: 'failed', failure, delivered, rejected, backoff: await backoff.failed(null) };
    }
  }
  await backoff.succeeded();
  return { status: 'drained', delivered, rejected };
}

type Sent = { ok: true; batch: ProgressEvent[]; ack: ProgressAck } | { ok: false; failure: ApiFailure };

/**
 * Posts a batch. When the server refuses the whole batch as malformed or too large, the batch is
 * halved until the request passes or a single event is left, which is then treated as rejected:
 * one event the server cannot take never holds up the others.
 */
async function send(deps: OutboxDeps, events: ProgressEvent[]): Promise<Sent> {
  let batch = events;
  for (;;) {
    const result = await deps.client.postProgress({ events: batch });
    if (result.ok) return { ok: true, batch, ack: result.value };
    const { failure } = result;
    if (!refusesBatchContent(failure)) return { ok: false, failure };
    if (batch.length === 1) {
      const [only] = batch as [ProgressEvent];
      return { ok: true, batch, ack: { accepted: [], duplicates: [], rejected: [{ id: only.id, error: describeRefusal(failure) }] } };
    }
    batch = batch.slice(0, Math.ceil(batch.length / 2));
  }
}

/** Dead letters are written before the outbox entries are removed: a worker killed in between re-sends, never loses. */
async function settle(
  deps: OutboxDeps,
  batch: readonly ProgressEvent[],
  ack: ProgressAck,
): Promise<{ delivered: number; rejected: number; unanswered: number }> {
  const sent = new Map(batch.map((event) => [event.id, event]));
  const delivered = new Set([...ack.accepted, ...ack.duplicates].filter((id) => sent.has(id)));
  const rejected = new Map<string, string>();
  for (const { id, error } of ack.rejected) if (sent.has(id) && !delivered.has(id)) rejected.set(id, error);

  if (rejected.size > 0) {
    const rejectedAt = new Date(deps.now()).toISOString();
    const letters = [...rejected].map(([id, error]): DeadLetter => {
      const event = sent.get(id) as ProgressEvent;
      return { id, type: event.type, packId: event.packId, itemId: event.itemId, at: event.at, error, rejectedAt };
    });
    const kept = (await readDeadLetters(deps.storage)).filter((letter) => !rejected.has(letter.id));
    await deps.storage.set({ [DEAD_LETTERS_KEY]: [...kept, ...letters].slice(-DEAD_LETTERS_KEPT) });
  }
  await deps.store.outboxAck([...delivered, ...rejected.keys()]);
  return { delivered: delivered.size, rejected: rejected.size, unanswered: sent.size - delivered.size - rejected.size };
}

/** 400, 413 and 422 say "not this content"; other 4xx (404 on a wrong address, 409…) say nothing about the events. */
function refusesBatchContent(failure: ApiFailure): failure is Extract<ApiFailure, { kind: 'refused' }> {
  return failure.kind === 'refused' && [400, 413, 422].includes(failure.status);
}

function describeRefusal(failure: Extract<ApiFailure, { kind: 'refused' }>): string {
  if (failure.error === null) return `The server refused the event (HTTP ${failure.status}).`;
  const issues = failure.error.issues?.map((issue) => `${issue.path}: ${issue.message}`) ?? [];
  return [failure.error.message, ...issues].join(' — ');
}

function retryAfter(failure: ApiFailure): number | null {
  return failure.kind === 'unavailable' ? failure.retryAfterMs : null;
}
