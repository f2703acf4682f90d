/**
 * Exponential backoff with full jitter, kept in storage so a service worker that was killed and
 * restarted keeps waiting as long as the last one decided. A server's `Retry-After` overrides it.
 */
import { z } from 'zod';
import { readKey, type Clock, type KeyValueStorage } from './storage';

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 15 * 60_000;
/** A `Retry-After` longer than this is taken as a misconfigured server, not as a wish. */
const RETRY_AFTER_MAX_MS = 24 * 60 * 60_000;

const BackoffStateSchema = z.object({
  /** Failures in a row. */
  attempt: z.int().min(1),
  /** Epoch milliseconds before which no new attempt is made. */
  nextAttemptAt: z.number(),
  /** The server set `nextAttemptAt` with `Retry-After`: even "Sync now" waits for it. */
  serverAsked: z.boolean(),
});
export type BackoffState = z.infer<typeof BackoffStateSchema>;

/** Full jitter: a uniformly random wait between 0 and `min(cap, base · 2^(attempt − 1))`. */
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export interface Backoff {
  read(): Promise<BackoffState | null>;
  /** Whether an attempt may be made now; `manual` (the user asked) skips our own backoff, not the server's. */
  due(manual: boolean): Promise<boolean>;
  /** Records a failure; `retryAfterMs` from the server replaces the computed wait. */
  failed(retryAfterMs: number | null): Promise<BackoffState>;
  succeeded(): Promise<void>;
}

export function persistedBackoff(storage: KeyValueStorage, key: string, now: Clock, random: () => number): Backoff {
  const read = () => readKey<BackoffState | null>(storage, key, BackoffStateSchema.nullable(), null);
  return {
    read,
    async due(manual) {
      const state = await read();
      if (state === null || now() >= state.nextAttemptAt) return true;
      return manual && !state.serverAsked;
    },
    async failed(retryAfterMs) {
      const attempt = ((await read())?.attempt ?? 0) + 1;
      const serverAsked = retryAfterMs !== null;
      const wait = serverAsked ? Math.min(retryAfterMs, RETRY_AFTER_MAX_MS) : backoffDelay(attempt, random);
      const state = { attempt, nextAttemptAt: now() + wait, serverAsked };
      await storage.set({ [key]: state });
      return state;
    },
    async succeeded() {
      await storage.remove([key]);
    },
  };
}
