/**
 * Reading what a client sent, defensively: the body must be UTF-8 JSON declared as such and
 * match the shared zod schema; query strings take only the parameters an endpoint names.
 * Every failure becomes a 4xx `ApiError`, never an exception.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { apiError, truncate, validationError } from './errors';

export type Input<T> = { ok: true; data: T } | { ok: false; response: Response };

/** For endpoints that take no query parameters. */
export const NoQuerySchema = z.strictObject({});

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readJsonBody<T>(c: Context, schema: z.ZodType<T>, what: string): Promise<Input<T>> {
  const fail = (response: Response) => ({ ok: false, response }) as const;
  const contentType = c.req.header('content-type');
  if (!isJsonContentType(contentType)) {
    const got = contentType === undefined ? 'no Content-Type' : `"${truncate(contentType, 100)}"`;
    return fail(apiError(c, 415, 'unsupported_media_type', `Send ${what} as JSON with "Content-Type: application/json" (got ${got})`));
  }

  let text: string;
  try {
    text = utf8.decode(await c.req.arrayBuffer());
  } catch {
    return fail(apiError(c, 400, 'bad_request', `${what} is not valid UTF-8 text`));
  }
  if (text.trim() === '') return fail(apiError(c, 400, 'bad_request', `${what} is empty; expected a JSON object`));

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? truncate(error.message, 300) : 'it is nested too deeply';
    return fail(apiError(c, 400, 'bad_request', `${what} is not valid JSON: ${detail}`));
  }

  const parsed = safeParse(schema, value);
  if (parsed === null) return fail(apiError(c, 400, 'bad_request', `${what} is nested too deeply to check`));
  return parsed.success ? { ok: true, data: parsed.data } : fail(validationError(c, what, parsed.error));
}

/**
 * The query string as an object of single values, checked by `schema` (a strict object, so an
 * unknown parameter is refused); a parameter given twice is refused too.
 */
export function readQuery<T>(c: Context, schema: z.ZodType<T>): Input<T> {
  // No prototype: `?__proto__=…` must be an unknown key the schema refuses, not a prototype change.
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) {
      return { ok: false, response: apiError(c, 400, 'bad_request', `Query parameter "${truncate(name, 100)}" is given ${values.length} times; give it once`) };
    }
    query[name] = values[0] ?? '';
  }
  const parsed = safeParse(schema, query);
  if (parsed === null || !parsed.success) {
    return { ok: false, response: parsed === null ? apiError(c, 400, 'bad_request', 'The query string cannot be read') : validationError(c, 'The query string', parsed.error) };
  }
  return { ok: true, data: parsed.data };
}

function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((parameter) => !parameter.startsWith('charset=') || /^charset="?utf-8"?$/.test(parameter));
}

/** A value nested deeper than the stack allows makes zod throw a RangeError: that is bad input too. */
function safeParse<T>(schema: z.ZodType<T>, value: unknown): ReturnType<z.ZodType<T>['safeParse']> | null {
  try {
    return schema.safeParse(value);
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}
