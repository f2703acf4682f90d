import { describe, expect, it } from 'vitest';
import { newProgressEvent } from '../api/progress';
import { createApiClient, parseRetryAfter, type ApiClient } from './client';
import { fakeBackend } from './testing';

const NOW = Date.parse('2025-03-24T08:00:00Z');
const context = { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: 'Opportunity', surface: 'lightning' } as const;
const event = () => newProgressEvent({ type: 'seen', packId: 'sales-basics', packVersion: 1, itemId: 'tip', context });

function clientOver(fetch: typeof globalThis.fetch, options: { deviceToken?: string; timeoutMs?: number } = {}): ApiClient {
  return createApiClient({ baseUrl: 'https://ombord.example.com/base/', fetch, now: () => NOW, ...options });
}

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (async () => new Response(body === null ? null : JSON.stringify(body), { status, headers })) as typeof fetch;

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, relative to now', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('Mon, 24 Mar 2025 08:05:00 GMT', NOW)).toBe(300_000);
    expect(parseRetryAfter('Mon, 24 Mar 2025 07:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});

describe('createApiClient', () => {
  it('enrols, then calls device endpoints with the credential, under the base path', async () => {
    const backend = fakeBackend();
    const rebased = ((input: RequestInfo | URL, init?: RequestInit) =>
      backend.fetch(String(input).replace('/base', ''), init)) as typeof fetch;
    const enrolled = await clientOver(rebased).enroll({
      enrollmentToken: 'enrol-acme-0123456789',
      user: { email: 'kari@acme.no' },
      extensionVersion: '0.1.0',
    });
    expect(enrolled.ok).toBe(true);
    if (!enrolled.ok) return;
    const me = await clientOver(rebased, { deviceToken: enrolled.value.deviceToken }).me();
    expect(me).toMatchObject({ ok: true, value: { user: { email: 'kari@acme.no', roles: ['sales-rep'] } } });
    expect(backend.requests[1]?.headers.get('Authorization')).toBe(`Bearer ${enrolled.value.deviceToken}`);
  });

  it('sends If-None-Match and reports 304 as not modified, 200 with the ETag', async () => {
    const backend = fakeBackend();
    const { deviceToken } = await enrol(backend);
    const client = createApiClient({ baseUrl: 'https://ombord.example.com', deviceToken, fetch: backend.fetch, now: () => NOW });
    const first = await client.packs(null);
    expect(first).toEqual({ ok: true, value: { modified: true, etag: '"packs-1"', packs: [] } });
    expect(await client.packs('"packs-1"')).toEqual({ ok: true, value: { modified: false } });
    expect(backend.requests.at(-1)?.headers.get('If-None-Match')).toBe('"packs-1"');
  });

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [404, 'refused'],
    [422, 'refused'],
    [500, 'server'],
    [502, 'server'],
  ])('turns HTTP %i into a %s failure with the server\'s error', async (status, kind) => {
    const body = { error: { code: 'forbidden', message: 'This device was revoked by an admin.' } };
    const result = await clientOver(answer(status, body)).me();
    expect(result).toMatchObject({ ok: false, failure: { kind, status } });
    if (kind !== 'server') expect(result).toMatchObject({ failure: { error: body.error } });
  });

  it('keeps Retry-After of 429 and 503, in seconds or as a date', async () => {
    expect(await clientOver(answer(429, null, { 'Retry-After': '30' })).me()).toEqual({
      ok: false,
      failure: { kind: 'unavailable', status: 429, retryAfterMs: 30_000 },
    });
    expect(await clientOver(answer(503, null, { 'Retry-After': 'Mon, 24 Mar 2025 08:01:00 GMT' })).me()).toEqual({
      ok: false,
      failure: { kind: 'unavailable', status: 503, retryAfterMs: 60_000 },
    });
    expect(await clientOver(answer(503, null)).me()).toMatchObject({ failure: { retryAfterMs: null } });
  });

  it('rejects an answer that breaks the contract, saying what is wrong', async () => {
    const notJson = (async () => new Response('<html>Welcome to nginx</html>', { status: 200 })) as typeof fetch;
    expect(await clientOver(notJson).me()).toMatchObject({ ok: false, failure: { kind: 'invalid_response', status: 200 } });
    const wrongShape = await clientOver(answer(200, { accepted: [event().id], duplicates: [] })).postProgress({ events: [event()] });
    expect(wrongShape).toMatchObject({ ok: false, failure: { kind: 'invalid_response' } });
    if (!wrongShape.ok) expect((wrongShape.failure as { message: string }).message).toContain('rejected');
  });

  it('reports a request that got no answer as a network failure', async () => {
    const backend = fakeBackend();
    backend.down = true;
    expect(await clientOver(backend.fetch).me()).toEqual({ ok: false, failure: { kind: 'network', message: 'Failed to fetch' } });
  });

  it('gives up after the timeout', async () => {
    const hanging = ((_: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    expect(await clientOver(hanging, { timeoutMs: 20 }).me()).toEqual({ ok: false, failure: { kind: 'timeout', timeoutMs: 20 } });
  });

  it('pages progress with an encoded cursor', async () => {
    const backend = fakeBackend({ pageSize: 1 });
    const { deviceToken } = await enrol(backend);
    backend.history.push(event(), event());
    const client = createApiClient({ baseUrl: 'https://ombord.example.com', deviceToken, fetch: backend.fetch, now: () => NOW });
    const first = await client.progressPage(null);
    expect(first).toMatchObject({ ok: true, value: { next: '1' } });
    expect(await client.progressPage('1')).toMatchObject({ ok: true, value: { next: null } });
    expect(backend.requests.map((request) => request.path).slice(-2)).toEqual(['/v1/progress', '/v1/progress?after=1']);
  });
});

async function enrol(backend: ReturnType<typeof fakeBackend>): Promise<{ deviceToken: string }> {
  const result = await createApiClient({ baseUrl: 'https://ombord.example.com', fetch: backend.fetch, now: () => NOW }).enroll({
    enrollmentToken: 'enrol-acme-0123456789',
    user: { email: 'kari@acme.no' },
    extensionVersion: '0.1.0',
  });
  if (!result.ok) throw new Error(`enrol failed: ${JSON.stringify(result.failure)}`);
  return result.value;
}

describe('support requests of the user', () => {
  const REQUEST_ID = '3b241101-e2bb-4255-8caf-4136c566a962';
  const at = '2025-03-24T08:00:00.000Z';
  const mine = {
    requests: [
      {
        id: REQUEST_ID,
        kind: 'question',
        description: 'Where do I log a call?',
        status: 'answered',
        createdAt: at,
        updatedAt: at,
        replies: [{ id: '6f9619ff-8b86-4d11-b42d-00c04fc964ff', at, author: { displayName: 'Siri Support', role: 'support' }, body: 'Use the Activity tab.' }],
      },
    ],
  };

  /** A fetch that records each request and answers with the next scripted response. */
  function recording(...answers: Array<() => Response>) {
    const requests: Array<{ method: string; url: string; headers: Headers; body: string }> = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      requests.push({ method: request.method, url: request.url, headers: request.headers, body: await request.text() });
      const next = answers.shift();
      if (next === undefined) throw new Error(`Unexpected ${request.method} ${request.url}`);
      return next();
    }) as typeof globalThis.fetch;
    return { requests, client: clientOver(fetch, { deviceToken: 'd'.repeat(40) }) };
  }
  const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

  it('lists them with the device credential, validated', async () => {
    const { requests, client } = recording(json(200, mine));
    expect(await client.listMySupport()).toEqual({ ok: true, value: mine });
    expect(requests[0]).toMatchObject({ method: 'GET', url: 'https://ombord.example.com/base/v1/support', body: '' });
    expect(requests[0]?.headers.get('Authorization')).toBe(`Bearer ${'d'.repeat(40)}`);
  });

  it('refuses a list that breaks the contract, naming the field', async () => {
    const robot = structuredClone(mine);
    (robot.requests[0]?.replies[0]?.author as { role: string }).role = 'robot';
    const result = await recording(json(200, robot)).client.listMySupport();
    expect(result).toMatchObject({ ok: false, failure: { kind: 'invalid_response', status: 200 } });
    if (!result.ok && result.failure.kind === 'invalid_response') expect(result.failure.message).toContain('role');
  });

  it('answers back with the body as JSON and reads the new status', async () => {
    const { requests, client } = recording(json(201, { id: REQUEST_ID, status: 'in_progress' }));
    expect(await client.replyToSupport(REQUEST_ID, 'It works now, thanks!')).toEqual({ ok: true, value: { id: REQUEST_ID, status: 'in_progress' } });
    expect(requests[0]).toMatchObject({ method: 'POST', url: `https://ombord.example.com/base/v1/support/${REQUEST_ID}/replies` });
    expect(requests[0]?.headers.get('Content-Type')).toBe('application/json');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ body: 'It works now, thanks!' });
  });

  it('marks a request solved without a body', async () => {
    const { requests, client } = recording(json(200, { id: REQUEST_ID, status: 'closed' }));
    expect(await client.markSupportSolved(REQUEST_ID)).toEqual({ ok: true, value: { id: REQUEST_ID, status: 'closed' } });
    expect(requests[0]).toMatchObject({ method: 'POST', url: `https://ombord.example.com/base/v1/support/${REQUEST_ID}/solved`, body: '' });
  });

  it('does not take the acknowledgement of another request as proof', async () => {
    const other = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const result = await recording(json(201, { id: other, status: 'in_progress' })).client.replyToSupport(REQUEST_ID, 'Thanks');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'invalid_response', status: 201 } });
  });

  it('passes on the backend\'s refusal of a closed or unknown request', async () => {
    const closed = { error: { code: 'conflict', message: 'This support request is closed and takes no more replies' } };
    const unknown = { error: { code: 'not_found', message: `You have no support request with id "${REQUEST_ID}"` } };
    const { client } = recording(json(409, closed), json(404, unknown));
    expect(await client.replyToSupport(REQUEST_ID, 'Hello?')).toEqual({ ok: false, failure: { kind: 'refused', status: 409, error: closed.error } });
    expect(await client.markSupportSolved(REQUEST_ID)).toEqual({ ok: false, failure: { kind: 'refused', status: 404, error: unknown.error } });
  });
});
