/**
 * `POST /v1/enroll`: a browser redeems the enrollment token its CRM team handed out and gets a
 * device token, shown this once.
 */
import { Hono } from 'hono';
import { EnrollRequestSchema, type EnrollResponse } from '../../lib/api';
import type { AppEnv, RouteDeps } from '../http/env';
import { apiError } from '../http/errors';
import { readJsonBody } from '../http/input';
import { jsonBodyLimit } from './body-limit';

export function enrollRoutes(deps: RouteDeps) {
  return new Hono<AppEnv>().post('/enroll', jsonBodyLimit(deps), async (c) => {
    const input = await readJsonBody(c, EnrollRequestSchema, 'The enrollment request');
    if (!input.ok) return input.response;

    const result = await deps.store.enroll(input.data);
    if (!result.ok) {
      const ask = 'Ask your CRM team for a new enrollment token.';
      const message = {
        unknown_token: `This enrollment token is not recognised; check it was copied whole. ${ask}`,
        revoked: `This enrollment token was revoked. ${ask}`,
        expired: `This enrollment token expired${'expiredAt' in result ? ` on ${result.expiredAt}` : ''}. ${ask}`,
      }[result.reason];
      return apiError(c, 401, 'unauthenticated', message);
    }
    c.set('organisationId', result.organisation.id);
    const body: EnrollResponse = {
      deviceId: result.deviceId,
      deviceToken: result.deviceToken,
      organisation: result.organisation,
      user: { id: result.user.id, email: result.user.email, roles: result.user.roles, teams: result.user.teams, locale: result.user.locale },
    };
    return c.json(body, 201);
  });
}
