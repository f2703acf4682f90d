/**
 * The Hono environment every route shares: what the request pipeline learns about a request
 * (its id, the authenticated device) and the Node bindings that give the client's address.
 */
import type { HttpBindings } from '@hono/node-server';
import type { DeviceSession, Store } from '../store/store';

export interface AppEnv {
  /** Absent under `app.request()` in tests; set by @hono/node-server on a real socket. */
  Bindings: Partial<HttpBindings> | undefined;
  Variables: {
    requestId: string;
    /** Set by `requireDevice`; logged with every request. */
    organisationId: string;
    session: DeviceSession;
  };
}

export interface RateLimit {
  max: number;
  windowSeconds: number;
}

export interface RateLimits {
  /** Every `/v1` request, by client address (enrolment included, so tokens cannot be guessed fast). */
  perIp: RateLimit;
  /** Every authenticated request, by device. */
  perDevice: RateLimit;
}

/** What route modules need. */
export interface RouteDeps {
  store: Store;
  rateLimits: RateLimits;
  bodyLimitBytes: number;
}
