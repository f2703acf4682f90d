import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { newProgressEvent, type ProgressEvent } from '../api/progress';
import { openProgressStore, type ProgressStore } from '../progress/store';
import { createApiClient } from './client';
import { RESTORE_KEY, isRestorePending, restoreProgress } from './restore';
import { fakeBackend, memoryStorage } from './testing';

const NOW = Date.parse('2025-03-24T08:00:00Z');
const context = { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: 'Opportunity', surface: 'lightning' } as const;
const seen = (index: number): ProgressEvent =>
  newProgressEvent({ type: 'seen', packId: 'sales-basics', packVersion: 1, itemId: `tip-${index}`, context }, new Date(NOW - 100_000 + index));

const stores: ProgressStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

async function setup() {
  const backend = fakeBackend({ pageSize: 2 });
  const enrolled = await createApiClient({ baseUrl: 'https://ombord.example.com', fetch: backend.fetch, now: () => NOW }).enroll({
    enrollmentToken: 'enrol-acme-0123456789',
    user: { email: 'kari@acme.no' },
    extensionVersion: '0.1.0',
  });
  if (!enrolled.ok) throw new Error('enrolment failed');
  const client = createApiClient({ baseUrl: 'https://ombord.example.com', deviceToken: enrolled.value.deviceToken, fetch: backend.fetch, now: () => NOW });
  const store = await openProgressStore({ indexedDB: new IDBFactory() });
  stores.push(store);
  const storage = memoryStorage();
  const userId = enrolled.value.user.id;
  return { backend, store, storage, userId, restore: () => restoreProgress({ client, store, storage, userId }) };
}

describe('restoreProgress', () => {
  it('pages through the user\'s events and stores them without queuing them for upload', async () => {
    const { backend, store, storage, userId, restore } = await setup();
    const history = Array.from({ length: 5 }, (_, i) => seen(i));
    backend.history.push(...history);
    const local = seen(99);
    await store.append([local, history[0]!]);

    expect(await isRestorePending(storage, userId)).toBe(true);
    expect(await restore()).toEqual({ ok: true, restored: 4 });
    expect(backend.calls('GET /v1/progress').map((request) => request.path)).toEqual([
      '/v1/progress',
      '/v1/progress?after=2',
      '/v1/progress?after=4',
    ]);
    expect((await store.all()).map((event) => event.id).sort()).toEqual([...history, local].map((event) => event.id).sort());
    expect((await store.outboxPeek(10)).map((event) => event.id)).toEqual([history[0]!.id, local.id]);
    expect(await isRestorePending(storage, userId)).toBe(false);
    expect(await isRestorePending(storage, crypto.randomUUID())).toBe(true);
  });

  it('resumes from the last stored page after a failure', async () => {
    const { backend, store, restore } = await setup();
    backend.history.push(...Array.from({ length: 5 }, (_, i) => seen(i)));
    backend.script.push(new Response(JSON.stringify({ events: backend.history.slice(0, 2), next: '2' }), { status: 200 }), 'network');
    expect(await restore()).toMatchObject({ ok: false, restored: 2, failure: { kind: 'network' } });
    expect(await restore()).toEqual({ ok: true, restored: 3 });
    expect(backend.calls('GET /v1/progress').map((request) => request.path)).toEqual([
      '/v1/progress',
      '/v1/progress?after=2',
      '/v1/progress?after=2',
      '/v1/progress?after=4',
    ]);
    expect(await store.all()).toHaveLength(5);
    expect(await store.outboxSize()).toBe(0);
  });

  it('stops on a server that returns the same cursor again', async () => {
    const { backend, storage, restore } = await setup();
    const page = { events: [], next: 'same' };
    backend.script.push(new Response(JSON.stringify(page), { status: 200 }), new Response(JSON.stringify(page), { status: 200 }));
    expect(await restore()).toMatchObject({ ok: false, failure: { kind: 'invalid_response' } });
    expect(storage.data.get(RESTORE_KEY)).toMatchObject({ cursor: 'same', done: false });
  });
});
