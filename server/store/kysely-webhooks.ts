/**
 * The webhook part of the Kysely store: each organisation's webhooks, and their deliveries as a
 * durable queue. `enqueueWebhookEvent` writes deliveries inside the caller's transaction, so a
 * support change is never stored without its notifications, nor notified without being stored;
 * dispatchers (`server/webhooks/dispatcher.ts`, one per instance) take due deliveries with a lease.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, WebhookEventSchema, type WebhookEventInput, type WebhookEventType } from '../webhooks/events';
import { WebhookFormatSchema } from '../webhooks/format';
import { checkWebhookUrl } from '../webhooks/url';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from './schema';
import { newSecret } from './secrets';
import type { Store, StoreDialect, Webhook, WebhookDelivery } from './store';
import { truncate } from './text';

type WebhookMethods = Pick<
  Store,
  'addWebhook' | 'listWebhooks' | 'removeWebhook' | 'listWebhookDeliveries' | 'claimWebhookDeliveries' | 'settleWebhookDelivery'
>;

/** Longest `last_error` kept: enough for a status line and the start of the receiver's answer. */
const LAST_ERROR_MAX = 500;
export const DISABLED_BY_GONE = 'Not sent: the webhook was disabled after its receiver answered 410 Gone';

/**
 * Stamps the event with the organisation and `now` (ISO 8601), checks it against
 * `WebhookEventSchema` and inserts one delivery for each active webhook of the organisation that
 * subscribes to its type; returns how many. Pass the transaction that writes the change the
 * event reports: when it rolls back, so do the deliveries.
 */
export async function enqueueWebhookEvent(
  executor: Kysely<Database> | Transaction<Database>,
  organisationId: string,
  event: WebhookEventInput,
  now: string,
): Promise<number> {
  const stamped = WebhookEventSchema.parse({ ...event, organisationId, occurredAt: now });
  const webhooks = await executor
    .selectFrom('webhooks')
    .select(['id', 'events'])
    .where('organisation_id', '=', organisationId)
    .where('disabled_at', 'is', null)
    .execute();
  const targets = webhooks.filter((webhook) => parseEvents(webhook.events).includes(stamped.type));
  if (targets.length === 0) return 0;
  const payload = JSON.stringify(stamped);
  await executor
    .insertInto('webhook_deliveries')
    .values(
      targets.map((webhook) => ({
        organisation_id: organisationId,
        id: randomUUID(),
        webhook_id: webhook.id,
        event_type: stamped.type,
        payload,
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        last_status: null,
        last_error: null,
        delivered_at: null,
        failed_at: null,
        created_at: now,
      })),
    )
    .execute();
  return targets.length;
}

