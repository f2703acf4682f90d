/**
 * The staff side of the Kysely store: staff accounts and their inbox sessions, and what staff
 * read in the inbox (the filtered list, one request with its replies and audit trail, the
 * screenshot). Every inbox query is limited to the viewer's organisation, and a champion's to
 * the requests routed to one of their teams.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from 'kysely';
import { z } from 'zod';
import {
  StaffRoleSchema,
  SUPPORT_AUTHOR_ROLES,
  SUPPORT_KINDS,
  SupportContextSchema,
  SupportStatusSchema,
  type InboxRequestDetail,
  type InboxRequestSummary,
  type SupportContext,
} from '../../lib/api';
import type { Database } from './schema';
import { hashMatches, hashSecret, newSecret } from './secrets';
import { StoreConflictError, type InboxCursor, type InboxViewer, type StaffAccount, type StaffSession, type Store } from './store';
import { compareText, firstLine, normaliseEmail, parseStringList, truncate } from './text';

/** A session ends 12 hours after sign-in, whatever happens. */
export const STAFF_SESSION_LIFETIME_MS = 12 * 3_600_000;
/** … and after 2 hours without a request. */
export const STAFF_SESSION_IDLE_MS = 2 * 3_600_000;
/** `last_seen_at` is refreshed at most this often, so most requests only read the session. */
const SESSION_SEEN_RESOLUTION_MS = 60_000;
/**
 * Filters applied here rather than in SQL (`q`, `team`, `crm`, `pageType`) look at rows in
 * batches, and at most this many rows per list call: the cost of one call stays bounded however
 * large the inbox, and the cursor says where to go on.
 */
