/**
 * The staff inbox's API (`lib/api/inbox.ts`), mounted at `/inbox/api`: sign-in with email and
 * password, then the organisation's support requests (a champion: their teams' requests) to
 * list, read, answer, move along the workflow and assign. A request the staff member may not see
 * is "not found", whatever the id. Every response is private and never cached.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import {
  InboxAssignRequestSchema,
  InboxListQuerySchema,
  InboxReplyRequestSchema,
  InboxStatusRequestSchema,
  StaffLoginRequestSchema,
  SUPPORT_TRANSITIONS,
  type InboxList,
  type InboxRequestDetail,
  type StaffDirectory,
  type StaffMember,
  type StaffSessionInfo,
} from '../../lib/api';
import { crmLinks } from '../../lib/crm/links';
import type { RateLimit } from '../http/env';
import { apiError, truncate } from '../http/errors';
import { NoQuerySchema, readJsonBody, readQuery } from '../http/input';
import { checkRateLimit, clientAddress } from '../http/rate-limit';
import {
  clearSessionCookie,
  canSetSecureCookie,
  requireStaff,
  sameOriginOnly,
  sessionToken,
  setSessionCookie,
  type InboxEnv,
} from '../http/staff-auth';
import { dummyPasswordHash, verifyPassword, type PasswordCost } from '../store/passwords';
import type { InboxCursor, InboxRequestRecord, InboxViewer, StaffAccount, StaffSession, Store, SupportActor } from '../store/store';

export interface InboxRateLimits {
  /** Every `/inbox/api` request, by client address. */
  perAddress: RateLimit;
  /** Sign-in attempts, successful or not, by client address. */
  loginsPerAddress: RateLimit;
  /** Failed sign-ins by email: past this the email is refused until the window ends. */
  failedLoginsPerEmail: RateLimit;
}

export const DEFAULT_INBOX_RATE_LIMITS: InboxRateLimits = {
  perAddress: { max: 600, windowSeconds: 60 },
  loginsPerAddress: { max: 50, windowSeconds: 15 * 60 },
  failedLoginsPerEmail: { max: 10, windowSeconds: 15 * 60 },
};

/** A reply of 5000 characters is under 32 KB even with every character escaped. */
export const INBOX_BODY_LIMIT_BYTES = 64 * 1024;
const PAGE_DEFAULT = 50;
/** `InboxListSchema.teams` holds at most this many. */
const TEAMS_MAX = 1000;

export interface InboxDeps {
  store: Store;
  /** Honour `X-Forwarded-Proto` and `X-Forwarded-For` from a reverse proxy (`TRUST_PROXY`). */
  trustProxy: boolean;
  rateLimits: InboxRateLimits;
  /** The cost of the hash unknown emails are checked against: the cost real hashes have. */
  passwordCost: PasswordCost;
}

const RequestIdSchema = z.uuidv4();
const CursorSchema = z.tuple([z.iso.datetime({ precision: 3 }), z.string().min(1).max(128)]);

