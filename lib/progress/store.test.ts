import 'fake-indexeddb/auto';
import { IDBFactory, forceCloseDatabase } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newProgressEvent, type NewProgressEvent, type ProgressEvent } from '../api/progress';
import { InvalidProgressEventError, ProgressStoreClosedError, openProgressStore, type ProgressStore } from './store';

const context = { crm: 'dynamics', environment: 'production', pageType: 'record_edit', object: 'account', surface: 'uci' } as const;
const seen = (itemId: string, at: string, packId = 'pack'): ProgressEvent =>
  newProgressEvent({ type: 'seen', packId, packVersion: 1, itemId, context } satisfies NewProgressEvent, new Date(at));

const opened: ProgressStore[] = [];
async function open(indexedDB: IDBFactory = new IDBFactory(), name?: string): Promise<ProgressStore> {
  const store = await openProgressStore({ indexedDB, ...(name === undefined ? {} : { name }) });
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

describe('append', () => {
  it('stores events with their outbox entries and reads them back in time order', async () => {
    const store = await open();
    const late = seen('a', '2025-03-24T10:00:00Z');
    const early = seen('b', '2025-03-24T09:00:00Z');
    expect(await store.append([late, early])).toEqual({ added: [late.id, early.id], duplicates: [] });
    expect(await store.all()).toEqual([early, late]);
    expect(await store.since(new Date('2025-03-24T09:30:00Z'))).toEqual([late]);
    expect(await store.since(new Date(early.at))).toEqual([early, late]);
    expect(await store.outboxSize()).toBe(2);
  });

  it('is idempotent: an id already stored, or repeated in the batch, is a no-op', async () => {
    const store = await open();
    const first = seen('a', '2025-03-24T10:00:00Z');
    await store.append(first);
    const second = seen('a', '2025-03-24T11:00:00Z');
    const changedCopy = { ...first, itemId: 'changed' };
    expect(await store.append([changedCopy, second, second])).toEqual({ added: [second.id], duplicates: [first.id, second.id] });
    expect(await store.all()).toEqual([first, second]);
    expect(await store.outboxSize()).toBe(2);
    await store.outboxAck([first.id]);
    await store.append(first);
    expect(await store.outboxSize()).toBe(1);
  });

  it('rejects a malformed event with an error naming it, and stores nothing of the batch', async () => {
    const store = await open();
    const good = seen('a', '2025-03-24T10:00:00Z');
    const bad = { ...seen('b', '2025-03-24T10:00:00Z'), context: { ...context, url: 'https://acme.crm4.dynamics.com/main.aspx' } };
    const error = await store.append([good, bad]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidProgressEventError);
    expect(error).toMatchObject({ index: 1 });
    expect((error as Error).message).toContain(`Progress event 1 (type "seen", id "${bad.id}", item "pack"/"b") is invalid`);
    expect((error as Error).message).toMatch(/Unrecognized key: "url"[\s\S]*context/);
    expect(await store.all()).toEqual([]);
    expect(await store.outboxSize()).toBe(0);
  });

  it('never leaves an event without its outbox entry: an aborted transaction keeps neither', async () => {
    const store = await open();
    const kept = seen('kept', '2025-03-24T09:00:00Z');
    await store.append(kept);
    const add = IDBObjectStore.prototype.add;
    let outboxAdds = 0;
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, value, key) {
      // The second outbox write fails after two events and one outbox entry were written.
      if (this.name === 'outbox' && ++outboxAdds === 2) {
        this.transaction.abort();
        throw new DOMException('The transaction was aborted.', 'AbortError');
      }
      return add.call(this, value, key);
    });
    const batch = [seen('a', '2025-03-24T10:00:00Z'), seen('b', '2025-03-24T10:01:00Z')];
    await expect(store.append(batch)).rejects.toThrow('aborted');
    vi.restoreAllMocks();
    expect(await store.all()).toEqual([kept]);
    expect((await store.outboxPeek(10)).map((event) => event.id)).toEqual([kept.id]);
  });

  it('keeps neither when the transaction aborts after all writes were issued', async () => {
    const store = await open();
    const add = IDBObjectStore.prototype.add;
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, value, key) {
      const request = add.call(this, value, key);
      // Every write went through, then the transaction aborts before it commits.
      if (this.name === 'outbox') request.addEventListener('success', () => this.transaction.abort());
      return request;
    });
    await expect(store.append(seen('a', '2025-03-24T10:00:00Z'))).rejects.toBeInstanceOf(DOMException);
    vi.restoreAllMocks();
    expect(await store.all()).toEqual([]);
    expect(await store.outboxSize()).toBe(0);
  });
});

