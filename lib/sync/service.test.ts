import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { newProgressEvent, type ProgressEvent } from '../api/progress';
import { openProgressStore, type ProgressStore } from '../progress/store';
import { PACKS_REFRESH_MS } from './packs';
import { createSyncService, type SyncServiceDeps } from './service';
import { ENROLLMENT_KEY, SYNC_SETTINGS_KEY } from './settings';
import { ORGANISATION, fakeBackend, memoryLocks, memoryStorage, samplePack, type FakeBackend } from './testing';

const NOW = Date.parse('2025-03-24T08:00:00Z');
const TOKEN = 'enrol-acme-0123456789';
const context = { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: 'Opportunity', surface: 'lightning' } as const;
const seen = (index: number): ProgressEvent =>
  newProgressEvent({ type: 'seen', packId: 'sales-basics', packVersion: 1, itemId: `tip-${index}`, context }, new Date(NOW - 100_000 + index));

const stores: ProgressStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

async function setup(options: { backend?: FakeBackend; policy?: Record<string, unknown>; granted?: boolean } = {}) {
  const backend = options.backend ?? fakeBackend({ user: { roles: ['sales-rep'], teams: ['nordics'], locale: 'nb' } });
  const store = await openProgressStore({ indexedDB: new IDBFactory() });
  stores.push(store);
  const storage = memoryStorage();
  const clock = { now: NOW };
  const policy = { value: options.policy ?? {} };
  let restoredSignals = 0;
  const locks = memoryLocks();
  /** A fresh service, as a restarted worker would build it, over the same storage and database. */
  const worker = () =>
    createSyncService({
      storage,
      readManaged: async () => policy.value,
      fetch: backend.fetch,
      locks,
      progressStore: async () => store,
      now: () => clock.now,
      random: () => 0.5,
      extensionVersion: '0.1.0',
      hasOriginPermission: async () => options.granted ?? true,
      onProgressRestored: async () => {
        restoredSignals += 1;
      },
    } satisfies SyncServiceDeps);
  return { backend, store, storage, clock, policy, worker, sync: worker(), restoredSignals: () => restoredSignals };
}

const enrolInput = { backendUrl: 'https://ombord.acme.no/', enrollmentToken: TOKEN, email: 'kari@acme.no' };

describe('enrolment by the user', () => {
  it('enrols, then a run restores earlier progress, sends the outbox and loads the organisation\'s packs', async () => {
    const { backend, store, sync, restoredSignals } = await setup();
    const earlier = [seen(1), seen(2)];
    backend.history.push(...earlier);
    backend.publish([samplePack('acme-sales', 1)]);
    const local = seen(3);
    await store.append(local);

    expect(await sync.enroll(enrolInput)).toEqual({ ok: true, enrolledAs: { email: 'kari@acme.no', organisation: ORGANISATION.name } });
    await sync.tick();

    expect([...backend.received.keys()]).toEqual([local.id]);
    expect((await store.all()).map((event) => event.id).sort()).toEqual([...earlier, local].map((event) => event.id).sort());
    expect(restoredSignals()).toBe(1);
    expect((await sync.orgPacks()).map((pack) => pack.id)).toEqual(['acme-sales']);
    expect(await sync.profile()).toEqual({ roles: ['sales-rep'], teams: ['nordics'], locale: 'nb' });
    expect(await sync.status()).toMatchObject({
      enrolledAs: { email: 'kari@acme.no', organisation: ORGANISATION.name },
      revoked: false,
      lastSyncAt: NOW,
      queued: 0,
      deadLetters: [],
      problem: null,
      nextAttemptAt: null,
      restoring: false,
      settings: { backendUrl: 'https://ombord.acme.no', email: 'kari@acme.no', enrollmentToken: null },
    });
  });

  it('never stores the enrollment token the user typed', async () => {
    const { storage, sync } = await setup();
    await sync.enroll(enrolInput);
    expect(JSON.stringify([...storage.data.values()])).not.toContain(TOKEN);
  });

  it('names the unusable inputs without calling the server', async () => {
    const { backend, sync } = await setup();
    expect(await sync.enroll({ backendUrl: 'ombord', enrollmentToken: 'short', email: 'kari' })).toEqual({
      ok: false,
      invalid: ['backendUrl', 'enrollmentToken', 'email'],
    });
    expect(await sync.enroll({ ...enrolInput, backendUrl: 'http://ombord.acme.no' })).toEqual({ ok: false, invalid: ['backendUrlInsecure'] });
    expect(backend.requests).toEqual([]);
  });

  it('explains a failed enrolment: wrong token, no answer, no permission', async () => {
    const wrong = await setup();
    expect(await wrong.sync.enroll({ ...enrolInput, enrollmentToken: 'enrol-wrong-0123456789' })).toEqual({ ok: false, problem: { kind: 'signed_out' } });
    wrong.backend.down = true;
    expect(await wrong.sync.enroll(enrolInput)).toEqual({ ok: false, problem: { kind: 'unreachable' } });
    expect(await wrong.sync.status()).toMatchObject({ enrolledAs: null, problem: { kind: 'unreachable' }, problemAt: NOW });

    const denied = await setup({ granted: false });
    denied.backend.down = true;
    expect(await denied.sync.enroll(enrolInput)).toEqual({ ok: false, problem: { kind: 'no_permission', origin: 'https://ombord.acme.no/*' } });
  });
});