export function inboxRoutes(deps: InboxDeps) {
  const { store, trustProxy, rateLimits } = deps;
  const staffOnly = requireStaff(store);
  const inboxBodyLimit = bodyLimit({
    maxSize: INBOX_BODY_LIMIT_BYTES,
    onError: (c) => apiError(c, 413, 'payload_too_large', `The request body is larger than ${INBOX_BODY_LIMIT_BYTES} bytes; a reply holds at most 5000 characters`),
  });

  return new Hono<InboxEnv>()
    .use('*', async (c, next) => {
      const limited = await checkRateLimit(c, store, `inbox-ip:${clientAddress(c, trustProxy)}`, rateLimits.perAddress, 'address');
      if (limited !== null) return limited;
      await next();
      c.header('Cache-Control', 'private, no-store');
      c.header('X-Content-Type-Options', 'nosniff');
    })
    .use('*', sameOriginOnly(trustProxy))
    .post('/login', inboxBodyLimit, async (c) => {
      if (!canSetSecureCookie(c, trustProxy)) {
        return apiError(
          c,
          403,
          'forbidden',
          'The inbox must be served over HTTPS: its session cookie is Secure, so a browser would not send it back over plain http. Serve it behind HTTPS (set TRUST_PROXY=true when a reverse proxy terminates TLS), or open it as http://127.0.0.1:<port>/inbox/ on the server itself.',
        );
      }
      const limited = await checkRateLimit(c, store, `inbox-login-ip:${clientAddress(c, trustProxy)}`, rateLimits.loginsPerAddress, 'address');
      if (limited !== null) return limited;
      const input = await readJsonBody(c, StaffLoginRequestSchema, 'The sign-in');
      if (!input.ok) return input.response;
      const { email, password } = input.data;

      const failures = `inbox-login-email:${email}`;
      const locked = await store.peekRateLimit(failures, rateLimits.failedLoginsPerEmail);
      if (!locked.allowed) {
        c.header('Retry-After', String(locked.retryAfterSeconds));
        return apiError(
          c,
          429,
          'rate_limited',
          `Too many failed sign-ins for this email (at most ${rateLimits.failedLoginsPerEmail.max} in ${rateLimits.failedLoginsPerEmail.windowSeconds / 60} minutes); retry after ${locked.retryAfterSeconds} s`,
        );
      }
      const login = await store.findStaffLogin(email);
      // An unknown email costs one hash check too, so timing does not tell which emails exist.
      const matches = await verifyPassword(login?.passwordHash ?? (await dummyPasswordHash(deps.passwordCost)), password);
      if (login === null || !matches) {
        await store.hitRateLimit(failures, rateLimits.failedLoginsPerEmail);
        return apiError(c, 401, 'unauthenticated', 'The email or password is wrong; check both and try again.');
      }
      if (login.account.disabledAt !== null) {
        return apiError(c, 403, 'forbidden', 'This staff account is disabled. Ask your Ombord administrator to enable it again.');
      }
      // A session cookie from before (another account, or planted) never survives a sign-in.
      const previous = sessionToken(c);
      if (previous !== undefined) await store.endStaffSession(previous);
      const { token, session } = await store.createStaffSession(login.account.userId);
      setSessionCookie(c, token);
      return c.json(sessionInfo(session));
    })
    .post('/logout', staffOnly, async (c) => {
      const token = sessionToken(c);
      if (token !== undefined) await store.endStaffSession(token);
      clearSessionCookie(c);
      return c.body(null, 204);
    })
    .get('/session', staffOnly, (c) => {
      const query = readQuery(c, NoQuerySchema);
      if (!query.ok) return query.response;
      return c.json(sessionInfo(c.get('staff')));
    })
    .get('/requests', staffOnly, async (c) => {
      const query = readQuery(c, InboxListQuerySchema);
      if (!query.ok) return query.response;
      const { cursor, limit = PAGE_DEFAULT, ...filters } = query.data;
      const after = cursor === undefined ? null : decodeCursor(cursor);
      if (after === undefined) {
        return apiError(c, 400, 'bad_request', 'The cursor is not one this server gave out; leave it out to start from the newest request');
      }
      const { staff, organisation } = c.get('staff');
      // The team filter's options come with the first page; later pages leave them out (the page keeps the first page's).
      const [page, teams] = await Promise.all([
        store.listInboxRequests(viewerOf(staff), filters, { after, limit }),
        after === null ? store.listOrganisationTeams(organisation.id) : [],
      ]);
      const body: InboxList = { requests: page.requests, nextCursor: page.next === null ? null : encodeCursor(page.next), teams: teams.slice(0, TEAMS_MAX) };
      return c.json(body);
    })
    .get('/requests/:id', staffOnly, async (c) => {
      const query = readQuery(c, NoQuerySchema);
      if (!query.ok) return query.response;
      const id = visibleId(c);
      const record = id === null ? null : await store.getInboxRequest(viewerOf(c.get('staff').staff), id);
      return record === null ? notFound(c, c.req.param('id')) : c.json(toDetail(record));
    })
    .get('/requests/:id/screenshot', staffOnly, async (c) => {
      const id = c.req.param('id');
      const screenshot = RequestIdSchema.safeParse(id).success ? await store.getSupportScreenshot(viewerOf(c.get('staff').staff), id) : null;
      if (screenshot === null) {
        return apiError(c, 404, 'not_found', `No screenshot for support request "${truncate(id, 100)}": it has none, or there is no such request you can see`);
      }
      // The bytes were checked to be this image type at intake; the headers keep a browser from
      // reading them as anything else or running anything in them.
      return c.body(screenshot.bytes, 200, {
        'Content-Type': screenshot.mediaType,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, no-store',
      });
    })
    .post('/requests/:id/replies', staffOnly, inboxBodyLimit, async (c) => {
      const input = await readJsonBody(c, InboxReplyRequestSchema, 'The reply');
      if (!input.ok) return input.response;
      const found = await visibleRouting(c);
      if (found instanceof Response) return found;
      const { id } = found;
      const session = c.get('staff');
      const result = await store.addSupportReply(session.organisation.id, id, actorOf(session.staff), input.data.body);
      if (!result.ok) {
        return result.reason === 'not_found'
          ? notFound(c, id)
          : apiError(c, 409, 'conflict', 'This support request is closed and takes no replies; reopen it (status "in_progress") first');
      }
      return answerWithDetail(c, session.staff, id, 201);
    })
    .post('/requests/:id/status', staffOnly, inboxBodyLimit, async (c) => {
      const input = await readJsonBody(c, InboxStatusRequestSchema, 'The status change');
      if (!input.ok) return input.response;
      const found = await visibleRouting(c);
      if (found instanceof Response) return found;
      const { id } = found;
      const session = c.get('staff');
      const result = await store.setSupportStatus(session.organisation.id, id, input.data.status, actorOf(session.staff));
      if (!result.ok) {
        if (result.reason === 'invalid_transition') {
          const allowed = SUPPORT_TRANSITIONS[result.from].map((status) => `"${status}"`).join(', ');
          return apiError(c, 409, 'conflict', `Support request ${id} cannot move from "${result.from}" to "${result.to}"; from "${result.from}" it can move to ${allowed}`);
        }
        return notFound(c, id);
      }
      return answerWithDetail(c, session.staff, id, 200);
    })
    .post('/requests/:id/assignee', staffOnly, inboxBodyLimit, async (c) => {
      const input = await readJsonBody(c, InboxAssignRequestSchema, 'The assignment');
      if (!input.ok) return input.response;
      const found = await visibleRouting(c);
      if (found instanceof Response) return found;
      const { id, team } = found;
      const session = c.get('staff');
      const { assigneeId } = input.data;
      if (assigneeId !== null) {
        const problem = await assigneeProblem(store, session.organisation.id, assigneeId, team);
        if (problem !== null) return apiError(c, 400, 'validation_failed', `The assignment has 1 problem; first: assigneeId: ${problem}`, [{ path: 'assigneeId', message: problem }]);
      }
      const result = await store.assignSupportRequest(session.organisation.id, id, assigneeId, actorOf(session.staff));
      if (!result.ok) return notFound(c, id);
      return answerWithDetail(c, session.staff, id, 200);
    })
    .get('/staff', staffOnly, async (c) => {
      const query = readQuery(c, NoQuerySchema);
      if (!query.ok) return query.response;
      const accounts = await store.listStaffAccounts(c.get('staff').organisation.id);
      const body: StaffDirectory = { staff: accounts.filter((account) => account.disabledAt === null).map(staffMember) };
      return c.json(body);
    });

  /**
   * The `:id` parameter and the team its request is routed to, if the signed-in staff member may
   * see that request, else the 404: the cheap check before a change, which loads no request.
   */
  async function visibleRouting(c: Context<InboxEnv>): Promise<{ id: string; team: string | null } | Response> {
    const id = visibleId(c);
    const routing = id === null ? null : await store.findInboxRequestRouting(viewerOf(c.get('staff').staff), id);
    return id === null || routing === null ? notFound(c, c.req.param('id') ?? '') : { id, team: routing.team };
  }

  async function answerWithDetail(c: Context<InboxEnv>, staff: StaffAccount, id: string, status: 200 | 201): Promise<Response> {
    const record = await store.getInboxRequest(viewerOf(staff), id);
    return record === null ? notFound(c, id) : c.json(toDetail(record), status);
  }
}