describe('outbox', () => {
  it('peeks oldest first, by time then id, and ack removes only from the outbox', async () => {
    const store = await open();
    const events = [
      seen('c', '2025-03-24T12:00:00Z'),
      seen('a', '2025-03-24T10:00:00Z'),
      seen('b1', '2025-03-24T11:00:00Z'),
      seen('b2', '2025-03-24T11:00:00Z'),
    ];
    await store.append(events);
    const [c, a, b1, b2] = events as [ProgressEvent, ProgressEvent, ProgressEvent, ProgressEvent];
    const sameTime = [b1, b2].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(await store.outboxPeek(3)).toEqual([a, ...sameTime]);
    await store.outboxAck([a.id, sameTime[0]!.id, 'not-an-outbox-id']);
    expect(await store.outboxPeek(10)).toEqual([sameTime[1], c]);
    expect(await store.outboxSize()).toBe(2);
    expect(await store.all()).toHaveLength(4);
  });

  it('refuses a limit that is not a positive integer', async () => {
    const store = await open();
    await expect(store.outboxPeek(0)).rejects.toThrow(RangeError);
  });
});

describe('restore', () => {
  it('stores events the backend already has without queuing them, idempotent by id', async () => {
    const store = await open();
    const local = seen('local', '2025-03-24T09:00:00Z');
    const restored = seen('restored', '2025-03-24T10:00:00Z');
    await store.append(local);
    expect(await store.restore([restored, local, restored])).toEqual({ added: [restored.id], duplicates: [local.id, restored.id] });
    expect(await store.all()).toEqual([local, restored]);
    expect((await store.outboxPeek(10)).map((event) => event.id)).toEqual([local.id]);
    await expect(store.restore([{ ...restored, id: 'not-a-uuid' }])).rejects.toBeInstanceOf(InvalidProgressEventError);
  });
});

describe('reading', () => {
  it('finds the events of one item of one pack, in time order', async () => {
    const store = await open();
    const events = [
      seen('tip', '2025-03-24T12:00:00Z'),
      seen('tip', '2025-03-24T10:00:00Z'),
      seen('tip', '2025-03-24T11:00:00Z', 'other-pack'),
      seen('tour', '2025-03-24T11:00:00Z'),
    ];
    await store.append(events);
    expect(await store.forItem('pack', 'tip')).toEqual([events[1], events[0]]);
  });
});

describe('connection', () => {
  it('keeps events and outbox across close and reopen of the same database', async () => {
    const indexedDB = new IDBFactory();
    const first = await openProgressStore({ indexedDB, name: 'reopen' });
    const event = seen('a', '2025-03-24T10:00:00Z');
    await first.append(event);
    first.close();
    await expect(first.all()).rejects.toBeInstanceOf(ProgressStoreClosedError);
    const second = await open(indexedDB, 'reopen');
    expect(await second.all()).toEqual([event]);
    expect(await second.outboxSize()).toBe(1);
  });

  it('gives way to a newer database version instead of blocking it', async () => {
    const indexedDB = new IDBFactory();
    const store = await open(indexedDB, 'upgrade');
    await store.append(seen('a', '2025-03-24T10:00:00Z'));
    const newer = indexedDB.open('upgrade', 2);
    await new Promise((resolve, reject) => {
      newer.onsuccess = resolve;
      newer.onerror = reject;
    });
    newer.result.close();
    await expect(store.all()).rejects.toThrow(/newer version of Ombord/);
  });

  it('reconnects on the next call when the browser terminated the connection', async () => {
    const indexedDB = new IDBFactory();
    const requests: IDBOpenDBRequest[] = [];
    const openDatabase = indexedDB.open.bind(indexedDB);
    vi.spyOn(indexedDB, 'open').mockImplementation((name, version) => {
      const request = openDatabase(name, version);
      requests.push(request);
      return request;
    });
    const store = await open(indexedDB, 'terminated');
    const event = seen('a', '2025-03-24T10:00:00Z');
    await store.append(event);
    // fake-indexeddb's types declare the class where it takes an instance.
    forceCloseDatabase(requests[0]!.result as unknown as typeof IDBDatabase);
    expect(await store.all()).toEqual([event]);
    expect(requests).toHaveLength(2);
  });

  it('lets the database be deleted while open', async () => {
    const indexedDB = new IDBFactory();
    await open(indexedDB, 'delete');
    const deletion = indexedDB.deleteDatabase('delete');
    await new Promise((resolve, reject) => {
      deletion.onsuccess = resolve;
      deletion.onerror = reject;
      deletion.onblocked = () => reject(new Error('blocked'));
    });
  });
});
