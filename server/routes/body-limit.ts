/** The request body cap of the JSON endpoints: larger bodies get `413 payload_too_large`. */
import { bodyLimit } from 'hono/body-limit';
import type { RouteDeps } from '../http/env';
import { apiError } from '../http/errors';

export function jsonBodyLimit({ bodyLimitBytes }: RouteDeps) {
  return bodyLimit({
    maxSize: bodyLimitBytes,
    onError: (c) =>
      apiError(c, 413, 'payload_too_large', `The request body is larger than ${bodyLimitBytes} bytes; send fewer events per request`),
  });
}
