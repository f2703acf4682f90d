/**
 * The `Store` implemented once with Kysely; `open.ts` picks the dialect (better-sqlite3 or pg).
 * Queries stay within what both dialects share: upserts with `ON CONFLICT`, `RETURNING`,
 * text ids and times.
 */
import { randomUUID } from 'node:crypto';
import type SQLite from 'better-sqlite3';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { EnrollRequest, ProgressAck, ProgressEvent } from '../../lib/api';
import { LocaleSchema, type ContentPack } from '../../lib/guides/pack';
import { staffMethods } from './kysely-staff';
import { supportMethods } from './kysely-support';
import { webhookMethods } from './kysely-webhooks';
import { sqliteProgressWriter } from './sqlite-progress';
import { migrateToLatest } from './migrations';
import type { Database, DevicesTable, EnrollmentTokensTable, UsersTable } from './schema';
import { hashMatches, hashSecret, newSecret } from './secrets';
import {
  PACK_VERSION_MAX,
  PUBLISHED_PACKS_MAX,
  StoreConflictError,
  type Device,
  type EnrollmentToken,
  type PackSummary,
  type PublishResult,
  type Store,
  type StoreDialect,
  type User,
  type UserPatch,
} from './store';
import { compareText, normaliseEmail, parseStringList } from './text';

/** `last_seen_at` is refreshed at most this often, so authenticating is usually read-only. */
const LAST_SEEN_RESOLUTION_MS = 5 * 60_000;
/** Expired rate-limit windows are swept at most this often by each process. */
const RATE_LIMIT_SWEEP_MS = 60_000;

export const EVENT_ID_TAKEN =
  'This event id is already used by another user of this organisation. Event ids are random UUIDs, ' +
  'so this points at a copied or tampered outbox; the extension must send the event again with a new id.';

export interface KyselyStoreOptions {
  /** The SQLite connection under `db`, for the progress-ingest fast path (`sqlite-progress.ts`). */
  sqlite?: SQLite.Database;
}

