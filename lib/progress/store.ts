/**
 * The durable record of progress events in IndexedDB, with the outbox of events the backend has
 * not acknowledged yet. Owned by the background service worker; see `progress.design.md`.
 */
import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { z } from 'zod';
import { ProgressEventSchema, type ProgressEvent, type ProgressEventType } from '../api/progress';

export const PROGRESS_DB_NAME = 'ombord-progress';
/** Bump together with a new `case` in `upgrade`. */
const DB_VERSION = 1;

/** An event waiting to be synced; `at` orders the outbox oldest first. */
interface OutboxEntry {
  id: string;
  at: string;
}

interface ProgressDB extends DBSchema {
  events: {
    key: string;
    value: ProgressEvent;
    indexes: { 'by-at': string; 'by-item': [string, string]; 'by-type': ProgressEventType };
  };
  outbox: {
    key: string;
    value: OutboxEntry;
    indexes: { 'by-at': string };
  };
}

type Database = IDBPDatabase<ProgressDB>;

/**
 * Brings the schema from `oldVersion` (0: no database yet) to `DB_VERSION`, one version at a time.
 * To change the schema: bump `DB_VERSION` and add `case N:` migrating from N to N + 1, using
 * `transaction` to rewrite existing records. Never edit a case that has shipped.
 */
function upgrade(
  db: Database,
  oldVersion: number,
  transaction: IDBPTransaction<ProgressDB, StoreNames<ProgressDB>[], 'versionchange'>,
): void {
  for (let version = oldVersion; version < DB_VERSION; version++) {
    switch (version) {
      case 0: {
        const events = db.createObjectStore('events', { keyPath: 'id' });
        events.createIndex('by-at', 'at');
        events.createIndex('by-item', ['packId', 'itemId']);
        events.createIndex('by-type', 'type');
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('by-at', 'at');
        break;
      }
      default:
        transaction.abort();
        throw new Error(`No migration of the progress database from version ${version}.`);
    }
  }
}

/** One or more events failed the schema; nothing of the batch was stored. */
export class InvalidProgressEventError extends Error {
  override readonly name = 'InvalidProgressEventError';
  constructor(
    /** Position of the first invalid event in what was passed to `append`. */
    readonly index: number,
    readonly issues: z.core.$ZodIssue[],
    input: unknown,
  ) {
    super(`Progress event ${index} (${describe(input)}) is invalid:\n${z.prettifyError({ issues })}`);
  }
}

function describe(input: unknown): string {
  if (typeof input !== 'object' || input === null) return `not an object: ${typeof input}`;
  const { type, id, packId, itemId } = input as Record<string, unknown>;
  return [`type ${JSON.stringify(type)}`, `id ${JSON.stringify(id)}`, `item ${JSON.stringify(packId)}/${JSON.stringify(itemId)}`].join(', ');
}

/** The store can no longer be used: closed by its owner, or superseded by a newer version. */
export class ProgressStoreClosedError extends Error {
  override readonly name = 'ProgressStoreClosedError';
}

export interface AppendResult {
  /** Ids stored by this call, in the order given. */
  added: string[];
  /** Ids that were already stored (or repeated within the call): left as they were. */
  duplicates: string[];
}

export interface ProgressStore {
  /** Validates and stores events with their outbox entries, all in one transaction. */
  append(events: ProgressEvent | readonly ProgressEvent[]): Promise<AppendResult>;
  /**
   * Like `append`, but for events the backend already has (restored on a new device): stored
   * without outbox entries, so they are never sent back.
   */
  restore(events: readonly ProgressEvent[]): Promise<AppendResult>;
  /** Every event, ordered by `at`, then id. */
  all(): Promise<ProgressEvent[]>;
  /** Events at or after `date`, ordered by `at`, then id. */
  since(date: Date): Promise<ProgressEvent[]>;
  /** Events about one item, ordered by `at`, then id. */
  forItem(packId: string, itemId: string): Promise<ProgressEvent[]>;
  /** Up to `limit` unacknowledged events, oldest first. */
  outboxPeek(limit: number): Promise<ProgressEvent[]>;
  /** Removes acknowledged events from the outbox; the events themselves stay. Unknown ids are ignored. */
  outboxAck(ids: readonly string[]): Promise<void>;
  outboxSize(): Promise<number>;
  close(): void;
}

export interface ProgressStoreOptions {
  /** Database name; tests use a fresh one each. */
  name?: string;
  /**
   * The IndexedDB to use, by default the global one. `idb` recognises requests by the global
   * `IDBRequest` & co., so a factory must come from the same implementation as the globals
   * (for tests: `import 'fake-indexeddb/auto'`, then `new IDBFactory()`).
   */
  indexedDB?: IDBFactory;
}

