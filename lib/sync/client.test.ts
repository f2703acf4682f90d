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