const INBOX_SCAN_BATCH = 200;
const INBOX_SCAN_MAX = 2000;
const TITLE_MAX = 200;
const AUDIT_VALUE_MAX = 200;
const AGE_MS = { '1d': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
/** The audit trail's actor for an escalation, which no person did: the champion window ran out. */
const ESCALATION_ACTOR = { displayName: 'Ombord', role: 'admin' } as const;

// Written only from these values; anything else read back is a corrupt row.
const StoredKind = z.enum(SUPPORT_KINDS);
const StoredAuthorRole = z.enum(SUPPORT_AUTHOR_ROLES);
const StoredAuditAction = z.enum(['created', 'status', 'assignment', 'reply']);

type StaffMethods = Pick<
  Store,
  | 'setStaffAccount'
  | 'listStaffAccounts'
  | 'findStaffAccount'
  | 'findStaffLogin'
  | 'setStaffPassword'
  | 'disableStaffAccount'
  | 'createStaffSession'
  | 'authenticateStaffSession'
  | 'endStaffSession'
  | 'setChampionWindow'
  | 'listInboxRequests'
  | 'listOrganisationTeams'
  | 'findInboxRequestRouting'
  | 'getInboxRequest'
  | 'getSupportScreenshot'
>;

export function staffMethods(db: Kysely<Database>, clock: () => Date): StaffMethods {
  const accounts = (from: Kysely<Database> | Transaction<Database>) =>
    from
      .selectFrom('staff_accounts')
      .innerJoin('users', 'users.id', 'staff_accounts.user_id')
      .select([
        'staff_accounts.user_id',
        'staff_accounts.organisation_id',
        'staff_accounts.email',
        'staff_accounts.role',
        'staff_accounts.created_at',
        'staff_accounts.password_changed_at',
        'staff_accounts.disabled_at',
        'staff_accounts.display_name',
        'users.teams',
      ]);

  const endSessionsOf = (trx: Transaction<Database>, userId: string) => trx.deleteFrom('staff_sessions').where('user_id', '=', userId).execute();

  /** The requests the viewer may see: of their organisation, and for a champion routed to one of their teams. */
  const visibleRequests = (viewer: InboxViewer) =>
    db
      .selectFrom('support_requests as r')
      .where('r.organisation_id', '=', viewer.organisationId)
      .$if(viewer.role === 'champion', (query) => query.where('r.routed_team', 'in', [...viewer.teams]));

  /** The inbox's rows with requester and assignee (a staff member, named as their account says). */
  const inboxRows = (viewer: InboxViewer) =>
    visibleRequests(viewer)
      .innerJoin('users as requester', 'requester.id', 'r.user_id')
      .leftJoin('staff_accounts as assignee', 'assignee.user_id', 'r.assignee_user_id')
      .select([
        'r.id',
        'r.kind',
        'r.description',
        'r.context',
        'r.status',
        'r.assignee_user_id',
        'r.screenshot_media_type',
        'r.routed_team',
        'r.escalates_at',
        'r.created_at',
        'r.updated_at',
        'requester.id as requester_id',
        'requester.email as requester_email',
        'requester.display_name as requester_display_name',
        'requester.teams as requester_teams',
        'assignee.email as assignee_email',
        'assignee.display_name as assignee_display_name',
      ]);

  const replyCounts = async (organisationId: string, ids: string[]) => {
    if (ids.length === 0) return new Map<string, number>();
    const rows = await db
      .selectFrom('support_replies')
      .select(['request_id', (eb) => eb.fn.countAll().as('count')])
      .where('organisation_id', '=', organisationId)
      .where('request_id', 'in', ids)
      .groupBy('request_id')
      .execute();
    return new Map(rows.map((row) => [row.request_id, Number(row.count)]));
  };

  const replyBodies = async (organisationId: string, ids: string[]) => {
    const bodies = new Map<string, string[]>();
    if (ids.length === 0) return bodies;
    const rows = await db
      .selectFrom('support_replies')
      .select(['request_id', 'body'])
      .where('organisation_id', '=', organisationId)
      .where('request_id', 'in', ids)
      .execute();
    for (const row of rows) {
      const list = bodies.get(row.request_id);
      if (list === undefined) bodies.set(row.request_id, [row.body]);
      else list.push(row.body);
    }
    return bodies;
  };

  /** A champion without teams sees nothing, and `in ()` is not SQL. */
  const seesNothing = (viewer: InboxViewer) => viewer.role === 'champion' && viewer.teams.length === 0;

  return {
    setStaffAccount(organisationId, input) {
      const email = normaliseEmail(input.email);
      return db.transaction().execute(async (trx) => {
        const at = clock().toISOString();
        const existing = await trx.selectFrom('staff_accounts').select(['user_id', 'organisation_id']).where('email', '=', email).executeTakeFirst();
        if (existing !== undefined && existing.organisation_id !== organisationId) {
          throw new StoreConflictError(`${email} is already a staff account of another organisation; a staff email signs in to one organisation only`);
        }
        // The name goes on the staff account only: the user row's name is the one enrolments give.
        const changes = input.teams === undefined ? {} : { teams: JSON.stringify(input.teams) };
        const updated = await trx
          .updateTable('users')
          .set({ ...changes, updated_at: at })
          .where('organisation_id', '=', organisationId)
          .where('email', '=', email)
          .returning('id')
          .executeTakeFirst();
        const userId =
          updated?.id ??
          (
            await trx
              .insertInto('users')
              .values({
                id: randomUUID(),
                organisation_id: organisationId,
                email,
                display_name: null,
                roles: '[]',
                teams: '[]',
                locale: null,
                ...changes,
                created_at: at,
                updated_at: at,
              })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
        if (existing === undefined) {
          await trx
            .insertInto('staff_accounts')
            .values({
              user_id: userId,
              organisation_id: organisationId,
              email,
              role: input.role,
              display_name: input.displayName ?? null,
              password_hash: input.passwordHash,
              created_at: at,
              password_changed_at: at,
              disabled_at: null,
            })
            .execute();
        } else {
          await trx
            .updateTable('staff_accounts')
            .set({
              role: input.role,
              ...(input.displayName !== undefined && { display_name: input.displayName }),
              password_hash: input.passwordHash,
              password_changed_at: at,
              disabled_at: null,
            })
            .where('user_id', '=', userId)
            .execute();
          // A new password ends the sessions signed in with the old one.
          await endSessionsOf(trx, userId);
        }
        const account = await accounts(trx).where('staff_accounts.user_id', '=', userId).executeTakeFirstOrThrow();
        return { account: toStaffAccount(account), created: existing === undefined };
      });
    },

    async listStaffAccounts(organisationId) {
      const rows = await accounts(db).where('staff_accounts.organisation_id', '=', organisationId).orderBy('staff_accounts.email').execute();
      return rows.map(toStaffAccount);
    },

    async findStaffAccount(organisationId, userId) {
      const row = await accounts(db)
        .where('staff_accounts.organisation_id', '=', organisationId)
        .where('staff_accounts.user_id', '=', userId)
        .executeTakeFirst();
      return row === undefined ? null : toStaffAccount(row);
    },

    async findStaffLogin(email) {
      const row = await accounts(db).select('staff_accounts.password_hash').where('staff_accounts.email', '=', normaliseEmail(email)).executeTakeFirst();
      return row === undefined ? null : { account: toStaffAccount(row), passwordHash: row.password_hash };
    },

    setStaffPassword(email, passwordHash) {
      return db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('staff_accounts')
          .set({ password_hash: passwordHash, password_changed_at: clock().toISOString() })
          .where('email', '=', normaliseEmail(email))
          .returning('user_id')
          .executeTakeFirst();
        if (updated === undefined) return null;
        await endSessionsOf(trx, updated.user_id);
        return toStaffAccount(await accounts(trx).where('staff_accounts.user_id', '=', updated.user_id).executeTakeFirstOrThrow());
      });
    },

    disableStaffAccount(email) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('staff_accounts').select(['user_id', 'disabled_at']).where('email', '=', normaliseEmail(email)).executeTakeFirst();
        if (row === undefined) return null;
        if (row.disabled_at === null) {
          await trx.updateTable('staff_accounts').set({ disabled_at: clock().toISOString() }).where('user_id', '=', row.user_id).execute();
        }
        await endSessionsOf(trx, row.user_id);
        return toStaffAccount(await accounts(trx).where('staff_accounts.user_id', '=', row.user_id).executeTakeFirstOrThrow());
      });
    },

    createStaffSession(userId) {
      return db.transaction().execute(async (trx) => {
        const now = clock();
        const at = now.toISOString();
        // Sessions past either timeout are swept here, so the table holds only live ones and recent leftovers.
        await trx
          .deleteFrom('staff_sessions')
          .where((eb) => eb.or([eb('expires_at', '<=', at), eb('last_seen_at', '<=', new Date(now.getTime() - STAFF_SESSION_IDLE_MS).toISOString())]))
          .execute();
        const account = await accounts(trx)
          .innerJoin('organisations', 'organisations.id', 'staff_accounts.organisation_id')
          .select('organisations.name as organisation_name')
          .where('staff_accounts.user_id', '=', userId)
          .executeTakeFirstOrThrow();
        const token = newSecret();
        const session = {
          id: hashSecret(token),
          user_id: userId,
          organisation_id: account.organisation_id,
          csrf_token: randomBytes(32).toString('base64url'),
          created_at: at,
          expires_at: new Date(now.getTime() + STAFF_SESSION_LIFETIME_MS).toISOString(),
          last_seen_at: at,
        };
        await trx.insertInto('staff_sessions').values(session).execute();
        return {
          token,
          session: {
            staff: toStaffAccount(account),
            organisation: { id: account.organisation_id, name: account.organisation_name },
            csrfToken: session.csrf_token,
          },
        };
      });
    },

    async authenticateStaffSession(token) {
      const row = await accounts(db)
        .innerJoin('staff_sessions', 'staff_sessions.user_id', 'staff_accounts.user_id')
        .innerJoin('organisations', 'organisations.id', 'staff_sessions.organisation_id')
        .select([
          'staff_sessions.id as session_id',
          'staff_sessions.csrf_token',
          'staff_sessions.expires_at',
          'staff_sessions.last_seen_at',
          'organisations.name as organisation_name',
        ])
        .where('staff_sessions.id', '=', hashSecret(token))
        .executeTakeFirst();
      if (row === undefined || !hashMatches(token, row.session_id)) return null;
      const now = clock();
      const at = now.toISOString();
      const idleSince = new Date(now.getTime() - STAFF_SESSION_IDLE_MS).toISOString();
      if (row.disabled_at !== null || row.expires_at <= at || row.last_seen_at <= idleSince) {
        await db.deleteFrom('staff_sessions').where('id', '=', row.session_id).execute();
        return null;
      }
      if (row.last_seen_at < new Date(now.getTime() - SESSION_SEEN_RESOLUTION_MS).toISOString()) {
        await db.updateTable('staff_sessions').set({ last_seen_at: at }).where('id', '=', row.session_id).execute();
      }
      const session: StaffSession = {
        staff: toStaffAccount(row),
        organisation: { id: row.organisation_id, name: row.organisation_name },
        csrfToken: row.csrf_token,
      };
      return session;
    },

    async endStaffSession(token) {
      await db.deleteFrom('staff_sessions').where('id', '=', hashSecret(token)).execute();
    },

    async setChampionWindow(organisationId, minutes) {
      const result = await db.updateTable('organisations').set({ champion_window_minutes: minutes }).where('id', '=', organisationId).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async listInboxRequests(viewer, filters, { after, limit }) {
      if (seesNothing(viewer)) return { requests: [], next: null };
      const now = clock();
      const conditions = (eb: ExpressionBuilder<InboxTables, 'r'>, position: InboxCursor | null) => {
        const all: Array<Expression<SqlBool>> = [];
        if (filters.status !== undefined) all.push(eb('r.status', '=', filters.status));
        if (filters.open !== undefined) all.push(eb('r.status', filters.open === 'true' ? '!=' : '=', 'closed'));
        if (filters.queue !== undefined) all.push(inQueue(eb, filters.queue, now.toISOString()));
        if (filters.age !== undefined) {
          all.push(
            filters.age === 'older_than_7d'
              ? eb('r.created_at', '<', new Date(now.getTime() - AGE_MS['7d']).toISOString())
              : eb('r.created_at', '>=', new Date(now.getTime() - AGE_MS[filters.age]).toISOString()),
          );
        }
        if (filters.assignee === 'none') all.push(eb('r.assignee_user_id', 'is', null));
        else if (filters.assignee !== undefined) all.push(eb('r.assignee_user_id', '=', filters.assignee === 'me' ? viewer.userId : filters.assignee));
        if (position !== null) {
          all.push(eb.or([eb('r.created_at', '<', position.createdAt), eb.and([eb('r.created_at', '=', position.createdAt), eb('r.id', '<', position.id)])]));
        }
        return eb.and(all);
      };

      // `team`, `crm`, `pageType` and `q` read JSON text and fold case, which SQLite and PostgreSQL
      // do differently (SQLite's lower() and LIKE fold ASCII only; PostgreSQL's depend on the
      // collation): they are applied here, the same on both.
      const needle = filters.q === undefined ? null : fold(filters.q);
      const scanning = needle !== null || filters.team !== undefined || filters.crm !== undefined || filters.pageType !== undefined;
      const batchSize = scanning ? INBOX_SCAN_BATCH : limit + 1;
      const matched: InboxRow[] = [];
      let position = after;
      let scanned = 0;
      let exhausted = false;
      while (matched.length <= limit && !exhausted && scanned < INBOX_SCAN_MAX) {
        const rows = await inboxRows(viewer)
          .where((eb) => conditions(eb, position))
          .orderBy('r.created_at', 'desc')
          .orderBy('r.id', 'desc')
          .limit(batchSize)
          .execute();
        exhausted = rows.length < batchSize;
        const bodies = needle === null ? null : await replyBodies(viewer.organisationId, rows.map((row) => row.id));
        for (const row of rows) {
          scanned++;
          position = { createdAt: row.created_at, id: row.id };
          if (filters.team !== undefined && !parseStringList(row.requester_teams).includes(filters.team)) continue;
          if (filters.crm !== undefined || filters.pageType !== undefined) {
            const { crm } = storedContext(row.id, row.context);
            if ((filters.crm !== undefined && crm.crm !== filters.crm) || (filters.pageType !== undefined && crm.pageType !== filters.pageType)) continue;
          }
          if (needle !== null) {
            const texts = [row.description, row.requester_email, row.requester_display_name ?? '', ...(bodies?.get(row.id) ?? [])];
            if (!texts.some((text) => fold(text).includes(needle))) continue;
          }
          matched.push(row);
          if (matched.length > limit) break;
        }
      }

      const page = matched.slice(0, limit);
      const last = page.at(-1);
      let next: InboxCursor | null = null;
      if (matched.length > limit && last !== undefined) next = { createdAt: last.created_at, id: last.id };
      // The scan stopped at its bound before the end: go on after the last row it looked at.
      else if (!exhausted) next = position;
      const counts = await replyCounts(viewer.organisationId, page.map((row) => row.id));
      return { requests: page.map((row) => toSummary(row, counts.get(row.id) ?? 0, now)), next };
    },

    async listOrganisationTeams(organisationId) {
      const rows = await db.selectFrom('users').select('teams').where('organisation_id', '=', organisationId).execute();
      const teams = new Set(rows.flatMap((row) => parseStringList(row.teams)));
      return [...teams].sort(compareText);
    },

    async findInboxRequestRouting(viewer, requestId) {
      if (seesNothing(viewer)) return null;
      const row = await visibleRequests(viewer).select('r.routed_team').where('r.id', '=', requestId).executeTakeFirst();
      return row === undefined ? null : { team: row.routed_team };
    },

    async getInboxRequest(viewer, requestId) {
      if (seesNothing(viewer)) return null;
      const row = await inboxRows(viewer).where('r.id', '=', requestId).executeTakeFirst();
      if (row === undefined) return null;
      const now = clock();
      const [replies, audit] = await Promise.all([
        db
          .selectFrom('support_replies')
          .select(['id', 'at', 'author_display_name', 'author_role', 'body'])
          .where('organisation_id', '=', viewer.organisationId)
          .where('request_id', '=', requestId)
          .orderBy('seq')
          .execute(),
        db
          .selectFrom('support_audit')
          .select(['at', 'actor_display_name', 'actor_role', 'action', 'from_value', 'to_value'])
          .where('organisation_id', '=', viewer.organisationId)
          .where('request_id', '=', requestId)
          .orderBy('seq')
          .execute(),
      ]);

      // Assignments are stored as staff members' user ids; staff read the names their accounts give.
      const assigned = [...new Set(audit.flatMap((entry) => (entry.action === 'assignment' ? [entry.from_value, entry.to_value] : [])))].filter(
        (id): id is string => id !== null,
      );
      const names = new Map(
        assigned.length === 0
          ? []
          : (
              await db
                .selectFrom('staff_accounts')
                .select(['user_id', 'email', 'display_name'])
                .where('organisation_id', '=', viewer.organisationId)
                .where('user_id', 'in', assigned)
                .execute()
            ).map((staff) => [staff.user_id, staff.display_name ?? staff.email]),
      );
      const shown = (action: string, value: string | null) => (value === null ? null : truncate(action === 'assignment' ? (names.get(value) ?? value) : value, AUDIT_VALUE_MAX));
      const trail: InboxRequestDetail['audit'] = audit.map((entry) => ({
        at: entry.at,
        actor: { displayName: truncate(entry.actor_display_name, 320), role: StoredAuthorRole.parse(entry.actor_role) },
        action: StoredAuditAction.parse(entry.action),
        from: shown(entry.action, entry.from_value),
        to: shown(entry.action, entry.to_value),
      }));
      // Escalation is not written when it happens (it is time passing); it shows where it falls in the trail.
      if (row.routed_team !== null && row.escalates_at !== null && row.escalates_at <= now.toISOString()) {
        const escalatedAt = row.escalates_at;
        const index = trail.findIndex((entry) => entry.at > escalatedAt);
        const entry = { at: escalatedAt, actor: ESCALATION_ACTOR, action: 'escalated', from: truncate(row.routed_team, AUDIT_VALUE_MAX), to: 'central' } as const;
        trail.splice(index === -1 ? trail.length : index, 0, entry);
      }

      return {
        summary: toSummary(row, replies.length, now),
        description: row.description,
        context: storedContext(row.id, row.context),
        replies: replies.map((reply) => ({
          id: reply.id,
          at: reply.at,
          author: { displayName: reply.author_display_name, role: StoredAuthorRole.parse(reply.author_role) },
          body: reply.body,
        })),
        audit: trail,
      };
    },

    async getSupportScreenshot(viewer, requestId) {
      if (seesNothing(viewer)) return null;
      const row = await db
        .selectFrom('support_requests as r')
        .select(['r.screenshot', 'r.screenshot_media_type'])
        .where('r.organisation_id', '=', viewer.organisationId)
        .where('r.id', '=', requestId)
        .$if(viewer.role === 'champion', (query) => query.where('r.routed_team', 'in', [...viewer.teams]))
        .executeTakeFirst();
      const mediaType = row?.screenshot_media_type;
      if (row?.screenshot == null || (mediaType !== 'image/png' && mediaType !== 'image/jpeg')) return null;
      return { mediaType, bytes: new Uint8Array(row.screenshot) };
    },
  };
}

