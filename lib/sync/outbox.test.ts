import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { newProgressEvent, type NewProgressEvent, type ProgressEvent } from '../api/progress';
import { openProgressStore, type ProgressStore } from '../progress/store';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from './backoff';
import { createApiClient } from './client';
import { BATCH_MAX_BYTES, OUTBOX_BACKOFF_KEY, drainOutbox, readDeadLetters, takeBatch } from './outbox';
import { fakeBackend, memoryLocks, memoryStorage, type FakeBackend } from './testing';

const NOW = Date.parse('2025-03-24T08:00:00Z');
const context = { crm: 'dynamics', environment: 'production', pageType: 'record_edit', object: 'account', surface: 'uci' } as const;

function seen(index: number): ProgressEvent {
  return newProgressEvent(
    { type: 'seen', packId: 'sales-basics', packVersion: 1, itemId: `tip-${index}`, context } satisfies NewProgressEvent,
    new Date(NOW - 1_000_000 + index * 1000),
  );
}

/** An event near the largest the schema allows (~4 KB serialized). */
function bulky(index: number): ProgressEvent {
  return newProgressEvent(
    {
      type: 'anchor_missing',
      packId: 'sales-basics',
      packVersion: 1,
      itemId: `tour-${index}`,
      context,
      strategiesTried: Array.from({ length: 20 }, (_, i) => `${i}:`.padEnd(200, 'x')),
      waitedMs: 5000,
    },
    new Date(NOW - 1_000_000 + index * 1000),
  );
}

const stores: ProgressStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

async function setup(backend: FakeBackend = fakeBackend()) {
  const enrolled = await createApiClient({ baseUrl: 'https://ombord.example.com', fetch: backend.fetch, now: () => NOW }).enroll({
    enrollmentToken: 'enrol-acme-0123456789',
    user: { email: 'kari@acme.no' },
    extensionVersion: '0.1.0',
  });
  if (!enrolled.ok) throw new Error('enrolment failed');
  backend.requests.length = 0;
  const store = await openProgressStore({ indexedDB: new IDBFactory() });
  stores.push(store);
  const storage = memoryStorage();
  const clock = { now: NOW, random: 0.5 };
  /** A fresh "worker": new client and locks over the same storage and database. */
  const worker = (locks = memoryLocks()) => {
    const client = createApiClient({ baseUrl: 'https://ombord.example.com', deviceToken: enrolled.value.deviceToken, fetch: backend.fetch, now: () => clock.now });
    return (options?: { manual?: boolean; maxBytes?: number }) =>
      drainOutbox({ store, client, storage, locks, now: () => clock.now, random: () => clock.random, maxBytes: options?.maxBytes }, options);
  };
  return { backend, store, storage, clock, worker, drain: worker() };
}

const posted = (backend: FakeBackend): ProgressEvent[][] =>
  backend.calls('POST /v1/progress').map((request) => (request.body as { events: ProgressEvent[] }).events);

describe('batches', () => {
  it('sends the outbox oldest first, at most 500 events a request', async () => {
    const { backend, store, drain } = await setup();
    const events = Array.from({ length: 1203 }, (_, i) => seen(i));
    await store.append([...events].reverse());
    expect(await drain()).toEqual({ status: 'drained', delivered: 1203, rejected: 0 });
    expect(posted(backend).map((batch) => batch.length)).toEqual([500, 500, 203]);
    expect(posted(backend).flat().map((event) => event.id)).toEqual(events.map((event) => event.id));
    expect(await store.outboxSize()).toBe(0);
    expect(await store.all()).toHaveLength(1203);
  });

  it('keeps every request body within ~512 KB', async () => {
    const { backend, store, drain } = await setup();
    await store.append(Array.from({ length: 300 }, (_, i) => bulky(i)));
    expect(await drain()).toMatchObject({ status: 'drained', delivered: 300 });
    const sizes = backend.calls('POST /v1/progress').map((request) => new TextEncoder().encode(JSON.stringify(request.body)).length);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(BATCH_MAX_BYTES);
    expect(sizes[0]).toBeGreaterThan(BATCH_MAX_BYTES - 5000);
  });

  it('takeBatch counts the exact body bytes and always takes one event', () => {
    const events = [seen(0), seen(1), seen(2)];
    const bodyOf = (n: number) => new TextEncoder().encode(JSON.stringify({ events: events.slice(0, n) })).length;
    expect(takeBatch(events, bodyOf(2))).toHaveLength(2);
    expect(takeBatch(events, bodyOf(2) - 1)).toHaveLength(1);
    expect(takeBatch(events, 10)).toHaveLength(1);
  });
});

