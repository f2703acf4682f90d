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
 * The address a client's requests are counted by. Without `trustProxy` it is the socket's: behind a
 * reverse proxy that is the proxy, so all clients would share one bucket. With `trustProxy`
 * (`TRUST_PROXY`) it is the last `X-Forwarded-For` hop, the one the proxy itself added (earlier
 * hops are whatever the client sent), so one office cannot lock everyone else out.
 */
export function clientAddress<E extends Pick<AppEnv, 'Bindings'>>(c: Context<E>, trustProxy: boolean): string {
  const forwarded = trustProxy ? c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim() : undefined;
  return forwarded || (c.env?.incoming?.socket?.remoteAddress ?? 'unknown');
}
