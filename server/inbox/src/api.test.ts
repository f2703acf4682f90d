import { describe, expect, it, vi } from 'vitest';
import { createInboxApi, parseRetryAfter } from './api';
import { apiError, CSRF_TOKEN, detailFixture, fakeBackend, ME, REQUEST_ID, SESSION } from './testing';

const NOW = Date.parse('2025-03-24T08:00:00Z');

function setup(options: Parameters<typeof fakeBackend>[0] = {}) {
  const backend = fakeBackend(options);
  const onSignedOut = vi.fn();
  const api = createInboxApi({ onSignedOut, fetch: backend.fetch, now: () => NOW });
  return { backend, api, onSignedOut };
}

describe('inbox API client', () => {
  it('sends the CSRF token from the session with JSON on every POST, same-origin', async () => {
    const { backend, api } = setup();
    expect(await api.session()).toEqual({ ok: true, value: SESSION });
    const result = await api.reply(REQUEST_ID, { body: 'Try reloading the page.' });

    expect(result.ok && result.value.replies.at(-1)?.body).toBe('Try reloading the page.');
    const [post] = backend.callsTo('POST', '/inbox/api/requests/');
    expect(post?.url).toBe(`/inbox/api/requests/${REQUEST_ID}/replies`);
    expect(post?.headers.get('X-CSRF-Token')).toBe(CSRF_TOKEN);
    expect(post?.headers.get('Content-Type')).toBe('application/json');
    expect(post?.credentials).toBe('same-origin');
    expect(post?.body).toEqual({ body: 'Try reloading the page.' });
  });

  it('sends no CSRF token on GETs, nor before there is a session', async () => {
    const { backend, api } = setup({ signedIn: false });
    await api.login({ email: ME.email, password: 'correct horse battery' });
    await api.list({ open: 'true', limit: 50 });

    const [login, list] = backend.calls;
    expect(login?.headers.has('X-CSRF-Token')).toBe(false);
    expect(list?.headers.has('X-CSRF-Token')).toBe(false);
    expect(list?.url).toBe('/inbox/api/requests?open=true&limit=50');
  });

  it('takes the CSRF token from sign-in and forgets it on sign-out', async () => {
    const { backend, api } = setup({ signedIn: false });
    await api.login({ email: ME.email, password: 'correct horse battery' });
    await api.setStatus(REQUEST_ID, { status: 'in_progress' });
    expect(await api.logout()).toEqual({ ok: true, value: null });
    await api.setStatus(REQUEST_ID, { status: 'closed' });

    const [moved, logout, afterLogout] = backend.callsTo('POST', '/inbox/api/').slice(1);
    expect(moved?.headers.get('X-CSRF-Token')).toBe(CSRF_TOKEN);
    expect(logout?.headers.get('X-CSRF-Token')).toBe(CSRF_TOKEN);
    expect(logout?.headers.has('Content-Type')).toBe(false);
    expect(afterLogout?.headers.has('X-CSRF-Token')).toBe(false);
  });

  it('reports a 401 on a signed-in call as the end of the session', async () => {
    const { backend, api, onSignedOut } = setup();
    backend.signedIn = false;
    expect(await api.detail(REQUEST_ID)).toEqual({ ok: false, problem: { kind: 'unauthenticated' } });
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it('treats a 401 from sign-in as wrong credentials and from the session probe as "not signed in"', async () => {
    const { api, onSignedOut } = setup({ signedIn: false });
    expect(await api.session()).toEqual({ ok: true, value: null });
    const login = await api.login({ email: ME.email, password: 'wrong password here' });
    expect(login).toEqual({ ok: false, problem: { kind: 'refused', status: 401, code: 'unauthenticated', message: 'Wrong email or password', retryAt: null } });
    expect(onSignedOut).not.toHaveBeenCalled();
  });

  it('says when to retry after a 429, from seconds or a date in Retry-After', async () => {
    const { backend, api } = setup({ signedIn: false });
    backend.override = () => apiError(429, 'rate_limited', 'Too many sign-in attempts', { 'Retry-After': '120' });
    expect(await api.login({ email: ME.email, password: 'x' })).toEqual({ ok: false, problem: { kind: 'rate_limited', retryAt: NOW + 120_000 } });
    backend.override = () => apiError(429, 'rate_limited', 'Too many', { 'Retry-After': 'Mon, 24 Mar 2025 08:05:00 GMT' });
    expect(await api.login({ email: ME.email, password: 'x' })).toEqual({ ok: false, problem: { kind: 'rate_limited', retryAt: Date.parse('2025-03-24T08:05:00Z') } });
  });

  it('refuses a 2xx answer that does not match the contract', async () => {
    const { backend, api } = setup();
    backend.override = (call) =>
      call.url.startsWith('/inbox/api/requests/') ? Response.json({ ...detailFixture(), description: undefined, injected: '<script>' }) : undefined;
    expect(await api.detail(REQUEST_ID)).toEqual({ ok: false, problem: { kind: 'unreadable', status: 200 } });
  });

  it('keeps the server’s error code and message, and copes with a body that is not an ApiError', async () => {
    const { backend, api } = setup();
    await api.session();
    expect(await api.setStatus(REQUEST_ID, { status: 'waiting_for_user' })).toEqual({
      ok: false,
      problem: { kind: 'refused', status: 409, code: 'conflict', message: 'A new request cannot move to waiting_for_user', retryAt: null },
    });
    backend.override = () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } });
    expect(await api.list({})).toEqual({ ok: false, problem: { kind: 'refused', status: 502, code: null, message: null, retryAt: null } });
  });

  it('tells a dropped connection from a request the page cancelled', async () => {
    const failing = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const api = createInboxApi({ onSignedOut: vi.fn(), fetch: failing });
    expect(await api.staff()).toEqual({ ok: false, problem: { kind: 'network' } });
    const controller = new AbortController();
    controller.abort();
    expect(await api.staff(controller.signal)).toEqual({ ok: false, problem: { kind: 'aborted' } });
  });

  it('puts a request id into the path encoded', async () => {
    const { backend, api } = setup();
    await api.detail('../staff?x=1');
    expect(backend.calls[0]?.url).toBe('/inbox/api/requests/..%2Fstaff%3Fx%3D1');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates and ignores anything else', () => {
    expect(parseRetryAfter('5', NOW)).toBe(NOW + 5000);
    expect(parseRetryAfter('Mon, 24 Mar 2025 08:01:00 GMT', NOW)).toBe(NOW + 60_000);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});