/** Null when the staff member may be assigned a request routed to `team` (null: the central team), else why not. */
async function assigneeProblem(store: Store, organisationId: string, assigneeId: string, team: string | null): Promise<string | null> {
  const assignee = await store.findStaffAccount(organisationId, assigneeId);
  if (assignee === null || assignee.disabledAt !== null) return 'Not an active staff member of this organisation; pick someone from GET /inbox/api/staff';
  if (assignee.role === 'champion' && (team === null || !assignee.teams.includes(team))) {
    return `${assignee.email} is a champion for ${assignee.teams.length === 0 ? 'no team' : assignee.teams.join(', ')} and could not see this request (routed to ${team ?? 'the central team'})`;
  }
  return null;
}

/** The `:id` parameter when it is shaped like a request id (no query for anything else), else null. */
function visibleId(c: Context): string | null {
  const id = c.req.param('id');
  return id !== undefined && RequestIdSchema.safeParse(id).success ? id : null;
}

function toDetail(record: InboxRequestRecord): InboxRequestDetail {
  return {
    ...record.summary,
    description: record.description,
    context: record.context,
    links: crmLinks(record.context.crm),
    replies: record.replies,
    audit: record.audit,
    nextStatuses: [...SUPPORT_TRANSITIONS[record.summary.status]],
  };
}

function viewerOf(staff: StaffAccount): InboxViewer {
  return { organisationId: staff.organisationId, userId: staff.userId, role: staff.role, teams: staff.role === 'champion' ? staff.teams : [] };
}

function actorOf(staff: StaffAccount): SupportActor {
  return { userId: staff.userId, displayName: staff.displayName ?? staff.email, role: staff.role };
}

function staffMember(account: StaffAccount): StaffMember {
  return {
    id: account.userId,
    email: account.email,
    displayName: account.displayName ?? account.email,
    role: account.role,
    teams: account.role === 'champion' ? account.teams : [],
  };
}

function sessionInfo(session: StaffSession): StaffSessionInfo {
  return { staff: staffMember(session.staff), organisation: session.organisation, csrfToken: session.csrfToken };
}

function notFound(c: Context, id: string): Response {
  return apiError(c, 404, 'not_found', `No support request "${truncate(id, 100)}" that you can see`);
}

function encodeCursor(cursor: InboxCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

/** The position, or undefined for a cursor this server did not make. */
function decodeCursor(text: string): InboxCursor | undefined {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { createdAt: parsed.data[0], id: parsed.data[1] } : undefined;
  } catch {
    return undefined;
  }
}
