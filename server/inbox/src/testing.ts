/**
 * Test support for the inbox page: contract-valid fixtures (each parsed with the contract's own
 * schemas, so a fixture that drifts from the contract fails loudly) and a fake backend that sits
 * exactly at the `fetch` boundary, recording every call the page makes.
 */
import { z } from 'zod';
import {
  CSRF_HEADER,
  InboxListSchema,
  InboxRequestDetailSchema,
  InboxRequestSummarySchema,
  StaffDirectorySchema,
  StaffSessionInfoSchema,
  type InboxList,
  type InboxRequestDetail,
  type InboxRequestSummary,
  type StaffMember,
  type StaffSessionInfo,
} from '../../../lib/api/inbox';
import { canMoveSupportStatus, SUPPORT_STATUSES, type SupportStatus } from '../../../lib/api/support';

export const REQUEST_ID = '3f0a9c1e-8b7d-4c2a-9e1f-0a1b2c3d4e5f';
export const OTHER_REQUEST_ID = '7b1e2d3c-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
export const CSRF_TOKEN = 'csrf-7d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6978';

export const ME: StaffMember = { id: 'staff-ola', email: 'ola@acme.no', displayName: 'Ola Support', role: 'support', teams: [] };
export const CHAMPION: StaffMember = { id: 'staff-siv', email: 'siv@acme.no', displayName: 'Siv Champion', role: 'champion', teams: ['Sales North'] };

export const SESSION: StaffSessionInfo = StaffSessionInfoSchema.parse({
  staff: ME,
  organisation: { id: 'org-acme', name: 'Acme Nordic' },
  csrfToken: CSRF_TOKEN,
});

export function detailFixture(overrides: Partial<InboxRequestDetail> = {}): InboxRequestDetail {
  return InboxRequestDetailSchema.parse({
    id: REQUEST_ID,
    kind: 'problem',
    title: 'The Log a Call button does nothing',
    status: 'new',
    requester: { id: 'user-kari', email: 'kari@acme.no', displayName: 'Kari Nordmann', teams: ['Sales North'] },
    assignee: null,
    crm: 'salesforce',
    pageType: 'record_view',
    object: 'Opportunity',
    routing: { queue: 'champions', team: 'Sales North', escalatesAt: '2025-03-24T12:00:00.000Z' },
    hasScreenshot: true,
    replyCount: 0,
    createdAt: '2025-03-24T08:00:00.000Z',
    updatedAt: '2025-03-24T08:00:00.000Z',
    description: 'The Log a Call button does nothing\nI clicked it twice.\n\nThen I gave up.',
    context: {
      crm: {
        crm: 'salesforce',
        environment: 'sandbox',
        pageType: 'record_view',
        object: 'Opportunity',
        recordId: '006Aa000001AbCdEAF',
        surface: 'lightning',
        host: 'acme--uat.sandbox.lightning.force.com',
        orgName: 'acme',
        sandboxName: 'uat',
        app: null,
        listView: null,
        url: 'https://acme--uat.sandbox.lightning.force.com/lightning/r/Opportunity/{id}/view',
      },
      guide: { packId: 'sales-basics', itemId: 'log-a-call', stepId: 'open-activity', stepIndex: 1 },
      breadcrumbs: [
        { at: '2025-03-24T07:58:10.000Z', kind: 'navigation', label: 'Opportunity record' },
        { at: '2025-03-24T07:59:30.000Z', kind: 'click', label: 'Log a Call' },
      ],
      errors: [{ at: '2025-03-24T07:59:31.000Z', kind: 'error', message: 'TypeError: x is undefined', source: 'aura_prod.js:12:4' }],
      environment: {
        extensionVersion: '0.1.0',
        browser: 'Chrome 134',
        os: 'Windows 11',
        locale: 'nb-NO',
        viewport: { width: 1440, height: 900 },
        at: '2025-03-24T08:00:00.000Z',
      },
    },
    links: {
      page: 'https://acme--uat.sandbox.lightning.force.com/lightning/r/Opportunity/006Aa000001AbCdEAF/view',
      record: 'https://acme--uat.sandbox.lightning.force.com/006Aa000001AbCdEAF',
    },
    replies: [],
    audit: [{ at: '2025-03-24T08:00:00.000Z', actor: { displayName: 'Kari Nordmann', role: 'user' }, action: 'created', from: null, to: null }],
    nextStatuses: ['in_progress', 'answered', 'closed'],
    ...overrides,
  });
}

/** The list entry of a request, as the server derives it from the detail. */
export function summaryOf(detail: InboxRequestDetail): InboxRequestSummary {
  // A non-strict copy of the summary schema drops the detail-only fields.
  return z.object(InboxRequestSummarySchema.shape).parse(detail);
}

export function summaries(count: number, from = 0): InboxRequestSummary[] {
  return Array.from({ length: count }, (_, index) => {
    const n = from + index;
    return summaryOf(
      detailFixture({
        id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        title: `Request number ${n}`,
        kind: n % 3 === 0 ? 'question' : n % 3 === 1 ? 'problem' : 'idea',
      }),
    );
  });
}

export interface RecordedCall {
  method: string;
  /** Path and query, as the page asked for it. */
  url: string;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  body: unknown;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

export const apiError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message } }, headers);

