/**
 * The one migration set, run by Kysely's `Migrator` on every start, for SQLite and PostgreSQL
 * alike: only portable column types and constraints. Never edit a released migration; add one.
 */
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from './store';

export const migrations: Record<string, Migration> = {
  '0001_core': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('organisations')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull().unique())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('enrollment_tokens')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        .addColumn('token_hash', 'text', (col) => col.notNull().unique())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('uses', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('enrollment_tokens_by_organisation').on('enrollment_tokens').column('organisation_id').execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        .addColumn('email', 'text', (col) => col.notNull())
        .addColumn('display_name', 'text')
        .addColumn('roles', 'text', (col) => col.notNull())
        .addColumn('teams', 'text', (col) => col.notNull())
        .addColumn('locale', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addUniqueConstraint('users_email_per_organisation', ['organisation_id', 'email'])
        .execute();

      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id'))
        .addColumn('token_hash', 'text', (col) => col.notNull().unique())
        .addColumn('label', 'text')
        .addColumn('extension_version', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('last_seen_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('devices_by_organisation').on('devices').column('organisation_id').execute();

      await db.schema
        .createTable('packs')
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        .addColumn('pack_id', 'text', (col) => col.notNull())
        .addColumn('latest_version', 'integer', (col) => col.notNull())
        .addColumn('published_version', 'integer')
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('packs_pkey', ['organisation_id', 'pack_id'])
        .execute();

      await db.schema
        .createTable('pack_versions')
        .addColumn('organisation_id', 'text', (col) => col.notNull())
        .addColumn('pack_id', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('content', 'text', (col) => col.notNull())
        .addColumn('published_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('pack_versions_pkey', ['organisation_id', 'pack_id', 'version'])
        .addForeignKeyConstraint('pack_versions_pack', ['organisation_id', 'pack_id'], 'packs', ['organisation_id', 'pack_id'])
        .execute();

      await db.schema
        .createTable('progress_events')
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        .addColumn('id', 'text', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id'))
        .addColumn('device_id', 'text', (col) => col.notNull().references('devices.id'))
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('pack_id', 'text', (col) => col.notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('received_at', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('progress_events_pkey', ['organisation_id', 'id'])
        .execute();
      await db.schema
        .createIndex('progress_events_by_user')
        .on('progress_events')
        .columns(['organisation_id', 'user_id', 'received_at', 'id'])
        .execute();
    },
  },
  '0002_rate_limits': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rate_limits')
        .addColumn('bucket', 'text', (col) => col.notNull())
        .addColumn('window_start', 'bigint', (col) => col.notNull())
        .addColumn('hits', 'integer', (col) => col.notNull())
        .addPrimaryKeyConstraint('rate_limits_pkey', ['bucket', 'window_start'])
        .execute();
      await db.schema.createIndex('rate_limits_by_window').on('rate_limits').column('window_start').execute();
    },
  },
  '0003_support': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('support_requests')
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        .addColumn('id', 'text', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.notNull().references('users.id'))
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('description', 'text', (col) => col.notNull())
        .addColumn('context', 'text', (col) => col.notNull())
        // `bytea` on PostgreSQL; SQLite stores the bytes as a BLOB whatever the declared type.
        .addColumn('screenshot', 'bytea')
        .addColumn('screenshot_media_type', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('assignee_user_id', 'text', (col) => col.references('users.id'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('support_requests_pkey', ['organisation_id', 'id'])
        .execute();
      await db.schema
        .createIndex('support_requests_by_user')
        .on('support_requests')
        .columns(['organisation_id', 'user_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('support_requests_by_status')
        .on('support_requests')
        .columns(['organisation_id', 'status', 'updated_at'])
        .execute();

      await db.schema
        .createTable('support_replies')
        .addColumn('organisation_id', 'text', (col) => col.notNull())
        .addColumn('request_id', 'text', (col) => col.notNull())
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('seq', 'integer', (col) => col.notNull())
        .addColumn('author_user_id', 'text', (col) => col.references('users.id'))
        .addColumn('author_display_name', 'text', (col) => col.notNull())
        .addColumn('author_role', 'text', (col) => col.notNull())
        .addColumn('body', 'text', (col) => col.notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .addUniqueConstraint('support_replies_order', ['organisation_id', 'request_id', 'seq'])
        .addForeignKeyConstraint('support_replies_request', ['organisation_id', 'request_id'], 'support_requests', ['organisation_id', 'id'])
        .execute();

      await db.schema
        .createTable('support_audit')
        .addColumn('organisation_id', 'text', (col) => col.notNull())
        .addColumn('request_id', 'text', (col) => col.notNull())
        .addColumn('seq', 'integer', (col) => col.notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('actor_user_id', 'text', (col) => col.references('users.id'))
        .addColumn('actor_display_name', 'text', (col) => col.notNull())
        .addColumn('actor_role', 'text', (col) => col.notNull())
        .addColumn('action', 'text', (col) => col.notNull())
        .addColumn('from_value', 'text')
        .addColumn('to_value', 'text')
        .addPrimaryKeyConstraint('support_audit_pkey', ['organisation_id', 'request_id', 'seq'])
        .addForeignKeyConstraint('support_audit_request', ['organisation_id', 'request_id'], 'support_requests', ['organisation_id', 'id'])
        .execute();
    },
  },
  '0004_staff': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('staff_accounts')
        .addColumn('user_id', 'text', (col) => col.primaryKey().references('users.id'))
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        // Unique across organisations: signing in by email must find exactly one account.
        .addColumn('email', 'text', (col) => col.notNull().unique())
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('password_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('password_changed_at', 'text', (col) => col.notNull())
        .addColumn('disabled_at', 'text')
        .execute();
      await db.schema.createIndex('staff_accounts_by_organisation').on('staff_accounts').column('organisation_id').execute();

      await db.schema
        .createTable('staff_sessions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('user_id', 'text', (col) => col.notNull().references('staff_accounts.user_id'))
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        .addColumn('csrf_token', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('last_seen_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('staff_sessions_by_user').on('staff_sessions').column('user_id').execute();
      await db.schema.createIndex('staff_sessions_by_expiry').on('staff_sessions').column('expires_at').execute();

      // SQLite adds one column per statement.
      await db.schema.alterTable('support_requests').addColumn('routed_team', 'text').execute();
      await db.schema.alterTable('support_requests').addColumn('escalates_at', 'text').execute();
      await db.schema
        .alterTable('organisations')
        .addColumn('champion_window_minutes', 'integer', (col) => col.notNull().defaultTo(240))
        .execute();
      // The inbox pages newest first, and champions read by routed team.
      await db.schema
        .createIndex('support_requests_by_created')
        .on('support_requests')
        .columns(['organisation_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('support_requests_by_routed_team')
        .on('support_requests')
        .columns(['organisation_id', 'routed_team', 'created_at'])
        .execute();
    },
  },
  '0005_webhooks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhooks')
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('url', 'text', (col) => col.notNull())
        .addColumn('format', 'text', (col) => col.notNull())
        .addColumn('secret', 'text', (col) => col.notNull())
        .addColumn('events', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('disabled_at', 'text')
        .execute();
      await db.schema.createIndex('webhooks_by_organisation').on('webhooks').column('organisation_id').execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('organisation_id', 'text', (col) => col.notNull().references('organisations.id'))
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('webhook_id', 'text', (col) => col.notNull().references('webhooks.id'))
        .addColumn('event_type', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('delivered_at', 'text')
        .addColumn('failed_at', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();
      // Pending deliveries only have a `next_attempt_at`, so the dispatcher's scan stays small.
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').column('next_attempt_at').execute();
      await db.schema.createIndex('webhook_deliveries_by_webhook').on('webhook_deliveries').column('webhook_id').execute();
      await db.schema
        .createIndex('webhook_deliveries_by_organisation')
        .on('webhook_deliveries')
        .columns(['organisation_id', 'created_at'])
        .execute();
    },
  },
  '0006_staff_display_name': {
    async up(db: Kysely<unknown>) {
      // The name staff are shown by (replies, audit trail, webhooks) belongs to the staff account:
      // `users.display_name` is whatever the last enrolment with that email said.
      await db.schema.alterTable('staff_accounts').addColumn('display_name', 'text').execute();
      await sql`update staff_accounts set display_name = (select users.display_name from users where users.id = staff_accounts.user_id)`.execute(db);
    },
  },
};

/**
 * On PostgreSQL the migrator is pinned to the connection's current schema: Kysely looks for its
 * bookkeeping tables in every schema otherwise, and would take another schema's for its own.
 */
export async function migratorFor(db: Kysely<unknown>, dialect: StoreDialect): Promise<Migrator> {
  const provider = { getMigrations: () => Promise.resolve(migrations) };
  if (dialect === 'sqlite') return new Migrator({ db, provider });
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return new Migrator({ db, provider, migrationTableSchema: rows[0]?.schema ?? 'public' });
}

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: StoreDialect): Promise<string[]> {
  const { error, results = [] } = await (await migratorFor(db, dialect)).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName ?? '(unknown)';
    throw new Error(`Database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
