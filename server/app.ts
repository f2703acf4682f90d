/**
 * The backend's HTTP app: request logging, CORS for the extension's origins, per-address rate
 * limiting, the `/v1` routes of the wire contract (`lib/api`), the health probes, and the staff
 * inbox (`/inbox/`, its API at `/inbox/api`, same-origin only: no CORS there). Every failure
 * leaves as an `ApiError`; nothing about the server's internals reaches the client.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiErrorCode } from '../lib/api';
import { DEFAULT_ALLOWED_ORIGINS, DEFAULT_INBOX_DIR } from './config';
import type { AppEnv, RateLimits, RouteDeps } from './http/env';
import { apiError, truncate } from './http/errors';
import { requestLog, silentLogger, type Logger } from './http/log';
import { checkRateLimit, clientAddress } from './http/rate-limit';
import { enrollRoutes } from './routes/enroll';
import { healthRoutes } from './routes/health';
import { DEFAULT_INBOX_RATE_LIMITS, inboxRoutes, type InboxRateLimits } from './routes/inbox';
import { inboxStaticRoutes } from './routes/inbox-static';
import { meRoutes } from './routes/me';
import { openApiRoutes } from './routes/openapi';
import { packsRoutes } from './routes/packs';
import { progressRoutes } from './routes/progress';
import { supportRoutes } from './routes/support';
import { OWASP_PASSWORD_COST, type PasswordCost } from './store/passwords';
import type { Store } from './store/store';

export const DEFAULT_RATE_LIMITS: RateLimits = {
  // A whole office behind one NAT address shares this one.
  perIp: { max: 1200, windowSeconds: 60 },
  perDevice: { max: 120, windowSeconds: 60 },
};
/** 500 progress events are well under this; anything larger is refused before it is parsed. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppOptions {
  store: Store;
  /** Origin patterns CORS allows; a trailing `*` matches any rest. */
  allowedOrigins?: readonly string[];
  log?: Logger;
  rateLimits?: RateLimits;
  bodyLimitBytes?: number;
  /**
   * `TRUST_PROXY`: believe a reverse proxy's `X-Forwarded-For` (the client address every rate
   * limit counts by) and `X-Forwarded-Proto` (the scheme the inbox's cookie and origin checks see).
   */
  trustProxy?: boolean;
  inbox?: {
    /** The built inbox page (`DEFAULT_INBOX_DIR`). */
    dir?: string;
    rateLimits?: InboxRateLimits;
    /** The Argon2 cost staff passwords are hashed with (`OWASP_PASSWORD_COST`; tests use less). */
    passwordCost?: PasswordCost;
  };
}

export function createApp(options: AppOptions): Hono<AppEnv> {
  const log = options.log ?? silentLogger;
  const deps: RouteDeps = {
    store: options.store,
    rateLimits: options.rateLimits ?? DEFAULT_RATE_LIMITS,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
  };
  const trustProxy = options.trustProxy ?? false;
  const isAllowedOrigin = originMatcher(options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS);

  const app = new Hono<AppEnv>();
  app.use(requestLog(log));
  const extensionCors = cors({
    origin: (origin) => (isAllowedOrigin(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
    exposeHeaders: ['ETag', 'Retry-After'],
    maxAge: 600,
  });
  // The inbox is used from its own origin only; no other origin, extensions included, may read it.
  app.use((c, next) => (c.req.path === '/inbox' || c.req.path.startsWith('/inbox/') ? next() : extensionCors(c, next)));
  app.route('/', healthRoutes(deps));

  app.use('/v1/*', async (c, next) => {
    const limited = await checkRateLimit(c, deps.store, `ip:${clientAddress(c, trustProxy)}`, deps.rateLimits.perIp, 'address');
    if (limited !== null) return limited;
    await next();
  });
  app.route('/v1', enrollRoutes(deps));
  app.route('/v1', meRoutes(deps));
  app.route('/v1', packsRoutes(deps));
  app.route('/v1', progressRoutes(deps));
  app.route('/v1', supportRoutes(deps));
  app.route('/v1', openApiRoutes());

  app.route(
    '/inbox/api',
    inboxRoutes({
      store: options.store,
      trustProxy,
      rateLimits: options.inbox?.rateLimits ?? DEFAULT_INBOX_RATE_LIMITS,
      passwordCost: options.inbox?.passwordCost ?? OWASP_PASSWORD_COST,
    }),
  );
  app.route('/', inboxStaticRoutes({ dir: options.inbox?.dir ?? DEFAULT_INBOX_DIR }));

  app.notFound((c) =>
    apiError(c, 404, 'not_found', `No endpoint ${c.req.method} ${truncate(c.req.path, 200)}; the API is described at GET /v1/openapi.json`),
  );
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      return apiError(c, error.status as ContentfulStatusCode, codeForStatus(error.status), error.message || 'The request was refused');
    }
    const requestId = c.get('requestId');
    log({ level: 'error', msg: 'unhandled error', requestId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), stack: error instanceof Error ? (error.stack ?? null) : null });
    return apiError(c, 500, 'internal', `The server failed to handle this request; the administrator can find request ${requestId} in the server log`);
  });
  return app;
}

function codeForStatus(status: number): ApiErrorCode {
  const codes: Partial<Record<number, ApiErrorCode>> = {
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'rate_limited',
  };
  return codes[status] ?? 'bad_request';
}

/** `chrome-extension://*` matches every Chrome extension; other patterns match exactly. */
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  return (origin) =>
    patterns.some((pattern) => (pattern.endsWith('*') ? origin.startsWith(pattern.slice(0, -1)) && origin.length > pattern.length - 1 : origin === pattern));
}
