/**
 * The two adapters every backend suite runs against: SQLite in a temporary file and
 * PostgreSQL in a fresh schema created for the run and dropped after it. PostgreSQL is not
 * optional: when it is unreachable its suites fail, saying how to start it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, openStore, type StoreLocation } from '../store/open';
import type { Store } from '../store/store';

export const ADAPTERS = ['sqlite', 'postgres'] as const;
export type Adapter = (typeof ADAPTERS)[number];

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  location: StoreLocation;
  /** A store on the database, migrated. */
  openStore(options?: { clock?: () => Date }): Promise<Store>;
  /** Kysely on the same database, for looking at rows directly. */
  openDatabase(): ReturnType<typeof openDatabase>;
  /** Removes the database (SQLite file or PostgreSQL schema). Close stores first. */
  drop(): Promise<void>;
}

/** A new, empty database of the given kind. */
export async function createTestDatabase(adapter: Adapter): Promise<TestDatabase> {
  let location: StoreLocation;
  let drop: () => Promise<void>;
  if (adapter === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ombord-test-'));
    location = { kind: 'sqlite', file: join(dir, 'ombord.db') };
    drop = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
  } else {
    const schema = `ombord_test_${process.pid}_${randomBytes(6).toString('hex')}`;
    await withAdminClient((client) => client.query(`create schema ${schema}`));
    const url = new URL(TEST_DATABASE_URL);
    // Test data need not survive a crash: skipping the commit flush keeps the suites fast.
    url.searchParams.set('options', `-c search_path=${schema} -c synchronous_commit=off`);
    location = { kind: 'postgres', connectionString: url.toString() };
    drop = () => withAdminClient((client) => client.query(`drop schema if exists ${schema} cascade`)).then(() => undefined);
  }
  return {
    location,
    async openStore(options = {}) {
      const store = openStore(location, options);
      await store.migrate();
      return store;
    },
    openDatabase: () => openDatabase(location),
    drop,
  };
}

async function withAdminClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(TEST_DATABASE_URL);
    where.password = '';
    throw new Error(
      `PostgreSQL is not reachable at ${where.toString()} (${error instanceof Error ? error.message : String(error)}). ` +
        'The PostgreSQL suites need it: start it (bash .ci/run does, with pg_ctlcluster) or point TEST_DATABASE_URL at one.',
      { cause: error },
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A clock tests move by hand. */
export function manualClock(start = new Date('2030-01-01T00:00:00.000Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}
