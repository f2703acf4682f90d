/**
 * Sync against the real backend (`server/app.ts` on SQLite) through `app.request` as the fetch:
 * the contract as the server implements it, not as the fake in `testing.ts` imagines it.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import type { RateLimits } from '../../server/http/env';
import type { Store } from '../../server/store/store';
import { contentPack, setUpOrganisation } from '../../server/test/fixtures';
import { createTestDatabase, type TestDatabase } from '../../server/test/stores';
import { newProgressEvent, type ProgressEvent } from '../api/progress';
import { openProgressStore, type ProgressStore } from '../progress/store';
import { OUTBOX_BACKOFF_KEY } from './outbox';
import { createSyncService } from './service';
import { ENROLLMENT_KEY } from './settings';
import { memoryLocks, memoryStorage } from './testing';

const BACKEND = 'https://ombord.acme.no';
const GENEROUS: RateLimits = { perIp: { max: 100_000, windowSeconds: 60 }, perDevice: { max: 100_000, windowSeconds: 60 } };
const context = { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: 'Opportunity', surface: 'lightning' } as const;
const seen = (index: number): ProgressEvent =>
  newProgressEvent({ type: 'seen', packId: 'sales-basics', packVersion: 1, itemId: `tip-${index}`, context }, new Date(Date.UTC(2025, 2, 24, 8, 0, index)));

let database: TestDatabase;
let serverStore: Store;
let organisationId: string;
let enrollmentToken: string;
beforeAll(async () => {
  database = await createTestDatabase('sqlite');
  serverStore = await database.openStore();
  ({ organisation: { id: organisationId }, enrollmentToken } = await setUpOrganisation(serverStore, 'Acme Nordic'));
});
afterAll(async () => {
  await serverStore?.close();
  await database?.drop();
});

const stores: ProgressStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** One browser: its own storage and IndexedDB, talking to the app in process. */
async function browserProfile(rateLimits: RateLimits = GENEROUS) {
  const app = createApp({ store: serverStore, rateLimits });
  const store = await openProgressStore({ indexedDB: new IDBFactory() });
  stores.push(store);
  const storage = memoryStorage();
  const clock = { now: Date.now() };
  const sync = createSyncService({
    storage,
    readManaged: async () => ({}),
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => app.request(input instanceof URL ? input.href : input, init)) as typeof fetch,
    locks: memoryLocks(),
    progressStore: async () => store,
    now: () => clock.now,
    random: () => 0.5,
    extensionVersion: '0.1.0',
    hasOriginPermission: async () => true,
    onProgressRestored: async () => undefined,
  });
  return { store, storage, clock, sync };
}

describe('sync with the real backend', () => {
  it('sends progress, restores it on a second browser without re-sending, and loads published packs', async () => {
    const laptop = await browserProfile();
    const events = Array.from({ length: 3 }, (_, i) => seen(i));
    await laptop.store.append(events);
    expect(await laptop.sync.enroll({ backendUrl: BACKEND, enrollmentToken, email: 'kari@acme.no' })).toMatchObject({ ok: true });
    await serverStore.setUser(organisationId, 'kari@acme.no', { roles: ['sales-rep'], teams: ['oslo'], locale: 'nb' });
    expect(await serverStore.publishPack(organisationId, contentPack('acme-sales', 1))).toMatchObject({ ok: true });
    await laptop.sync.tick();
    expect(await laptop.sync.status()).toMatchObject({ queued: 0, problem: null, deadLetters: [], enrolledAs: { organisation: 'Acme Nordic' } });
    expect((await laptop.sync.orgPacks()).map((pack) => pack.id)).toEqual(['acme-sales']);
    expect(await laptop.sync.profile()).toEqual({ roles: ['sales-rep'], teams: ['oslo'], locale: 'nb' });

    const desktop = await browserProfile();
    await desktop.sync.enroll({ backendUrl: BACKEND, enrollmentToken, email: 'KARI@acme.no' });
    await desktop.sync.tick();
    expect((await desktop.store.all()).map((event) => event.id)).toEqual(events.map((event) => event.id));
    expect(await desktop.store.outboxSize()).toBe(0);
    expect(await desktop.sync.status()).toMatchObject({ restoring: false, problem: null });
  });

  it('answers an unchanged pack list with 304 and keeps the cache', async () => {
    const browser = await browserProfile();
    await browser.sync.enroll({ backendUrl: BACKEND, enrollmentToken, email: 'ola@acme.no' });
    await browser.sync.tick();
    const before = browser.storage.data.get('sync.packs') as { etag: string; checkedAt: number };
    browser.clock.now += 1;
    await browser.sync.tick({ manual: true });
    const after = browser.storage.data.get('sync.packs') as { etag: string; checkedAt: number };
    expect(after).toEqual({ ...before, checkedAt: browser.clock.now });
  });

  it('dead-letters an event the server refuses and delivers the rest of the batch', async () => {
    const first = await browserProfile();
    await first.sync.enroll({ backendUrl: BACKEND, enrollmentToken, email: 'ann@acme.no' });
    const taken = seen(10);
    await first.store.append(taken);
    await first.sync.tick();

    // Another user's browser holds an event with the same id: the server refuses it for them.
    const second = await browserProfile();
    await second.sync.enroll({ backendUrl: BACKEND, enrollmentToken, email: 'bo@acme.no' });
    const own = [seen(11), seen(12)];
    await second.store.append([taken, ...own]);
    await second.sync.tick();
    const status = await second.sync.status();
    expect(status).toMatchObject({ queued: 0, problem: null });
    expect(status.deadLetters.map((letter) => letter.id)).toEqual([taken.id]);
    expect(status.deadLetters[0]?.error).toMatch(/\S/);
  });

  it('honours the server\'s Retry-After when rate limited', async () => {
    const browser = await browserProfile({ perIp: GENEROUS.perIp, perDevice: { max: 1, windowSeconds: 60 } });
    await browser.sync.enroll({ backendUrl: BACKEND, enrollmentToken, email: 'eva@acme.no' });
    await browser.store.append(seen(20));
    await browser.sync.tick();
    expect(await browser.sync.status()).toMatchObject({ problem: { kind: 'busy' }, queued: 1 });
    const backoff = browser.storage.data.get(OUTBOX_BACKOFF_KEY) as { nextAttemptAt: number; serverAsked: boolean } | undefined;
    // The first device request (restore) used the one allowed; the drain was told to wait.
    expect(backoff?.serverAsked).toBe(true);
    expect(backoff!.nextAttemptAt - browser.clock.now).toBeGreaterThan(0);
    expect(backoff!.nextAttemptAt - browser.clock.now).toBeLessThanOrEqual(60_000);
  });

  it('stops using a device the admin revoked, saying so', async () => {
    const browser = await browserProfile();
    await browser.sync.enroll({ backendUrl: BACKEND, enrollmentToken, email: 'per@acme.no' });
    const { deviceId } = browser.storage.data.get(ENROLLMENT_KEY) as { deviceId: string };
    await serverStore.revokeDevice(deviceId);
    await browser.store.append(seen(30));
    await browser.sync.tick();
    expect(await browser.sync.status()).toMatchObject({ revoked: true, problem: { kind: 'signed_out' }, queued: 1 });
  });
});