export function webhookMethods(db: Kysely<Database>, dialect: StoreDialect, now: () => string): WebhookMethods {
  return {
    async addWebhook(organisationId, { url, format, events }) {
      const checked = checkWebhookUrl(url);
      if (!checked.ok) return { ok: false, error: checked.error };
      const subscribed = WEBHOOK_EVENT_TYPES.filter((type) => events.includes(type));
      if (subscribed.length === 0) return { ok: false, error: `A webhook needs at least one event: ${WEBHOOK_EVENT_TYPES.join(', ')}` };
      const secret = newSecret();
      const row = {
        organisation_id: organisationId,
        id: randomUUID(),
        url: checked.url,
        format,
        secret,
        events: JSON.stringify(subscribed),
        created_at: now(),
        disabled_at: null,
      };
      await db.insertInto('webhooks').values(row).execute();
      return { ok: true, webhook: toWebhook(row), secret };
    },

    async listWebhooks(organisationId) {
      const rows = await db.selectFrom('webhooks').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toWebhook);
    },

    removeWebhook(webhookId) {
      // A support change enqueuing for this webhook at the same instant fails on the foreign key
      // and its sender retries it (the extension's outbox, the inbox's button): rare and harmless.
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('webhooks').selectAll().where('id', '=', webhookId).executeTakeFirst();
        if (row === undefined) return null;
        const deleted = await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', webhookId).executeTakeFirst();
        await trx.deleteFrom('webhooks').where('id', '=', webhookId).execute();
        return { webhook: toWebhook(row), deliveries: Number(deleted.numDeletedRows) };
      });
    },

    async listWebhookDeliveries(organisationId, { failedOnly, limit }) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .$if(failedOnly, (query) => query.where('failed_at', 'is not', null))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    },

    async claimWebhookDeliveries({ now: at, leaseMs, limit }) {
      const time = at.toISOString();
      const leaseUntil = new Date(at.getTime() + leaseMs).toISOString();
      const claimed = await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('webhook_deliveries as due')
            .select('due.id')
            .where('due.next_attempt_at', '<=', time)
            .where((inner) => inner.or([inner('due.lease_until', 'is', null), inner('due.lease_until', '<=', time)]))
            .where('due.webhook_id', 'in', eb.selectFrom('webhooks').select('webhooks.id').where('webhooks.disabled_at', 'is', null))
            .orderBy('due.next_attempt_at')
            .orderBy('due.id')
            .limit(limit)
            // PostgreSQL: concurrent claimers take different rows instead of queueing on the same ones.
            .$if(dialect === 'postgres', (query) => query.forUpdate().skipLocked()),
        )
        // Checked again on the row being updated: a claimer that picked a row another one leased
        // meanwhile re-reads it here (PostgreSQL re-evaluates after the lock) and leaves it.
        .where('next_attempt_at', '<=', time)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', time)]))
        .returning(['id', 'organisation_id', 'webhook_id', 'event_type', 'payload', 'attempts'])
        .execute();
      if (claimed.length === 0) return [];
      const webhooks = await db
        .selectFrom('webhooks')
        .select(['id', 'url', 'format', 'secret'])
        .where(
          'id',
          'in',
          claimed.map((row) => row.webhook_id),
        )
        .execute();
      const byId = new Map(webhooks.map((webhook) => [webhook.id, webhook]));
      return claimed.flatMap((row) => {
        const webhook = byId.get(row.webhook_id);
        // Removed since the claim (its deliveries went with it).
        if (webhook === undefined) return [];
        return [{ id: row.id, organisationId: row.organisation_id, eventType: row.event_type, payload: row.payload, attempt: Number(row.attempts), webhook }];
      });
    },

    settleWebhookDelivery({ id, attempt }, outcome, at) {
      const time = at.toISOString();
      const error = outcome.result === 'delivered' ? null : truncate(outcome.error, LAST_ERROR_MAX);
      const changes =
        outcome.result === 'delivered'
          ? { delivered_at: time, next_attempt_at: null }
          : outcome.result === 'retry'
            ? { next_attempt_at: outcome.nextAttemptAt.toISOString() }
            : { failed_at: time, next_attempt_at: null };
      return db.transaction().execute(async (trx) => {
        const settled = await trx
          .updateTable('webhook_deliveries')
          .set({ ...changes, lease_until: null, last_status: outcome.status, last_error: error })
          .where('id', '=', id)
          // The claim's own attempt: after a lease ran out and another dispatcher took the
          // delivery, the first one's late answer changes nothing.
          .where('attempts', '=', attempt)
          .where('delivered_at', 'is', null)
          .where('failed_at', 'is', null)
          .returning('webhook_id')
          .executeTakeFirst();
        if (settled === undefined) return false;
        if (outcome.result === 'gone') {
          await trx.updateTable('webhooks').set({ disabled_at: time }).where('id', '=', settled.webhook_id).where('disabled_at', 'is', null).execute();
          await trx
            .updateTable('webhook_deliveries')
            .set({ failed_at: time, next_attempt_at: null, lease_until: null, last_error: DISABLED_BY_GONE })
            .where('webhook_id', '=', settled.webhook_id)
            .where('delivered_at', 'is', null)
            .where('failed_at', 'is', null)
            .execute();
        }
        return true;
      });
    },
  };
}

const StoredEvents = z.array(z.string());

/** The subscribed types; a type this version does not know (written by a newer one) is ignored. */
function parseEvents(text: string): WebhookEventType[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const list = StoredEvents.safeParse(parsed);
  return list.success ? WEBHOOK_EVENT_TYPES.filter((type) => list.data.includes(type)) : [];
}

function toWebhook(row: Selectable<WebhooksTable>): Webhook {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    url: row.url,
    // Written only from `WebhookFormat` values; anything else is a corrupt row.
    format: WebhookFormatSchema.parse(row.format),
    events: parseEvents(row.events),
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    webhookId: row.webhook_id,
    eventType: row.event_type,
    state: row.delivered_at !== null ? 'delivered' : row.failed_at !== null ? 'failed' : 'pending',
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    failedAt: row.failed_at,
    createdAt: row.created_at,
  };
}
