/**
 * The inbox page's client for the backend's `/inbox/api/*` routes (contract: `lib/api/inbox.ts`).
 * Same-origin fetch with the session cookie, the CSRF token on every POST, every response
 * checked against the contract, and every failure turned into a `Problem` the views can put
 * into words. It never throws: errors are values.
 */
import type { z } from 'zod';
import { ApiErrorSchema, type ApiErrorCode } from '../../../lib/api/errors';
import {
  CSRF_HEADER,
  InboxListSchema,
  InboxRequestDetailSchema,
  StaffDirectorySchema,
  StaffSessionInfoSchema,
  type InboxAssignRequest,
  type InboxList,
  type InboxListQuery,
  type InboxReplyRequest,
  type InboxRequestDetail,
  type InboxStatusRequest,
  type StaffDirectory,
  type StaffLoginRequest,
  type StaffSessionInfo,
} from '../../../lib/api/inbox';

export const API_BASE = '/inbox/api';

export type Problem =
  /** The request was cancelled by the page itself (the user moved on); nothing to show. */
  | { kind: 'aborted' }
  /** No answer at all: offline, server down, or the connection dropped. */
  | { kind: 'network' }
  /** 401 outside sign-in: the session ended (expired, signed out elsewhere, revoked). */
  | { kind: 'unauthenticated' }
  /** 429: too many requests; `retryAt` (epoch ms) from `Retry-After` when the server sent one. */
  | { kind: 'rate_limited'; retryAt: number | null }
  /** Any other error status, with the server's `ApiError` when the body was one. */
  | { kind: 'refused'; status: number; code: ApiErrorCode | null; message: string | null; retryAt: number | null }
  /** A 2xx whose body does not match the contract: the page and the server disagree on versions. */
  | { kind: 'unreadable'; status: number };

export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export interface InboxApi {
  /** The signed-in staff member, or null when nobody is signed in (a 401 here is not an expiry). */
  session(signal?: AbortSignal): Promise<Result<StaffSessionInfo | null>>;
  /** A 401 here is a wrong email or password: `refused` with status 401, not a session expiry. */
  login(credentials: StaffLoginRequest): Promise<Result<StaffSessionInfo>>;
  logout(): Promise<Result<null>>;
  list(query: InboxListQuery, signal?: AbortSignal): Promise<Result<InboxList>>;
  detail(id: string, signal?: AbortSignal): Promise<Result<InboxRequestDetail>>;
  reply(id: string, body: InboxReplyRequest): Promise<Result<InboxRequestDetail>>;
  setStatus(id: string, body: InboxStatusRequest): Promise<Result<InboxRequestDetail>>;
  assign(id: string, body: InboxAssignRequest): Promise<Result<InboxRequestDetail>>;
  staff(signal?: AbortSignal): Promise<Result<StaffDirectory>>;
}

export interface InboxApiOptions {
  /** Called when a signed-in call answers 401, so the page can go back to sign-in. */
  onSignedOut: () => void;
  fetch?: typeof fetch;
  now?: () => number;
}

export function screenshotUrl(id: string): string {
  return `${API_BASE}/requests/${encodeURIComponent(id)}/screenshot`;
}

