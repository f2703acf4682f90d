/**
 * Migrations on both dialects: a fresh database gets every migration, a second run applies
 * none, and a database left at an older migration is brought up without losing its rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADAPTERS, createTestDatabase, type TestDatabase } from '../test/stores';
import { sql, type Kysely } from 'kysely';
import { migrations, migratorFor } from './migrations';
import { openStore } from './open';

const ALL = Object.keys(migrations);

describe.each(ADAPTERS)('migrations on %s', (adapter) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('migrates a fresh database to the latest, then finds nothing to do', async () => {
    database = await createTestDatabase(adapter);
    const store = await database.openStore();
    try {
      expect(await store.migrate()).toEqual([]);
      await store.createOrganisation('Fresh');
      expect((await store.listOrganisations()).map((org) => org.name)).toEqual(['Fresh']);
    } finally {
      await store.close();
    }
    const again = await database.openStore();
    try {
      expect(await again.migrate()).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('brings an existing database at the first migration up to the latest, keeping its data', async () => {
    database = await createTestDatabase(adapter);
    const db = database.openDatabase();
    try {
      const first = await (await migratorFor(db as unknown as Kysely<unknown>, adapter)).migrateTo(ALL[0] ?? '');
      expect(first.error).toBeUndefined();
      await db.insertInto('organisations').values({ id: '00000000-0000-4000-8000-000000000001', name: 'Existing', created_at: '2030-01-01T00:00:00.000Z' }).execute();
    } finally {
      await db.destroy();
    }

    const store = openStore(database.location);
    try {
      expect(await store.migrate()).toEqual(ALL.slice(1));
      expect((await store.listOrganisations()).map((org) => org.name)).toEqual(['Existing']);
      expect(await store.hitRateLimit('migrated', { max: 1, windowSeconds: 60 })).toEqual({ allowed: true });
    } finally {
      await store.close();
    }
  });

  it('gives existing staff accounts the name their user row had', async () => {
    database = await createTestDatabase(adapter);
    const db = database.openDatabase();
    try {
      const before = await (await migratorFor(db as unknown as Kysely<unknown>, adapter)).migrateTo('0005_webhooks');
      expect(before.error).toBeUndefined();
      const at = '2030-01-01T00:00:00.000Z';
      const org = '00000000-0000-4000-8000-000000000001';
      const user = '00000000-0000-4000-8000-000000000002';
      await db.insertInto('organisations').values({ id: org, name: 'Existing', created_at: at }).execute();
      await db
        .insertInto('users')
        .values({ id: user, organisation_id: org, email: 'ada@example.com', display_name: 'Ada Admin', roles: '[]', teams: '[]', locale: null, created_at: at, updated_at: at })
        .execute();
      await sql`insert into staff_accounts (user_id, organisation_id, email, role, password_hash, created_at, password_changed_at) values (${user}, ${org}, 'ada@example.com', 'admin', 'hash', ${at}, ${at})`.execute(db);
    } finally {
      await db.destroy();
    }

    const store = openStore(database.location);
    try {
      expect(await store.migrate()).toEqual(ALL.slice(ALL.indexOf('0005_webhooks') + 1));
      expect((await store.findStaffLogin('ada@example.com'))?.account.displayName).toBe('Ada Admin');
    } finally {
      await store.close();
    }
  });
});
