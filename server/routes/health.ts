/**
 * Probes for orchestrators: `GET /healthz` says the process is up, `GET /readyz` that it can
 * reach its database (503 with `Retry-After` when not). Neither is rate limited or logged with
 * an organisation.
 */
import { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../http/env';
import { apiError } from '../http/errors';

const READY_TIMEOUT_MS = 2000;

export function healthRoutes({ store }: Pick<RouteDeps, 'store'>) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      });
      try {
        await Promise.race([store.ping(), timeout]);
        return c.json({ status: 'ready' });
      } catch {
        c.header('Retry-After', '5');
        return apiError(c, 503, 'unavailable', 'The database is not reachable; check DATABASE_URL or the data directory, and the server log');
      } finally {
        clearTimeout(timer);
      }
    });
}
