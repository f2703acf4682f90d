/**
 * The backend's settings, read once from the environment: where it listens, where its data
 * lives, which browser origins may call it and the address people reach it at.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoreLocation } from './store/open';

export interface ServerConfig {
  port: number;
  host: string;
  store: StoreLocation;
  /** Origin patterns allowed by CORS; a trailing `*` matches any rest. */
  allowedOrigins: string[];
  /** `TRUST_PROXY`: a reverse proxy in front sets `X-Forwarded-For` (rate limits read it) and `X-Forwarded-Proto` (the inbox reads it). */
  trustProxy: boolean;
  /** `INBOX_DIR`: the built staff inbox page served at `/inbox/`. */
  inboxDir: string;
  /** Where people reach this backend (no trailing slash): links in webhook messages point under it. */
  publicUrl: string;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_ALLOWED_ORIGINS = ['chrome-extension://*', 'moz-extension://*'];
/** Where `npm run build:inbox` writes, next to this file, whatever the working directory. */
export const DEFAULT_INBOX_DIR = fileURLToPath(new URL('./inbox/dist', import.meta.url));
/** Long enough for any real address; short enough that links fit in chat messages' limits. */
const PUBLIC_URL_MAX = 500;

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
    trustProxy: flagFromEnv('TRUST_PROXY', env.TRUST_PROXY),
    inboxDir: env.INBOX_DIR?.trim() ? resolve(env.INBOX_DIR.trim()) : DEFAULT_INBOX_DIR,
    publicUrl: publicUrlFromEnv(env.PUBLIC_URL, port),
  };
}

/** `PUBLIC_URL`, an http(s) address without query or fragment; `http://127.0.0.1:<PORT>` by default. */
function publicUrlFromEnv(text: string | undefined, port: number): string {
  const trimmed = text?.trim() || `http://127.0.0.1:${port}`;
  const url = URL.canParse(trimmed) ? new URL(trimmed) : null;
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || trimmed.length > PUBLIC_URL_MAX) {
    throw new Error(`PUBLIC_URL must be the http(s) address people open this backend at, such as https://ombord.example.com, not "${trimmed}"`);
  }
  return url.href.replace(/\/+$/, '');
}

/** `true`/`1` or `false`/`0`/unset; anything else is a mistake worth stopping for. */
function flagFromEnv(name: string, text: string | undefined): boolean {
  const value = text?.trim().toLowerCase() ?? '';
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  throw new Error(`${name} must be true or false, not "${text}"`);
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
