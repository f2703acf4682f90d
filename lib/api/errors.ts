/**
 * The one shape of every error the backend returns: a stable machine code, a sentence a person
 * can act on, and for validation errors the fields at fault.
 */
import { z } from 'zod';

export const API_ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const ApiErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(API_ERROR_CODES),
    message: z.string().max(2000),
    /** For `validation_failed`: each problem with its JSON path (`events[3].context.crm`). */
    issues: z.array(z.strictObject({ path: z.string().max(500), message: z.string().max(500) })).max(100).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;
