/**
 * Brings a user's earlier progress to a newly enrolled browser: pages through `GET /v1/progress`
 * and stores the events without queuing them for upload. The cursor is saved after every page,
 * so a worker killed half-way resumes where it stopped.
 */
import { z } from 'zod';
import type { ProgressStore } from '../progress/store';
import type { ApiClient, ApiFailure } from './client';
import { readKey, type KeyValueStorage } from './storage';

export const RESTORE_KEY = 'sync.restore';

const RestoreStateSchema = z.object({
  /** Whose progress: a different user enrolling on this browser restores theirs. */
  userId: z.string(),
  /** `after` for the next page; null before the first one. */
  cursor: z.string().nullable(),
  done: z.boolean(),
});
export type RestoreState = z.infer<typeof RestoreStateSchema>;

export interface RestoreDeps {
  client: Pick<ApiClient, 'progressPage'>;
  store: Pick<ProgressStore, 'restore'>;
  storage: KeyValueStorage;
  userId: string;
}

export type RestoreResult = { ok: true; restored: number } | { ok: false; failure: ApiFailure; restored: number };

/** Whether this browser still has to fetch the user's earlier progress. */
export async function isRestorePending(storage: KeyValueStorage, userId: string): Promise<boolean> {
  const state = await readKey(storage, RESTORE_KEY, RestoreStateSchema.nullable(), null);
  return state?.userId !== userId || !state.done;
}

/** Fetches every remaining page; `restored` counts events that were new to this browser. */
export async function restoreProgress(deps: RestoreDeps): Promise<RestoreResult> {
  const { storage, userId } = deps;
  const saved = await readKey(storage, RESTORE_KEY, RestoreStateSchema.nullable(), null);
  let state: RestoreState = saved?.userId === userId ? saved : { userId, cursor: null, done: false };
  let restored = 0;
  while (!state.done) {
    const page = await deps.client.progressPage(state.cursor);
    if (!page.ok) return { ok: false, failure: page.failure, restored };
    if (page.value.events.length > 0) restored += (await deps.store.restore(page.value.events)).added.length;
    const { next } = page.value;
    // A server that hands back the same cursor would keep this loop going for ever.
    if (next !== null && next === state.cursor) {
      return { ok: false, failure: { kind: 'invalid_response', status: 200, message: `GET /v1/progress returned its own cursor "${next}" as next.` }, restored };
    }
    state = { userId, cursor: next, done: next === null };
    await storage.set({ [RESTORE_KEY]: state });
  }
  return { ok: true, restored };
}
