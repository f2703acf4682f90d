/**
 * What the inbox suites share: a valid support request, staff accounts with cheap password
 * hashes, and signing in through the real app with the cookie and CSRF token it hands out.
 */
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { expect } from 'vitest';
import { CSRF_HEADER, StaffSessionInfoSchema, type StaffRole, type StaffSessionInfo, type SupportRequest } from '../../lib/api';
import type { AppEnv } from '../http/env';
import type { InboxRateLimits } from '../routes/inbox';
import { hashPassword, TEST_PASSWORD_COST } from '../store/passwords';
import type { StaffAccount, Store } from '../store/store';

export const STAFF_PASSWORD = 'correct horse battery staple';
export const GENEROUS = { perIp: { max: 100_000, windowSeconds: 60 }, perDevice: { max: 100_000, windowSeconds: 60 } };
export const GENEROUS_INBOX: InboxRateLimits = {
  perAddress: { max: 100_000, windowSeconds: 60 },
  loginsPerAddress: { max: 100_000, windowSeconds: 60 },
  failedLoginsPerEmail: { max: 100_000, windowSeconds: 60 },
};
/** Requests from `app.request()` carry no socket: this stands for the browser the inbox runs in. */
export const INBOX_ORIGIN = 'http://localhost';
export const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
export const ACCOUNT_ID = '001Hs00002ABCDeIAP';

export function supportRequest(patch: Partial<SupportRequest> = {}, crm: Partial<SupportRequest['context']['crm']> = {}): SupportRequest {
  return {
    id: randomUUID(),
    kind: 'problem',
    description: 'The Save button does nothing',
    context: {
      crm: {
        crm: 'salesforce',
        environment: 'production',
        pageType: 'record_view',
        object: 'Account',
        recordId: ACCOUNT_ID,
        surface: 'lightning',
        host: 'acme.lightning.force.com',
        orgName: 'acme',
        sandboxName: null,
        app: null,
        listView: null,
        url: `https://acme.lightning.force.com/lightning/r/Account/${ACCOUNT_ID}/view`,
        ...crm,
      },
      guide: null,
      breadcrumbs: [{ at: '2030-01-01T08:00:00.000Z', kind: 'click', label: 'Save' }],
      errors: [],
      environment: { extensionVersion: '0.1.0', browser: 'Chrome 130', os: 'Windows', locale: 'nb', viewport: { width: 1440, height: 900 }, at: '2030-01-01T08:00:02.000Z' },
    },
    ...patch,
  };
}

export async function addStaff(
  store: Store,
  organisationId: string,
  email: string,
  role: StaffRole,
  options: { teams?: string[]; displayName?: string } = {},
): Promise<StaffAccount> {
  const { account } = await store.setStaffAccount(organisationId, {
    email,
    role,
    displayName: options.displayName ?? null,
    ...(options.teams !== undefined && { teams: options.teams }),
    passwordHash: await hashPassword(STAFF_PASSWORD, TEST_PASSWORD_COST),
  });
  return account;
}

export interface SignedIn {
  /** `ombord_staff=<token>`, for the Cookie header. */
  cookie: string;
  csrf: string;
  info: StaffSessionInfo;
}

export function loginRequest(app: Hono<AppEnv>, body: unknown, headers: Record<string, string> = {}, url = '/inbox/api/login') {
  return app.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: INBOX_ORIGIN, ...headers }, body: JSON.stringify(body) });
}

export async function signIn(app: Hono<AppEnv>, email: string, password = STAFF_PASSWORD): Promise<SignedIn> {
  const response = await loginRequest(app, { email, password });
  expect(response.status, await response.clone().text()).toBe(200);
  const info = StaffSessionInfoSchema.parse(await response.json());
  return { cookie: cookieFrom(response), csrf: info.csrfToken, info };
}

/** The session cookie a response sets, as a Cookie header value. */
export function cookieFrom(response: Response): string {
  const cookie = /(?:^|,\s*)(ombord_staff=[^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (cookie === undefined) throw new Error('the response set no ombord_staff cookie');
  return cookie;
}

export function staffGet(app: Hono<AppEnv>, who: SignedIn, path: string, headers: Record<string, string> = {}) {
  return app.request(path, { headers: { Cookie: who.cookie, ...headers } });
}

/** A POST as the inbox page sends it: same origin, JSON, with the session's CSRF token. */
export function staffPost(app: Hono<AppEnv>, who: SignedIn, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    headers: { Cookie: who.cookie, Origin: INBOX_ORIGIN, 'Content-Type': 'application/json', [CSRF_HEADER]: who.csrf, ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}
