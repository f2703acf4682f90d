/**
 * The support-request part of the Kysely store: intake (idempotent by organisation and id), the
 * user's own list, and the staff workflow (status, assignment, replies), each change written to
 * `support_audit` in the same transaction.
 *
 * Every workflow change first touches the request row (`updated_at = updated_at`), which locks
 * it on PostgreSQL, so concurrent changes to one request run one after the other and the
 * per-request sequence numbers of replies and audit entries never collide.
 *
 * Routing: a new request goes to the champions of the requester's first team that has an active
 * champion, until the organisation's champion window ends (`escalates_at`); then, or at once when
 * no team has a champion, to the central team. Staff picking it up in time (a status change, a
 * reply, an assignment) clears `escalates_at`, so it stays with the champions.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import {
  canMoveSupportStatus,
  MY_SUPPORT_REQUESTS_MAX,
  SupportStatusSchema,
  type MySupportRequest,
  type SupportAuthorRole,
  type SupportKind,
  type SupportStatus,
} from '../../lib/api';
import { supportReplyCreated, supportRequestCreated } from '../webhooks/events';
import { enqueueWebhookEvent } from './kysely-webhooks';
import type { Database, SupportRequestsTable } from './schema';
import type {
  SupportActor,
  SupportAuditAction,
  SupportChangeResult,
  SupportRequestRecord,
  SupportReplyResult,
  Store,
  SupportScope,
} from './store';
import { parseStringList } from './text';

type SupportMethods = Pick<
  Store,
  'createSupportRequest' | 'listMySupportRequests' | 'setSupportStatus' | 'assignSupportRequest' | 'addSupportReply' | 'listSupportAudit'
>;

export function supportMethods(db: Kysely<Database>, now: () => string): SupportMethods {
  /** Locks the request (PostgreSQL) and returns it; a `user` actor finds only their own. */
  const lockRequest = async (trx: Transaction<Database>, organisationId: string, requestId: string, actor: SupportActor) => {
    let query = trx
      .updateTable('support_requests')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('organisation_id', '=', organisationId)
      .where('id', '=', requestId);
    if (actor.role === 'user') query = query.where('user_id', '=', actor.userId ?? '');
    return query.returningAll().executeTakeFirst();
  };

  const nextSeq = async (trx: Transaction<Database>, table: 'support_audit' | 'support_replies', organisationId: string, requestId: string) => {
    const row = await trx
      .selectFrom(table)
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('organisation_id', '=', organisationId)
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    return Number(row?.seq ?? 0) + 1;
  };

  const audit = async (
    trx: Transaction<Database>,
    organisationId: string,
    requestId: string,
    actor: SupportActor,
    action: SupportAuditAction,
    from: string | null,
    to: string | null,
    at: string,
  ) => {
    await trx
      .insertInto('support_audit')
      .values({
        organisation_id: organisationId,
        request_id: requestId,
        seq: await nextSeq(trx, 'support_audit', organisationId, requestId),
        at,
        actor_user_id: actor.userId,
        actor_display_name: actor.displayName,
        actor_role: actor.role,
        action,
        from_value: from,
        to_value: to,
      })
      .execute();
  };

  const moveStatus = async (
    trx: Transaction<Database>,
    row: Selectable<SupportRequestsTable>,
    to: SupportStatus,
    actor: SupportActor,
    at: string,
  ) => {
    await trx
      .updateTable('support_requests')
      .set({ status: to, updated_at: at })
      .where('organisation_id', '=', row.organisation_id)
      .where('id', '=', row.id)
      .execute();
    await audit(trx, row.organisation_id, row.id, actor, 'status', row.status, to, at);
    return { ...row, status: to, updated_at: at };
  };

  /** The requester's first team (in `users.teams` order) with an active champion, and when its window ends. */
  const routeToChampions = async (trx: Transaction<Database>, scope: SupportScope, teams: readonly string[], at: string) => {
    const unrouted = { routed_team: null, escalates_at: null };
    if (teams.length === 0) return unrouted;
    const champions = await trx
      .selectFrom('staff_accounts')
      .innerJoin('users', 'users.id', 'staff_accounts.user_id')
      .select('users.teams')
      .where('staff_accounts.organisation_id', '=', scope.organisationId)
      .where('staff_accounts.role', '=', 'champion')
      .where('staff_accounts.disabled_at', 'is', null)
      .execute();
    const championed = new Set(champions.flatMap((champion) => parseStringList(champion.teams)));
    const team = teams.find((candidate) => championed.has(candidate));
    if (team === undefined) return unrouted;
    const { champion_window_minutes: minutes } = await trx
      .selectFrom('organisations')
      .select('champion_window_minutes')
      .where('id', '=', scope.organisationId)
      .executeTakeFirstOrThrow();
    return { routed_team: team, escalates_at: new Date(Date.parse(at) + Number(minutes) * 60_000).toISOString() };
  };

  /** Staff picked the request up: while the champions still have it, they keep it (it never escalates). A user's change does nothing here. */
  const keepWithChampions = async (trx: Transaction<Database>, row: Selectable<SupportRequestsTable>, actor: SupportActor, at: string) => {
    if (actor.role === 'user' || row.escalates_at === null || at >= row.escalates_at) return;
    await trx
      .updateTable('support_requests')
      .set({ escalates_at: null })
      .where('organisation_id', '=', row.organisation_id)
      .where('id', '=', row.id)
      .execute();
  };

  return {
    async createSupportRequest(scope, request) {
      const at = now();
      return db.transaction().execute(async (trx) => {
        const existing = () =>
          trx
            .selectFrom('support_requests')
            .select(['user_id', 'status'])
            .where('organisation_id', '=', scope.organisationId)
            .where('id', '=', request.id)
            .executeTakeFirst();
        const retried = (row: { user_id: string; status: string } | undefined) =>
          row === undefined || row.user_id !== scope.userId
            ? ({ ok: false, reason: 'id_taken' } as const)
            : ({ ok: true, created: false, id: request.id, status: toStatus(row.status) } as const);

        // A retry of a stored request (the same id again) needs no routing.
        const stored = await existing();
        if (stored !== undefined) return retried(stored);
        const requester = await trx.selectFrom('users').select(['teams', 'display_name', 'email']).where('id', '=', scope.userId).executeTakeFirst();
        const requesterName = requester?.display_name ?? requester?.email ?? '';
        const routing = await routeToChampions(trx, scope, requester === undefined ? [] : parseStringList(requester.teams), at);
        const inserted = await trx
          .insertInto('support_requests')
          .values({
            organisation_id: scope.organisationId,
            id: request.id,
            user_id: scope.userId,
            kind: request.kind,
            description: request.description,
            context: JSON.stringify(request.context),
            screenshot: request.screenshot === null ? null : Buffer.from(request.screenshot.bytes),
            screenshot_media_type: request.screenshot?.mediaType ?? null,
            status: 'new',
            assignee_user_id: null,
            created_at: at,
            updated_at: at,
            ...routing,
          })
          .onConflict((oc) => oc.columns(['organisation_id', 'id']).doNothing())
          .returning(['id', 'status'])
          .executeTakeFirst();
        // The same id stored meanwhile by a concurrent request.
        if (inserted === undefined) return retried(await existing());
        await trx
          .insertInto('support_audit')
          .values({
            organisation_id: scope.organisationId,
            request_id: request.id,
            seq: 1,
            at,
            actor_user_id: scope.userId,
            actor_display_name: requesterName,
            actor_role: 'user',
            action: 'created',
            from_value: null,
            to_value: 'new',
          })
          .execute();
        // In the same transaction: a request is never stored without its notifications.
        await enqueueWebhookEvent(
          trx,
          scope.organisationId,
          supportRequestCreated({
            requestId: request.id,
            kind: request.kind,
            description: request.description,
            requesterDisplayName: requesterName,
            crm: request.context.crm,
            team: routing.routed_team,
            createdAt: at,
          }),
          at,
        );
        return { ok: true, created: true, id: request.id, status: 'new' } as const;
      });
    },

    async listMySupportRequests(scope) {
      const requests = await db
        .selectFrom('support_requests')
        .select(['id', 'kind', 'description', 'status', 'created_at', 'updated_at'])
        .where('organisation_id', '=', scope.organisationId)
        .where('user_id', '=', scope.userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(MY_SUPPORT_REQUESTS_MAX)
        .execute();
      if (requests.length === 0) return [];
      const replies = await db
        .selectFrom('support_replies')
        .select(['request_id', 'id', 'at', 'author_display_name', 'author_role', 'body', 'seq'])
        .where('organisation_id', '=', scope.organisationId)
        .where(
          'request_id',
          'in',
          requests.map((request) => request.id),
        )
        .orderBy('request_id')
        .orderBy('seq')
        .execute();
      const byRequest = new Map<string, MySupportRequest['replies']>();
      for (const reply of replies) {
        const list = byRequest.get(reply.request_id) ?? [];
        list.push({
          id: reply.id,
          at: reply.at,
          author: { displayName: reply.author_display_name, role: reply.author_role as SupportAuthorRole },
          body: reply.body,
        });
        byRequest.set(reply.request_id, list);
      }
      return requests.map((request) => ({
        id: request.id,
        kind: request.kind as SupportKind,
        description: request.description,
        status: toStatus(request.status),
        createdAt: request.created_at,
        updatedAt: request.updated_at,
        replies: byRequest.get(request.id) ?? [],
      }));
    },

    setSupportStatus(organisationId, requestId, status, actor) {
      return db.transaction().execute(async (trx): Promise<SupportChangeResult> => {
        const row = await lockRequest(trx, organisationId, requestId, actor);
        if (row === undefined) return { ok: false, reason: 'not_found' };
        const from = toStatus(row.status);
        if (from === status) return { ok: true, request: toRecord(row), changed: false };
        if (!canMoveSupportStatus(from, status)) return { ok: false, reason: 'invalid_transition', from, to: status };
        const at = now();
        await keepWithChampions(trx, row, actor, at);
        return { ok: true, request: toRecord(await moveStatus(trx, row, status, actor, at)), changed: true };
      });
    },

    assignSupportRequest(organisationId, requestId, assigneeUserId, actor) {
      return db.transaction().execute(async (trx): Promise<SupportChangeResult> => {
        const row = await lockRequest(trx, organisationId, requestId, actor);
        if (row === undefined) return { ok: false, reason: 'not_found' };
        if (row.assignee_user_id === assigneeUserId) return { ok: true, request: toRecord(row), changed: false };
        if (assigneeUserId !== null) {
          const assignee = await trx
            .selectFrom('users')
            .select('id')
            .where('organisation_id', '=', organisationId)
            .where('id', '=', assigneeUserId)
            .executeTakeFirst();
          if (assignee === undefined) return { ok: false, reason: 'unknown_assignee' };
        }
        const at = now();
        if (assigneeUserId !== null) await keepWithChampions(trx, row, actor, at);
        await trx
          .updateTable('support_requests')
          .set({ assignee_user_id: assigneeUserId, updated_at: at })
          .where('organisation_id', '=', organisationId)
          .where('id', '=', requestId)
          .execute();
        await audit(trx, organisationId, requestId, actor, 'assignment', row.assignee_user_id, assigneeUserId, at);
        return { ok: true, request: toRecord({ ...row, assignee_user_id: assigneeUserId, updated_at: at }), changed: true };
      });
    },

    addSupportReply(organisationId, requestId, author, body) {
      return db.transaction().execute(async (trx): Promise<SupportReplyResult> => {
        let row = await lockRequest(trx, organisationId, requestId, author);
        if (row === undefined) return { ok: false, reason: 'not_found' };
        const status = toStatus(row.status);
        if (status === 'closed') return { ok: false, reason: 'closed' };
        const at = now();
        await keepWithChampions(trx, row, author, at);
        const replyId = randomUUID();
        await trx
          .insertInto('support_replies')
          .values({
            organisation_id: organisationId,
            request_id: requestId,
            id: replyId,
            seq: await nextSeq(trx, 'support_replies', organisationId, requestId),
            author_user_id: author.userId,
            author_display_name: author.displayName,
            author_role: author.role,
            body,
            at,
          })
          .execute();
        await audit(trx, organisationId, requestId, author, 'reply', null, replyId, at);
        const next: SupportStatus = author.role === 'user' ? (status === 'waiting_for_user' || status === 'answered' ? 'in_progress' : status) : 'answered';
        if (next !== status) row = await moveStatus(trx, row, next, author, at);
        else {
          await trx.updateTable('support_requests').set({ updated_at: at }).where('organisation_id', '=', organisationId).where('id', '=', requestId).execute();
          row = { ...row, updated_at: at };
        }
        await enqueueWebhookEvent(
          trx,
          organisationId,
          supportReplyCreated({ requestId, requestDescription: row.description, replyId, author, body, status: next }),
          at,
        );
        return { ok: true, request: toRecord(row), replyId };
      });
    },

    async listSupportAudit(organisationId, requestId) {
      const rows = await db
        .selectFrom('support_audit')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('request_id', '=', requestId)
        .orderBy('seq')
        .execute();
      return rows.map((row) => ({
        at: row.at,
        actor: { userId: row.actor_user_id, displayName: row.actor_display_name, role: row.actor_role as SupportAuthorRole },
        action: row.action as SupportAuditAction,
        from: row.from_value,
        to: row.to_value,
      }));
    },
  };
}

/** Statuses are written only from `SupportStatus` values; anything else is a corrupt row. */
function toStatus(value: string): SupportStatus {
  return SupportStatusSchema.parse(value);
}

function toRecord(row: Selectable<SupportRequestsTable>): SupportRequestRecord {
  return {
    organisationId: row.organisation_id,
    id: row.id,
    userId: row.user_id,
    kind: row.kind as SupportKind,
    description: row.description,
    status: toStatus(row.status),
    assigneeUserId: row.assignee_user_id,
    screenshotMediaType: row.screenshot_media_type === 'image/png' || row.screenshot_media_type === 'image/jpeg' ? row.screenshot_media_type : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
