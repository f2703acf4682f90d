import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import type { RateLimits } from '../../server/http/env';
import type { Store } from '../../server/store/store';
import { setUpOrganisation } from '../../server/test/fixtures';
import { createTestDatabase, type TestDatabase } from '../../server/test/stores';
import type { MySupportRequest, SupportReply, SupportRequest } from '../api/support';
import { translatorFor } from '../i18n/catalogs';
import { SUPPORT_REVISION_KEY } from '../messages';
import { createApiClient } from '../sync/client';
import { ENROLLMENT_KEY, SYNC_SETTINGS_KEY } from '../sync/settings';
import { memoryLocks, memoryStorage } from '../sync/testing';
import {
  QUIET_REFRESH_MS,
  SUPPORT_REPLIES_FETCHED_KEY,
  SUPPORT_REPLIES_KEY,
  createSupportReplies,
  isRefreshDue,
  supportView,
  unreadReplyIds,
} from './replies';
import { actionTitle, badgeText, supportRequestTitle } from './replies-view';

const BACKEND = 'https://ombord.example.com';
const USER_ID = '2a1b0c9d-8e7f-4a6b-9c5d-4e3f2a1b0c9d';
const enrollment = {
  deviceId: '1f0e6f3a-8c1b-4c55-9b43-6f3e2a1d0c01',
  deviceToken: 'd'.repeat(40),
  organisation: { id: '8d7a4f5e-7c2b-4e0a-9a57-3f2b1c0d9e11', name: 'Acme Nordic' },
  user: { id: USER_ID, email: 'kari@example.com', roles: [], teams: [], locale: null },
  backendUrl: BACKEND,
  enrolledAt: 0,
  revoked: false,
};
const enrolledStorage = () =>
  memoryStorage({ [SYNC_SETTINGS_KEY]: { backendUrl: BACKEND, email: 'kari@example.com' }, [ENROLLMENT_KEY]: enrollment });

const ID_A = '3b241101-e2bb-4255-8caf-4136c566a962';
const ID_B = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
let replyCounter = 0;
const at = (minute: number) => new Date(Date.UTC(2025, 2, 24, 8, minute)).toISOString();