describe('acknowledgements', () => {
  it('removes exactly the acknowledged events; duplicates count as delivered', async () => {
    const { backend, store, drain } = await setup();
    const [a, b, c] = [seen(0), seen(1), seen(2)];
    await store.append([a, b, c]);
    backend.received.set(b.id, b);
    const partial = { accepted: [a.id, seen(9).id], duplicates: [b.id], rejected: [] };
    backend.script.push(new Response(JSON.stringify(partial), { status: 200 }));
    const result = await drain();
    expect(result).toMatchObject({ status: 'failed', delivered: 2, failure: { kind: 'invalid_response' } });
    expect((await store.outboxPeek(10)).map((event) => event.id)).toEqual([c.id]);

    expect(await drain({ manual: true })).toEqual({ status: 'drained', delivered: 1, rejected: 0 });
    expect(await store.outboxSize()).toBe(0);
  });

  it('moves rejected events to the dead letters with the server\'s reason, and sends the rest', async () => {
    const { backend, store, storage, clock, drain } = await setup();
    const events = [seen(0), seen(1), seen(2)];
    await store.append(events);
    backend.rejectIds.set(events[1]!.id, 'Unknown pack "sales-basics" in this organisation.');
    expect(await drain()).toEqual({ status: 'drained', delivered: 2, rejected: 1 });
    expect(await store.outboxSize()).toBe(0);
    expect(await readDeadLetters(storage)).toEqual([
      {
        id: events[1]!.id,
        type: 'seen',
        packId: 'sales-basics',
        itemId: 'tip-1',
        at: events[1]!.at,
        error: 'Unknown pack "sales-basics" in this organisation.',
        rejectedAt: new Date(clock.now).toISOString(),
      },
    ]);
    await store.append(seen(3));
    expect(await drain()).toMatchObject({ status: 'drained', delivered: 1, rejected: 0 });
  });

  it('halves a batch the server refuses as a whole until the one bad event is found', async () => {
    const backend = fakeBackend();
    const events = Array.from({ length: 40 }, (_, i) => seen(i));
    const poison = events[27]!;
    const fetch = backend.fetch;
    backend.fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
      String(init?.body ?? '').includes(poison.id)
        ? new Response(JSON.stringify({ error: { code: 'validation_failed', message: 'Invalid event', issues: [{ path: 'events[0].context', message: 'Unknown surface' }] } }), { status: 400 })
        : fetch(input, init)) as typeof globalThis.fetch;
    const { store, storage, drain } = await setup(backend);
    await store.append(events);
    expect(await drain()).toEqual({ status: 'drained', delivered: 39, rejected: 1 });
    expect((await readDeadLetters(storage)).map((letter) => [letter.id, letter.error])).toEqual([
      [poison.id, 'Invalid event — events[0].context: Unknown surface'],
    ]);
    expect(backend.received.size).toBe(39);
    expect(backend.calls('POST /v1/progress').length).toBeLessThan(15);
  });

  it('keeps the events when the address is wrong (404), instead of dead-lettering them', async () => {
    const { backend, store, storage, drain } = await setup();
    await store.append([seen(0), seen(1)]);
    backend.script.push(new Response(JSON.stringify({ error: { code: 'not_found', message: 'No route' } }), { status: 404 }));
    expect(await drain()).toMatchObject({ status: 'failed', failure: { kind: 'refused', status: 404 } });
    expect(await store.outboxSize()).toBe(2);
    expect(await readDeadLetters(storage)).toEqual([]);
  });
});

