/**
 * The HTTP API through `app.request()`, on SQLite and PostgreSQL: every endpoint's success
 * path, its errors as `ApiError`s, ETags, pagination, rate limits, CORS, logs and the OpenAPI
 * document.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { EnrollResponseSchema, MeResponseSchema, PacksResponseSchema, ProgressAckSchema, ProgressPageSchema } from '../lib/api';
import { createApp } from './app';
import type { LogFields } from './http/log';
import type { Store } from './store/store';
import { contentPack, enrol, expectApiError, postJson, progressEvent, setUpOrganisation, type Enrolled } from './test/fixtures';
import { ADAPTERS, createTestDatabase, type TestDatabase } from './test/stores';

const GENEROUS = { perIp: { max: 100_000, windowSeconds: 60 }, perDevice: { max: 100_000, windowSeconds: 60 } };

describe.each(ADAPTERS)('API on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  const logs: LogFields[] = [];
  let organisationId: string;
  let enrollmentToken: string;
  let ann: Enrolled;

  beforeAll(async () => {
    database = await createTestDatabase(adapter);
    store = await database.openStore();
    app = createApp({ store, log: (fields) => logs.push(fields), rateLimits: GENEROUS });
    ({ organisation: { id: organisationId }, enrollmentToken } = await setUpOrganisation(store, 'Acme'));
    ann = await enrol(app, enrollmentToken, 'ann@example.com');
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  describe('POST /v1/enroll', () => {
    it('enrols a browser and returns its device token once', async () => {
      const response = await postJson(app, '/v1/enroll', {
        enrollmentToken,
        user: { email: 'Bob@Example.com', displayName: 'Bob' },
        deviceLabel: 'Edge on Windows',
        extensionVersion: '0.1.0',
      });
      expect(response.status).toBe(201);
      const body = EnrollResponseSchema.parse(await response.json());
      expect(body).toMatchObject({ organisation: { id: organisationId, name: 'Acme' }, user: { email: 'bob@example.com', roles: [], teams: [], locale: null } });
      const device = (await store.listDevices(organisationId)).find((row) => row.id === body.deviceId);
      expect(device).toMatchObject({ label: 'Edge on Windows', extensionVersion: '0.1.0' });
    });

    it('refuses an unknown token with a message saying what to do', async () => {
      const response = await postJson(app, '/v1/enroll', { enrollmentToken: 'not-a-real-token-at-all', user: { email: 'x@example.com' }, extensionVersion: '1' });
      const error = await expectApiError(response, 401, 'unauthenticated');
      expect(error.message).toContain('Ask your CRM team');
    });

    it('lists the path of every invalid or unknown field', async () => {
      const response = await postJson(app, '/v1/enroll', { enrollmentToken: 5, user: { email: 'nope', admin: true }, extensionVersion: '1', isAdmin: true });
      const error = await expectApiError(response, 400, 'validation_failed');
      expect(error.issues?.map((issue) => issue.path).sort()).toEqual(['enrollmentToken', 'isAdmin', 'user.admin', 'user.email']);
      expect(error.message).toMatch(/^The enrollment request has 4 problems/);
    });

    it.each([
      ['malformed JSON', 'application/json', '{"enrollmentToken": ', 400, 'bad_request'],
      ['an empty body', 'application/json', '', 400, 'bad_request'],
      ['a form body', 'application/x-www-form-urlencoded', 'enrollmentToken=x', 415, 'unsupported_media_type'],
      ['JSON in Latin-1', 'application/json; charset=iso-8859-1', '{}', 415, 'unsupported_media_type'],
      ['a JSON array', 'application/json', '[]', 400, 'validation_failed'],
    ])('answers %s with a 4xx', async (_, contentType, body, status, code) => {
      const response = await app.request('/v1/enroll', { method: 'POST', headers: { 'Content-Type': contentType }, body });
      await expectApiError(response, status, code);
    });

    it('refuses invalid UTF-8 and bodies over the limit', async () => {
      const invalid = await app.request('/v1/enroll', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
      expect((await expectApiError(invalid, 400, 'bad_request')).message).toContain('UTF-8');
      const huge = await postJson(app, '/v1/enroll', { enrollmentToken: 'x'.repeat(2 * 1024 * 1024) });
      await expectApiError(huge, 413, 'payload_too_large');
    });
  });

  describe('GET /v1/me', () => {
    it('returns the user as an admin last set them', async () => {
      await store.setUser(organisationId, 'ann@example.com', { roles: ['sales'], teams: ['north'], locale: 'sv' });
      const response = await app.request('/v1/me', { headers: ann.auth });
      expect(response.status).toBe(200);
      expect(MeResponseSchema.parse(await response.json())).toEqual({
        deviceId: ann.deviceId,
        organisation: { id: organisationId, name: 'Acme' },
        user: { id: ann.user.id, email: 'ann@example.com', roles: ['sales'], teams: ['north'], locale: 'sv' },
      });
    });

    it.each([
      ['no Authorization header', undefined, 'Missing'],
      ['a Basic header', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'must be "Bearer'],
      ['an unknown token', `Bearer ${'A'.repeat(43)}`, 'not recognised'],
    ])('refuses %s with 401', async (_, authorization, hint) => {
      const response = await app.request('/v1/me', { headers: authorization === undefined ? {} : { Authorization: authorization } });
      expect(response.headers.get('WWW-Authenticate')).toContain('Bearer');
      expect((await expectApiError(response, 401, 'unauthenticated')).message).toContain(hint);
    });

    it('refuses a revoked device', async () => {
      const carl = await enrol(app, enrollmentToken, 'carl@example.com');
      await store.revokeDevice(carl.deviceId);
      const error = await expectApiError(await app.request('/v1/me', { headers: carl.auth }), 401, 'unauthenticated');
      expect(error.message).toContain('revoked');
    });

    it('refuses unknown query parameters', async () => {
      const error = await expectApiError(await app.request('/v1/me?debug=1', { headers: ann.auth }), 400, 'validation_failed');
      expect(error.issues).toEqual([{ path: 'debug', message: 'Unknown field; remove it' }]);
    });
  });

  describe('GET /v1/packs', () => {
    it('serves the published versions with an ETag and answers 304 until they change', async () => {
      await store.publishPack(organisationId, contentPack('sales', 1));
      const first = await app.request('/v1/packs', { headers: ann.auth });
      expect(first.status).toBe(200);
      expect(first.headers.get('Cache-Control')).toBe('private, no-cache');
      const etag = first.headers.get('ETag') ?? '';
      expect(etag).toMatch(/^"[\w-]{32}"$/);
      expect(PacksResponseSchema.parse(await first.json()).packs).toEqual([contentPack('sales', 1)]);

      const unchanged = await app.request('/v1/packs', { headers: { ...ann.auth, 'If-None-Match': etag } });
      expect(unchanged.status).toBe(304);
      expect(await unchanged.text()).toBe('');
      expect((await app.request('/v1/packs', { headers: { ...ann.auth, 'If-None-Match': `"other", W/${etag}` } })).status).toBe(304);

      await store.publishPack(organisationId, contentPack('sales', 2));
      const changed = await app.request('/v1/packs', { headers: { ...ann.auth, 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('ETag')).not.toBe(etag);
      expect(PacksResponseSchema.parse(await changed.json()).packs.map((pack) => pack.version)).toEqual([2]);

      const etag2 = changed.headers.get('ETag') ?? '';
      await store.unpublishPack(organisationId, 'sales');
      const emptied = await app.request('/v1/packs', { headers: { ...ann.auth, 'If-None-Match': etag2 } });
      expect(emptied.status).toBe(200);
      expect(await emptied.json()).toEqual({ packs: [] });
    });
  });

  describe('progress', () => {
    it('acknowledges each event: accepted, then duplicate on resend', async () => {
      const events = [progressEvent(), progressEvent({ type: 'tip_adopted', minutesSaved: 2 } as never)];
      const first = await postJson(app, '/v1/progress', { events }, ann.auth);
      expect(first.status).toBe(200);
      expect(ProgressAckSchema.parse(await first.json())).toEqual({ accepted: events.map((event) => event.id), duplicates: [], rejected: [] });
      const again = await postJson(app, '/v1/progress', { events }, ann.auth);
      expect(await again.json()).toEqual({ accepted: [], duplicates: events.map((event) => event.id), rejected: [] });
    });

    it('refuses a batch with an invalid event, naming the path; and batches over 500', async () => {
      const bad = await postJson(app, '/v1/progress', { events: [progressEvent(), { ...progressEvent(), context: { crm: 'hubspot' } }] }, ann.auth);
      const error = await expectApiError(bad, 400, 'validation_failed');
      expect(error.issues?.some((issue) => issue.path.startsWith('events[1].context'))).toBe(true);
      const tooMany = await postJson(app, '/v1/progress', { events: Array.from({ length: 501 }, () => progressEvent()) }, ann.auth);
      expect((await expectApiError(tooMany, 400, 'validation_failed')).issues?.[0]?.path).toBe('events');
      await expectApiError(await postJson(app, '/v1/progress', { events: [] }, ann.auth), 400, 'validation_failed');
    });

    it('requires a device token before reading any body', async () => {
      await expectApiError(await postJson(app, '/v1/progress', { events: [progressEvent()] }), 401, 'unauthenticated');
    });

    it('pages through own events with the next cursor', async () => {
      const dora = await enrol(app, enrollmentToken, 'dora@example.com');
      const sent = Array.from({ length: 7 }, () => progressEvent());
      await postJson(app, '/v1/progress', { events: sent }, dora.auth);
      const seen = [];
      let path = '/v1/progress?limit=3';
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(5);
        const response = await app.request(path, { headers: dora.auth });
        expect(response.status).toBe(200);
        const page = ProgressPageSchema.parse(await response.json());
        seen.push(...page.events);
        if (page.next === null) break;
        path = `/v1/progress?limit=3&after=${encodeURIComponent(page.next)}`;
      }
      expect(seen.map((event) => event.id).sort()).toEqual(sent.map((event) => event.id).sort());
    });

    it.each([
      ['a cursor this server did not issue', '?after=bm90LWEtY3Vyc29y', 'after'],
      ['a limit over 1000', '?limit=1001', 'limit'],
      ['a limit that is not a number', '?limit=ten', 'limit'],
      ['an unknown parameter', '?user=someone-else', 'user'],
      ['a prototype key', '?__proto__=1', '__proto__'],
    ])('refuses %s', async (_, query, path) => {
      const error = await expectApiError(await app.request(`/v1/progress${query}`, { headers: ann.auth }), 400, 'validation_failed');
      expect(error.issues?.[0]?.path).toBe(path);
    });

    it('refuses a parameter given twice', async () => {
      await expectApiError(await app.request('/v1/progress?limit=1&limit=2', { headers: ann.auth }), 400, 'bad_request');
    });
  });

  describe('health, OpenAPI and unknown routes', () => {
    it('reports liveness and readiness', async () => {
      expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
      expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready' });
    });

    it('says 503 with Retry-After when the database is gone', async () => {
      const closed = await database.openStore();
      await closed.close();
      const response = await createApp({ store: closed }).request('/readyz');
      expect(response.headers.get('Retry-After')).toBe('5');
      await expectApiError(response, 503, 'unavailable');
    });

    it('serves an OpenAPI 3.1 document whose references all resolve', async () => {
      const document = (await (await app.request('/v1/openapi.json')).json()) as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
        components: { schemas: Record<string, Record<string, unknown>> };
      };
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.paths).sort()).toEqual(['/healthz', '/readyz', '/v1/enroll', '/v1/me', '/v1/openapi.json', '/v1/packs', '/v1/progress', '/v1/support', '/v1/support/{id}/replies', '/v1/support/{id}/solved']);
      expect(Object.keys(document.paths['/v1/progress'] ?? {}).sort()).toEqual(['get', 'post']);
      for (const schema of Object.values(document.components.schemas)) {
        expect(schema).not.toHaveProperty('$schema');
        expect(schema).not.toHaveProperty('$id');
      }
      const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
      expect(refs.length).toBeGreaterThan(5);
      for (const ref of refs) {
        const name = /#\/components\/schemas\/(\w+)/.exec(ref)?.[1] ?? '';
        expect(document.components.schemas).toHaveProperty(name);
      }
      expect(document.components.schemas.ProgressBatch).toMatchObject({ type: 'object', additionalProperties: false });
    });

    it('answers unknown paths and methods with 404 ApiError', async () => {
      await expectApiError(await app.request('/v2/anything'), 404, 'not_found');
      await expectApiError(await app.request('/v1/me', { method: 'DELETE', headers: ann.auth }), 404, 'not_found');
    });

    it('turns an unexpected failure into a 500 naming the request id, without internals', async () => {
      const failing: Store = { ...store, authenticateDevice: () => Promise.reject(new Error('disk on fire at /var/lib/secret')) };
      const failingLogs: LogFields[] = [];
      const response = await createApp({ store: failing, log: (fields) => failingLogs.push(fields) }).request('/v1/me', { headers: ann.auth });
      const error = await expectApiError(response, 500, 'internal');
      expect(error.message).not.toContain('disk');
      const logged = failingLogs.find((fields) => fields.msg === 'unhandled error');
      expect(logged?.error).toContain('disk on fire');
      expect(error.message).toContain(String(logged?.requestId));
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After per address and per device', async () => {
      // A database of its own: counters are shared by every app on a store, as by every instance.
      const own = await createTestDatabase(adapter);
      const store = await own.openStore();
      onTestFinished(async () => {
        await store.close();
        await own.drop();
      });
      const { enrollmentToken } = await setUpOrganisation(store, 'Limited');
      const limited = createApp({ store, rateLimits: { perIp: { max: 3, windowSeconds: 60 }, perDevice: { max: 1000, windowSeconds: 60 } } });
      for (let i = 0; i < 3; i++) expect((await limited.request('/v1/openapi.json')).status).toBe(200);
      const refused = await limited.request('/v1/openapi.json');
      expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
      await expectApiError(refused, 429, 'rate_limited');
      expect((await limited.request('/healthz')).status).toBe(200);

      const perDevice = createApp({ store, rateLimits: { perIp: { max: 100_000, windowSeconds: 60 }, perDevice: { max: 2, windowSeconds: 60 } } });
      const eric = await enrol(perDevice, enrollmentToken, 'eric@example.com');
      const fay = await enrol(perDevice, enrollmentToken, 'fay@example.com');
      for (let i = 0; i < 2; i++) expect((await perDevice.request('/v1/me', { headers: eric.auth })).status).toBe(200);
      await expectApiError(await perDevice.request('/v1/me', { headers: eric.auth }), 429, 'rate_limited');
      expect((await perDevice.request('/v1/me', { headers: fay.auth })).status).toBe(200);

      // Behind a trusted proxy each client has its own bucket: the last X-Forwarded-For hop, which the proxy added.
      const behindProxy = createApp({ store, trustProxy: true, rateLimits: { perIp: { max: 1, windowSeconds: 60 }, perDevice: { max: 1000, windowSeconds: 60 } } });
      const from = (address: string) => ({ headers: { 'X-Forwarded-For': `203.0.113.9, ${address}` } });
      expect((await behindProxy.request('/v1/openapi.json', from('198.51.100.1'))).status).toBe(200);
      await expectApiError(await behindProxy.request('/v1/openapi.json', from('198.51.100.1')), 429, 'rate_limited');
      expect((await behindProxy.request('/v1/openapi.json', from('198.51.100.2'))).status).toBe(200);
    });
  });

  describe('CORS', () => {
    it('allows extension origins only', async () => {
      const chrome = await app.request('/v1/openapi.json', { headers: { Origin: 'chrome-extension://abcdefghijklmnop' } });
      expect(chrome.headers.get('Access-Control-Allow-Origin')).toBe('chrome-extension://abcdefghijklmnop');
      const firefox = await app.request('/v1/openapi.json', { headers: { Origin: 'moz-extension://1234-5678' } });
      expect(firefox.headers.get('Access-Control-Allow-Origin')).toBe('moz-extension://1234-5678');
      const site = await app.request('/v1/openapi.json', { headers: { Origin: 'https://evil.example' } });
      expect(site.headers.get('Access-Control-Allow-Origin')).toBeNull();
      const packs = await app.request('/v1/packs', { headers: { ...ann.auth, Origin: 'chrome-extension://abc' } });
      expect(packs.headers.get('Vary')?.split(/, */).sort()).toEqual(['Authorization', 'Origin']);
    });

    it('answers preflights with the headers the extension sends', async () => {
      const preflight = await app.request('/v1/progress', {
        method: 'OPTIONS',
        headers: { Origin: 'chrome-extension://abc', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('chrome-extension://abc');
      expect(preflight.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
    });

    it('takes its origins from ALLOWED_ORIGINS when configured', async () => {
      const custom = createApp({ store, allowedOrigins: ['chrome-extension://only-this-one'] });
      expect((await custom.request('/healthz', { headers: { Origin: 'chrome-extension://only-this-one' } })).headers.get('Access-Control-Allow-Origin')).toBe('chrome-extension://only-this-one');
      expect((await custom.request('/healthz', { headers: { Origin: 'chrome-extension://another' } })).headers.get('Access-Control-Allow-Origin')).toBeNull();
    });
  });

  describe('logs', () => {
    it('writes one line per request with the organisation and never a token', async () => {
      logs.length = 0;
      await app.request('/v1/me', { headers: ann.auth });
      await app.request('/v1/progress?after=bogus', { headers: ann.auth });
      await postJson(app, '/v1/enroll', { enrollmentToken, user: { email: 'gil@example.com' }, extensionVersion: '1' });
      expect(logs).toHaveLength(3);
      expect(logs[0]).toMatchObject({ msg: 'request', method: 'GET', path: '/v1/me', status: 200, org: organisationId });
      expect(logs[1]).toMatchObject({ path: '/v1/progress', status: 400 });
      expect(logs[2]).toMatchObject({ path: '/v1/enroll', status: 201, org: organisationId });
      expect(typeof logs[0]?.ms).toBe('number');
      const text = JSON.stringify(logs);
      expect(text).not.toContain(ann.deviceToken);
      expect(text).not.toContain(enrollmentToken);
      expect(text).not.toContain('bogus');
    });
  });
});
