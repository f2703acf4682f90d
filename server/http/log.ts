/**
 * Structured logs: one JSON line per request (method, path, status, duration, organisation,
 * request id) and one per unexpected error. Never tokens, bodies or query strings.
 */
import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env';
import { truncate } from './errors';

export type LogFields = Record<string, string | number | boolean | null>;
export type Logger = (fields: LogFields) => void;

/** JSON lines on a stream (stdout in production). */
export function jsonLogger(stream: { write(text: string): unknown }): Logger {
  return (fields) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
  };
}

export const silentLogger: Logger = () => undefined;

export function requestLog(log: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    c.set('requestId', randomUUID());
    await next();
    log({
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      method: c.req.method,
      path: truncate(c.req.path, 200),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      org: c.get('organisationId') ?? null,
      requestId: c.get('requestId'),
    });
  });
}