export function createInboxApi({ onSignedOut, fetch: fetchImpl = (...args) => fetch(...args), now = Date.now }: InboxApiOptions): InboxApi {
  // The CSRF token of the current session. It lives only in memory: it is read back from
  // `GET /session` on every page load, so nothing needs to persist it.
  let csrfToken: string | null = null;

  type Call = {
    method: 'GET' | 'POST';
    path: string;
    body?: unknown;
    signal?: AbortSignal | undefined;
    /** A 401 is a wrong password (login) or "not signed in" (session probe), not an expiry. */
    unauthenticatedIsExpected?: boolean;
  };

  async function call<S extends z.ZodType>(schema: S, request: Call): Promise<Result<z.output<S>>>;
  async function call(schema: null, request: Call): Promise<Result<null>>;
  async function call(schema: z.ZodType | null, { method, path, body, signal, unauthenticatedIsExpected = false }: Call): Promise<Result<unknown>> {
    const headers = new Headers({ Accept: 'application/json' });
    if (method === 'POST') {
      if (csrfToken !== null) headers.set(CSRF_HEADER, csrfToken);
      if (body !== undefined) headers.set('Content-Type', 'application/json');
    }
    let response: Response;
    try {
      response = await fetchImpl(`${API_BASE}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        // Inbox data changes under the staff member's feet; never answer from the HTTP cache.
        cache: 'no-store',
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ?? null,
      });
    } catch {
      return { ok: false, problem: signal?.aborted ? { kind: 'aborted' } : { kind: 'network' } };
    }

    if (response.ok) {
      if (schema === null) return { ok: true, value: null };
      const json = await readJson(response);
      if (signal?.aborted) return { ok: false, problem: { kind: 'aborted' } };
      const parsed = schema.safeParse(json);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: { kind: 'unreadable', status: response.status } };
    }

    const error = ApiErrorSchema.safeParse(await readJson(response));
    const apiError = error.success ? error.data.error : null;
    if (response.status === 401 && !unauthenticatedIsExpected) {
      csrfToken = null;
      onSignedOut();
      return { ok: false, problem: { kind: 'unauthenticated' } };
    }
    const retryAt = parseRetryAfter(response.headers.get('Retry-After'), now());
    if (response.status === 429) return { ok: false, problem: { kind: 'rate_limited', retryAt } };
    return {
      ok: false,
      problem: { kind: 'refused', status: response.status, code: apiError?.code ?? null, message: apiError?.message ?? null, retryAt },
    };
  }

  const remember = (result: Result<StaffSessionInfo>): Result<StaffSessionInfo> => {
    if (result.ok) csrfToken = result.value.csrfToken;
    return result;
  };
  const requestPath = (id: string) => `/requests/${encodeURIComponent(id)}`;

  return {
    async session(signal) {
      const result = await call(StaffSessionInfoSchema, { method: 'GET', path: '/session', signal, unauthenticatedIsExpected: true });
      if (!result.ok && result.problem.kind === 'refused' && result.problem.status === 401) {
        csrfToken = null;
        return { ok: true, value: null };
      }
      return result.ok ? remember(result) : result;
    },
    async login(credentials) {
      return remember(await call(StaffSessionInfoSchema, { method: 'POST', path: '/login', body: credentials, unauthenticatedIsExpected: true }));
    },
    async logout() {
      const result = await call(null, { method: 'POST', path: '/logout', unauthenticatedIsExpected: true });
      // Signed out either way when the server says there is no session any more.
      if (result.ok || (result.problem.kind === 'refused' && result.problem.status === 401)) {
        csrfToken = null;
        return { ok: true, value: null };
      }
      return result;
    },
    list: (query, signal) => call(InboxListSchema, { method: 'GET', path: `/requests${queryString(query)}`, signal }),
    detail: (id, signal) => call(InboxRequestDetailSchema, { method: 'GET', path: requestPath(id), signal }),
    reply: (id, body) => call(InboxRequestDetailSchema, { method: 'POST', path: `${requestPath(id)}/replies`, body }),
    setStatus: (id, body) => call(InboxRequestDetailSchema, { method: 'POST', path: `${requestPath(id)}/status`, body }),
    assign: (id, body) => call(InboxRequestDetailSchema, { method: 'POST', path: `${requestPath(id)}/assignee`, body }),
    staff: (signal) => call(StaffDirectorySchema, { method: 'GET', path: '/staff', signal }),
  };
}

/** The body as JSON, or undefined when it is empty or not JSON (a proxy's HTML error page). */
async function readJson(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text()) as unknown;
  } catch {
    return undefined;
  }
}

function queryString(query: InboxListQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** `Retry-After` as an instant: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return now + Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : date;
}
