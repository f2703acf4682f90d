/**
 * A typed client for the backend's `/v1` API: every response is validated with the `lib/api`
 * schemas, and every way a request can fail comes back as a value the caller can act on
 * (retry later, wait as the server asked, re-enrol, or give up on this request).
 */
import { z } from 'zod';
import {
  ApiErrorSchema,
  EnrollResponseSchema,
  MeResponseSchema,
  MySupportRequestsSchema,
  PacksResponseSchema,
  ProgressAckSchema,
  ProgressPageSchema,
  SupportAckSchema,
  type ApiError,
  type EnrollRequest,
  type EnrollResponse,
  type MeResponse,
  type MySupportRequests,
  type ProgressAck,
  type ProgressBatch,
  type ProgressPage,
  type SupportAck,
  type SupportReplyRequest,
  type SupportRequest,
} from '../api';
import type { Clock } from './storage';

export const DEFAULT_TIMEOUT_MS = 20_000;

export type ApiFailure =
  /** No answer at all: offline, DNS, refused connection, CORS, or no host permission. */
  | { kind: 'network'; message: string }
  | { kind: 'timeout'; timeoutMs: number }
  /** 401/403: the device credential (or enrollment token) is not accepted. */
  | { kind: 'auth'; status: number; error: ApiError['error'] | null }
  /** Any other 4xx: this request will not succeed as it is. */
  | { kind: 'refused'; status: number; error: ApiError['error'] | null }
  /** 429/503: come back later, after `retryAfterMs` when the server said. */
  | { kind: 'unavailable'; status: number; retryAfterMs: number | null }
  /** Other 5xx. */
  | { kind: 'server'; status: number }
  /** An answer that is not what the contract promises (not JSON, wrong shape): likely not an Ombord server. */
  | { kind: 'invalid_response'; status: number; message: string };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

/** `GET /v1/packs`: the packs are checked one by one by the caller, so one bad pack cannot hide the rest. */
export type PacksResult = { modified: false } | { modified: true; etag: string | null; packs: unknown[] };

export interface ApiClientOptions {
  /** Where the backend lives, e.g. `https://ombord.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** The device credential; omitted for enrolment. */
  deviceToken?: string;
  fetch: typeof fetch;
  now: Clock;
  timeoutMs?: number;
}

export interface ApiClient {
  enroll(request: EnrollRequest): Promise<ApiResult<EnrollResponse>>;
  me(): Promise<ApiResult<MeResponse>>;
  packs(etag: string | null): Promise<ApiResult<PacksResult>>;
  postProgress(batch: ProgressBatch): Promise<ApiResult<ProgressAck>>;
  progressPage(after: string | null): Promise<ApiResult<ProgressPage>>;
  postSupport(request: SupportRequest): Promise<ApiResult<SupportAck>>;
  /** `GET /v1/support`: the caller's own help requests with their replies, newest first. */
  listMySupport(): Promise<ApiResult<MySupportRequests>>;
  /** `POST /v1/support/:id/replies`: the user answers back; the ack carries the request's new status. */
  replyToSupport(id: string, body: string): Promise<ApiResult<SupportAck>>;
  /** `POST /v1/support/:id/solved`: the user marks their request solved (closed). */
  markSupportSolved(id: string): Promise<ApiResult<SupportAck>>;
}

/** Each pack is left unchecked here; `lib/sync/packs` validates them one at a time. */
const LoosePacksResponseSchema = PacksResponseSchema.extend({ packs: z.array(z.unknown()).max(200) });

/** An acknowledgement of another request than the one acted on is no proof the action happened. */
const ackOf = (id: string): z.ZodType<SupportAck> =>
  SupportAckSchema.refine((ack) => ack.id === id, { message: `Expected the acknowledgement of support request "${id}"` });

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { deviceToken, now } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResult<{ status: number; headers: Headers; body: T | null }>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
    if (deviceToken !== undefined) headers.Authorization = `Bearer ${deviceToken}`;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await options.fetch(`${base}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
        // The credential is a header, never a cookie.
        credentials: 'omit',
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') return fail({ kind: 'timeout', timeoutMs });
      return fail({ kind: 'network', message: error instanceof Error ? error.message : String(error) });
    }
    const { status } = response;
    if (status === 304) return { ok: true, value: { status, headers: response.headers, body: null } };
    if (status >= 200 && status < 300) {
      let json: unknown;
      try {
        json = await response.json();
      } catch {
        return fail({ kind: 'invalid_response', status, message: `${method} ${path} answered ${status} with a body that is not JSON.` });
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        return fail({ kind: 'invalid_response', status, message: `${method} ${path} answered ${status} with an unexpected body:\n${z.prettifyError(parsed.error)}` });
      }
      return { ok: true, value: { status, headers: response.headers, body: parsed.data } };
    }
    if (status === 429 || status === 503) {
      void response.body?.cancel();
      return fail({ kind: 'unavailable', status, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), now()) });
    }
    if (status >= 500) {
      void response.body?.cancel();
      return fail({ kind: 'server', status });
    }
    const error = await readApiError(response);
    if (status === 401 || status === 403) return fail({ kind: 'auth', status, error });
    return fail({ kind: 'refused', status, error });
  }

  /** A 2xx without a body where one is required counts as an invalid response. */
  async function body<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, init?: { body?: unknown }): Promise<ApiResult<T>> {
    const result = await call(method, path, schema, init);
    if (!result.ok) return result;
    if (result.value.body === null) {
      return fail({ kind: 'invalid_response', status: result.value.status, message: `${method} ${path} answered ${result.value.status} without a body.` });
    }
    return { ok: true, value: result.value.body };
  }

  return {
    enroll: (request) => body('POST', '/v1/enroll', EnrollResponseSchema, { body: request }),
    me: () => body('GET', '/v1/me', MeResponseSchema),
    async packs(etag) {
      const result = await call('GET', '/v1/packs', LoosePacksResponseSchema, { headers: etag === null ? {} : { 'If-None-Match': etag } });
      if (!result.ok) return result;
      const { status, headers, body: response } = result.value;
      if (response === null) {
        return status === 304 && etag !== null
          ? { ok: true, value: { modified: false } }
          : fail({ kind: 'invalid_response', status, message: `GET /v1/packs answered ${status} without packs.` });
      }
      return { ok: true, value: { modified: true, etag: headers.get('ETag'), packs: response.packs } };
    },
    postProgress: (batch) => body('POST', '/v1/progress', ProgressAckSchema, { body: batch }),
    progressPage: (after) =>
      body('GET', after === null ? '/v1/progress' : `/v1/progress?after=${encodeURIComponent(after)}`, ProgressPageSchema),
    postSupport: (request) => body('POST', '/v1/support', SupportAckSchema, { body: request }),
    listMySupport: () => body('GET', '/v1/support', MySupportRequestsSchema),
    replyToSupport: (id, text) =>
      body('POST', `/v1/support/${encodeURIComponent(id)}/replies`, ackOf(id), { body: { body: text } satisfies SupportReplyRequest }),
    markSupportSolved: (id) => body('POST', `/v1/support/${encodeURIComponent(id)}/solved`, ackOf(id)),
  };
}

function fail(failure: ApiFailure): { ok: false; failure: ApiFailure } {
  return { ok: false, failure };
}

async function readApiError(response: Response): Promise<ApiError['error'] | null> {
  try {
    const parsed = ApiErrorSchema.safeParse(await response.json());
    return parsed.success ? parsed.data.error : null;
  } catch {
    return null;
  }
}