type InboxTables = Database & { r: Database['support_requests'] };
type InboxRow = {
  id: string;
  kind: string;
  description: string;
  context: string;
  status: string;
  assignee_user_id: string | null;
  screenshot_media_type: string | null;
  routed_team: string | null;
  escalates_at: string | null;
  created_at: string;
  updated_at: string;
  requester_id: string;
  requester_email: string;
  requester_display_name: string | null;
  requester_teams: string;
  assignee_email: string | null;
  assignee_display_name: string | null;
};

/**
 * `champions` while a request is routed to a team and its window has not run out (or staff
 * picked it up in time, which clears `escalates_at`); `central` otherwise.
 */
function inQueue(eb: ExpressionBuilder<InboxTables, 'r'>, queue: 'central' | 'champions', now: string): Expression<SqlBool> {
  const withChampions = eb.and([eb('r.routed_team', 'is not', null), eb.or([eb('r.escalates_at', 'is', null), eb('r.escalates_at', '>', now)])]);
  return queue === 'champions' ? withChampions : eb.not(withChampions);
}

function toSummary(row: InboxRow, replyCount: number, now: Date): InboxRequestSummary {
  const { crm } = storedContext(row.id, row.context);
  const withChampions = row.routed_team !== null && (row.escalates_at === null || now.toISOString() < row.escalates_at);
  return {
    id: row.id,
    kind: StoredKind.parse(row.kind),
    title: firstLine(row.description, TITLE_MAX),
    status: SupportStatusSchema.parse(row.status),
    requester: {
      id: row.requester_id,
      email: row.requester_email,
      displayName: row.requester_display_name ?? row.requester_email,
      teams: parseStringList(row.requester_teams),
    },
    assignee:
      row.assignee_user_id === null
        ? null
        : { id: row.assignee_user_id, displayName: row.assignee_display_name ?? row.assignee_email ?? row.assignee_user_id },
    crm: crm.crm,
    pageType: crm.pageType,
    object: crm.object,
    routing: { queue: withChampions ? 'champions' : 'central', team: row.routed_team, escalatesAt: row.escalates_at },
    hasScreenshot: row.screenshot_media_type !== null,
    replyCount,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The context as intake validated and stored it. It is read back through the same schema rather
 * than trusted: a row that no longer matches (edited by hand, or written by a future version) is
 * an error naming the request, not data passed on unchecked.
 */
function storedContext(requestId: string, text: string): SupportContext {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = SupportContextSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Support request ${requestId} has a stored context that does not match the support contract (${issue === undefined ? 'not JSON' : `${issue.path.join('.')}: ${issue.message}`})`);
  }
  return parsed.data;
}

function toStaffAccount(row: {
  user_id: string;
  organisation_id: string;
  email: string;
  role: string;
  display_name: string | null;
  teams: string;
  created_at: string;
  password_changed_at: string;
  disabled_at: string | null;
}): StaffAccount {
  return {
    userId: row.user_id,
    organisationId: row.organisation_id,
    email: row.email,
    displayName: row.display_name,
    role: StaffRoleSchema.parse(row.role),
    teams: parseStringList(row.teams),
    createdAt: row.created_at,
    passwordChangedAt: row.password_changed_at,
    disabledAt: row.disabled_at,
  };
}

/** Case-insensitive matching, the same on every database: Unicode lower case of the composed form. */
function fold(text: string): string {
  return text.normalize('NFC').toLowerCase();
}
