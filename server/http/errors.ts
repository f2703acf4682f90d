/**
 * Every error response is an `ApiError` (`lib/api/errors.ts`): a stable code, a sentence an
 * admin can act on, and for validation errors each problem with its path in the request.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ApiError, ApiErrorCode } from '../../lib/api';

type Issue = NonNullable<ApiError['error']['issues']>[number];

const MESSAGE_MAX = 2000;
const ISSUE_PATH_MAX = 500;
const ISSUE_MESSAGE_MAX = 500;
const ISSUES_MAX = 100;

export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: ApiErrorCode,
  message: string,
  issues?: Issue[],
): Response {
  const body: ApiError = { error: { code, message: truncate(message, MESSAGE_MAX), ...(issues !== undefined && { issues }) } };
  return c.json(body, status);
}

/** `400 validation_failed`, naming each field at fault (at most 100). */
export function validationError(c: Context, what: string, error: z.ZodError): Response {
  const issues = toIssues(error);
  const shown = issues.slice(0, ISSUES_MAX);
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const more = issues.length > shown.length ? ` (the first ${shown.length} are listed)` : '';
  const first = shown[0];
  const example = first === undefined ? '' : `; first: ${first.path}: ${first.message}`;
  return apiError(c, 400, 'validation_failed', `${what} has ${count}${more}${example}`, shown);
}

function toIssues(error: z.ZodError): Issue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'Unknown field; remove it' }))
      : [{ path: formatPath(issue.path), message: truncate(issue.message, ISSUE_MESSAGE_MAX) }],
  );
}

/** `events[3].context.crm`; `$` for the body itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text === '' ? '$' : truncate(text, ISSUE_PATH_MAX);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
