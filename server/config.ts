/**
 * The backend's settings, read once from the environment: where it listens, where its data
 * lives and which browser origins may call it.
 */
import { join, resolve } from 'node:path';
import type { StoreLocation } from './store/open';

export interface ServerConfig {
  port: number;
  host: string;
  store: StoreLocation;
  /** Origin patterns allowed by CORS; a trailing `*` matches any rest. */
  allowedOrigins: string[];
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_ALLOWED_ORIGINS = ['chrome-extension://*', 'moz-extension://*'];

export type Env = Readonly<Record<string, string | undefined>>;

/** The store alone, for the admin CLI and `npm start`: `DATABASE_URL`, else `$DATA_DIR/ombord.db`. */
export function storeLocationFromEnv(env: Env): StoreLocation {
  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl) return { kind: 'postgres', connectionString: databaseUrl };
  return { kind: 'sqlite', file: join(resolve(env.DATA_DIR?.trim() || './data'), 'ombord.db') };
}

export function configFromEnv(env: Env): ServerConfig {
  const portText = env.PORT?.trim() || String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new Error(`PORT must be a TCP port number (0–65535), not "${portText}"`);
  }
  const origins = env.ALLOWED_ORIGINS?.split(',').map((origin) => origin.trim()).filter(Boolean);
  return {
    port,
    host: env.HOST?.trim() || DEFAULT_HOST,
    store: storeLocationFromEnv(env),
    allowedOrigins: origins !== undefined && origins.length > 0 ? origins : DEFAULT_ALLOWED_ORIGINS,
  };
}

/** The store location without credentials, for logs and messages. */
export function describeStore(location: StoreLocation): string {
  if (location.kind === 'sqlite') return `SQLite ${location.file}`;
  try {
    const url = new URL(location.connectionString);
    url.password = '';
    return `PostgreSQL ${url.host}${url.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}
