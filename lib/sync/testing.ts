/**
 * Test doubles for sync: storage and Web Locks in memory, and a backend that keeps the `/v1`
 * contract of `lib/api` (validating requests with the same schemas) behind a `fetch`, with
 * switches to make it fail the ways a real one does.
 */
import { z } from 'zod';
import {
  EnrollRequestSchema,
  PROGRESS_BATCH_MAX,
  ProgressEventSchema,
  type ApiErrorCode,
  type EnrollResponse,
  type ProgressAck,
  type ProgressEvent,
  type ProgressPage,
} from '../api';
import type { Locks } from './lock';
import type { KeyValueStorage } from './storage';

/** `storage.local` in memory; values are copied through JSON like the real one does. */
export function memoryStorage(initial: Record<string, unknown> = {}): KeyValueStorage & { data: Map<string, unknown> } {
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const data = new Map<string, unknown>(Object.entries(copy(initial)));
  return {
    data,
    async get(keys) {
      return Object.fromEntries(keys.filter((key) => data.has(key)).map((key) => [key, copy(data.get(key))]));
    },
    async set(items) {
      for (const [key, value] of Object.entries(copy(items))) data.set(key, value);
    },
    async remove(keys) {
      for (const key of keys) data.delete(key);
    },
  };
}

/** `navigator.locks` for one process: exclusive locks, `ifAvailable` answered with `null`. */
export function memoryLocks(): Locks {
  const held = new Map<string, Promise<void>>();
  return {
    async request(name, options, callback) {
      if (options.ifAvailable && held.has(name)) return callback(null);
      while (held.has(name)) await held.get(name);
      let release = (): void => undefined;
      held.set(name, new Promise<void>((resolve) => (release = resolve)));
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
        release();
      }
    },
  };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

/** A scripted answer: a response, or `network` for a request that never reaches the server. */
export type Scripted = Response | 'network';

export interface FakeBackendOptions {
  enrollmentTokens?: string[];
  user?: Partial<Pick<EnrollResponse['user'], 'roles' | 'teams' | 'locale'>>;
  /** Events per page of `GET /v1/progress`. */
  pageSize?: number;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  maxBodyBytes?: number;
}

export const ORGANISATION = { id: '8d7a4f5e-7c2b-4e0a-9a57-3f2b1c0d9e11', name: 'Acme Nordic' } as const;

