/**
 * The inbox's defences, on SQLite and PostgreSQL: no access without a session, no state change
 * without the CSRF token or from another origin, no session over plain http on a public host, no
 * crossing between device tokens and staff cookies, no CORS, limits on sign-in attempts and body
 * sizes, and no way for staff of one organisation to reach another's requests. Also the page's
 * own headers.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, InboxListSchema, InboxRequestDetailSchema, StaffDirectorySchema } from '../lib/api';
import { createApp } from './app';
import { INBOX_BODY_LIMIT_BYTES } from './routes/inbox';
import { INBOX_CSP } from './routes/inbox-static';
import { TEST_PASSWORD_COST } from './store/passwords';
import type { Store } from './store/store';
import { enrol, expectApiError, postJson, setUpOrganisation, type Enrolled } from './test/fixtures';
import {
  addStaff,
  GENEROUS,
  GENEROUS_INBOX,
  INBOX_ORIGIN,
  loginRequest,
  signIn,
  STAFF_PASSWORD,
  staffGet,
  staffPost,
  supportRequest,
  PNG,
  type SignedIn,
} from './test/inbox-fixtures';
import { ADAPTERS, createTestDatabase, manualClock, type TestDatabase } from './test/stores';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(ADAPTERS)('inbox security on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let alice: Enrolled; // a device user of A
  let adminA: SignedIn;
  let adminB: SignedIn;
  let requestA: string;
  let postsA: Array<[path: string, body: unknown]>;

  beforeAll(async () => {
    database = await createTestDatabase(adapter);
    // A clock that stands still: the sign-in limits' fixed windows never roll over mid-test.
    store = await database.openStore({ clock: manualClock().now });
    app = createApp({ store, rateLimits: GENEROUS, inbox: { rateLimits: GENEROUS_INBOX, passwordCost: TEST_PASSWORD_COST } });
    const a = await setUpOrganisation(store, 'Secure A');
    const b = await setUpOrganisation(store, 'Secure B');
    alice = await enrol(app, a.enrollmentToken, 'alice@a.example');
    await enrol(app, b.enrollmentToken, 'bella@b.example');
    await addStaff(store, a.organisation.id, 'admin@a.example', 'admin');
    await addStaff(store, b.organisation.id, 'admin@b.example', 'admin');
    adminA = await signIn(app, 'admin@a.example');
    adminB = await signIn(app, 'admin@b.example');
    const request = supportRequest({ screenshot: { mediaType: 'image/png', dataBase64: PNG.toString('base64') } });
    expect((await postJson(app, '/v1/support', request, alice.auth)).status).toBe(201);
    requestA = request.id;
    postsA = [
      [`/inbox/api/requests/${requestA}/replies`, { body: 'hello' }],
      [`/inbox/api/requests/${requestA}/status`, { status: 'in_progress' }],
      [`/inbox/api/requests/${requestA}/assignee`, { assigneeId: null }],
      ['/inbox/api/logout', undefined],
    ];
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const gets = () => ['/inbox/api/session', '/inbox/api/requests', `/inbox/api/requests/${requestA}`, `/inbox/api/requests/${requestA}/screenshot`, '/inbox/api/staff'];

  it('answers 401 without a session, with an unknown one, and with a device token', async () => {
    for (const path of gets()) {
      await expectApiError(await app.request(path), 401, 'unauthenticated');
      await expectApiError(await app.request(path, { headers: { Cookie: `ombord_staff=${'x'.repeat(43)}` } }), 401, 'unauthenticated');
      await expectApiError(await app.request(path, { headers: alice.auth }), 401, 'unauthenticated');
    }
    for (const [path, body] of postsA) {
      const response = await app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: INBOX_ORIGIN, ...alice.auth }, body: JSON.stringify(body ?? {}) });
      await expectApiError(response, 401, 'unauthenticated');
    }
    // … and a staff cookie means nothing to the device API.
    await expectApiError(await app.request('/v1/me', { headers: { Cookie: adminA.cookie } }), 401, 'unauthenticated');
    await expectApiError(await postJson(app, '/v1/support', supportRequest(), { Cookie: adminA.cookie }), 401, 'unauthenticated');
  });

  it('refuses every POST without the session’s CSRF token, with another session’s, or with a wrong one', async () => {
    const other = await signIn(app, 'admin@a.example');
    for (const [path, body] of postsA) {
      for (const csrf of [undefined, '', 'x'.repeat(43), other.csrf, adminA.csrf.toLowerCase() === adminA.csrf ? `${adminA.csrf}x` : adminA.csrf.toLowerCase()]) {
        const headers: Record<string, string> = { Cookie: adminA.cookie, Origin: INBOX_ORIGIN, 'Content-Type': 'application/json' };
        if (csrf !== undefined) headers[CSRF_HEADER] = csrf;
        const response = await app.request(path, { method: 'POST', headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
        const error = await expectApiError(response, 403, 'forbidden');
        expect(error.message).toContain('X-CSRF-Token');
      }
    }
    // Nothing changed, and the session still works.
    const detail = await staffGet(app, adminA, `/inbox/api/requests/${requestA}`);
    expect(await detail.json()).toMatchObject({ status: 'new', replies: [] });
  });

  it('refuses POSTs from other origins, the sign-in included', async () => {
    const crossSite: Array<Record<string, string>> = [{ Origin: 'https://evil.example' }, { Origin: 'null' }, { Origin: 'http://localhost:8080' }, { 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }];
    for (const headers of crossSite) {
      const error = await expectApiError(await staffPost(app, adminA, `/inbox/api/requests/${requestA}/replies`, { body: 'x' }, headers), 403, 'forbidden');
      expect(error.message).toMatch(/refuses requests sent by other sites/);
      await expectApiError(await loginRequest(app, { email: 'admin@a.example', password: STAFF_PASSWORD }, headers), 403, 'forbidden');
    }
    expect((await loginRequest(app, { email: 'admin@a.example', password: STAFF_PASSWORD }, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    // Without Origin and Sec-Fetch-Site (not a browser), the CSRF token is what stands.
    const noOrigin = await app.request(`/inbox/api/requests/${requestA}/status`, {
      method: 'POST',
      headers: { Cookie: adminA.cookie, 'Content-Type': 'application/json', [CSRF_HEADER]: adminA.csrf },
      body: JSON.stringify({ status: 'new' }),
    });
    expect(noOrigin.status).toBe(200);
  });

  it('takes JSON bodies only, and at most 64 KB of them', async () => {
    const form = await staffPost(app, adminA, `/inbox/api/requests/${requestA}/replies`, undefined, { 'Content-Type': 'application/x-www-form-urlencoded' });
    await expectApiError(form, 415, 'unsupported_media_type');
    const plain = await loginRequest(app, { email: 'admin@a.example', password: STAFF_PASSWORD }, { 'Content-Type': 'text/plain' });
    await expectApiError(plain, 415, 'unsupported_media_type');
    const huge = await app.request(`/inbox/api/requests/${requestA}/replies`, {
      method: 'POST',
      headers: { Cookie: adminA.cookie, Origin: INBOX_ORIGIN, 'Content-Type': 'application/json', [CSRF_HEADER]: adminA.csrf },
      body: JSON.stringify({ body: 'x'.repeat(INBOX_BODY_LIMIT_BYTES) }),
    });
    await expectApiError(huge, 413, 'payload_too_large');
    await expectApiError(await loginRequest(app, { email: 'admin@a.example', password: 'x'.repeat(INBOX_BODY_LIMIT_BYTES) }), 413, 'payload_too_large');
    await expectApiError(await staffPost(app, adminA, `/inbox/api/requests/${requestA}/replies`, { body: 'x'.repeat(5001) }), 400, 'validation_failed');
  });

  it('keeps organisations apart: staff of B can neither list, read, change nor see the screenshot of A’s requests', async () => {
    const listed = InboxListSchema.parse(await (await staffGet(app, adminB, '/inbox/api/requests')).json());
    expect(listed.requests).toEqual([]);
    expect(listed.teams).toEqual([]);
    for (const path of [`/inbox/api/requests/${requestA}`, `/inbox/api/requests/${requestA}/screenshot`]) {
      await expectApiError(await staffGet(app, adminB, path), 404, 'not_found');
    }
    for (const [path, body] of postsA.slice(0, 3)) {
      await expectApiError(await staffPost(app, adminB, path, body), 404, 'not_found');
    }
    const staffB = await (await staffGet(app, adminB, '/inbox/api/staff')).json();
    expect(staffB).toEqual({ staff: [expect.objectContaining({ email: 'admin@b.example' })] });
    expect((await store.listSupportAudit((await store.findStaffLogin('admin@a.example'))?.account.organisationId ?? '', requestA)).map((entry) => entry.actor.displayName)).not.toContain('admin@b.example');
  });

  it('shows staff by their account’s name, never by one an enrolment with their email gave', async () => {
    const c = await setUpOrganisation(store, 'Secure C');
    await addStaff(store, c.organisation.id, 'ada@c.example', 'admin', { displayName: 'Ada Admin' });
    const webhook = await store.addWebhook(c.organisation.id, { url: 'https://hooks.example.com/c', format: 'json', events: ['support.reply.created'] });
    expect(webhook.ok).toBe(true);
    const carl = await enrol(app, c.enrollmentToken, 'carl@c.example');
    // Anyone holding the organisation's enrollment token can enrol with the admin's email and any name.
    const forged = await postJson(app, '/v1/enroll', {
      enrollmentToken: c.enrollmentToken,
      user: { email: 'ada@c.example', displayName: 'Mallory' },
      extensionVersion: '0.1.0',
    });
    expect(forged.status).toBe(201);
    const request = supportRequest();
    expect((await postJson(app, '/v1/support', request, carl.auth)).status).toBe(201);

    const ada = await signIn(app, 'ada@c.example');
    expect(ada.info.staff.displayName).toBe('Ada Admin');
    const replied = await staffPost(app, ada, `/inbox/api/requests/${request.id}/replies`, { body: 'On it.' });
    expect(replied.status).toBe(201);
    expect(InboxRequestDetailSchema.parse(await replied.json()).replies.map((reply) => reply.author.displayName)).toEqual(['Ada Admin']);
    const assigned = await staffPost(app, ada, `/inbox/api/requests/${request.id}/assignee`, { assigneeId: ada.info.staff.id });
    expect(assigned.status).toBe(200);
    const detail = InboxRequestDetailSchema.parse(await assigned.json());
    expect(detail.assignee).toEqual({ id: ada.info.staff.id, displayName: 'Ada Admin' });
    expect(detail.audit.filter((entry) => entry.actor.role === 'admin').map((entry) => entry.actor.displayName)).toEqual(['Ada Admin', 'Ada Admin', 'Ada Admin']);
    expect(detail.audit.find((entry) => entry.action === 'assignment')?.to).toBe('Ada Admin');
    const directory = StaffDirectorySchema.parse(await (await staffGet(app, ada, '/inbox/api/staff')).json());
    expect(directory.staff.map((member) => member.displayName)).toEqual(['Ada Admin']);
    const claimed = await store.claimWebhookDeliveries({ now: new Date('2030-01-02T00:00:00.000Z'), leaseMs: 60_000, limit: 10 });
    const payloads = claimed.filter((delivery) => delivery.organisationId === c.organisation.id).map((delivery) => JSON.parse(delivery.payload) as { data: { author: { displayName: string } } });
    expect(payloads.map((payload) => payload.data.author.displayName)).toEqual(['Ada Admin']);
  });

  it('sends no CORS headers on the inbox, even to an extension origin', async () => {
    for (const request of [
      app.request('/inbox/api/session', { headers: { Origin: 'chrome-extension://abcdefghijklmnop', Cookie: adminA.cookie } }),
      app.request('/inbox/api/login', { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } }),
      app.request('/inbox/', { headers: { Origin: 'chrome-extension://abcdefghijklmnop' } }),
    ]) {
      const response = await request;
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
    expect((await app.request('/v1/packs', { headers: { Origin: 'chrome-extension://abcdefghijklmnop' } })).headers.get('access-control-allow-origin')).toBe(
      'chrome-extension://abcdefghijklmnop',
    );
  });

  it('signs in only where the Secure cookie comes back: https or loopback', async () => {
    const body = { email: 'admin@a.example', password: STAFF_PASSWORD };
    for (const origin of ['http://localhost', 'http://127.0.0.1:8787', 'http://[::1]:8787', 'https://inbox.example.com']) {
      const response = await loginRequest(app, body, { Origin: origin }, `${origin}/inbox/api/login`);
      expect(response.status, origin).toBe(200);
    }
    const refused = await expectApiError(await loginRequest(app, body, { Origin: 'http://inbox.example.com' }, 'http://inbox.example.com/inbox/api/login'), 403, 'forbidden');
    expect(refused.message).toMatch(/must be served over HTTPS/);
    // X-Forwarded-Proto counts only when the proxy is trusted.
    const forwarded = { Origin: 'https://inbox.example.com', 'X-Forwarded-Proto': 'https' };
    await expectApiError(await loginRequest(app, body, forwarded, 'http://inbox.example.com/inbox/api/login'), 403, 'forbidden');
    const behindProxy = createApp({ store, rateLimits: GENEROUS, trustProxy: true, inbox: { rateLimits: GENEROUS_INBOX } });
    expect((await loginRequest(behindProxy, body, forwarded, 'http://inbox.example.com/inbox/api/login')).status).toBe(200);
    // Behind the proxy the browser's origin is https; an http Origin is another origin.
    await expectApiError(await loginRequest(behindProxy, body, { ...forwarded, Origin: 'http://inbox.example.com' }, 'http://inbox.example.com/inbox/api/login'), 403, 'forbidden');
  });

  describe('sign-in limits', () => {
    it('locks an email after too many failed sign-ins, even for the right password, with Retry-After', async () => {
      const limited = createApp({
        store,
        rateLimits: GENEROUS,
        inbox: { rateLimits: { ...GENEROUS_INBOX, failedLoginsPerEmail: { max: 3, windowSeconds: 900 } }, passwordCost: TEST_PASSWORD_COST },
      });
      for (let attempt = 0; attempt < 3; attempt++) {
        await expectApiError(await loginRequest(limited, { email: 'admin@b.example', password: `wrong ${attempt} password` }), 401, 'unauthenticated');
      }
      const locked = await loginRequest(limited, { email: 'admin@b.example', password: STAFF_PASSWORD });
      expect((await expectApiError(locked, 429, 'rate_limited')).message).toMatch(/failed sign-ins for this email/);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Unknown emails are counted the same way, and other emails are untouched.
      for (let attempt = 0; attempt < 3; attempt++) await loginRequest(limited, { email: 'ghost@b.example', password: STAFF_PASSWORD });
      await expectApiError(await loginRequest(limited, { email: 'ghost@b.example', password: STAFF_PASSWORD }), 429, 'rate_limited');
      expect((await loginRequest(limited, { email: 'admin@a.example', password: STAFF_PASSWORD })).status).toBe(200);
    });

    it('limits sign-in attempts per address, successful ones included', async () => {
      const limited = createApp({
        store,
        rateLimits: GENEROUS,
        trustProxy: true,
        inbox: { rateLimits: { ...GENEROUS_INBOX, loginsPerAddress: { max: 2, windowSeconds: 900 } }, passwordCost: TEST_PASSWORD_COST },
      });
      const from = (address: string) => ({ 'X-Forwarded-For': `203.0.113.9, ${address}` });
      expect((await loginRequest(limited, { email: 'admin@a.example', password: STAFF_PASSWORD }, from('198.51.100.1'))).status).toBe(200);
      await expectApiError(await loginRequest(limited, { email: 'admin@a.example', password: 'wrong password!' }, from('198.51.100.1')), 401, 'unauthenticated');
      const refused = await loginRequest(limited, { email: 'admin@a.example', password: STAFF_PASSWORD }, from('198.51.100.1'));
      await expectApiError(refused, 429, 'rate_limited');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      // The last hop is the proxy's record of the client; another client has its own bucket.
      expect((await loginRequest(limited, { email: 'admin@a.example', password: STAFF_PASSWORD }, from('198.51.100.2'))).status).toBe(200);
    });
  });

  describe('the page', () => {
    const pageHeaders = (response: Response) =>
      Object.fromEntries(['content-security-policy', 'x-frame-options', 'referrer-policy', 'x-content-type-options'].map((name) => [name, response.headers.get(name)]));
    const expectedHeaders = { 'content-security-policy': INBOX_CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' };

    it('says how to build it when it is not built', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'ombord-inbox-'));
      dirs.push(empty);
      const page = await createApp({ store, inbox: { dir: join(empty, 'dist') } }).request('/inbox/');
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('npm run build:inbox');
      expect(pageHeaders(page)).toEqual(expectedHeaders);
    });

    it('serves the built page and its assets with a strict CSP, and nothing outside them', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ombord-inbox-'));
      dirs.push(dir);
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Inbox</title><script type="module" src="/inbox/assets/app-1234.js"></script>');
      writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log("inbox")');
      writeFileSync(join(dir, 'secret.txt'), 'not for the web');
      const served = createApp({ store, inbox: { dir } });

      for (const [path, location] of [['/inbox', '/inbox/'], ['/', '/inbox/']] as const) {
        const redirect = await served.request(path);
        expect(redirect.status, path).toBeGreaterThanOrEqual(301);
        expect(redirect.headers.get('location')).toBe(location);
      }
      const page = await served.request('/inbox/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(await page.text()).toContain('<title>Inbox</title>');
      expect(pageHeaders(page)).toEqual(expectedHeaders);

      const asset = await served.request('/inbox/assets/app-1234.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect(pageHeaders(asset)).toEqual(expectedHeaders);

      for (const path of ['/inbox/assets/missing.js', '/inbox/assets/../secret.txt', '/inbox/assets/%2e%2e/secret.txt', '/inbox/secret.txt', '/inbox/index.html']) {
        const response = await served.request(path);
        expect(response.status, path).toBe(404);
        expect(await response.text()).not.toContain('not for the web');
      }
    });
  });
});