function openDatabase(
  factory: IDBFactory,
  name: string,
  onVersionChange: () => void,
  onTerminated: () => void,
): Promise<Database> {
  const request = factory.open(name, DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    // `idb`'s `wrap` is untyped; this is the schema `upgrade` creates.
    const db = wrap(request.result) as unknown as Database;
    const transaction = wrap(request.transaction as IDBTransaction) as unknown as Parameters<typeof upgrade>[2];
    upgrade(db, event.oldVersion, transaction);
  });
  // `blocked` needs no handler: every version of this store closes on `versionchange`, so the
  // request goes through as soon as older connections have done so.
  return new Promise((resolve, reject) => {
    request.addEventListener('error', () => reject(request.error));
    request.addEventListener('success', () => {
      const db = request.result;
      db.addEventListener('versionchange', () => {
        db.close();
        onVersionChange();
      });
      // Fired only when the browser closes the connection (storage cleared, disk error).
      db.addEventListener('close', onTerminated);
      resolve(wrap(db) as unknown as Database);
    });
  });
}

/**
 * Opens (creating or upgrading) the progress database. Holds one connection; if the browser
 * terminates it, the next call reconnects. A newer version of the database (extension update) or
 * a deletion closes this connection for good, and calls then fail with `ProgressStoreClosedError`.
 */
export async function openProgressStore(options: ProgressStoreOptions = {}): Promise<ProgressStore> {
  const factory = options.indexedDB ?? indexedDB;
  const name = options.name ?? PROGRESS_DB_NAME;
  let closedBecause: string | null = null;
  let connection: Promise<Database> | null = null;

  const connect = (): Promise<Database> => {
    const opening = openDatabase(
      factory,
      name,
      () => {
        closedBecause = 'a newer version of Ombord is upgrading (or deleting) the progress database';
        connection = null;
      },
      () => {
        if (connection === opening) connection = null;
      },
    );
    opening.catch(() => {
      if (connection === opening) connection = null;
    });
    return opening;
  };

  const database = (): Promise<Database> => {
    if (closedBecause !== null) return Promise.reject(new ProgressStoreClosedError(`Progress store "${name}" is closed: ${closedBecause}.`));
    connection ??= connect();
    return connection;
  };

  await database();

  const byAtThenId = (a: ProgressEvent, b: ProgressEvent): number =>
    a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

  /** Validates and stores events in one transaction, with outbox entries when `queue`. */
  async function write(input: ProgressEvent | readonly ProgressEvent[], queue: boolean): Promise<AppendResult> {
    const list: readonly unknown[] = Array.isArray(input) ? input : [input];
    const events: ProgressEvent[] = [];
    list.forEach((candidate, index) => {
      const parsed = ProgressEventSchema.safeParse(candidate);
      if (!parsed.success) throw new InvalidProgressEventError(index, parsed.error.issues, candidate);
      events.push(parsed.data);
    });
    const result: AppendResult = { added: [], duplicates: [] };
    if (events.length === 0) return result;

    const tx = (await database()).transaction(['events', 'outbox'], 'readwrite');
    const eventStore = tx.objectStore('events');
    const outbox = tx.objectStore('outbox');
    const ids = new Set<string>();
    try {
      const stored = await Promise.all(events.map((event) => eventStore.getKey(event.id)));
      events.forEach((event, index) => {
        if (stored[index] !== undefined || ids.has(event.id)) {
          result.duplicates.push(event.id);
          return;
        }
        ids.add(event.id);
        // A failing write aborts the whole transaction, and `tx.done` reports why.
        eventStore.add(event).catch(ignore);
        if (queue) outbox.add({ id: event.id, at: event.at }).catch(ignore);
        result.added.push(event.id);
      });
    } catch (error) {
      abortQuietly(tx);
      await tx.done.catch(ignore);
      throw error;
    }
    await tx.done;
    return result;
  }

  return {
    append: (input) => write(input, true),

    restore: (events) => write(events, false),

    async all() {
      return (await database()).getAllFromIndex('events', 'by-at');
    },

    async since(date) {
      return (await database()).getAllFromIndex('events', 'by-at', IDBKeyRange.lowerBound(date.toISOString()));
    },

    async forItem(packId, itemId) {
      const events = await (await database()).getAllFromIndex('events', 'by-item', IDBKeyRange.only([packId, itemId]));
      return events.sort(byAtThenId);
    },

    async outboxPeek(limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`outboxPeek limit must be a positive integer, got ${limit}.`);
      const tx = (await database()).transaction(['outbox', 'events'], 'readonly');
      const entries = await tx.objectStore('outbox').index('by-at').getAll(null, limit);
      const events = await Promise.all(entries.map((entry) => tx.objectStore('events').get(entry.id)));
      await tx.done;
      return events.filter((event): event is ProgressEvent => event !== undefined);
    },

    async outboxAck(ids) {
      if (ids.length === 0) return;
      const tx = (await database()).transaction('outbox', 'readwrite');
      for (const id of ids) tx.store.delete(id).catch(ignore);
      await tx.done;
    },

    async outboxSize() {
      return (await database()).count('outbox');
    },

    close() {
      closedBecause ??= 'close() was called';
      const open = connection;
      connection = null;
      void open?.then((db) => db.close(), () => undefined);
    },
  };
}

const ignore = (): void => undefined;

/** Rolls back every write of the transaction, unless it has already finished or aborted. */
function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // InvalidStateError: nothing left to roll back.
  }
}
