/**
 * Isolation, on SQLite and PostgreSQL: a device of organisation A never reads or changes what
 * belongs to organisation B, and a user never reads or changes another user's progress, not
 * even by reusing or guessing event ids or cursors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeResponseSchema, PacksResponseSchema, ProgressAckSchema, ProgressPageSchema, type ProgressEvent } from '../lib/api';
import { createApp } from './app';
import { EVENT_ID_TAKEN } from './store/kysely-store';
import type { Store } from './store/store';
import { contentPack, enrol, expectApiError, postJson, progressEvent, setUpOrganisation, type Enrolled } from './test/fixtures';
import { ADAPTERS, createTestDatabase, type TestDatabase } from './test/stores';

const GENEROUS = { perIp: { max: 100_000, windowSeconds: 60 }, perDevice: { max: 100_000, windowSeconds: 60 } };

describe.each(ADAPTERS)('isolation on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let orgA: string;
  let orgB: string;
  let alice: Enrolled; // org A
  let andy: Enrolled; // org A, another user
  let bella: Enrolled; // org B
  let alicesEvents: ProgressEvent[];
  let bellasEvents: ProgressEvent[];

  const list = async (who: Enrolled, query = '') => {
    const response = await app.request(`/v1/progress${query}`, { headers: who.auth });
    expect(response.status).toBe(200);
    return ProgressPageSchema.parse(await response.json());
  };
  const post = async (who: Enrolled, events: ProgressEvent[]) => {
    const response = await postJson(app, '/v1/progress', { events }, who.auth);
    expect(response.status).toBe(200);
    return ProgressAckSchema.parse(await response.json());
  };

  beforeAll(async () => {
    database = await createTestDatabase(adapter);
    store = await database.openStore();
    app = createApp({ store, rateLimits: GENEROUS });
    const a = await setUpOrganisation(store, 'Org A');
    const b = await setUpOrganisation(store, 'Org B');
    orgA = a.organisation.id;
    orgB = b.organisation.id;
    alice = await enrol(app, a.enrollmentToken, 'alice@a.example');
    andy = await enrol(app, a.enrollmentToken, 'andy@a.example');
    // The same email in another organisation is another user.
    bella = await enrol(app, b.enrollmentToken, 'alice@a.example');
    await store.publishPack(orgA, contentPack('a-only', 1));
    await store.publishPack(orgB, contentPack('b-only', 1));
    alicesEvents = [progressEvent({ itemId: 'alice-1' }), progressEvent({ itemId: 'alice-2' })];
    bellasEvents = [progressEvent({ itemId: 'bella-1' }), progressEvent({ itemId: 'bella-2' })];
    await post(alice, alicesEvents);
    await post(bella, bellasEvents);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('enrols into the token’s organisation only, and keeps same-email users apart', async () => {
    expect(alice.organisation.id).toBe(orgA);
    expect(bella.organisation.id).toBe(orgB);
    expect(bella.user.id).not.toBe(alice.user.id);
    const response = await postJson(app, '/v1/enroll', { enrollmentToken: 'x'.repeat(43), organisationId: orgA, user: { email: 'm@x.example' }, extensionVersion: '1' });
    const error = await expectApiError(response, 400, 'validation_failed');
    expect(error.issues?.map((issue) => issue.path)).toContain('organisationId');
  });

  it("serves each organisation only its own packs, under ETags that do not cross", async () => {
    const a = await app.request('/v1/packs', { headers: alice.auth });
    const b = await app.request('/v1/packs', { headers: bella.auth });
    expect(PacksResponseSchema.parse(await a.json()).packs.map((pack) => pack.id)).toEqual(['a-only']);
    expect(PacksResponseSchema.parse(await b.json()).packs.map((pack) => pack.id)).toEqual(['b-only']);
    const crossed = await app.request('/v1/packs', { headers: { ...bella.auth, 'If-None-Match': a.headers.get('ETag') ?? '' } });
    expect(crossed.status).toBe(200);
  });

  it('answers /v1/me with the caller only', async () => {
    const me = MeResponseSchema.parse(await (await app.request('/v1/me', { headers: bella.auth })).json());
    expect(me).toMatchObject({ organisation: { id: orgB }, user: { id: bella.user.id }, deviceId: bella.deviceId });
  });

  it("lists only the caller's own events, in its organisation", async () => {
    expect((await list(alice)).events).toEqual(alicesEvents.sort((x, y) => (x.id < y.id ? -1 : 1)));
    expect((await list(andy)).events).toEqual([]);
    expect((await list(bella)).events.map((event) => event.itemId).sort()).toEqual(['bella-1', 'bella-2']);
  });

  it("cannot overwrite or read another organisation's events by reusing their ids", async () => {
    const forged = bellasEvents.map((event) => ({ ...event, itemId: 'forged-by-org-a' }));
    // Ids are scoped per organisation: the copies are Alice's own new events, nothing of Bella's changes.
    expect(await post(alice, forged)).toEqual({ accepted: forged.map((event) => event.id), duplicates: [], rejected: [] });
    expect((await list(bella)).events.map((event) => event.itemId).sort()).toEqual(['bella-1', 'bella-2']);
    expect((await list(alice)).events.map((event) => event.itemId)).not.toContain('bella-1');
  });

  it("cannot overwrite or learn another user's events in the same organisation by reusing their ids", async () => {
    const forged = alicesEvents.map((event) => ({ ...event, itemId: 'forged-by-andy' }));
    const ack = await post(andy, forged);
    expect(ack).toEqual({ accepted: [], duplicates: [], rejected: forged.map((event) => ({ id: event.id, error: EVENT_ID_TAKEN })) });
    expect(JSON.stringify(ack)).not.toContain('alice');
    expect((await list(alice)).events.map((event) => event.itemId)).toEqual(expect.arrayContaining(['alice-1', 'alice-2']));
    expect((await list(alice)).events.map((event) => event.itemId)).not.toContain('forged-by-andy');
    expect((await list(andy)).events).toEqual([]);
  });

  it('finds nothing by guessing event ids', async () => {
    const guesses = Array.from({ length: 300 }, () => progressEvent({ itemId: 'guess' }));
    const ack = await post(andy, guesses);
    expect(ack.accepted).toHaveLength(300);
    const seen = (await list(andy, '?limit=1000')).events;
    expect(seen.every((event) => event.itemId === 'guess')).toBe(true);
  });

  it("gains nothing from another user's cursor", async () => {
    const first = await list(bella, '?limit=1');
    expect(first.next).not.toBeNull();
    const withBellasCursor = await list(alice, `?after=${encodeURIComponent(first.next ?? '')}`);
    expect(withBellasCursor.events.every((event) => event.itemId.startsWith('alice') || event.itemId === 'forged-by-org-a')).toBe(true);
  });

  it('refuses a revoked device of organisation A everywhere', async () => {
    const revoked = await enrol(app, (await store.issueEnrollmentToken(orgA, { expiresAt: null })).secret, 'gone@a.example');
    await store.revokeDevice(revoked.deviceId);
    for (const [method, path] of [['GET', '/v1/me'], ['GET', '/v1/packs'], ['GET', '/v1/progress'], ['POST', '/v1/progress']] as const) {
      const response = method === 'GET'
        ? await app.request(path, { headers: revoked.auth })
        : await postJson(app, path, { events: [progressEvent()] }, revoked.auth);
      await expectApiError(response, 401, 'unauthenticated');
    }
  });
});