export function createKyselyStore(
  db: Kysely<Database>,
  dialect: StoreDialect,
  clock: () => Date = () => new Date(),
  options: KyselyStoreOptions = {},
): Store {
  const now = () => clock().toISOString();
  const sqliteProgress = options.sqlite === undefined ? null : sqliteProgressWriter(db, options.sqlite);
  let lastRateLimitSweep = 0;

  return {
    migrate: () => migrateToLatest(db as unknown as Kysely<unknown>, dialect),

    async ping() {
      await sql`select 1`.execute(db);
    },

    close: () => db.destroy(),

    async createOrganisation(name) {
      const row = { id: randomUUID(), name, created_at: now() };
      try {
        await db.insertInto('organisations').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError(`An organisation named "${name}" already exists`);
        throw error;
      }
      return { id: row.id, name: row.name, createdAt: row.created_at };
    },

    async listOrganisations() {
      const rows = await db.selectFrom('organisations').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at }));
    },

    async findOrganisation(idOrName) {
      const rows = await db
        .selectFrom('organisations')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
        .execute();
      const row = rows.find((candidate) => candidate.id === idOrName) ?? rows[0];
      return row === undefined ? null : { id: row.id, name: row.name, createdAt: row.created_at };
    },

    async issueEnrollmentToken(organisationId, { expiresAt }) {
      const secret = newSecret();
      const row = {
        id: randomUUID(),
        organisation_id: organisationId,
        token_hash: hashSecret(secret),
        created_at: now(),
        expires_at: expiresAt === null ? null : expiresAt.toISOString(),
        revoked_at: null,
        last_used_at: null,
        uses: 0,
      };
      await db.insertInto('enrollment_tokens').values(row).execute();
      return { token: toEnrollmentToken(row), secret };
    },

    async listEnrollmentTokens(organisationId) {
      const rows = await db
        .selectFrom('enrollment_tokens')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toEnrollmentToken);
    },

    async revokeEnrollmentToken(tokenId) {
      await db
        .updateTable('enrollment_tokens')
        .set({ revoked_at: now() })
        .where('id', '=', tokenId)
        .where('revoked_at', 'is', null)
        .execute();
      const row = await db.selectFrom('enrollment_tokens').selectAll().where('id', '=', tokenId).executeTakeFirst();
      return row === undefined ? null : toEnrollmentToken(row);
    },

    enroll(request: EnrollRequest) {
      const tokenHash = hashSecret(request.enrollmentToken);
      return db.transaction().execute(async (trx) => {
        const token = await trx
          .selectFrom('enrollment_tokens')
          .innerJoin('organisations', 'organisations.id', 'enrollment_tokens.organisation_id')
          .select([
            'enrollment_tokens.id',
            'enrollment_tokens.token_hash',
            'enrollment_tokens.expires_at',
            'enrollment_tokens.revoked_at',
            'organisations.id as organisation_id',
            'organisations.name as organisation_name',
          ])
          .where('enrollment_tokens.token_hash', '=', tokenHash)
          .executeTakeFirst();
        if (token === undefined || !hashMatches(request.enrollmentToken, token.token_hash)) {
          return { ok: false, reason: 'unknown_token' } as const;
        }
        if (token.revoked_at !== null) return { ok: false, reason: 'revoked' } as const;
        const at = now();
        if (token.expires_at !== null && token.expires_at <= at) {
          return { ok: false, reason: 'expired', expiredAt: token.expires_at } as const;
        }

        const user = await trx
          .insertInto('users')
          .values({
            id: randomUUID(),
            organisation_id: token.organisation_id,
            email: normaliseEmail(request.user.email),
            display_name: request.user.displayName ?? null,
            roles: '[]',
            teams: '[]',
            locale: null,
            created_at: at,
            updated_at: at,
          })
          .onConflict((oc) =>
            oc.columns(['organisation_id', 'email']).doUpdateSet((eb) => ({
              display_name: eb.fn.coalesce('excluded.display_name', 'users.display_name'),
              updated_at: at,
            })),
          )
          .returningAll()
          .executeTakeFirstOrThrow();

        const deviceToken = newSecret();
        const deviceId = randomUUID();
        await trx
          .insertInto('devices')
          .values({
            id: deviceId,
            organisation_id: token.organisation_id,
            user_id: user.id,
            token_hash: hashSecret(deviceToken),
            label: request.deviceLabel ?? null,
            extension_version: request.extensionVersion,
            created_at: at,
            last_seen_at: at,
            revoked_at: null,
          })
          .execute();
        await trx
          .updateTable('enrollment_tokens')
          .set((eb) => ({ uses: eb('uses', '+', 1), last_used_at: at }))
          .where('id', '=', token.id)
          .execute();

        return {
          ok: true,
          deviceId,
          deviceToken,
          organisation: { id: token.organisation_id, name: token.organisation_name },
          user: toUser(user),
        } as const;
      });
    },

    async authenticateDevice(deviceToken) {
      const row = await db
        .selectFrom('devices')
        .innerJoin('users', 'users.id', 'devices.user_id')
        .innerJoin('organisations', 'organisations.id', 'devices.organisation_id')
        .selectAll('users')
        .select([
          'devices.id as device_id',
          'devices.token_hash as device_token_hash',
          'devices.revoked_at as device_revoked_at',
          'devices.last_seen_at as device_last_seen_at',
          'organisations.name as organisation_name',
        ])
        .where('devices.token_hash', '=', hashSecret(deviceToken))
        .executeTakeFirst();
      if (row === undefined || !hashMatches(deviceToken, row.device_token_hash)) return { ok: false, reason: 'unknown_token' };
      if (row.device_revoked_at !== null) return { ok: false, reason: 'revoked' };

      const at = clock();
      const staleBefore = new Date(at.getTime() - LAST_SEEN_RESOLUTION_MS).toISOString();
      if (row.device_last_seen_at === null || row.device_last_seen_at < staleBefore) {
        await db.updateTable('devices').set({ last_seen_at: at.toISOString() }).where('id', '=', row.device_id).execute();
      }
      return {
        ok: true,
        session: {
          deviceId: row.device_id,
          organisation: { id: row.organisation_id, name: row.organisation_name },
          user: toUser(row),
        },
      };
    },

    async listDevices(organisationId) {
      const rows = await db
        .selectFrom('devices')
        .innerJoin('users', 'users.id', 'devices.user_id')
        .selectAll('devices')
        .select('users.email as user_email')
        .where('devices.organisation_id', '=', organisationId)
        .orderBy('devices.created_at')
        .orderBy('devices.id')
        .execute();
      return rows.map(toDevice);
    },

    async revokeDevice(deviceId) {
      await db.updateTable('devices').set({ revoked_at: now() }).where('id', '=', deviceId).where('revoked_at', 'is', null).execute();
      const row = await db
        .selectFrom('devices')
        .innerJoin('users', 'users.id', 'devices.user_id')
        .selectAll('devices')
        .select('users.email as user_email')
        .where('devices.id', '=', deviceId)
        .executeTakeFirst();
      return row === undefined ? null : toDevice(row);
    },

    setUser(organisationId, email, patch: UserPatch) {
      const normalised = normaliseEmail(email);
      return db.transaction().execute(async (trx) => {
        const at = now();
        const changes = {
          ...(patch.displayName !== undefined && { display_name: patch.displayName }),
          ...(patch.roles !== undefined && { roles: JSON.stringify(patch.roles) }),
          ...(patch.teams !== undefined && { teams: JSON.stringify(patch.teams) }),
          ...(patch.locale !== undefined && { locale: patch.locale }),
        };
        const updated = await trx
          .updateTable('users')
          .set({ ...changes, updated_at: at })
          .where('organisation_id', '=', organisationId)
          .where('email', '=', normalised)
          .returningAll()
          .executeTakeFirst();
        if (updated !== undefined) return toUser(updated);
        const created = await trx
          .insertInto('users')
          .values({
            id: randomUUID(),
            organisation_id: organisationId,
            email: normalised,
            display_name: null,
            roles: '[]',
            teams: '[]',
            locale: null,
            ...changes,
            created_at: at,
            updated_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toUser(created);
      });
    },

    async publishPack(organisationId, pack: ContentPack): Promise<PublishResult> {
      if (pack.version > PACK_VERSION_MAX) return { ok: false, reason: 'version_too_large' };
      const latestVersion = async () => {
        const row = await db
          .selectFrom('packs')
          .select('latest_version')
          .where('organisation_id', '=', organisationId)
          .where('pack_id', '=', pack.id)
          .executeTakeFirst();
        return row?.latest_version ?? 0;
      };
      try {
        return await db.transaction().execute(async (trx): Promise<PublishResult> => {
          const existing = await trx
            .selectFrom('packs')
            .selectAll()
            .where('organisation_id', '=', organisationId)
            .where('pack_id', '=', pack.id)
            .executeTakeFirst();
          if (existing !== undefined && pack.version <= existing.latest_version) {
            return { ok: false, reason: 'not_newer', latestVersion: existing.latest_version };
          }
          if (existing?.published_version == null) {
            const { count } = await trx
              .selectFrom('packs')
              .select((eb) => eb.fn.countAll().as('count'))
              .where('organisation_id', '=', organisationId)
              .where('published_version', 'is not', null)
              .executeTakeFirstOrThrow();
            if (Number(count) >= PUBLISHED_PACKS_MAX) return { ok: false, reason: 'too_many_packs' };
          }
          const at = now();
          if (existing === undefined) {
            await trx
              .insertInto('packs')
              .values({ organisation_id: organisationId, pack_id: pack.id, latest_version: pack.version, published_version: pack.version, updated_at: at })
              .execute();
          } else {
            await trx
              .updateTable('packs')
              .set({ latest_version: pack.version, published_version: pack.version, updated_at: at })
              .where('organisation_id', '=', organisationId)
              .where('pack_id', '=', pack.id)
              .execute();
          }
          await trx
            .insertInto('pack_versions')
            .values({ organisation_id: organisationId, pack_id: pack.id, version: pack.version, content: JSON.stringify(pack), published_at: at })
            .execute();
          return { ok: true, packId: pack.id, version: pack.version };
        });
      } catch (error) {
        // Another publish of the same pack won the race.
        if (isUniqueViolation(error)) return { ok: false, reason: 'not_newer', latestVersion: await latestVersion() };
        throw error;
      }
    },

    async unpublishPack(organisationId, packId) {
      const result = await db
        .updateTable('packs')
        .set({ published_version: null, updated_at: now() })
        .where('organisation_id', '=', organisationId)
        .where('pack_id', '=', packId)
        .where('published_version', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async listPacks(organisationId): Promise<PackSummary[]> {
      const rows = await db
        .selectFrom('packs')
        .innerJoin('pack_versions', (join) =>
          join.onRef('pack_versions.organisation_id', '=', 'packs.organisation_id').onRef('pack_versions.pack_id', '=', 'packs.pack_id'),
        )
        .select(['packs.pack_id', 'packs.latest_version', 'packs.published_version', 'packs.updated_at'])
        .select((eb) => eb.fn.countAll().as('versions'))
        .where('packs.organisation_id', '=', organisationId)
        .groupBy(['packs.pack_id', 'packs.latest_version', 'packs.published_version', 'packs.updated_at'])
        .execute();
      return rows
        .map((row) => ({
          packId: row.pack_id,
          latestVersion: row.latest_version,
          publishedVersion: row.published_version,
          versions: Number(row.versions),
          updatedAt: row.updated_at,
        }))
        .sort((a, b) => compareText(a.packId, b.packId));
    },

    async publishedPackVersions(organisationId) {
      const rows = await db
        .selectFrom('packs')
        .select(['pack_id', 'published_version'])
        .where('organisation_id', '=', organisationId)
        .where('published_version', 'is not', null)
        .execute();
      return rows
        .flatMap((row) => (row.published_version === null ? [] : [{ packId: row.pack_id, version: row.published_version }]))
        .sort((a, b) => compareText(a.packId, b.packId));
    },

    async publishedPacks(organisationId) {
      const rows = await db
        .selectFrom('packs')
        .innerJoin('pack_versions', (join) =>
          join
            .onRef('pack_versions.organisation_id', '=', 'packs.organisation_id')
            .onRef('pack_versions.pack_id', '=', 'packs.pack_id')
            .onRef('pack_versions.version', '=', 'packs.published_version'),
        )
        .select(['packs.pack_id', 'pack_versions.content'])
        .where('packs.organisation_id', '=', organisationId)
        .execute();
      return rows
        .sort((a, b) => compareText(a.pack_id, b.pack_id))
        // Written by `publishPack` from a validated pack.
        .map((row) => JSON.parse(row.content) as ContentPack);
    },

    recordProgress(scope, events) {
      const receivedAt = now();
      if (sqliteProgress !== null) return sqliteProgress.record(scope, events, receivedAt, EVENT_ID_TAKEN);
      const unique = new Map<string, ProgressEvent>();
      for (const event of events) if (!unique.has(event.id)) unique.set(event.id, event);
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('progress_events')
          .values(
            [...unique.values()].map((event) => ({
              organisation_id: scope.organisationId,
              id: event.id,
              user_id: scope.userId,
              device_id: scope.deviceId,
              type: event.type,
              pack_id: event.packId,
              at: event.at,
              received_at: receivedAt,
              payload: JSON.stringify(event),
            })),
          )
          .onConflict((oc) => oc.columns(['organisation_id', 'id']).doNothing())
          .returning('id')
          .execute();
        const accepted = new Set(inserted.map((row) => row.id));
        const existing = [...unique.keys()].filter((id) => !accepted.has(id));
        const owners = existing.length === 0
          ? []
          : await trx
            .selectFrom('progress_events')
            .select(['id', 'user_id'])
            .where('organisation_id', '=', scope.organisationId)
            .where('id', 'in', existing)
            .execute();
        const ownerOf = new Map(owners.map((row) => [row.id, row.user_id]));

        const ack: ProgressAck = { accepted: [], duplicates: [], rejected: [] };
        for (const id of unique.keys()) {
          if (accepted.has(id)) ack.accepted.push(id);
          else if (ownerOf.get(id) === scope.userId) ack.duplicates.push(id);
          else ack.rejected.push({ id, error: EVENT_ID_TAKEN });
        }
        return ack;
      });
    },

    async listProgress(scope, { after, limit }) {
      let query = db
        .selectFrom('progress_events')
        .select(['id', 'received_at', 'payload'])
        .where('organisation_id', '=', scope.organisationId)
        .where('user_id', '=', scope.userId);
      if (after !== null) {
        query = query.where((eb) =>
          eb.or([
            eb('received_at', '>', after.receivedAt),
            eb.and([eb('received_at', '=', after.receivedAt), eb('id', '>', after.id)]),
          ]),
        );
      }
      const rows = await query.orderBy('received_at').orderBy('id').limit(limit + 1).execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        // Written by `recordProgress` from a validated event.
        events: page.map((row) => JSON.parse(row.payload) as ProgressEvent),
        next: rows.length > limit && last !== undefined ? { receivedAt: last.received_at, id: last.id } : null,
      };
    },

    ...supportMethods(db, now),
    ...staffMethods(db, clock),
    ...webhookMethods(db, dialect, now),

    async hitRateLimit(bucket, { max, windowSeconds }) {
      const nowMs = clock().getTime();
      const { windowStart, retryAfterSeconds } = rateLimitWindow(nowMs, windowSeconds);
      const { hits } = await db
        .insertInto('rate_limits')
        .values({ bucket, window_start: windowStart, hits: 1 })
        .onConflict((oc) => oc.columns(['bucket', 'window_start']).doUpdateSet((eb) => ({ hits: eb('rate_limits.hits', '+', 1) })))
        .returning('hits')
        .executeTakeFirstOrThrow();
      if (nowMs - lastRateLimitSweep > RATE_LIMIT_SWEEP_MS) {
        lastRateLimitSweep = nowMs;
        await db.deleteFrom('rate_limits').where('window_start', '<', windowStart - windowSeconds).execute();
      }
      return hits <= max ? { allowed: true } : { allowed: false, retryAfterSeconds };
    },

    async peekRateLimit(bucket, { max, windowSeconds }) {
      const { windowStart, retryAfterSeconds } = rateLimitWindow(clock().getTime(), windowSeconds);
      const row = await db
        .selectFrom('rate_limits')
        .select('hits')
        .where('bucket', '=', bucket)
        .where('window_start', '=', windowStart)
        .executeTakeFirst();
      return row === undefined || row.hits < max ? { allowed: true } : { allowed: false, retryAfterSeconds };
    },
  };
}

/** The fixed window `nowMs` falls in (its start in Unix seconds) and the whole seconds until it ends, at least 1. */
function rateLimitWindow(nowMs: number, windowSeconds: number): { windowStart: number; retryAfterSeconds: number } {
  const windowStart = Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;
  return { windowStart, retryAfterSeconds: Math.max(1, Math.ceil(windowStart + windowSeconds - nowMs / 1000)) };
}

function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  // PostgreSQL's unique_violation; better-sqlite3's extended result codes.
  return error.code === '23505' || error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function toEnrollmentToken(row: Selectable<EnrollmentTokensTable>): EnrollmentToken {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    uses: Number(row.uses),
  };
}

function toUser(row: Selectable<UsersTable>): User {
  const locale = LocaleSchema.safeParse(row.locale);
  return {
    id: row.id,
    organisationId: row.organisation_id,
    email: row.email,
    displayName: row.display_name,
    roles: parseStringList(row.roles),
    teams: parseStringList(row.teams),
    locale: locale.success ? locale.data : null,
  };
}

function toDevice(row: Selectable<DevicesTable> & { user_email: string }): Device {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    userId: row.user_id,
    userEmail: row.user_email,
    label: row.label,
    extensionVersion: row.extension_version,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
  };
}
