/**
 * Opens the store on the configured database: PostgreSQL (a connection pool) when a URL is
 * given, otherwise an SQLite file in WAL mode, created with its folder on first use.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { createKyselyStore } from './kysely-store';
import type { Database } from './schema';
import type { Store } from './store';

export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; connectionString: string };

export interface OpenStoreOptions {
  /** For tests: the time the store stamps and compares against. */
  clock?: () => Date;
  /** Where idle-connection errors of the PostgreSQL pool go (they must not crash the process). */
  onPoolError?: (error: Error) => void;
}

/** How long a query waits for SQLite's write lock (another process, such as the admin CLI). */
const SQLITE_BUSY_TIMEOUT_MS = 5000;
const POSTGRES_POOL_SIZE = 10;

export function openStore(location: StoreLocation, options: OpenStoreOptions = {}): Store {
  if (location.kind === 'postgres') return createKyselyStore(openDatabase(location, options), 'postgres', options.clock);
  // SQLite: the store also gets the connection itself, for the progress-ingest fast path.
  const database = openSqlite(location.file);
  return createKyselyStore(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), 'sqlite', options.clock, { sqlite: database });
}

/** The Kysely instance under the store; tests use it to inspect rows and step through migrations. */
export function openDatabase(location: StoreLocation, options: Pick<OpenStoreOptions, 'onPoolError'> = {}): Kysely<Database> {
  if (location.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: location.connectionString, max: POSTGRES_POOL_SIZE });
    pool.on('error', options.onPoolError ?? (() => undefined));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(location.file) }) });
}

function openSqlite(file: string): SQLite.Database {
  mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  return database;
}
