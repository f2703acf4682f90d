/**
 * Support requests from the extension. `POST /v1/support` takes a request with its context and
 * an optional screenshot, idempotently by the request's id; `GET /v1/support` lists the caller's
 * own requests with the replies; the user answers back (`POST /v1/support/:id/replies`) or
 * marks a request solved (`POST /v1/support/:id/solved`). A request of another user or
 * organisation is "not found", whatever the id.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import {
  SUPPORT_SCREENSHOT_BASE64_MAX,
  SUPPORT_SCREENSHOT_MAX_BYTES,
  SupportReplyRequestSchema,
  SupportRequestSchema,
  type MySupportRequests,
  type SupportAck,
} from '../../lib/api';
import { requireDevice } from '../http/auth';
import type { AppEnv, RouteDeps } from '../http/env';
import { apiError, truncate } from '../http/errors';
import { NoQuerySchema, readJsonBody, readQuery } from '../http/input';
import type { DeviceSession, NewSupportRequest, SupportActor } from '../store/store';
import { jsonBodyLimit } from './body-limit';

/** A 4 MB screenshot is about 5.6 MB of base64; the rest is room for the context. */
export const SUPPORT_BODY_LIMIT_BYTES = 6 * 1024 * 1024;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const JPEG_MAGIC = [0xff, 0xd8, 0xff] as const;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The contract's request, with the screenshot checked by hand after parsing: a wrong media type
 * is a 415 and an oversize one a 413, not a generic validation error.
 */
const SupportIntakeSchema = SupportRequestSchema.extend({
  screenshot: z.strictObject({ mediaType: z.string().max(200), dataBase64: z.string() }).optional(),
});

const RequestIdSchema = z.uuidv4();

export function supportRoutes(deps: RouteDeps) {
  const supportBodyLimit = bodyLimit({
    maxSize: SUPPORT_BODY_LIMIT_BYTES,
    onError: (c) =>
      apiError(c, 413, 'payload_too_large', `The support request is larger than ${SUPPORT_BODY_LIMIT_BYTES} bytes; send a smaller screenshot (at most ${SUPPORT_SCREENSHOT_MAX_BYTES} bytes)`),
  });

  return new Hono<AppEnv>()
    .post('/support', requireDevice(deps), supportBodyLimit, async (c) => {
      const input = await readJsonBody(c, SupportIntakeSchema, 'The support request');
      if (!input.ok) return input.response;
      const { screenshot: sent, ...request } = input.data;
      let screenshot: NewSupportRequest['screenshot'] = null;
      if (sent !== undefined) {
        const checked = checkScreenshot(c, sent);
        if (checked instanceof Response) return checked;
        screenshot = checked;
      }
      const { organisation, user } = c.get('session');
      const result = await deps.store.createSupportRequest({ organisationId: organisation.id, userId: user.id }, { ...request, screenshot });
      if (!result.ok) {
        return apiError(c, 409, 'conflict', 'This support request id is already used by another user of this organisation; send the request again with a new random id');
      }
      const ack: SupportAck = { id: result.id, status: result.status };
      return c.json(ack, result.created ? 201 : 200);
    })
    .get('/support', requireDevice(deps), async (c) => {
      const query = readQuery(c, NoQuerySchema);
      if (!query.ok) return query.response;
      const { organisation, user } = c.get('session');
      const body: MySupportRequests = { requests: await deps.store.listMySupportRequests({ organisationId: organisation.id, userId: user.id }) };
      return c.json(body);
    })
    .post('/support/:id/replies', requireDevice(deps), jsonBodyLimit(deps), async (c) => {
      const id = c.req.param('id');
      if (!RequestIdSchema.safeParse(id).success) return notFound(c, id);
      const input = await readJsonBody(c, SupportReplyRequestSchema, 'The reply');
      if (!input.ok) return input.response;
      const session = c.get('session');
      const result = await deps.store.addSupportReply(session.organisation.id, id, userActor(session), input.data.body);
      if (!result.ok) {
        return result.reason === 'not_found'
          ? notFound(c, id)
          : apiError(c, 409, 'conflict', 'This support request is closed and takes no more replies; send a new support request instead');
      }
      const ack: SupportAck = { id, status: result.request.status };
      return c.json(ack, 201);
    })
    .post('/support/:id/solved', requireDevice(deps), async (c) => {
      const id = c.req.param('id');
      if (!RequestIdSchema.safeParse(id).success) return notFound(c, id);
      const session = c.get('session');
      const result = await deps.store.setSupportStatus(session.organisation.id, id, 'closed', userActor(session));
      if (!result.ok) {
        // Every open status may move to closed, so only "not found" is left.
        return notFound(c, id);
      }
      const ack: SupportAck = { id, status: result.request.status };
      return c.json(ack);
    });
}

function userActor({ user }: DeviceSession): SupportActor {
  return { userId: user.id, displayName: user.displayName ?? user.email, role: 'user' };
}

function notFound(c: Context, id: string): Response {
  return apiError(c, 404, 'not_found', `You have no support request with id "${truncate(id, 100)}"`);
}

/** Decodes the screenshot and checks its bytes are the image type it claims; else the error response. */
function checkScreenshot(c: Context, screenshot: { mediaType: string; dataBase64: string }): NewSupportRequest['screenshot'] | Response {
  const { mediaType, dataBase64 } = screenshot;
  if (mediaType !== 'image/png' && mediaType !== 'image/jpeg') {
    return apiError(c, 415, 'unsupported_media_type', `The screenshot's mediaType must be "image/png" or "image/jpeg" (got "${truncate(mediaType, 100)}")`);
  }
  if (dataBase64.length > SUPPORT_SCREENSHOT_BASE64_MAX) {
    return apiError(c, 413, 'payload_too_large', `The screenshot is larger than ${SUPPORT_SCREENSHOT_MAX_BYTES} bytes; scale it down or send it as JPEG`);
  }
  if (dataBase64.length === 0 || dataBase64.length % 4 !== 0 || !BASE64.test(dataBase64)) {
    return apiError(c, 422, 'validation_failed', 'The screenshot is not valid base64 (standard alphabet, padded to a multiple of 4 characters); it may have been truncated');
  }
  const bytes = Buffer.from(dataBase64, 'base64');
  const actual = startsWith(bytes, PNG_MAGIC) ? 'image/png' : startsWith(bytes, JPEG_MAGIC) ? 'image/jpeg' : null;
  if (actual === null) {
    return apiError(c, 415, 'unsupported_media_type', `The screenshot's bytes are neither a PNG nor a JPEG image; send a PNG or JPEG screenshot`);
  }
  if (actual !== mediaType) {
    return apiError(c, 415, 'unsupported_media_type', `The screenshot's bytes are a ${actual === 'image/png' ? 'PNG' : 'JPEG'} image but its mediaType says "${mediaType}"; send the matching mediaType`);
  }
  return { mediaType, bytes };
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, index) => bytes[index] === byte);
}
