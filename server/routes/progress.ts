/**
 * Progress sync. `POST /v1/progress` stores a batch idempotently and answers per event
 * (accepted, duplicate, rejected); `GET /v1/progress?after=` pages through the caller's own
 * events in the order the server received them, so a new device can rebuild its state.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ProgressBatchSchema, type ProgressPage } from '../../lib/api';
import { requireDevice } from '../http/auth';
import type { AppEnv, RouteDeps } from '../http/env';
import { readJsonBody, readQuery } from '../http/input';
import type { ProgressCursor } from '../store/store';
import { jsonBodyLimit } from './body-limit';

export const PROGRESS_PAGE_DEFAULT = 500;
/** `ProgressPageSchema` allows 1000 events per page. */
export const PROGRESS_PAGE_MAX = 1000;

const CursorSchema = z.tuple([z.iso.datetime({ precision: 3 }), z.string().min(1).max(128)]);

export const ProgressQuerySchema = z.strictObject({
  after: z
    .string()
    .max(200)
    .transform((text, ctx) => {
      const cursor = decodeCursor(text);
      if (cursor === null) {
        ctx.addIssue({ code: 'custom', message: 'Not a cursor this server issued; pass the "next" value of the previous page, or leave "after" out to start again' });
        return z.NEVER;
      }
      return cursor;
    })
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'Expected a whole number of events per page')
    .transform(Number)
    .pipe(z.int().min(1).max(PROGRESS_PAGE_MAX))
    .optional(),
});

export function progressRoutes(deps: RouteDeps) {
  return new Hono<AppEnv>()
    .post('/progress', requireDevice(deps), jsonBodyLimit(deps), async (c) => {
      const input = await readJsonBody(c, ProgressBatchSchema, 'The progress batch');
      if (!input.ok) return input.response;
      const { deviceId, organisation, user } = c.get('session');
      const ack = await deps.store.recordProgress({ organisationId: organisation.id, userId: user.id, deviceId }, input.data.events);
      return c.json(ack);
    })
    .get('/progress', requireDevice(deps), async (c) => {
      const query = readQuery(c, ProgressQuerySchema);
      if (!query.ok) return query.response;
      const { organisation, user } = c.get('session');
      const page = await deps.store.listProgress(
        { organisationId: organisation.id, userId: user.id },
        { after: query.data.after ?? null, limit: query.data.limit ?? PROGRESS_PAGE_DEFAULT },
      );
      const body: ProgressPage = { events: page.events, next: page.next === null ? null : encodeCursor(page.next) };
      return c.json(body);
    });
}

/** Opaque to clients: base64url of `[receivedAt, id]`. */
export function encodeCursor(cursor: ProgressCursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAt, cursor.id])).toString('base64url');
}

function decodeCursor(text: string): ProgressCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { receivedAt: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}
