/**
 * The staff inbox API, on SQLite and PostgreSQL: signing in and out, sessions ending, routing to
 * champions and escalation to the central team by time, every list filter with search and
 * paging, and the workflow (replies, status, assignment) with its audit trail. Every answer is
 * checked against the contract's schemas.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiErrorSchema,
  InboxListSchema,
  InboxRequestDetailSchema,
  MySupportRequestsSchema,
  STAFF_PASSWORD_MIN,
  StaffDirectorySchema,
  StaffSessionInfoSchema,
  type InboxRequestDetail,
  type SupportRequest,
} from '../lib/api';
import { createApp } from './app';
import { seedDemoIfEmpty } from './demo';
import { TEST_PASSWORD_COST } from './store/passwords';
import type { StaffAccount, Store } from './store/store';
import { enrol, expectApiError, postJson, setUpOrganisation, type Enrolled } from './test/fixtures';
import {
  ACCOUNT_ID,
  addStaff,
  cookieFrom,
  GENEROUS,
  GENEROUS_INBOX,
  loginRequest,
  PNG,
  signIn,
  STAFF_PASSWORD,
  staffGet,
  staffPost,
  supportRequest,
  type SignedIn,
} from './test/inbox-fixtures';
import { ADAPTERS, createTestDatabase, manualClock, type TestDatabase } from './test/stores';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe.each(ADAPTERS)('staff inbox on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  const clock = manualClock();

  const list = async (who: SignedIn, query = '') => {
    const response = await staffGet(app, who, `/inbox/api/requests${query}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return InboxListSchema.parse(await response.json());
  };
  const ids = async (who: SignedIn, query = '') => (await list(who, query)).requests.map((request) => request.id);
  const detail = async (who: SignedIn, id: string) => {
    const response = await staffGet(app, who, `/inbox/api/requests/${id}`);
    expect(response.status, await response.clone().text()).toBe(200);
    return InboxRequestDetailSchema.parse(await response.json());
  };
  const change = async (who: SignedIn, path: string, body: unknown, status = 200): Promise<InboxRequestDetail> => {
    const response = await staffPost(app, who, path, body);
    expect(response.status, await response.clone().text()).toBe(status);
    return InboxRequestDetailSchema.parse(await response.json());
  };
  const ask = async (who: Enrolled, patch: Partial<SupportRequest> = {}, crm: Partial<SupportRequest['context']['crm']> = {}) => {
    const request = supportRequest(patch, crm);
    const response = await postJson(app, '/v1/support', request, who.auth);
    expect(response.status, await response.clone().text()).toBe(201);
    return request.id;
  };
  /** An organisation with a device user per entry, each with the given teams and name. */
  const organisation = async (name: string, users: Record<string, { teams: string[]; displayName?: string }>) => {
    const { organisation: org, enrollmentToken } = await setUpOrganisation(store, name);
    const enrolled: Record<string, Enrolled> = {};
    for (const [email, { teams, displayName }] of Object.entries(users)) {
      enrolled[email] = await enrol(app, enrollmentToken, email);
      await store.setUser(org.id, email, { teams, ...(displayName !== undefined && { displayName }) });
    }
    return { id: org.id, users: enrolled };
  };

  beforeAll(async () => {
    database = await createTestDatabase(adapter);
    store = await database.openStore({ clock: clock.now });
    app = createApp({ store, rateLimits: GENEROUS, inbox: { rateLimits: GENEROUS_INBOX, passwordCost: TEST_PASSWORD_COST } });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  describe('sessions', () => {
    let orgId: string;
    let ada: StaffAccount;
    beforeAll(async () => {
      orgId = (await organisation('Sessions', {})).id;
      ada = await addStaff(store, orgId, 'ada@sessions.example', 'admin', { displayName: 'Ada Admin' });
    });

    it('signs in with a Secure, httpOnly, SameSite=Strict cookie on /inbox, reads the session, signs out', async () => {
      const response = await loginRequest(app, { email: '  ADA@Sessions.example ', password: STAFF_PASSWORD });
      expect(response.status).toBe(200);
      const info = StaffSessionInfoSchema.parse(await response.json());
      expect(info.staff).toEqual({ id: ada.userId, email: 'ada@sessions.example', displayName: 'Ada Admin', role: 'admin', teams: [] });
      expect(info.organisation).toEqual({ id: orgId, name: 'Sessions' });
      const cookie = response.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^ombord_staff=[A-Za-z0-9_-]{43};/);
      const attributes = cookie.split(';').slice(1).map((part) => part.trim());
      expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/inbox', 'SameSite=Strict', 'Secure']);
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();

      const who: SignedIn = { cookie: cookieFrom(response), csrf: info.csrfToken, info };
      const session = await staffGet(app, who, '/inbox/api/session');
      expect(StaffSessionInfoSchema.parse(await session.json())).toEqual(info);

      const out = await staffPost(app, who, '/inbox/api/logout');
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/^ombord_staff=; Max-Age=0; Path=\/inbox/);
      await expectApiError(await staffGet(app, who, '/inbox/api/session'), 401, 'unauthenticated');
    });

    it('answers a wrong password and an unknown email alike', async () => {
      const wrong = await expectApiError(await loginRequest(app, { email: 'ada@sessions.example', password: 'not the password' }), 401, 'unauthenticated');
      const unknown = await expectApiError(await loginRequest(app, { email: 'nobody@sessions.example', password: STAFF_PASSWORD }), 401, 'unauthenticated');
      expect(unknown.message).toBe(wrong.message);
      expect(wrong.message).toMatch(/email or password is wrong/);
      // An empty password is not a sign-in at all.
      await expectApiError(await loginRequest(app, { email: 'ada@sessions.example ', password: '' }), 400, 'validation_failed');
    });

    it('ends a session 2 idle hours or 12 hours after signing in, whichever comes first', async () => {
      const idle = await signIn(app, 'ada@sessions.example');
      clock.advance(2 * HOUR - MINUTE);
      expect((await staffGet(app, idle, '/inbox/api/session')).status).toBe(200);
      clock.advance(2 * HOUR + MINUTE);
      await expectApiError(await staffGet(app, idle, '/inbox/api/session'), 401, 'unauthenticated');

      const busy = await signIn(app, 'ada@sessions.example');
      for (let hour = 1; hour < 12; hour++) {
        clock.advance(HOUR);
        expect((await staffGet(app, busy, '/inbox/api/session')).status, `after ${hour} h`).toBe(200);
      }
      clock.advance(HOUR);
      const ended = await staffGet(app, busy, '/inbox/api/session');
      expect((await expectApiError(ended, 401, 'unauthenticated')).message).toMatch(/12 hours/);
      expect(ended.headers.get('set-cookie')).toMatch(/^ombord_staff=; Max-Age=0/);
    });

    it('ends sessions at once when the account is disabled or its password changes; a disabled account cannot sign in', async () => {
      const first = await signIn(app, 'ada@sessions.example');
      await store.setStaffPassword('ada@sessions.example', (await store.findStaffLogin('ada@sessions.example'))?.passwordHash ?? '');
      await expectApiError(await staffGet(app, first, '/inbox/api/session'), 401, 'unauthenticated');

      const second = await signIn(app, 'ada@sessions.example');
      await store.disableStaffAccount('ada@sessions.example');
      await expectApiError(await staffGet(app, second, '/inbox/api/session'), 401, 'unauthenticated');
      const refused = await expectApiError(await loginRequest(app, { email: 'ada@sessions.example', password: STAFF_PASSWORD }), 403, 'forbidden');
      expect(refused.message).toMatch(/disabled/);
      // The wrong password still says only "wrong": a disabled account is no hint for guessing.
      await expectApiError(await loginRequest(app, { email: 'ada@sessions.example', password: 'guess guess guess' }), 401, 'unauthenticated');

      await addStaff(store, orgId, 'ada@sessions.example', 'admin');
      await signIn(app, 'ada@sessions.example');
    });

    it('replaces a session cookie sent with a new sign-in', async () => {
      const before = await signIn(app, 'ada@sessions.example');
      const response = await loginRequest(app, { email: 'ada@sessions.example', password: STAFF_PASSWORD }, { Cookie: before.cookie });
      expect(response.status).toBe(200);
      expect(cookieFrom(response)).not.toBe(before.cookie);
      await expectApiError(await staffGet(app, before, '/inbox/api/session'), 401, 'unauthenticated');
    });
  });

  describe('routing to champions', () => {
    let org: Awaited<ReturnType<typeof organisation>>;
    let admin: SignedIn;
    let nina: SignedIn; // champion of north
    let sven: SignedIn; // champion of south
    let ninaAccount: StaffAccount;

    beforeAll(async () => {
      org = await organisation('Routing', {
        'alice@routing.example': { teams: ['east', 'north'] },
        'bob@routing.example': { teams: ['west'] },
        'carol@routing.example': { teams: ['west', 'south', 'north'] },
      });
      await addStaff(store, org.id, 'admin@routing.example', 'admin');
      ninaAccount = await addStaff(store, org.id, 'nina@routing.example', 'champion', { teams: ['north'], displayName: 'Nina North' });
      await addStaff(store, org.id, 'sven@routing.example', 'champion', { teams: ['south'] });
    });
    /** The tests move the clock by hours: sessions idle out, so each step signs in again. */
    const signInAll = async () => {
      admin = await signIn(app, 'admin@routing.example');
      nina = await signIn(app, 'nina@routing.example');
      sven = await signIn(app, 'sven@routing.example');
    };
    beforeEach(signInAll);

    const user = (email: string) => org.users[email] as Enrolled;

    it('routes to the first of the requester’s teams with a champion, else to the central team', async () => {
      expect(nina.info.staff.teams).toEqual(['north']);
      const alices = await ask(user('alice@routing.example'));
      const created = clock.now().getTime();
      const bobs = await ask(user('bob@routing.example'));
      const carols = await ask(user('carol@routing.example'));

      expect((await detail(admin, alices)).routing).toEqual({ queue: 'champions', team: 'north', escalatesAt: new Date(created + 240 * MINUTE).toISOString() });
      expect((await detail(admin, bobs)).routing).toEqual({ queue: 'central', team: null, escalatesAt: null });
      expect((await detail(admin, carols)).routing).toMatchObject({ queue: 'champions', team: 'south' });

      expect(await ids(admin)).toEqual(expect.arrayContaining([alices, bobs, carols]));
      expect(await ids(admin, '?queue=champions')).toEqual(expect.arrayContaining([alices, carols]));
      expect(await ids(admin, '?queue=champions')).not.toContain(bobs);
      expect(await ids(admin, '?queue=central')).toEqual([bobs]);

      // Champions see only their teams' requests; anything else does not exist for them.
      expect(await ids(nina)).toEqual([alices]);
      expect(await ids(sven)).toEqual([carols]);
      for (const other of [bobs, carols]) {
        await expectApiError(await staffGet(app, nina, `/inbox/api/requests/${other}`), 404, 'not_found');
        await expectApiError(await staffPost(app, nina, `/inbox/api/requests/${other}/replies`, { body: 'mine now' }), 404, 'not_found');
        await expectApiError(await staffPost(app, nina, `/inbox/api/requests/${other}/status`, { status: 'closed' }), 404, 'not_found');
        await expectApiError(await staffPost(app, nina, `/inbox/api/requests/${other}/assignee`, { assigneeId: ninaAccount.userId }), 404, 'not_found');
        await expectApiError(await staffGet(app, nina, `/inbox/api/requests/${other}/screenshot`), 404, 'not_found');
      }
      expect((await detail(admin, bobs)).replyCount).toBe(0);
    });

    it('escalates an unanswered request to the central team when the window ends; its champions still see it', async () => {
      const id = await ask(user('alice@routing.example'));
      const escalatesAt = new Date(clock.now().getTime() + 240 * MINUTE).toISOString();
      clock.advance(240 * MINUTE - 1);
      await signInAll();
      expect((await detail(nina, id)).routing.queue).toBe('champions');
      expect(await ids(admin, '?queue=central')).not.toContain(id);
      clock.advance(1);
      const escalated = await detail(nina, id);
      expect(escalated.routing).toEqual({ queue: 'central', team: 'north', escalatesAt });
      expect(escalated.audit.map((entry) => [entry.action, entry.from, entry.to])).toEqual([
        ['created', null, 'new'],
        ['escalated', 'north', 'central'],
      ]);
      expect(escalated.audit[1]?.at).toBe(escalatesAt);
      expect(await ids(admin, '?queue=central')).toContain(id);
      expect(await ids(nina, '?queue=champions')).not.toContain(id);
      expect(await ids(nina)).toContain(id);

      // Picked up after escalation: it stays central.
      const replied = await change(nina, `/inbox/api/requests/${id}/replies`, { body: 'On it' }, 201);
      expect(replied.routing.queue).toBe('central');
    });

    it('keeps a request with the champions when staff pick it up in time: a reply, a status change or an assignment', async () => {
      const byReply = await ask(user('alice@routing.example'));
      const byStatus = await ask(user('alice@routing.example'));
      const byAssignment = await ask(user('alice@routing.example'));
      const untouched = await ask(user('alice@routing.example'));
      clock.advance(HOUR);
      expect((await change(nina, `/inbox/api/requests/${byReply}/replies`, { body: 'Looking' }, 201)).routing).toEqual({ queue: 'champions', team: 'north', escalatesAt: null });
      await change(admin, `/inbox/api/requests/${byStatus}/status`, { status: 'in_progress' });
      await change(admin, `/inbox/api/requests/${byAssignment}/assignee`, { assigneeId: ninaAccount.userId });
      clock.advance(10 * HOUR);
      await signInAll();
      for (const id of [byReply, byStatus, byAssignment]) expect((await detail(nina, id)).routing.queue, id).toBe('champions');
      expect((await detail(nina, untouched)).routing.queue).toBe('central');
      expect(await ids(nina, '?queue=champions')).toEqual(expect.arrayContaining([byReply, byStatus, byAssignment]));
    });

    it('takes the organisation’s champion window, and skips disabled champions', async () => {
      expect(await store.setChampionWindow(org.id, 30)).toBe(true);
      const id = await ask(user('alice@routing.example'));
      expect((await detail(admin, id)).routing.escalatesAt).toBe(new Date(clock.now().getTime() + 30 * MINUTE).toISOString());
      await store.setChampionWindow(org.id, 240);

      await store.disableStaffAccount('sven@routing.example');
      const carols = await ask(user('carol@routing.example'));
      expect((await detail(admin, carols)).routing.team).toBe('north');
      await addStaff(store, org.id, 'sven@routing.example', 'champion', { teams: ['south'] });
      expect(await store.setChampionWindow('no-such-organisation', 5)).toBe(false);
    });
  });

  describe('one request', () => {
    let org: Awaited<ReturnType<typeof organisation>>;
    let admin: SignedIn;
    let sam: StaffAccount;
    let alice: Enrolled;

    beforeAll(async () => {
      org = await organisation('Detail', { 'alice@detail.example': { teams: [], displayName: 'Alice Ålesund' } });
      alice = org.users['alice@detail.example'] as Enrolled;
      await addStaff(store, org.id, 'admin@detail.example', 'admin', { displayName: 'Ada Admin' });
      sam = await addStaff(store, org.id, 'sam@detail.example', 'support', { displayName: 'Sam Support' });
      await addStaff(store, org.id, 'chris@detail.example', 'champion', { teams: ['north'] });
      admin = await signIn(app, 'admin@detail.example');
    });

    it('shows the request with its context, CRM links, screenshot and next statuses', async () => {
      const request = supportRequest({ description: '\n  Save fails on Account\nSteps: open, edit, save', screenshot: { mediaType: 'image/png', dataBase64: PNG.toString('base64') } });
      await postJson(app, '/v1/support', request, alice.auth);
      const shown = await detail(admin, request.id);
      expect(shown).toMatchObject({
        id: request.id,
        kind: 'problem',
        title: 'Save fails on Account',
        status: 'new',
        requester: { id: alice.user.id, email: 'alice@detail.example', displayName: 'Alice Ålesund', teams: [] },
        assignee: null,
        crm: 'salesforce',
        pageType: 'record_view',
        object: 'Account',
        hasScreenshot: true,
        replyCount: 0,
        description: request.description,
        context: request.context,
        links: {
          page: `https://acme.lightning.force.com/lightning/r/Account/${ACCOUNT_ID}/view`,
          record: `https://acme.lightning.force.com/lightning/r/Account/${ACCOUNT_ID}/view`,
        },
        replies: [],
        nextStatuses: ['in_progress', 'answered', 'closed'],
      });
      expect(shown.audit).toEqual([{ at: shown.createdAt, actor: { displayName: 'Alice Ålesund', role: 'user' }, action: 'created', from: null, to: 'new' }]);

      const screenshot = await staffGet(app, admin, `/inbox/api/requests/${request.id}/screenshot`);
      expect(screenshot.status).toBe(200);
      expect(Buffer.from(await screenshot.arrayBuffer()).equals(PNG)).toBe(true);
      expect(Object.fromEntries(['content-type', 'x-content-type-options', 'content-security-policy', 'cache-control'].map((name) => [name, screenshot.headers.get(name)]))).toEqual({
        'content-type': 'image/png',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, no-store',
      });

      const plain = await ask(alice, {}, { host: 'evil.example', url: 'https://evil.example/' });
      expect((await detail(admin, plain)).links).toEqual({ page: null, record: null });
      expect((await detail(admin, plain)).hasScreenshot).toBe(false);
      const none = await expectApiError(await staffGet(app, admin, `/inbox/api/requests/${plain}/screenshot`), 404, 'not_found');
      expect(none.message).toMatch(/No screenshot/);
      await expectApiError(await staffGet(app, admin, '/inbox/api/requests/not-a-uuid'), 404, 'not_found');
      await expectApiError(await staffGet(app, admin, `/inbox/api/requests/${plain}?x=1`), 400, 'validation_failed');
    });

    it('answers, moves along the workflow and assigns, each in the audit trail; the user sees the reply', async () => {
      const id = await ask(alice);
      const replied = await change(admin, `/inbox/api/requests/${id}/replies`, { body: 'Try saving again now.' }, 201);
      expect(replied.status).toBe('answered');
      expect(replied.replies.map((reply) => [reply.author, reply.body])).toEqual([[{ displayName: 'Ada Admin', role: 'admin' }, 'Try saving again now.']]);
      expect(replied.replyCount).toBe(1);
      const mine = MySupportRequestsSchema.parse(await (await app.request('/v1/support', { headers: alice.auth })).json());
      expect(mine.requests.find((request) => request.id === id)?.replies.map((reply) => reply.body)).toEqual(['Try saving again now.']);

      const refused = await expectApiError(await staffPost(app, admin, `/inbox/api/requests/${id}/status`, { status: 'waiting_for_user' }), 409, 'conflict');
      expect(refused.message).toContain('cannot move from "answered" to "waiting_for_user"');
      expect(refused.message).toContain('"in_progress", "closed"');
      await expectApiError(await staffPost(app, admin, `/inbox/api/requests/${id}/status`, { status: 'done' }), 400, 'validation_failed');

      const assigned = await change(admin, `/inbox/api/requests/${id}/assignee`, { assigneeId: sam.userId });
      expect(assigned.assignee).toEqual({ id: sam.userId, displayName: 'Sam Support' });
      expect((await ids(admin, '?assignee=' + sam.userId))).toEqual([id]);

      const closed = await change(admin, `/inbox/api/requests/${id}/status`, { status: 'closed' });
      expect(closed.nextStatuses).toEqual(['in_progress']);
      const late = await expectApiError(await staffPost(app, admin, `/inbox/api/requests/${id}/replies`, { body: 'one more' }), 409, 'conflict');
      expect(late.message).toMatch(/reopen it/);
      const unassigned = await change(admin, `/inbox/api/requests/${id}/assignee`, { assigneeId: null });
      expect(unassigned.assignee).toBeNull();

      expect(unassigned.audit.map((entry) => [entry.action, entry.actor.displayName, entry.from, entry.to])).toEqual([
        ['created', 'Alice Ålesund', null, 'new'],
        ['reply', 'Ada Admin', null, replied.replies[0]?.id],
        ['status', 'Ada Admin', 'new', 'answered'],
        ['assignment', 'Ada Admin', null, 'Sam Support'],
        ['status', 'Ada Admin', 'answered', 'closed'],
        ['assignment', 'Ada Admin', 'Sam Support', null],
      ]);
    });

    it('assigns only to active staff of the organisation who could see the request', async () => {
      const id = await ask(alice);
      const other = await setUpOrganisation(store, 'Detail elsewhere');
      const outsider = await addStaff(store, other.organisation.id, 'olga@elsewhere.example', 'admin');
      const chris = await store.findStaffLogin('chris@detail.example');
      for (const [assigneeId, message] of [
        [alice.user.id, /Not an active staff member/],
        [outsider.userId, /Not an active staff member/],
        [chris?.account.userId ?? '', /champion for north and could not see this request \(routed to the central team\)/],
      ] as const) {
        const error = await expectApiError(await staffPost(app, admin, `/inbox/api/requests/${id}/assignee`, { assigneeId }), 400, 'validation_failed');
        expect(error.issues?.[0]).toMatchObject({ path: 'assigneeId', message: expect.stringMatching(message) });
      }
      await store.disableStaffAccount('sam@detail.example');
      await expectApiError(await staffPost(app, admin, `/inbox/api/requests/${id}/assignee`, { assigneeId: sam.userId }), 400, 'validation_failed');
      await addStaff(store, org.id, 'sam@detail.example', 'support', { displayName: 'Sam Support' });
      expect((await detail(admin, id)).assignee).toBeNull();
    });

    it('lists the active staff of the organisation only, champions with their teams', async () => {
      await addStaff(store, org.id, 'gone@detail.example', 'support');
      await store.disableStaffAccount('gone@detail.example');
      const response = await staffGet(app, admin, '/inbox/api/staff');
      const { staff } = StaffDirectorySchema.parse(await response.json());
      expect(staff.map((member) => [member.email, member.role, member.teams])).toEqual([
        ['admin@detail.example', 'admin', []],
        ['chris@detail.example', 'champion', ['north']],
        ['sam@detail.example', 'support', []],
      ]);
    });

    it('returns hostile text verbatim, as JSON data', async () => {
      const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
      const id = await ask(alice, { description: hostile }, { object: '<svg onload=alert(3)>', listView: '"><img src=x>' });
      const response = await staffGet(app, admin, `/inbox/api/requests/${id}`);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const shown = InboxRequestDetailSchema.parse(await response.json());
      expect(shown.description).toBe(hostile);
      expect(shown.title).toBe(hostile);
      expect(shown.object).toBe('<svg onload=alert(3)>');
      // Not an object name, so the record link falls back to the id alone.
      expect(shown.links).toEqual({ page: `https://acme.lightning.force.com/${ACCOUNT_ID}`, record: `https://acme.lightning.force.com/${ACCOUNT_ID}` });
      const reply = await change(admin, `/inbox/api/requests/${id}/replies`, { body: hostile }, 201);
      expect(reply.replies[0]?.body).toBe(hostile);
      expect((await list(admin, `?q=${encodeURIComponent('onerror=alert(1)')}`)).requests.map((request) => request.title)).toEqual([hostile]);
    });
  });

  describe('the list', () => {
    let admin: SignedIn;
    let adminAccount: StaffAccount;
    let champion: SignedIn;
    const made: Record<string, string> = {};

    beforeAll(async () => {
      const org = await organisation('Listing', {
        'lena@listing.example': { teams: ['sales'], displayName: 'Lena Øvergård' },
        'mats@listing.example': { teams: ['service'] },
      });
      const lena = org.users['lena@listing.example'] as Enrolled;
      const mats = org.users['mats@listing.example'] as Enrolled;
      adminAccount = await addStaff(store, org.id, 'admin@listing.example', 'admin');
      await addStaff(store, org.id, 'sales-champion@listing.example', 'champion', { teams: ['sales'] });

      const dynamics = { crm: 'dynamics', host: 'contoso.crm4.dynamics.com', object: 'account', recordId: null, surface: 'uci', url: 'https://contoso.crm4.dynamics.com/main.aspx' } as const;
      made.r1 = await ask(lena, { description: 'Cannot save the opportunity' });
      clock.advance(HOUR);
      made.r2 = await ask(mats, { description: 'Export is slow' }, { ...dynamics, pageType: 'list_view' });
      clock.advance(HOUR);
      made.r3 = await ask(lena, { description: 'Where is the ÆØÅ button?', kind: 'question' }, dynamics);
      clock.advance(HOUR);
      made.r4 = await ask(mats, { description: 'A report question' }, { pageType: 'object_home', recordId: null });
      clock.advance(10 * DAY);
      made.r5 = await ask(lena, { description: 'A fresh one' });
      clock.advance(MINUTE);
      // Two at the same instant: the id orders them.
      made.r6 = await ask(mats, { description: 'Twin one' });
      made.r7 = await ask(mats, { description: 'Twin two' });
      clock.advance(MINUTE);
      admin = await signIn(app, 'admin@listing.example');
      champion = await signIn(app, 'sales-champion@listing.example');

      await change(admin, `/inbox/api/requests/${made.r1}/replies`, { body: 'Workaround: use ZEBRA mode' }, 201);
      await change(admin, `/inbox/api/requests/${made.r2}/status`, { status: 'closed' });
      await change(admin, `/inbox/api/requests/${made.r3}/assignee`, { assigneeId: adminAccount.userId });
    });

    const newestFirst = () => {
      const twins = [made.r6, made.r7].sort().reverse();
      return [...twins, made.r5, made.r4, made.r3, made.r2, made.r1];
    };

    it('lists newest first (ties by id) with the organisation’s teams', async () => {
      const page = await list(admin);
      expect(page.requests.map((request) => request.id)).toEqual(newestFirst());
      expect(page.nextCursor).toBeNull();
      expect(page.teams).toEqual(['sales', 'service']);
      const r1 = page.requests.find((request) => request.id === made.r1);
      expect(r1).toMatchObject({ status: 'answered', replyCount: 1, routing: { queue: 'central', team: 'sales' }, requester: { displayName: 'Lena Øvergård', teams: ['sales'] } });
      expect(await ids(champion)).toEqual([made.r5, made.r3, made.r1]);
    });

    it.each([
      ['?status=closed', ['r2']],
      ['?open=false', ['r2']],
      ['?open=true&team=sales', ['r5', 'r3', 'r1']],
      ['?team=service&crm=salesforce', ['twins', 'r4']],
      ['?crm=dynamics', ['r3', 'r2']],
      ['?pageType=list_view', ['r2']],
      ['?pageType=object_home&crm=salesforce', ['r4']],
      ['?age=1d', ['twins', 'r5']],
      ['?age=7d', ['twins', 'r5']],
      ['?age=30d&kind=question', null],
      ['?age=older_than_7d', ['r4', 'r3', 'r2', 'r1']],
      ['?assignee=me', ['r3']],
      ['?assignee=none&team=sales', ['r5', 'r1']],
      ['?queue=champions', ['r5']],
      ['?queue=central&team=sales', ['r3', 'r1']],
      ['?q=zebra', ['r1']],
      ['?q=%C3%B8verg%C3%A5rd', ['r5', 'r3', 'r1']],
      ['?q=%C3%A6%C3%B8%C3%A5', ['r3']],
      ['?q=MATS%40LISTING', ['twins', 'r4', 'r2']],
      ['?q=twin%20TWO', ['r7']],
      ['?q=%25', []],
      ['?q=_', []],
      ['?status=new&q=nothing%20matches%20this', []],
    ])('filters %s', async (query, expected) => {
      if (expected === null) {
        await expectApiError(await staffGet(app, admin, `/inbox/api/requests${query}`), 400, 'validation_failed');
        return;
      }
      const twins = [made.r6, made.r7].sort().reverse() as string[];
      expect(await ids(admin, query)).toEqual(expected.flatMap((key) => (key === 'twins' ? twins : [made[key]])));
    });

    it('pages with an opaque cursor, with and without filters done in the server', async () => {
      for (const [query, expected] of [
        ['', newestFirst()],
        ['&q=a', (await ids(admin, '?q=a'))],
        ['&team=service', (await ids(admin, '?team=service'))],
      ] as const) {
        expect(expected.length).toBeGreaterThan(2);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await list(admin, `?limit=2${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
          expect(page.requests.length).toBeLessThanOrEqual(2);
          // The team filter's options come with the first page only.
          expect(page.teams).toEqual(cursor === null ? ['sales', 'service'] : []);
          seen.push(...page.requests.map((request) => request.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(seen, query).toEqual(expected);
      }
    });

    it('refuses cursors it did not make and unknown or repeated parameters', async () => {
      for (const query of ['?cursor=bm9wZQ', `?cursor=${Buffer.from('["2030-01-01T00:00:00.000Z"]').toString('base64url')}`, '?cursor=%00']) {
        const error = await expectApiError(await staffGet(app, admin, `/inbox/api/requests${query}`), 400, 'bad_request');
        expect(error.message).toMatch(/cursor/);
      }
      await expectApiError(await staffGet(app, admin, '/inbox/api/requests?limit=101'), 400, 'validation_failed');
      await expectApiError(await staffGet(app, admin, '/inbox/api/requests?status=new&status=closed'), 400, 'bad_request');
      const error = ApiErrorSchema.parse(await (await staffGet(app, admin, '/inbox/api/requests?__proto__=x')).json());
      expect(error.error.code).toBe('validation_failed');
    });
  });

  it('seeds a demo admin on a new database who signs in with the generated password', async () => {
    const fresh = await createTestDatabase(adapter);
    const demoStore = await fresh.openStore();
    try {
      const seed = await seedDemoIfEmpty(demoStore, []);
      if (seed === null) throw new Error('a new database was not seeded');
      expect(seed.inboxAdmin.email).toBe('admin@demo.example');
      expect(seed.inboxAdmin.password.length).toBeGreaterThanOrEqual(STAFF_PASSWORD_MIN);
      const demoApp = createApp({ store: demoStore, rateLimits: GENEROUS, inbox: { rateLimits: GENEROUS_INBOX } });
      const who = await signIn(demoApp, seed.inboxAdmin.email, seed.inboxAdmin.password);
      expect(who.info).toMatchObject({ staff: { role: 'admin', displayName: 'Demo admin' }, organisation: { name: 'Demo' } });
      expect(await seedDemoIfEmpty(demoStore, [])).toBeNull();
    } finally {
      await demoStore.close();
      await fresh.drop();
    }
  });
});
