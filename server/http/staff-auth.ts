/**
 * Staff authentication for `/inbox/api/*`: the session cookie (httpOnly, Secure, SameSite=Strict,
 * Path=/inbox), the CSRF token every state-changing request echoes, and the same-origin check.
 * A device token means nothing here, and the cookie means nothing on `/v1` (its path keeps
 * browsers from sending it there, and `requireDevice` reads only `Authorization`).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { CSRF_HEADER } from '../../lib/api';
import { STAFF_SESSION_LIFETIME_MS } from '../store/kysely-staff';
import type { StaffSession, Store } from '../store/store';
import type { AppEnv } from './env';
import { apiError, truncate } from './errors';

export const STAFF_COOKIE = 'ombord_staff';
const COOKIE_OPTIONS = { path: '/inbox', httpOnly: true, secure: true, sameSite: 'Strict' } as const;
/** Browsers treat these as secure contexts and keep Secure cookies they set over plain http. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The app's environment plus the signed-in staff member, set by `requireStaff`. */
export interface InboxEnv {
  Bindings: AppEnv['Bindings'];
  Variables: AppEnv['Variables'] & { staff: StaffSession };
}

/**
 * The scheme the browser used: the request URL's, or with `trustProxy` the first
 * `X-Forwarded-Proto` (a proxy in front terminated TLS). Without `trustProxy` that header is
 * ignored, since any client can send it.
 */
export function requestScheme(c: Context, trustProxy: boolean): 'http' | 'https' {
  const forwarded = trustProxy ? c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() : undefined;
  if (forwarded === 'https' || forwarded === 'http') return forwarded;
  return new URL(c.req.url).protocol === 'https:' ? 'https' : 'http';
}

/** `scheme://host[:port]` as the browser addressed this server. */
export function requestOrigin(c: Context, trustProxy: boolean): string {
  return `${requestScheme(c, trustProxy)}://${new URL(c.req.url).host}`;
}

/** True when a browser keeps a Secure cookie from this response: https, or a loopback host. */
export function canSetSecureCookie(c: Context, trustProxy: boolean): boolean {
  return requestScheme(c, trustProxy) === 'https' || LOOPBACK_HOSTS.has(new URL(c.req.url).hostname);
}

/** For a session just created: the cookie lives as long as the session may. */
export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, STAFF_COOKIE, token, { ...COOKIE_OPTIONS, maxAge: STAFF_SESSION_LIFETIME_MS / 1000 });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, STAFF_COOKIE, COOKIE_OPTIONS);
}

export function sessionToken(c: Context): string | undefined {
  const token = getCookie(c, STAFF_COOKIE);
  return token !== undefined && /^[A-Za-z0-9_-]{16,200}$/.test(token) ? token : undefined;
}

const isStateChanging = (c: Context) => c.req.method !== 'GET' && c.req.method !== 'HEAD';

/**
 * Refuses state-changing requests another site's page sends: `Sec-Fetch-Site` (when the browser
 * sends it) must say same-origin, and `Origin` (when present) must be this server's own. Clients
 * that are not browsers send neither; the CSRF token and the JSON content type still hold for them.
 */
export function sameOriginOnly(trustProxy: boolean) {
  return createMiddleware<InboxEnv>(async (c, next) => {
    if (!isStateChanging(c)) return next();
    const own = requestOrigin(c, trustProxy);
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    if ((site !== undefined && site !== 'same-origin') || (origin !== undefined && origin !== own)) {
      const from = origin === undefined ? `a ${truncate(site ?? '', 50)} page` : `"${truncate(origin, 200)}"`;
      return apiError(c, 403, 'forbidden', `The inbox refuses requests sent by other sites: this one came from ${from}, not ${own}. Open the inbox at ${own}/inbox/ and try again there.`);
    }
    await next();
  });
}

/**
 * The session from the cookie, or 401. On anything but GET and HEAD the request must also carry
 * the session's CSRF token in `X-CSRF-Token` (compared in constant time), or 403.
 */
export function requireStaff(store: Store) {
  return createMiddleware<InboxEnv>(async (c, next) => {
    const token = sessionToken(c);
    if (token === undefined) return apiError(c, 401, 'unauthenticated', 'Sign in to the inbox first (POST /inbox/api/login with your email and password).');
    const session = await store.authenticateStaffSession(token);
    if (session === null) {
      clearSessionCookie(c);
      return apiError(
        c,
        401,
        'unauthenticated',
        'Your inbox session has ended (you signed out, it is 12 hours since you signed in or 2 hours since you last used it, or an administrator disabled the account or changed its password). Sign in again.',
      );
    }
    if (isStateChanging(c) && !sameSecret(c.req.header(CSRF_HEADER) ?? '', session.csrfToken)) {
      return apiError(
        c,
        403,
        'forbidden',
        `This request must carry the session's CSRF token in the ${CSRF_HEADER} header (it comes with the sign-in answer and GET /inbox/api/session). Reload the inbox and try again.`,
      );
    }
    c.set('staff', session);
    c.set('organisationId', session.organisation.id);
    await next();
  });
}

function sameSecret(sent: string, expected: string): boolean {
  const a = Buffer.from(sent, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