function reply(role: SupportReply['author']['role'], minute: number, body = 'Use the Activity tab.'): SupportReply {
  replyCounter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(replyCounter).padStart(12, '0')}`,
    at: at(minute),
    author: { displayName: role === 'user' ? 'Kari Nordmann' : 'Siri Support', role },
    body,
  };
}

function request(id: string, patch: Partial<MySupportRequest> = {}): MySupportRequest {
  return { id, kind: 'question', description: 'Where do I log a call?', status: 'new', createdAt: at(0), updatedAt: at(0), replies: [], ...patch };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** The device endpoints of `/v1/support` over a list the test edits, with answers it can script. */
function supportBackend(initial: MySupportRequest[] = []) {
  const state = {
    requests: initial,
    calls: [] as string[],
    /** Answers used, in order, before the list is consulted. */
    script: [] as Array<Response | 'network'>,
  };
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const path = new URL(req.url).pathname;
    state.calls.push(`${req.method} ${path}`);
    const scripted = state.script.shift();
    if (scripted === 'network') throw new TypeError('Failed to fetch');
    if (scripted !== undefined) return scripted;
    if (req.method === 'GET' && path === '/v1/support') return json(200, { requests: state.requests });
    const match = /^\/v1\/support\/([^/]+)\/(replies|solved)$/.exec(path);
    const target = state.requests.find((candidate) => candidate.id === match?.[1]);
    if (match === null || target === undefined) return json(404, { error: { code: 'not_found', message: 'No such request' } });
    if (match[2] === 'solved') {
      target.status = 'closed';
      return json(200, { id: target.id, status: target.status });
    }
    const { body } = (await req.json()) as { body: string };
    target.replies = [...target.replies, reply('user', 30, body)];
    if (target.status === 'answered' || target.status === 'waiting_for_user') target.status = 'in_progress';
    return json(201, { id: target.id, status: target.status });
  }) as typeof globalThis.fetch;
  return Object.assign(state, { fetch });
}

function setUp(initial: MySupportRequest[] = [], storage = enrolledStorage()) {
  const backend = supportBackend(initial);
  const clock = { now: Date.parse('2025-03-24T09:00:00Z') };
  let revision = 0;
  const replies = createSupportReplies({
    storage,
    readManaged: async () => ({}),
    fetch: backend.fetch,
    locks: memoryLocks(),
    now: () => clock.now,
    random: () => 0.5,
    newRevision: () => `r${++revision}`,
  });
  const revisionNow = async () => (await storage.get([SUPPORT_REVISION_KEY]))[SUPPORT_REVISION_KEY];
  return { backend, clock, replies, storage, revisionNow };
}

describe('unread replies', () => {
  it('counts staff replies of any role the user has not seen, never the user\'s own', () => {
    const support = reply('support', 1);
    const champion = reply('champion', 2);
    const own = reply('user', 3);
    const admin = reply('admin', 4);
    const thread = request(ID_A, { replies: [support, champion, own, admin] });
    // Answering back after a staff reply says the user read it (on another device, say).
    expect(unreadReplyIds(thread, new Set())).toEqual([admin.id]);
    expect(unreadReplyIds(request(ID_A, { replies: [support, champion] }), new Set([support.id]))).toEqual([champion.id]);
    expect(unreadReplyIds(request(ID_A, { replies: [own] }), new Set())).toEqual([]);
  });

  it('adds them up and puts the notice on the request with the newest reply not put off', () => {
    const older = reply('support', 5);
    const newer = reply('support', 9);
    const requests = [request(ID_A, { replies: [older] }), request(ID_B, { replies: [newer] })];
    expect(supportView(requests, [], [])).toMatchObject({ unread: 2, noticeRequestId: ID_B });
    expect(supportView(requests, [], [newer.id])).toMatchObject({ unread: 2, noticeRequestId: ID_A });
    expect(supportView(requests, [newer.id], [older.id])).toMatchObject({ unread: 1, noticeRequestId: null });
    expect(supportView(requests, [], []).requests.map((thread) => thread.unreadReplyIds)).toEqual([[older.id], [newer.id]]);
  });
});

describe('refresh cadence', () => {
  const now = Date.parse('2025-03-24T09:00:00Z');
  it('is due before the first list, while a request is open, and every 15 minutes otherwise', () => {
    expect(isRefreshDue(null, now)).toBe(true);
    expect(isRefreshDue({ fetchedAt: null, requests: [] }, now)).toBe(true);
    expect(isRefreshDue({ fetchedAt: now - 60_000, requests: [request(ID_A, { status: 'answered' })] }, now)).toBe(true);
    const closed = [request(ID_A, { status: 'closed' })];
    expect(isRefreshDue({ fetchedAt: now - 60_000, requests: closed }, now)).toBe(false);
    expect(isRefreshDue({ fetchedAt: now - QUIET_REFRESH_MS, requests: closed }, now)).toBe(true);
    expect(isRefreshDue({ fetchedAt: now - 60_000, requests: [] }, now)).toBe(false);
  });
});

describe('badge and title', () => {
  const en = translatorFor('en');
  it('shows the count, nothing for none, and caps it to fit', () => {
    expect([0, 1, 7, 99, 100].map(badgeText)).toEqual(['', '1', '7', '99', '99+']);
  });

  it('adds the unread replies to the icon\'s title, in the user\'s language', () => {
    expect(actionTitle('Ombord', 0, en)).toBe('Ombord');
    expect(actionTitle('Ombord', 1, en)).toBe('Ombord — 1 new reply from support');
    expect(actionTitle('Ombord · Opportunity record', 3, en)).toBe('Ombord · Opportunity record — 3 new replies from support');
    expect(actionTitle('Ombord', 2, translatorFor('nb'))).toBe('Ombord — 2 nye svar fra support');
  });
});

describe('supportRequestTitle', () => {
  it('takes the first line, with its spaces tidied, and shortens a long one', () => {
    expect(supportRequestTitle('\n  Save does   nothing \nwhen I click it')).toBe('Save does nothing');
    const long = supportRequestTitle('x'.repeat(200));
    expect(long).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('support replies state', () => {
  it('does nothing before enrolment', async () => {
    const { replies, backend } = setUp([], memoryStorage());
    expect(await replies.refresh()).toEqual({ status: 'skipped', reason: 'not_enrolled' });
    expect(await replies.view()).toEqual({ requests: [], unread: 0, noticeRequestId: null });
    expect(await replies.reply(ID_A, 'Hello')).toEqual({ status: 'not_enrolled' });
    expect(backend.calls).toEqual([]);
  });

  it('stores the list, counts what is unread and moves the revision only when something changed', async () => {
    const staff = reply('support', 5);
    const { replies, backend, revisionNow } = setUp([request(ID_A, { status: 'answered', replies: [staff] })]);
    expect(await replies.refresh()).toEqual({ status: 'refreshed', changed: true });
    expect(await revisionNow()).toBe('r1');
    expect(await replies.view()).toMatchObject({ unread: 1, noticeRequestId: ID_A, requests: [{ id: ID_A, unreadReplyIds: [staff.id] }] });
    expect(await replies.refresh()).toEqual({ status: 'refreshed', changed: false });
    expect(await revisionNow()).toBe('r1');
    expect(backend.calls).toEqual(['GET /v1/support', 'GET /v1/support']);
  });

  it('rewrites the stored list only when it changed; when it was fetched has a key of its own', async () => {
    const { replies, storage, clock } = setUp([request(ID_A, { status: 'answered', replies: [reply('support', 5)] })]);
    const writes: string[][] = [];
    const set = storage.set.bind(storage);
    storage.set = (items) => {
      writes.push(Object.keys(items));
      return set(items);
    };
    await replies.refresh();
    clock.now += 60_000;
    await replies.refresh();
    expect(writes).toEqual([[SUPPORT_REPLIES_KEY, SUPPORT_REVISION_KEY], [SUPPORT_REPLIES_FETCHED_KEY], [SUPPORT_REPLIES_FETCHED_KEY]]);
    expect(storage.data.get(SUPPORT_REPLIES_FETCHED_KEY)).toEqual({ owner: { backendUrl: BACKEND, userId: USER_ID }, at: clock.now });
    expect(storage.data.get(SUPPORT_REPLIES_KEY)).not.toHaveProperty('fetchedAt');
  });

  it('fetches afresh for another user, whenever the list was last fetched', async () => {
    const storage = enrolledStorage();
    const { replies, backend } = setUp([request(ID_A, { status: 'closed' })], storage);
    await replies.refresh();
    expect(await replies.refresh()).toEqual({ status: 'skipped', reason: 'not_due' });
    await storage.set({ [ENROLLMENT_KEY]: { ...enrollment, user: { ...enrollment.user, id: '99999999-8e7f-4a6b-9c5d-4e3f2a1b0c9d' } } });
    expect(await replies.refresh()).toMatchObject({ status: 'refreshed' });
    expect(backend.calls).toEqual(['GET /v1/support', 'GET /v1/support']);
  });

  it('reads every alarm while a request is open, every 15 minutes once all are closed', async () => {
    const { replies, backend, clock } = setUp([request(ID_A, { status: 'in_progress' })]);
    await replies.refresh();
    clock.now += 60_000;
    expect(await replies.refresh()).toMatchObject({ status: 'refreshed' });
    backend.requests[0]!.status = 'closed';
    clock.now += 60_000;
    expect(await replies.refresh()).toMatchObject({ status: 'refreshed', changed: true });
    clock.now += 60_000;
    expect(await replies.refresh()).toEqual({ status: 'skipped', reason: 'not_due' });
    expect(await replies.refresh({ force: true })).toMatchObject({ status: 'refreshed' });
    clock.now += QUIET_REFRESH_MS - 1;
    expect(await replies.refresh()).toEqual({ status: 'skipped', reason: 'not_due' });
    expect(await replies.refresh({ manual: true })).toMatchObject({ status: 'refreshed' });
    clock.now += QUIET_REFRESH_MS;
    expect(await replies.refresh()).toMatchObject({ status: 'refreshed' });
    expect(backend.calls).toHaveLength(6);
  });

  it('keeps the last good list when the backend fails, and backs off', async () => {
    const staff = reply('support', 5);
    const { replies, backend, clock } = setUp([request(ID_A, { status: 'answered', replies: [staff] })]);
    await replies.refresh();
    const before = await replies.view();
    backend.script.push('network');
    expect(await replies.refresh()).toMatchObject({ status: 'failed', failure: { kind: 'network' } });
    expect(await replies.view()).toEqual(before);
    // Full jitter with random() = 0.5: the first wait is 1 s.
    expect(await replies.refresh()).toEqual({ status: 'skipped', reason: 'backing_off' });
    clock.now += 1_000;
    backend.script.push(new Response('<html>502 Bad Gateway</html>', { status: 502 }));
    expect(await replies.refresh()).toMatchObject({ status: 'failed', failure: { kind: 'server' } });
    expect(await replies.view()).toEqual(before);
    // "Sync now" skips our own backoff, but not a wait the server asked for.
    expect(await replies.refresh({ manual: true })).toMatchObject({ status: 'refreshed' });
    backend.script.push(json(503, { error: { code: 'unavailable', message: 'Down for maintenance' } }, { 'Retry-After': '120' }));
    expect(await replies.refresh({ manual: true })).toMatchObject({ status: 'failed', failure: { kind: 'unavailable' } });
    expect(await replies.refresh({ manual: true })).toEqual({ status: 'skipped', reason: 'backing_off' });
    clock.now += 120_000;
    expect(await replies.refresh()).toMatchObject({ status: 'refreshed' });
  });

  it('marks a request\'s replies seen, and "Later" hides the notice until a newer reply', async () => {
    const first = reply('support', 5);
    const other = reply('champion', 6);
    const { replies, backend, revisionNow } = setUp([request(ID_A, { status: 'answered', replies: [first] }), request(ID_B, { status: 'answered', replies: [other] })]);
    await replies.refresh();
    await replies.markSeen(ID_B);
    expect(await replies.view()).toMatchObject({ unread: 1, noticeRequestId: ID_A });
    expect(await revisionNow()).toBe('r2');
    await replies.markSeen(ID_B);
    expect(await revisionNow()).toBe('r2');
    await replies.deferNotice();
    expect(await replies.view()).toMatchObject({ unread: 1, noticeRequestId: null });
    const second = reply('support', 9);
    backend.requests[0]!.replies = [first, second];
    await replies.refresh();
    expect(await replies.view()).toMatchObject({ unread: 2, noticeRequestId: ID_A });
    await replies.markSeen(ID_A);
    expect(await replies.view()).toMatchObject({ unread: 0, noticeRequestId: null });
  });

  it('reads its stored state only for the user and backend it was fetched for, and only when valid', async () => {
    const storage = enrolledStorage();
    await storage.set({
      [SUPPORT_REPLIES_KEY]: {
        owner: { backendUrl: BACKEND, userId: '99999999-8e7f-4a6b-9c5d-4e3f2a1b0c9d' },
        fetchedAt: 0,
        requests: [request(ID_A, { replies: [reply('support', 1)] })],
        seen: [],
        deferred: [],
      },
    });
    expect(await setUp([], storage).replies.view()).toMatchObject({ unread: 0, requests: [] });
    await storage.set({ [SUPPORT_REPLIES_KEY]: { owner: { backendUrl: BACKEND, userId: USER_ID }, fetchedAt: 0, requests: [{ id: 'not a request' }], seen: [], deferred: [] } });
    expect(await setUp([], storage).replies.view()).toMatchObject({ unread: 0, requests: [] });
  });

  it('answers back at once and shows the new status and the answer', async () => {
    const { replies, backend } = setUp([request(ID_A, { status: 'answered', replies: [reply('support', 5)] })]);
    await replies.refresh();
    expect(await replies.reply(ID_A, 'That worked, thanks!')).toEqual({ status: 'done', requestStatus: 'in_progress' });
    const [thread] = (await replies.view()).requests;
    expect(thread?.status).toBe('in_progress');
    expect(thread?.replies.at(-1)).toMatchObject({ author: { role: 'user' }, body: 'That worked, thanks!' });
    expect(backend.calls.slice(-2)).toEqual([`POST /v1/support/${ID_A}/replies`, 'GET /v1/support']);
  });

  it.each([
    ['network' as const, { status: 'unreachable' }],
    [json(503, { error: { code: 'unavailable', message: 'Busy' } }), { status: 'unreachable' }],
    [json(401, { error: { code: 'unauthenticated', message: 'Revoked' } }), { status: 'signed_out' }],
    [json(409, { error: { code: 'conflict', message: 'Closed' } }), { status: 'closed' }],
    [json(404, { error: { code: 'not_found', message: 'No such request' } }), { status: 'not_found' }],
    [json(422, { error: { code: 'validation_failed', message: 'body: Too long' } }), { status: 'rejected', message: 'body: Too long' }],
  ])('says what became of an answer that did not go through (%#)', async (answer, outcome) => {
    const { replies, backend } = setUp([request(ID_A, { status: 'answered' })]);
    backend.script.push(answer);
    expect(await replies.reply(ID_A, 'Still broken')).toEqual(outcome);
    expect(backend.requests[0]?.replies).toEqual([]);
  });

  it('refuses an empty answer without asking the backend', async () => {
    const { replies, backend } = setUp([request(ID_A)]);
    expect(await replies.reply(ID_A, '')).toMatchObject({ status: 'rejected' });
    expect(backend.calls).toEqual([]);
  });

  it('marks a request solved, keeping the acknowledged status when the list does not come through', async () => {
    const { replies, backend } = setUp([request(ID_A, { status: 'answered', replies: [reply('support', 5)] })]);
    await replies.refresh();
    backend.script.push(json(200, { id: ID_A, status: 'closed' }), 'network');
    expect(await replies.markSolved(ID_A)).toEqual({ status: 'done', requestStatus: 'closed' });
    expect((await replies.view()).requests[0]?.status).toBe('closed');
  });

  it('forgets everything when the browser is unenrolled', async () => {
    const { replies, storage, revisionNow } = setUp([request(ID_A, { replies: [reply('support', 5)] })]);
    await replies.refresh();
    await replies.forget();
    expect((await storage.get([SUPPORT_REPLIES_KEY]))[SUPPORT_REPLIES_KEY]).toBeUndefined();
    expect(storage.data.has(SUPPORT_REPLIES_FETCHED_KEY)).toBe(false);
    expect(await revisionNow()).toBe('r2');
  });
});

describe('support replies with the real backend', () => {
  const GENEROUS: RateLimits = { perIp: { max: 100_000, windowSeconds: 60 }, perDevice: { max: 100_000, windowSeconds: 60 } };
  let database: TestDatabase;
  let serverStore: Store;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    serverStore = await database.openStore();
  });
  afterAll(async () => {
    await serverStore?.close();
    await database?.drop();
  });

  it('reads a staff reply, answers back and marks the request solved', async () => {
    const { organisation, enrollmentToken } = await setUpOrganisation(serverStore, 'Acme Nordic');
    const app = createApp({ store: serverStore, rateLimits: GENEROUS });
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) => app.request(input instanceof URL ? input.href : input, init)) as typeof globalThis.fetch;
    const now = () => Date.now();
    const enrolled = await createApiClient({ baseUrl: BACKEND, fetch, now }).enroll({ enrollmentToken, user: { email: 'kari@acme.no' }, extensionVersion: '0.1.0' });
    if (!enrolled.ok) throw new Error(`enrol failed: ${JSON.stringify(enrolled.failure)}`);
    const storage = memoryStorage({
      [SYNC_SETTINGS_KEY]: { backendUrl: BACKEND, email: 'kari@acme.no' },
      [ENROLLMENT_KEY]: { ...enrolled.value, backendUrl: BACKEND, enrolledAt: now(), revoked: false },
    });
    const sent = await createApiClient({ baseUrl: BACKEND, deviceToken: enrolled.value.deviceToken, fetch, now }).postSupport(helpRequest(ID_A));
    expect(sent).toMatchObject({ ok: true });
    const replies = createSupportReplies({ storage, readManaged: async () => ({}), fetch, locks: memoryLocks(), now, random: () => 0.5, newRevision: () => crypto.randomUUID() });

    await replies.refresh({ force: true });
    expect(await replies.view()).toMatchObject({ unread: 0, requests: [{ id: ID_A, status: 'new', replies: [] }] });

    const staff = await serverStore.addSupportReply(organisation.id, ID_A, { userId: null, displayName: 'Siri Support', role: 'support' }, '<b>Use</b> the Activity tab.');
    expect(staff.ok).toBe(true);
    await replies.refresh();
    const view = await replies.view();
    expect(view).toMatchObject({ unread: 1, noticeRequestId: ID_A, requests: [{ status: 'answered' }] });
    expect(view.requests[0]?.replies[0]).toMatchObject({ author: { displayName: 'Siri Support', role: 'support' }, body: '<b>Use</b> the Activity tab.' });

    await replies.markSeen(ID_A);
    expect(await replies.view()).toMatchObject({ unread: 0 });
    expect(await replies.reply(ID_A, 'Found it, thanks!')).toEqual({ status: 'done', requestStatus: 'in_progress' });
    expect((await replies.view()).requests[0]?.replies.map((answer) => answer.author.role)).toEqual(['support', 'user']);
    expect(await replies.markSolved(ID_A)).toEqual({ status: 'done', requestStatus: 'closed' });
    expect(await replies.reply(ID_A, 'One more thing')).toEqual({ status: 'closed' });
    expect((await replies.view()).requests[0]?.status).toBe('closed');
  });
});

function helpRequest(id: string): SupportRequest {
  const sentAt = '2025-03-24T08:00:00.000Z';
  return {
    id,
    kind: 'question',
    description: 'Where do I log a call?',
    context: {
      crm: {
        crm: 'salesforce',
        environment: 'production',
        pageType: 'record_view',
        object: 'Opportunity',
        recordId: null,
        surface: 'lightning',
        host: 'acme.lightning.force.com',
        orgName: 'acme',
        sandboxName: null,
        app: null,
        listView: null,
        url: 'https://acme.lightning.force.com/lightning/r/Opportunity/[redacted]/view',
      },
      guide: null,
      breadcrumbs: [],
      errors: [],
      environment: { extensionVersion: '0.1.0', browser: 'Chrome 126', os: 'Windows', locale: 'en', viewport: { width: 1280, height: 800 }, at: sentAt },
    },
  };
}
