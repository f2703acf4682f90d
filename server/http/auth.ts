/**
 * Device authentication: `Authorization: Bearer <deviceToken>` → device → user → organisation.
 * Revoked and unknown tokens are refused with a message saying what to do; every authenticated
 * request then counts against the device's rate limit.
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv, RouteDeps } from './env';
import { apiError } from './errors';
import { checkRateLimit } from './rate-limit';

const BEARER = /^Bearer +([A-Za-z0-9_-]{16,200})$/i;

export function requireDevice({ store, rateLimits }: RouteDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const unauthenticated = (message: string) => {
      c.header('WWW-Authenticate', 'Bearer realm="ombord"');
      return apiError(c, 401, 'unauthenticated', message);
    };
    if (header === undefined) {
      return unauthenticated('Missing "Authorization: Bearer <deviceToken>". Enrol this browser first (POST /v1/enroll) and send the device token it returns.');
    }
    const token = BEARER.exec(header.trim())?.[1];
    if (token === undefined) {
      return unauthenticated('The Authorization header must be "Bearer <deviceToken>", with the device token POST /v1/enroll returned.');
    }
    const result = await store.authenticateDevice(token);
    if (!result.ok) {
      return unauthenticated(
        result.reason === 'revoked'
          ? 'This device was revoked by an administrator. Enrol this browser again with a new enrollment token from your CRM team.'
          : 'This device token is not recognised (the server may have been reset, or the token belongs to another Ombord server). Enrol this browser again.',
      );
    }
    c.set('session', result.session);
    c.set('organisationId', result.session.organisation.id);
    const limited = await checkRateLimit(c, store, `device:${result.session.deviceId}`, rateLimits.perDevice, 'device');
    if (limited !== null) return limited;
    await next();
  });
}