describe('backoff', () => {
  it('full jitter stays within min(cap, base · 2^(n−1))', () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, () => 0)).toBe(0);
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThan(ceiling);
      expect(backoffDelay(attempt, () => 0.999999)).toBeGreaterThan(ceiling * 0.999);
    }
    expect(backoffDelay(30, () => 0.5)).toBe(BACKOFF_CAP_MS / 2);
  });

  it('grows while the server is unreachable, persists across a worker restart, and resets on success', async () => {
    const { backend, store, storage, clock, drain, worker } = await setup();
    await store.append(seen(0));
    backend.down = true;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 12; attempt++) {
      clock.random = [0.9, 0.3, 0.6][attempt % 3]!;
      const result = await drain();
      if (result.status !== 'failed') throw new Error(`attempt ${attempt}: ${result.status}`);
      expect(result.backoff.attempt).toBe(attempt);
      const wait = result.backoff.nextAttemptAt - clock.now;
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
      expect(wait).toBe(Math.floor(clock.random * ceiling));
      waits.push(wait);
      clock.now += wait;
    }
    expect(Math.max(...waits)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(waits.at(-1)).toBeGreaterThan(waits[0]!);

    // A new worker over the same storage honours the wait the last one chose.
    clock.random = 0.5;
    const failed = await drain();
    if (failed.status !== 'failed') throw new Error(failed.status);
    backend.down = false;
    const restarted = worker();
    clock.now = failed.backoff.nextAttemptAt - 1;
    expect(await restarted()).toEqual({ status: 'waiting', nextAttemptAt: failed.backoff.nextAttemptAt });
    expect(backend.calls('POST /v1/progress')).toHaveLength(13);
    clock.now += 1;
    expect(await restarted()).toMatchObject({ status: 'drained', delivered: 1 });
    expect(storage.data.has(OUTBOX_BACKOFF_KEY)).toBe(false);
  });

  it('"Sync now" skips our own backoff', async () => {
    const { backend, store, drain } = await setup();
    await store.append(seen(0));
    backend.down = true;
    await drain();
    backend.down = false;
    expect(await drain()).toMatchObject({ status: 'waiting' });
    expect(await drain({ manual: true })).toMatchObject({ status: 'drained', delivered: 1 });
    expect(backend.received.size).toBe(1);
  });

  it.each([
    ['seconds', '120', 120_000],
    ['an HTTP date', 'Mon, 24 Mar 2025 08:05:00 GMT', 300_000],
  ])('Retry-After in %s overrides the backoff, even for "Sync now"', async (_, header, waitMs) => {
    const { backend, store, clock, drain } = await setup();
    await store.append(seen(0));
    backend.script.push(new Response(null, { status: 429, headers: { 'Retry-After': header } }));
    expect(await drain()).toMatchObject({ status: 'failed', backoff: { attempt: 1, nextAttemptAt: NOW + waitMs, serverAsked: true } });
    clock.now = NOW + waitMs - 1;
    expect(await drain({ manual: true })).toEqual({ status: 'waiting', nextAttemptAt: NOW + waitMs });
    clock.now = NOW + waitMs;
    expect(await drain()).toMatchObject({ status: 'drained', delivered: 1 });
  });
});

describe('durability', () => {
  it('loses nothing while the network is down and sends everything once it is back', async () => {
    const { backend, store, clock, drain } = await setup();
    const events = Array.from({ length: 7 }, (_, i) => seen(i));
    await store.append(events.slice(0, 4));
    backend.down = true;
    const failed = await drain();
    expect(failed).toMatchObject({ status: 'failed', failure: { kind: 'network' }, delivered: 0 });
    await store.append(events.slice(4));
    expect(await store.outboxSize()).toBe(7);
    backend.down = false;
    clock.now += BACKOFF_CAP_MS;
    expect(await drain()).toMatchObject({ status: 'drained', delivered: 7 });
    expect([...backend.received.keys()].sort()).toEqual(events.map((event) => event.id).sort());
  });

  it('re-sends a batch whose answer was lost; the server\'s duplicates complete it', async () => {
    const backend = fakeBackend();
    const fetch = backend.fetch;
    let loseNextAnswer = false;
    backend.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (!loseNextAnswer) return response;
      loseNextAnswer = false;
      throw new TypeError('network changed');
    }) as typeof globalThis.fetch;
    const { store, clock, drain } = await setup(backend);
    await store.append([seen(0), seen(1)]);
    loseNextAnswer = true;
    expect(await drain()).toMatchObject({ status: 'failed', failure: { kind: 'network' } });
    expect(backend.received.size).toBe(2);
    expect(await store.outboxSize()).toBe(2);
    clock.now += BACKOFF_CAP_MS;
    expect(await drain()).toEqual({ status: 'drained', delivered: 2, rejected: 0 });
    expect(await store.outboxSize()).toBe(0);
  });

  it('runs one drain at a time: a concurrent drain sends nothing twice', async () => {
    const { backend, store, worker } = await setup();
    await store.append(Array.from({ length: 3 }, (_, i) => seen(i)));
    const locks = memoryLocks();
    const [first, second] = [worker(locks), worker(locks)];
    let release = (): void => undefined;
    backend.gate = new Promise((resolve) => (release = resolve));
    const running = first();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await second()).toEqual({ status: 'busy' });
    release();
    expect(await running).toMatchObject({ status: 'drained', delivered: 3 });
    backend.gate = null;
    expect(await second()).toEqual({ status: 'drained', delivered: 0, rejected: 0 });
    expect(backend.calls('POST /v1/progress')).toHaveLength(1);
  });
});
