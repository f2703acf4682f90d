/**
 * One sync job of a kind at a time across every context of the extension, with the Web Locks API
 * (`navigator.locks`, available in MV3 service workers): a lock is released when its holder
 * finishes or dies, so a killed worker never leaves a stale lock behind.
 */

/** The part of `LockManager` sync uses. */
export interface Locks {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: object | null) => Promise<T>): Promise<T>;
}

export type Locked<T> = { acquired: true; value: T } | { acquired: false };

/** Runs `job` holding `name`, waiting for the current holder if there is one. */
export async function withLock<T>(locks: Locks, name: string, job: () => Promise<T>): Promise<T> {
  return locks.request(name, {}, () => job());
}

/** Runs `job` holding `name`, or returns `{acquired: false}` at once when someone else holds it. */
export async function tryWithLock<T>(locks: Locks, name: string, job: () => Promise<T>): Promise<Locked<T>> {
  return locks.request(name, { ifAvailable: true }, async (lock): Promise<Locked<T>> =>
    lock === null ? { acquired: false } : { acquired: true, value: await job() },
  );
}