describe('runs', () => {
  it('keeps events while the server is down, says so, and sends them later', async () => {
    const { backend, store, clock, sync } = await setup();
    await sync.enroll(enrolInput);
    await sync.tick();
    await store.append([seen(1), seen(2)]);
    backend.down = true;
    await sync.tick();
    expect(await sync.status()).toMatchObject({ queued: 2, problem: { kind: 'unreachable' }, lastSyncAt: NOW, nextAttemptAt: NOW + 1000 });
    backend.down = false;
    clock.now += 1000;
    await sync.tick();
    expect(await sync.status()).toMatchObject({ queued: 0, problem: null, lastSyncAt: clock.now });
    expect(backend.received.size).toBe(2);
  });

  it('once enrolled, a server that does not answer is unreachable, not a permission problem', async () => {
    const { backend, store, sync } = await setup({ granted: false });
    backend.down = false;
    await sync.enroll(enrolInput);
    await store.append([seen(1)]);
    backend.down = true;
    await sync.tick();
    expect(await sync.status()).toMatchObject({ queued: 1, problem: { kind: 'unreachable' } });
  });

  it('refreshes the user and the packs every 15 minutes, or when the user asks', async () => {
    const { backend, clock, sync } = await setup();
    await sync.enroll(enrolInput);
    await sync.tick();
    await sync.tick();
    expect(backend.calls('GET /v1/packs')).toHaveLength(1);
    backend.user.roles = ['sales-manager'];
    clock.now += PACKS_REFRESH_MS;
    await sync.tick();
    expect(backend.calls('GET /v1/packs')).toHaveLength(2);
    expect((await sync.profile())?.roles).toEqual(['sales-manager']);
    await sync.tick({ manual: true });
    expect(backend.calls('GET /v1/packs')).toHaveLength(3);
    expect(backend.calls('GET /v1/me')).toHaveLength(3);
  });

  it('shows dead letters in the status', async () => {
    const { backend, store, sync } = await setup();
    await sync.enroll(enrolInput);
    const event = seen(1);
    backend.rejectIds.set(event.id, 'Pack "sales-basics" is not published here.');
    await store.append(event);
    await sync.tick();
    expect((await sync.status()).deadLetters).toMatchObject([{ id: event.id, error: 'Pack "sales-basics" is not published here.' }]);
  });

  it('stops using a credential the server no longer accepts', async () => {
    const { backend, store, storage, sync } = await setup();
    await sync.enroll(enrolInput);
    backend.script.push(new Response(JSON.stringify({ error: { code: 'unauthenticated', message: 'Device revoked.' } }), { status: 401 }));
    await store.append(seen(1));
    await sync.tick({ manual: true });
    expect(await sync.status()).toMatchObject({ revoked: true, problem: { kind: 'signed_out' }, queued: 1 });
    expect(storage.data.get(ENROLLMENT_KEY)).toMatchObject({ revoked: true });
    const before = backend.requests.length;
    await sync.tick({ manual: true });
    expect(backend.requests.length).toBe(before);
  });

  it('a restarted worker continues an interrupted restore from its cursor', async () => {
    const backend = fakeBackend({ pageSize: 2 });
    const { store, worker } = await setup({ backend });
    backend.history.push(...Array.from({ length: 5 }, (_, i) => seen(i)));
    const first = worker();
    await first.enroll(enrolInput);
    backend.script.push(new Response(JSON.stringify({ events: backend.history.slice(0, 2), next: '2' }), { status: 200 }), 'network');
    await first.tick();
    expect(await first.status()).toMatchObject({ restoring: true, problem: { kind: 'unreachable' } });
    const second = worker();
    await second.tick({ manual: true });
    expect(await second.status()).toMatchObject({ restoring: false, problem: null, queued: 0 });
    expect(await store.all()).toHaveLength(5);
    expect(backend.calls('GET /v1/progress').map((request) => request.path)).toEqual([
      '/v1/progress',
      '/v1/progress?after=2',
      '/v1/progress?after=2',
      '/v1/progress?after=4',
    ]);
  });

  it('forgets the enrolment but keeps the address, the email and the local progress', async () => {
    const { storage, store, sync } = await setup();
    await sync.enroll(enrolInput);
    await store.append(seen(1));
    await sync.tick();
    await sync.forget();
    expect(await sync.status()).toMatchObject({ enrolledAs: null, lastSyncAt: null, problem: null, settings: { backendUrl: 'https://ombord.acme.no', email: 'kari@acme.no' } });
    expect(await sync.orgPacks()).toEqual([]);
    expect(await sync.profile()).toBeNull();
    expect([...storage.data.keys()]).toEqual([SYNC_SETTINGS_KEY]);
    expect(await store.all()).toHaveLength(1);
  });
});