export interface FakeBackend {
  fetch: typeof fetch;
  calls: RecordedCall[];
  /** Whether a staff session cookie would be sent. */
  signedIn: boolean;
  detail: InboxRequestDetail;
  /** Pages of the list, by cursor (`''` for the first page). */
  pages: Map<string, InboxList>;
  staff: StaffMember[];
  /** Answers a call before the default routes do; undefined falls through. */
  override: ((call: RecordedCall) => Response | undefined) | null;
  callsTo(method: string, pathStart: string): RecordedCall[];
}

/**
 * A backend that behaves like the contract says: sessions, the list with cursors, one request
 * with replies, status moves and assignment, and the staff directory. Every answer is parsed
 * with the contract's schemas before it is sent.
 */
export function fakeBackend({ signedIn = true, detail = detailFixture(), list }: { signedIn?: boolean; detail?: InboxRequestDetail; list?: InboxList } = {}): FakeBackend {
  const backend: FakeBackend = {
    calls: [],
    signedIn,
    detail,
    pages: new Map([['', InboxListSchema.parse(list ?? { requests: [summaryOf(detail)], nextCursor: null, teams: ['Sales North', 'Service'] })]]),
    staff: [ME, CHAMPION],
    override: null,
    callsTo: (method, pathStart) => backend.calls.filter((call) => call.method === method && call.url.startsWith(pathStart)),
    fetch: async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const call: RecordedCall = {
        method: init?.method ?? 'GET',
        url,
        headers: new Headers(init?.headers),
        credentials: init?.credentials,
        body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      };
      backend.calls.push(call);
      if (init?.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
      return backend.override?.(call) ?? answer(backend, call);
    },
  };
  return backend;
}

function answer(backend: FakeBackend, call: RecordedCall): Response {
  const { pathname, searchParams } = new URL(call.url, 'https://ombord.test');
  const route = `${call.method} ${pathname}`;
  if (route === 'POST /inbox/api/login') {
    const body = call.body as { email?: string; password?: string };
    if (body.email !== ME.email || body.password !== 'correct horse battery') return apiError(401, 'unauthenticated', 'Wrong email or password');
    backend.signedIn = true;
    return json(200, SESSION);
  }
  if (!backend.signedIn) return apiError(401, 'unauthenticated', 'Sign in first');
  if (call.method === 'POST' && call.headers.get(CSRF_HEADER) !== CSRF_TOKEN) return apiError(403, 'forbidden', 'Missing or wrong CSRF token');

  const requestPath = `/inbox/api/requests/${backend.detail.id}`;
  switch (route) {
    case 'GET /inbox/api/session':
      return json(200, SESSION);
    case 'POST /inbox/api/logout':
      backend.signedIn = false;
      return new Response(null, { status: 204 });
    case 'GET /inbox/api/requests': {
      const page = backend.pages.get(searchParams.get('cursor') ?? '');
      return page === undefined ? apiError(400, 'bad_request', 'Unknown cursor') : json(200, InboxListSchema.parse(page));
    }
    case 'GET /inbox/api/staff':
      return json(200, StaffDirectorySchema.parse({ staff: backend.staff }));
    case `GET ${requestPath}`:
      return json(200, backend.detail);
    case `POST ${requestPath}/replies`: {
      const { body } = call.body as { body: string };
      const at = '2025-03-24T09:00:00.000Z';
      backend.detail = update(backend.detail, {
        status: 'answered',
        replies: [...backend.detail.replies, { id: '9d8c7b6a-5f4e-4d3c-9b2a-1f0e9d8c7b6a', at, author: { displayName: ME.displayName, role: 'support' }, body }],
        replyCount: backend.detail.replyCount + 1,
        audit: [...backend.detail.audit, { at, actor: { displayName: ME.displayName, role: 'support' }, action: 'reply', from: null, to: null }],
      });
      return json(201, backend.detail);
    }
    case `POST ${requestPath}/status`: {
      const { status } = call.body as { status: SupportStatus };
      if (!canMoveSupportStatus(backend.detail.status, status)) return apiError(409, 'conflict', `A ${backend.detail.status} request cannot move to ${status}`);
      backend.detail = update(backend.detail, {
        status,
        audit: [...backend.detail.audit, { at: '2025-03-24T09:05:00.000Z', actor: { displayName: ME.displayName, role: 'support' }, action: 'status', from: backend.detail.status, to: status }],
      });
      return json(200, backend.detail);
    }
    case `POST ${requestPath}/assignee`: {
      const { assigneeId } = call.body as { assigneeId: string | null };
      const person = backend.staff.find((candidate) => candidate.id === assigneeId);
      if (assigneeId !== null && person === undefined) return apiError(400, 'validation_failed', `No staff member ${assigneeId}`);
      backend.detail = update(backend.detail, { assignee: person === undefined ? null : { id: person.id, displayName: person.displayName } });
      return json(200, backend.detail);
    }
    default:
      return apiError(404, 'not_found', `No route ${route}`);
  }
}

/** The request after a change, with the statuses it may move to next worked out as the server does. */
function update(detail: InboxRequestDetail, change: Partial<InboxRequestDetail>): InboxRequestDetail {
  const next = { ...detail, ...change, updatedAt: '2025-03-24T09:10:00.000Z' };
  return InboxRequestDetailSchema.parse({ ...next, nextStatuses: SUPPORT_STATUSES.filter((status) => canMoveSupportStatus(next.status, status)) });
}

/** An in-memory `localStorage` stand-in. */
export function memoryStorage(initial: Record<string, string> = {}): Pick<Storage, 'getItem' | 'setItem'> & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  };
}