export function fakeBackend(options: FakeBackendOptions = {}) {
  const tokens = new Set(options.enrollmentTokens ?? ['enrol-acme-0123456789']);
  const pageSize = options.pageSize ?? 1000;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const devices = new Map<string, { deviceId: string; email: string }>();
  const users = new Map<string, EnrollResponse['user']>();

  const state = {
    requests: [] as RecordedRequest[],
    /** Events the server has stored, by id. */
    received: new Map<string, ProgressEvent>(),
    /** Ids the server refuses, with its reason. */
    rejectIds: new Map<string, string>(),
    /** The user's events from other devices, served by `GET /v1/progress`. */
    history: [] as ProgressEvent[],
    /** What `GET /v1/packs` publishes (checked by the client, not here). */
    packs: [] as unknown[],
    packsRevision: 1,
    /** While true, every request fails as if the network were down. */
    down: false,
    /** Answers used, in order, before the contract is consulted. */
    script: [] as Scripted[],
    /** Resolved before each answer: lets a test hold requests in flight. */
    gate: null as Promise<void> | null,
    user: {
      roles: options.user?.roles ?? ['sales-rep'],
      teams: options.user?.teams ?? ['nordics'],
      locale: options.user?.locale ?? null,
    },
  };

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
  const error = (status: number, code: ApiErrorCode, message: string): Response => json(status, { error: { code, message } });

  function device(headers: Headers): { deviceId: string; email: string } | null {
    const match = /^Bearer (.+)$/.exec(headers.get('Authorization') ?? '');
    return match ? (devices.get(match[1] as string) ?? null) : null;
  }

  function handle(method: string, url: URL, headers: Headers, body: unknown, bytes: number): Response {
    const route = `${method} ${url.pathname}`;
    if (route === 'POST /v1/enroll') {
      const parsed = EnrollRequestSchema.safeParse(body);
      if (!parsed.success) return error(400, 'validation_failed', z.prettifyError(parsed.error));
      if (!tokens.has(parsed.data.enrollmentToken)) return error(401, 'unauthenticated', 'This enrollment token is not valid.');
      const email = parsed.data.user.email;
      const user = users.get(email) ?? { id: crypto.randomUUID(), email, ...state.user };
      users.set(email, user);
      const deviceToken = `dev_${crypto.randomUUID()}${crypto.randomUUID()}`;
      const deviceId = crypto.randomUUID();
      devices.set(deviceToken, { deviceId, email });
      return json(201, { deviceId, deviceToken, organisation: ORGANISATION, user } satisfies EnrollResponse);
    }
    const caller = device(headers);
    if (caller === null) return error(401, 'unauthenticated', 'Unknown device credential.');
    const user = { ...(users.get(caller.email) as EnrollResponse['user']), ...state.user };
    switch (route) {
      case 'GET /v1/me':
        return json(200, { deviceId: caller.deviceId, organisation: ORGANISATION, user });
      case 'GET /v1/packs': {
        const etag = `"packs-${state.packsRevision}"`;
        if (headers.get('If-None-Match') === etag) return new Response(null, { status: 304, headers: { ETag: etag } });
        return json(200, { packs: state.packs }, { ETag: etag });
      }
      case 'POST /v1/progress': {
        if (bytes > maxBodyBytes) return error(413, 'payload_too_large', `At most ${maxBodyBytes} bytes per request.`);
        const events = (body as { events?: unknown }).events;
        if (!Array.isArray(events) || events.length === 0 || events.length > PROGRESS_BATCH_MAX) {
          return error(400, 'validation_failed', `Expected 1 to ${PROGRESS_BATCH_MAX} events.`);
        }
        const ack: ProgressAck = { accepted: [], duplicates: [], rejected: [] };
        for (const candidate of events) {
          const parsed = ProgressEventSchema.safeParse(candidate);
          const id = String((candidate as { id?: unknown }).id);
          const refusal = state.rejectIds.get(id);
          if (!parsed.success) ack.rejected.push({ id, error: z.prettifyError(parsed.error) });
          else if (refusal !== undefined) ack.rejected.push({ id, error: refusal });
          else if (state.received.has(id)) ack.duplicates.push(id);
          else {
            state.received.set(id, parsed.data);
            ack.accepted.push(id);
          }
        }
        return json(200, ack);
      }
      case 'GET /v1/progress': {
        const start = Number(url.searchParams.get('after') ?? 0);
        const events = state.history.slice(start, start + pageSize);
        const next = start + pageSize < state.history.length ? String(start + pageSize) : null;
        return json(200, { events, next } satisfies ProgressPage);
      }
      default:
        return error(404, 'not_found', `No route ${route}.`);
    }
  }

  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const text = request.body === null ? '' : await request.text();
    const url = new URL(request.url);
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    state.requests.push({ method: request.method, path: `${url.pathname}${url.search}`, headers: request.headers, body });
    if (state.gate !== null) await state.gate;
    const scripted = state.script.shift();
    if (state.down || scripted === 'network') throw new TypeError('Failed to fetch');
    if (scripted !== undefined) return scripted;
    return handle(request.method, url, request.headers, body, new TextEncoder().encode(text).length);
  };

  return Object.assign(state, {
    fetch: fetchImpl as typeof fetch,
    /** Requests to one route (`POST /v1/progress`). */
    calls: (route: string) => state.requests.filter((request) => `${request.method} ${request.path.split('?')[0]}` === route),
    publish(packs: unknown[]) {
      state.packs = packs;
      state.packsRevision += 1;
    },
  });
}

export type FakeBackend = ReturnType<typeof fakeBackend>;

/** A valid content pack with one tip. */
export function samplePack(id: string, version: number, title = `${id} v${version}`): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id,
    version,
    name: { en: title },
    defaultLocale: 'en',
    items: [
      {
        id: 'log-a-call',
        kind: 'tip',
        targeting: { crm: 'salesforce', where: { pageTypes: ['record_view'] } },
        title: { en: title },
        body: { en: 'Log the call while you remember it.' },
        anchor: { strategies: [{ kind: 'css', selector: 'button.log-call' }] },
      },
    ],
  };
}
