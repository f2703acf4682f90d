/** `GET /v1/me`: the enrolled user as the backend knows them now (admins change roles and teams). */
import { Hono } from 'hono';
import type { MeResponse } from '../../lib/api';
import { requireDevice } from '../http/auth';
import type { AppEnv, RouteDeps } from '../http/env';
import { NoQuerySchema, readQuery } from '../http/input';

export function meRoutes(deps: RouteDeps) {
  return new Hono<AppEnv>().get('/me', requireDevice(deps), (c) => {
    const query = readQuery(c, NoQuerySchema);
    if (!query.ok) return query.response;
    const { deviceId, organisation, user } = c.get('session');
    const body: MeResponse = {
      deviceId,
      organisation,
      user: { id: user.id, email: user.email, roles: user.roles, teams: user.teams, locale: user.locale },
    };
    return c.json(body);
  });
}
