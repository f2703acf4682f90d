/**
 * Rate limiting with `429 Too Many Requests` and `Retry-After`. Counters live in the store (a
 * fixed window per bucket), so every backend instance behind a load balancer shares them; the
 * price is one small upsert per request.
 */
import type { Context } from 'hono';
import type { Store } from '../store/store';
import type { AppEnv, RateLimit } from './env';
import { apiError } from './errors';

/** Null when the request may go on, else the 429 response. */
export async function checkRateLimit(c: Context, store: Store, bucket: string, limit: RateLimit, who: string): Promise<Response | null> {
  const result = await store.hitRateLimit(bucket, limit);
  if (result.allowed) return null;
  c.header('Retry-After', String(result.retryAfterSeconds));
  return apiError(
    c,
    429,
    'rate_limited',
    `Too many requests from this ${who} (at most ${limit.max} per ${limit.windowSeconds} s); retry after ${result.retryAfterSeconds} s`,
  );
}

/**
 * The client's address as the socket reports it. Behind a reverse proxy that is the proxy, so
 * all clients share one bucket: raise the per-IP limit or rate-limit at the proxy.
 */
export function clientAddress(c: Context<AppEnv>): string {
  return c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