describe('managed policy', () => {
  const policy = { backendUrl: 'https://ombord.acme.no', enrollmentToken: TOKEN, userEmail: 'kari@acme.no' };

  it('enrols by itself when the policy names the backend, the token and the user', async () => {
    const { backend, sync } = await setup({ policy });
    await sync.tick();
    expect(backend.calls('POST /v1/enroll')).toHaveLength(1);
    expect(await sync.status()).toMatchObject({
      enrolledAs: { email: 'kari@acme.no' },
      settings: { locked: { backendUrl: true, enrollmentToken: true, email: true } },
    });
    await sync.tick();
    expect(backend.calls('POST /v1/enroll')).toHaveLength(1);
  });

  it('asks for the email when the policy does not give it, then enrols with the one the user types', async () => {
    const { backend, sync } = await setup({ policy: { backendUrl: policy.backendUrl, enrollmentToken: TOKEN } });
    await sync.tick();
    expect(await sync.status()).toMatchObject({ enrolledAs: null, problem: { kind: 'needs_email' } });
    expect(await sync.enroll({ backendUrl: 'https://elsewhere.example.com', enrollmentToken: '', email: 'ola@acme.no' })).toMatchObject({ ok: true });
    expect(backend.requests.at(-1)?.body).toMatchObject({ enrollmentToken: TOKEN, user: { email: 'ola@acme.no' } });
    expect((await sync.status()).settings).toMatchObject({ backendUrl: policy.backendUrl, email: 'ola@acme.no' });
  });

  it('drops an enrolment with another backend than the policy names, and enrols again', async () => {
    const setupResult = await setup();
    const { backend, sync } = setupResult;
    await sync.enroll({ ...enrolInput, backendUrl: 'https://old.example.com' });
    setupResult.policy.value = policy;
    expect((await sync.status()).enrolledAs).toBeNull();
    await sync.tick();
    expect(backend.calls('POST /v1/enroll')).toHaveLength(2);
    expect(await sync.status()).toMatchObject({ enrolledAs: { email: 'kari@acme.no' }, settings: { backendUrl: policy.backendUrl } });
  });

  it('backs off when auto-enrolment fails, instead of trying on every alarm', async () => {
    const { backend, clock, sync } = await setup({ policy: { ...policy, enrollmentToken: 'enrol-revoked-0123456789' } });
    await sync.tick();
    await sync.tick();
    expect(backend.calls('POST /v1/enroll')).toHaveLength(1);
    expect((await sync.status()).problem).toEqual({ kind: 'signed_out' });
    clock.now += 1000;
    await sync.tick();
    expect(backend.calls('POST /v1/enroll')).toHaveLength(2);
  });
});
