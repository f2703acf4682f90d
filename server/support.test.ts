/**
 * Support requests, on SQLite and PostgreSQL: intake (idempotent, ids not stealable), isolation
 * between users and organisations, screenshots checked by their bytes, hostile text kept
 * verbatim as data, and the staff workflow's transitions with their audit trail.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MySupportRequestsSchema, SUPPORT_SCREENSHOT_MAX_BYTES, SupportAckSchema, type SupportRequest } from '../lib/api';
import { createApp } from './app';
import type { Store, SupportActor } from './store/store';
import { enrol, expectApiError, postJson, setUpOrganisation, type Enrolled } from './test/fixtures';
import { ADAPTERS, createTestDatabase, type TestDatabase } from './test/stores';

const GENEROUS = { perIp: { max: 100_000, windowSeconds: 60 }, perDevice: { max: 100_000, windowSeconds: 60 } };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);

function supportRequest(patch: Partial<SupportRequest> = {}): SupportRequest {
  return {
    id: randomUUID(),
    kind: 'problem',
    description: 'The Save button does nothing',
    context: {
      crm: {
        crm: 'salesforce',
        environment: 'production',
        pageType: 'record_edit',
        object: 'Opportunity',
        recordId: null,
        surface: 'lightning',
        host: 'acme.lightning.force.com',
        orgName: 'acme',
        sandboxName: null,
        app: null,
        listView: null,
        url: 'https://acme.lightning.force.com/lightning/r/Opportunity/:id/edit',
      },
      guide: { packId: 'sales-basics', itemId: 'close-deal', stepId: 'save', stepIndex: 2 },
      breadcrumbs: [{ at: '2030-01-01T08:00:00.000Z', kind: 'click', label: 'Save' }],
      errors: [{ at: '2030-01-01T08:00:01.000Z', kind: 'error', message: 'TypeError: x is undefined', source: 'aura_prod.js' }],
      environment: { extensionVersion: '0.1.0', browser: 'Chrome 130', os: 'Windows', locale: 'nb', viewport: { width: 1440, height: 900 }, at: '2030-01-01T08:00:02.000Z' },
    },
    ...patch,
  };
}

const staff: SupportActor = { userId: null, displayName: 'Sam from support', role: 'support' };

describe.each(ADAPTERS)('support requests on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let orgA: string;
  let alice: Enrolled; // org A
  let andy: Enrolled; // org A, another user
  let bella: Enrolled; // org B

  const list = async (who: Enrolled) => {
    const response = await app.request('/v1/support', { headers: who.auth });
    expect(response.status).toBe(200);
    return MySupportRequestsSchema.parse(await response.json()).requests;
  };
  const create = async (who: Enrolled, request: unknown, status = 201) => {
    const response = await postJson(app, '/v1/support', request, who.auth);
    expect(response.status, await response.clone().text()).toBe(status);
    return SupportAckSchema.parse(await response.json());
  };

  beforeAll(async () => {
    database = await createTestDatabase(adapter);
    store = await database.openStore();
    app = createApp({ store, rateLimits: GENEROUS });
    const a = await setUpOrganisation(store, 'Support A');
    const b = await setUpOrganisation(store, 'Support B');
    orgA = a.organisation.id;
    alice = await enrol(app, a.enrollmentToken, 'alice@a.example');
    andy = await enrol(app, a.enrollmentToken, 'andy@a.example');
    bella = await enrol(app, b.enrollmentToken, 'bella@b.example');
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  describe('intake', () => {
    it('creates (201), answers a repeat with the stored request (200), refuses another user’s id (409)', async () => {
      const request = supportRequest({ screenshot: { mediaType: 'image/png', dataBase64: PNG.toString('base64') } });
      expect(await create(alice, request)).toEqual({ id: request.id, status: 'new' });
      expect(await create(alice, { ...request, description: 'changed' }, 200)).toEqual({ id: request.id, status: 'new' });
      const stolen = await postJson(app, '/v1/support', { ...request, description: 'andy' }, andy.auth);
      expect((await expectApiError(stolen, 409, 'conflict')).message).toMatch(/new random id/);
      // Ids are per organisation: the same id in another organisation is another request.
      expect(await create(bella, request)).toEqual({ id: request.id, status: 'new' });

      const mine = (await list(alice)).find((entry) => entry.id === request.id);
      expect(mine).toMatchObject({ description: 'The Save button does nothing', status: 'new', replies: [] });
      const db = database.openDatabase();
      try {
        const row = await db.selectFrom('support_requests').selectAll().where('organisation_id', '=', orgA).where('id', '=', request.id).executeTakeFirstOrThrow();
        expect(Buffer.from(row.screenshot ?? []).equals(PNG)).toBe(true);
        expect(row.screenshot_media_type).toBe('image/png');
        expect(JSON.parse(row.context)).toEqual(request.context);
      } finally {
        await db.destroy();
      }
      expect((await store.listSupportAudit(orgA, request.id)).map((entry) => entry.action)).toEqual(['created']);
    });

    it('accepts a JPEG and refuses unknown fields and bad contexts with 400', async () => {
      await create(alice, supportRequest({ screenshot: { mediaType: 'image/jpeg', dataBase64: JPEG.toString('base64') } }));
      const extra = await postJson(app, '/v1/support', { ...supportRequest(), userId: andy.user.id }, alice.auth);
      expect((await expectApiError(extra, 400, 'validation_failed')).issues?.map((issue) => issue.path)).toContain('userId');
      const tooMany = supportRequest();
      tooMany.context.breadcrumbs = Array.from({ length: 21 }, () => ({ at: '2030-01-01T08:00:00.000Z', kind: 'navigation' as const, label: 'Home' }));
      await expectApiError(await postJson(app, '/v1/support', tooMany, alice.auth), 400, 'validation_failed');
      await expectApiError(await postJson(app, '/v1/support', supportRequest({ description: '' }), alice.auth), 400, 'validation_failed');
      await expectApiError(await postJson(app, '/v1/support', supportRequest({ id: 'not-a-uuid' }), alice.auth), 400, 'validation_failed');
      await expectApiError(await postJson(app, '/v1/support', supportRequest({ description: 'a\u0000b' }), alice.auth), 400, 'validation_failed');
      await expectApiError(await postJson(app, '/v1/support', supportRequest(), {}), 401, 'unauthenticated');
    });

    it.each([
      ['a PNG declared as JPEG', { mediaType: 'image/jpeg', dataBase64: PNG.toString('base64') }, 415, /are a PNG image but its mediaType says "image\/jpeg"/],
      ['a JPEG declared as PNG', { mediaType: 'image/png', dataBase64: JPEG.toString('base64') }, 415, /are a JPEG image but its mediaType says "image\/png"/],
      ['random bytes', { mediaType: 'image/png', dataBase64: Buffer.from('GIF89a random bytes here').toString('base64') }, 415, /neither a PNG nor a JPEG/],
      ['a GIF media type', { mediaType: 'image/gif', dataBase64: PNG.toString('base64') }, 415, /must be "image\/png" or "image\/jpeg"/],
      ['truncated base64', { mediaType: 'image/png', dataBase64: PNG.toString('base64').slice(0, -3) }, 422, /not valid base64/],
      ['base64 with junk', { mediaType: 'image/png', dataBase64: `${PNG.toString('base64')}!!!!` }, 422, /not valid base64/],
      ['an oversize image', { mediaType: 'image/png', dataBase64: Buffer.concat([PNG, Buffer.alloc(SUPPORT_SCREENSHOT_MAX_BYTES)]).toString('base64') }, 413, /larger than 4194304 bytes/],
    ])('refuses %s', async (_name, screenshot, status, message) => {
      const request = supportRequest({ screenshot: screenshot as SupportRequest['screenshot'] });
      const code = status === 415 ? 'unsupported_media_type' : status === 413 ? 'payload_too_large' : 'validation_failed';
      const error = await expectApiError(await postJson(app, '/v1/support', request, alice.auth), status, code);
      expect(error.message).toMatch(message);
      expect((await list(alice)).map((entry) => entry.id)).not.toContain(request.id);
    });

    it('refuses a body over the route’s limit with 413 before reading it', async () => {
      const body = JSON.stringify(supportRequest({ screenshot: { mediaType: 'image/png', dataBase64: 'A'.repeat(7 * 1024 * 1024) } }));
      const response = await app.request('/v1/support', { method: 'POST', headers: { 'Content-Type': 'application/json', ...alice.auth }, body });
      expect((await expectApiError(response, 413, 'payload_too_large')).message).toMatch(/6291456 bytes/);
    });

    it('stores hostile text verbatim and returns it as data', async () => {
      const hostile = ['<script>alert(1)</script><img src=x onerror=alert(2)>', '\u202eevil\u202c \u2066rtl\u2069', '💥'.repeat(2500), "'; drop table support_requests; --"];
      for (const description of hostile) {
        const request = supportRequest({ description, kind: 'idea' });
        request.context.breadcrumbs = [{ at: '2030-01-01T08:00:00.000Z', kind: 'click', label: description.slice(0, 500) }];
        await create(alice, request);
        const stored = (await list(alice)).find((entry) => entry.id === request.id);
        expect(stored?.description).toBe(description);
        const reply = await postJson(app, `/v1/support/${request.id}/replies`, { body: description }, alice.auth);
        expect(reply.status).toBe(201);
        expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
        expect((await list(alice)).find((entry) => entry.id === request.id)?.replies.map((entry) => entry.body)).toEqual([description]);
      }
      // 10,000 emoji are 20,000 UTF-16 units: over the 5000-character cap, refused as such.
      await expectApiError(await postJson(app, '/v1/support', supportRequest({ description: '😀'.repeat(10_000) }), alice.auth), 400, 'validation_failed');
    });
  });

  describe('isolation', () => {
    it('another user or organisation can neither read, reply to nor solve a request', async () => {
      const request = supportRequest({ description: 'alice only' });
      await create(alice, request);
      for (const other of [andy, bella]) {
        expect((await list(other)).map((entry) => entry.description)).not.toContain('alice only');
        await expectApiError(await postJson(app, `/v1/support/${request.id}/replies`, { body: 'hijack' }, other.auth), 404, 'not_found');
        await expectApiError(await app.request(`/v1/support/${request.id}/solved`, { method: 'POST', headers: other.auth }), 404, 'not_found');
      }
      const stored = (await list(alice)).find((entry) => entry.id === request.id);
      expect(stored).toMatchObject({ status: 'new', replies: [] });
      await expectApiError(await app.request('/v1/support/not-a-uuid/solved', { method: 'POST', headers: alice.auth }), 404, 'not_found');
      await expectApiError(await app.request('/v1/support?user=x', { headers: alice.auth }), 400, 'validation_failed');
    });

    it('lists newest first with replies from staff and the user', async () => {
      const fresh = await enrol(app, (await store.issueEnrollmentToken(orgA, { expiresAt: null })).secret, 'lister@a.example');
      const first = supportRequest({ description: 'first' });
      await create(fresh, first);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = supportRequest({ description: 'second' });
      await create(fresh, second);
      expect(await store.addSupportReply(orgA, first.id, staff, 'Try again?')).toMatchObject({ ok: true, request: { status: 'answered' } });
      const back = await postJson(app, `/v1/support/${first.id}/replies`, { body: 'Still broken' }, fresh.auth);
      expect(SupportAckSchema.parse(await back.json())).toEqual({ id: first.id, status: 'in_progress' });
      const requests = await list(fresh);
      expect(requests.map((entry) => entry.description)).toEqual(['second', 'first']);
      expect(requests[1]?.replies.map((reply) => [reply.author, reply.body])).toEqual([
        [{ displayName: 'Sam from support', role: 'support' }, 'Try again?'],
        [{ displayName: 'lister@a.example', role: 'user' }, 'Still broken'],
      ]);
      const solved = await app.request(`/v1/support/${first.id}/solved`, { method: 'POST', headers: fresh.auth });
      expect(SupportAckSchema.parse(await solved.json())).toEqual({ id: first.id, status: 'closed' });
      // Solving again is harmless; replying to a closed request is refused.
      expect((await app.request(`/v1/support/${first.id}/solved`, { method: 'POST', headers: fresh.auth })).status).toBe(200);
      await expectApiError(await postJson(app, `/v1/support/${first.id}/replies`, { body: 'more' }, fresh.auth), 409, 'conflict');
    });
  });

  describe('workflow', () => {
    it('walks the allowed transitions and writes the audit trail', async () => {
      const request = supportRequest();
      await create(alice, request);
      const id = request.id;
      expect(await store.setSupportStatus(orgA, id, 'in_progress', staff)).toMatchObject({ ok: true, changed: true, request: { status: 'in_progress' } });
      expect(await store.setSupportStatus(orgA, id, 'waiting_for_user', staff)).toMatchObject({ ok: true, request: { status: 'waiting_for_user' } });
      expect(await store.addSupportReply(orgA, id, { userId: alice.user.id, displayName: 'Alice', role: 'user' }, 'Here you go')).toMatchObject({ ok: true, request: { status: 'in_progress' } });
      expect(await store.assignSupportRequest(orgA, id, andy.user.id, staff)).toMatchObject({ ok: true, request: { assigneeUserId: andy.user.id } });
      expect(await store.assignSupportRequest(orgA, id, bella.user.id, staff)).toEqual({ ok: false, reason: 'unknown_assignee' });
      expect(await store.addSupportReply(orgA, id, staff, 'Fixed')).toMatchObject({ ok: true, request: { status: 'answered' } });
      expect(await store.setSupportStatus(orgA, id, 'closed', staff)).toMatchObject({ ok: true, request: { status: 'closed' } });
      expect(await store.setSupportStatus(orgA, id, 'in_progress', staff)).toMatchObject({ ok: true, request: { status: 'in_progress' } });

      const trail = await store.listSupportAudit(orgA, id);
      expect(trail.map((entry) => [entry.action, entry.from, entry.to, entry.actor.role])).toEqual([
        ['created', null, 'new', 'user'],
        ['status', 'new', 'in_progress', 'support'],
        ['status', 'in_progress', 'waiting_for_user', 'support'],
        ['reply', null, expect.any(String), 'user'],
        ['status', 'waiting_for_user', 'in_progress', 'user'],
        ['assignment', null, andy.user.id, 'support'],
        ['reply', null, expect.any(String), 'support'],
        ['status', 'in_progress', 'answered', 'support'],
        ['status', 'answered', 'closed', 'support'],
        ['status', 'closed', 'in_progress', 'support'],
      ]);
      expect(trail.every((entry) => /^\d{4}-\d\d-\d\dT/.test(entry.at))).toBe(true);
    });

    it('refuses transitions outside the table without changing anything', async () => {
      const request = supportRequest();
      await create(alice, request);
      const id = request.id;
      expect(await store.setSupportStatus(orgA, id, 'waiting_for_user', staff)).toEqual({ ok: false, reason: 'invalid_transition', from: 'new', to: 'waiting_for_user' });
      expect(await store.setSupportStatus(orgA, id, 'new', staff)).toMatchObject({ ok: true, changed: false });
      await store.setSupportStatus(orgA, id, 'closed', staff);
      for (const to of ['new', 'waiting_for_user', 'answered'] as const) {
        expect(await store.setSupportStatus(orgA, id, to, staff)).toEqual({ ok: false, reason: 'invalid_transition', from: 'closed', to });
      }
      expect(await store.addSupportReply(orgA, id, staff, 'late')).toEqual({ ok: false, reason: 'closed' });
      expect(await store.setSupportStatus(orgA, randomUUID(), 'closed', staff)).toEqual({ ok: false, reason: 'not_found' });
      // A user actor reaches only their own requests.
      expect(await store.setSupportStatus(orgA, id, 'in_progress', { userId: andy.user.id, displayName: 'Andy', role: 'user' })).toEqual({ ok: false, reason: 'not_found' });
      expect((await store.listSupportAudit(orgA, id)).map((entry) => entry.to)).toEqual(['new', 'closed']);
    });
  });
});
