/**
 * The store's behaviour, run identically on SQLite and PostgreSQL: organisations, tokens,
 * enrolment, users, packs with every version kept, idempotent progress, rate limits.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentPack, progressEvent } from '../test/fixtures';
import { ADAPTERS, createTestDatabase, manualClock, type TestDatabase } from '../test/stores';
import { EVENT_ID_TAKEN } from './kysely-store';
import { PUBLISHED_PACKS_MAX, StoreConflictError, type Store } from './store';

const enrollRequest = (enrollmentToken: string, email: string) => ({ enrollmentToken, user: { email }, extensionVersion: '0.1.0' });

describe.each(ADAPTERS)('store on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  const clock = manualClock();

  beforeAll(async () => {
    database = await createTestDatabase(adapter);
    store = await database.openStore({ clock: clock.now });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  describe('organisations', () => {
    it('creates, lists and finds by id or name; names are unique', async () => {
      const acme = await store.createOrganisation('Org Acme');
      await store.createOrganisation('Org Globex');
      expect((await store.listOrganisations()).map((org) => org.name)).toEqual(expect.arrayContaining(['Org Acme', 'Org Globex']));
      expect(await store.findOrganisation(acme.id)).toEqual(acme);
      expect(await store.findOrganisation('Org Acme')).toEqual(acme);
      expect(await store.findOrganisation('org acme')).toBeNull();
      await expect(store.createOrganisation('Org Acme')).rejects.toBeInstanceOf(StoreConflictError);
    });
  });

  describe('enrollment tokens and devices', () => {
    it('stores only SHA-256 hashes of tokens', async () => {
      const org = await store.createOrganisation('Hashes');
      const { secret, token } = await store.issueEnrollmentToken(org.id, { expiresAt: null });
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const enrolled = await store.enroll(enrollRequest(secret, 'hash@example.com'));
      if (!enrolled.ok) throw new Error('enrol failed');

      const db = database.openDatabase();
      try {
        const tokenRow = await db.selectFrom('enrollment_tokens').selectAll().where('id', '=', token.id).executeTakeFirstOrThrow();
        const deviceRow = await db.selectFrom('devices').selectAll().where('id', '=', enrolled.deviceId).executeTakeFirstOrThrow();
        const sha = (text: string) => createHash('sha256').update(text).digest('base64url');
        expect(tokenRow.token_hash).toBe(sha(secret));
        expect(deviceRow.token_hash).toBe(sha(enrolled.deviceToken));
        expect(JSON.stringify([tokenRow, deviceRow])).not.toContain(secret);
        expect(JSON.stringify([tokenRow, deviceRow])).not.toContain(enrolled.deviceToken);
      } finally {
        await db.destroy();
      }
    });

    it('enrols: one user per email (any case), a new device each time, uses counted', async () => {
      const org = await store.createOrganisation('Enrol');
      const { secret, token } = await store.issueEnrollmentToken(org.id, { expiresAt: null });
      const first = await store.enroll({ ...enrollRequest(secret, 'Ann@Example.com'), user: { email: 'Ann@Example.com', displayName: 'Ann' } });
      const second = await store.enroll(enrollRequest(secret, 'ann@example.com'));
      if (!first.ok || !second.ok) throw new Error('enrol failed');
      expect(second.user.id).toBe(first.user.id);
      expect(second.user.displayName).toBe('Ann');
      expect(first.user.email).toBe('ann@example.com');
      expect(second.deviceId).not.toBe(first.deviceId);
      expect(second.deviceToken).not.toBe(first.deviceToken);
      expect(first.organisation).toEqual({ id: org.id, name: 'Enrol' });
      const [listed] = (await store.listEnrollmentTokens(org.id)).filter((row) => row.id === token.id);
      expect(listed?.uses).toBe(2);
      expect((await store.listDevices(org.id)).map((device) => device.userEmail)).toEqual(['ann@example.com', 'ann@example.com']);
    });

    it('refuses unknown, revoked and expired enrollment tokens', async () => {
      const org = await store.createOrganisation('Refusals');
      expect(await store.enroll(enrollRequest('x'.repeat(43), 'a@example.com'))).toEqual({ ok: false, reason: 'unknown_token' });
      const revoked = await store.issueEnrollmentToken(org.id, { expiresAt: null });
      expect((await store.revokeEnrollmentToken(revoked.token.id))?.revokedAt).not.toBeNull();
      expect(await store.enroll(enrollRequest(revoked.secret, 'a@example.com'))).toEqual({ ok: false, reason: 'revoked' });
      const expiresAt = new Date(clock.now().getTime() + 60_000);
      const expiring = await store.issueEnrollmentToken(org.id, { expiresAt });
      expect((await store.enroll(enrollRequest(expiring.secret, 'a@example.com'))).ok).toBe(true);
      clock.advance(60_000);
      expect(await store.enroll(enrollRequest(expiring.secret, 'a@example.com'))).toEqual({ ok: false, reason: 'expired', expiredAt: expiresAt.toISOString() });
      expect(await store.revokeEnrollmentToken('no-such-token')).toBeNull();
    });

    it('authenticates devices until they are revoked', async () => {
      const org = await store.createOrganisation('Auth');
      const { secret } = await store.issueEnrollmentToken(org.id, { expiresAt: null });
      const enrolled = await store.enroll(enrollRequest(secret, 'dev@example.com'));
      if (!enrolled.ok) throw new Error('enrol failed');
      const auth = await store.authenticateDevice(enrolled.deviceToken);
      expect(auth).toMatchObject({ ok: true, session: { deviceId: enrolled.deviceId, organisation: { id: org.id }, user: { email: 'dev@example.com' } } });
      expect(await store.authenticateDevice(secret)).toEqual({ ok: false, reason: 'unknown_token' });
      expect((await store.revokeDevice(enrolled.deviceId))?.revokedAt).not.toBeNull();
      expect(await store.authenticateDevice(enrolled.deviceToken)).toEqual({ ok: false, reason: 'revoked' });
      expect(await store.revokeDevice('no-such-device')).toBeNull();
    });
  });

  describe('users', () => {
    it('creates a user or changes only the given fields', async () => {
      const org = await store.createOrganisation('Users');
      const created = await store.setUser(org.id, 'Boss@Example.com', { roles: ['manager'] });
      expect(created).toMatchObject({ email: 'boss@example.com', roles: ['manager'], teams: [], locale: null });
      const updated = await store.setUser(org.id, 'boss@example.com', { teams: ['north'], locale: 'nb' });
      expect(updated).toMatchObject({ id: created.id, roles: ['manager'], teams: ['north'], locale: 'nb' });
    });
  });

  describe('packs', () => {
    it('keeps every version, serves the latest, refuses versions not greater', async () => {
      const org = await store.createOrganisation('Packs');
      expect(await store.publishPack(org.id, contentPack('sales', 1))).toEqual({ ok: true, packId: 'sales', version: 1 });
      expect(await store.publishPack(org.id, contentPack('sales', 3))).toEqual({ ok: true, packId: 'sales', version: 3 });
      expect(await store.publishPack(org.id, contentPack('sales', 3))).toEqual({ ok: false, reason: 'not_newer', latestVersion: 3 });
      expect(await store.publishPack(org.id, contentPack('sales', 2))).toEqual({ ok: false, reason: 'not_newer', latestVersion: 3 });
      expect(await store.publishPack(org.id, contentPack('service', 1))).toMatchObject({ ok: true });
      expect(await store.publishPack(org.id, contentPack('huge', 2 ** 31))).toEqual({ ok: false, reason: 'version_too_large' });

      expect(await store.publishedPackVersions(org.id)).toEqual([{ packId: 'sales', version: 3 }, { packId: 'service', version: 1 }]);
      const packs = await store.publishedPacks(org.id);
      expect(packs).toEqual([contentPack('sales', 3), contentPack('service', 1)]);
      expect(await store.listPacks(org.id)).toMatchObject([
        { packId: 'sales', latestVersion: 3, publishedVersion: 3, versions: 2 },
        { packId: 'service', latestVersion: 1, publishedVersion: 1, versions: 1 },
      ]);
    });

    it('unpublishes without losing versions; republishing needs a greater version', async () => {
      const org = await store.createOrganisation('Unpublish');
      await store.publishPack(org.id, contentPack('tips', 1));
      expect(await store.unpublishPack(org.id, 'tips')).toBe(true);
      expect(await store.unpublishPack(org.id, 'tips')).toBe(false);
      expect(await store.unpublishPack(org.id, 'never-published')).toBe(false);
      expect(await store.publishedPacks(org.id)).toEqual([]);
      expect(await store.listPacks(org.id)).toMatchObject([{ packId: 'tips', publishedVersion: null, versions: 1 }]);
      expect(await store.publishPack(org.id, contentPack('tips', 1))).toMatchObject({ ok: false, reason: 'not_newer' });
      expect(await store.publishPack(org.id, contentPack('tips', 2))).toMatchObject({ ok: true });
      expect(await store.publishedPackVersions(org.id)).toEqual([{ packId: 'tips', version: 2 }]);
    });

    it(`refuses more than ${PUBLISHED_PACKS_MAX} published packs`, async () => {
      const org = await store.createOrganisation('Many packs');
      const pack = contentPack('p-0', 1);
      for (let i = 0; i < PUBLISHED_PACKS_MAX; i++) {
        expect((await store.publishPack(org.id, { ...pack, id: `p-${i}` })).ok).toBe(true);
      }
      expect(await store.publishPack(org.id, { ...pack, id: 'one-too-many' })).toEqual({ ok: false, reason: 'too_many_packs' });
      expect(await store.publishPack(org.id, { ...pack, id: 'p-7', version: 2 })).toMatchObject({ ok: true });
    }, 30_000);
  });

  describe('progress', () => {
    async function userIn(orgName: string, email: string) {
      const org = (await store.findOrganisation(orgName)) ?? (await store.createOrganisation(orgName));
      const { secret } = await store.issueEnrollmentToken(org.id, { expiresAt: null });
      const enrolled = await store.enroll(enrollRequest(secret, email));
      if (!enrolled.ok) throw new Error('enrol failed');
      return { organisationId: org.id, userId: enrolled.user.id, deviceId: enrolled.deviceId };
    }

    it('accepts each event once; a resend is a duplicate; an id repeated in a batch is reported once', async () => {
      const ann = await userIn('Progress', 'ann@example.com');
      const [a, b] = [progressEvent(), progressEvent({ type: 'dismissed' })];
      expect(await store.recordProgress(ann, [a, b, a])).toEqual({ accepted: [a.id, b.id], duplicates: [], rejected: [] });
      const c = progressEvent();
      expect(await store.recordProgress(ann, [b, c])).toEqual({ accepted: [c.id], duplicates: [b.id], rejected: [] });
    });

    it("rejects another user's event id without overwriting it; other organisations' ids do not collide", async () => {
      const ann = await userIn('Progress', 'ann2@example.com');
      const bob = await userIn('Progress', 'bob@example.com');
      const other = await userIn('Other org', 'carol@example.com');
      const original = progressEvent({ itemId: 'anns-item' });
      await store.recordProgress(ann, [original]);

      const stolen = { ...original, itemId: 'bobs-item' };
      expect(await store.recordProgress(bob, [stolen])).toEqual({ accepted: [], duplicates: [], rejected: [{ id: original.id, error: EVENT_ID_TAKEN }] });
      expect(await store.recordProgress(other, [stolen])).toEqual({ accepted: [original.id], duplicates: [], rejected: [] });

      expect((await store.listProgress(ann, { after: null, limit: 100 })).events).toEqual([original]);
      expect((await store.listProgress(bob, { after: null, limit: 100 })).events).toEqual([]);
      expect((await store.listProgress(other, { after: null, limit: 100 })).events).toEqual([stolen]);
    });

    it('pages through own events in the order received, with a cursor', async () => {
      const dan = await userIn('Paging', 'dan@example.com');
      const eve = await userIn('Paging', 'eve@example.com');
      const batches = [0, 1, 2].map(() => Array.from({ length: 5 }, () => progressEvent()));
      for (const batch of batches) {
        await store.recordProgress(dan, batch);
        await store.recordProgress(eve, [progressEvent()]);
        clock.advance(1);
      }
      const received = batches.flatMap((batch) => [...batch].sort((x, y) => (x.id < y.id ? -1 : 1)));
      const seen = [];
      let after = null;
      do {
        const page: Awaited<ReturnType<Store['listProgress']>> = await store.listProgress(dan, { after, limit: 4 });
        expect(page.events.length).toBeLessThanOrEqual(4);
        seen.push(...page.events);
        after = page.next;
      } while (after !== null);
      expect(seen).toEqual(received);
      expect((await store.listProgress(dan, { after: null, limit: 100 })).next).toBeNull();
    });
  });

  describe('rate limits', () => {
    it('counts hits per bucket in fixed windows and says when to retry', async () => {
      const limit = { max: 3, windowSeconds: 60 };
      clock.advance(60_000 - (clock.now().getTime() % 60_000) + 10_000);
      for (let i = 0; i < 3; i++) expect(await store.hitRateLimit('test:a', limit)).toEqual({ allowed: true });
      expect(await store.hitRateLimit('test:a', limit)).toEqual({ allowed: false, retryAfterSeconds: 50 });
      expect(await store.hitRateLimit('test:b', limit)).toEqual({ allowed: true });
      clock.advance(50_000);
      expect(await store.hitRateLimit('test:a', limit)).toEqual({ allowed: true });
    });
  });
});
