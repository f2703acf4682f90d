/**
 * Whether a guidance item's `ContextMatch` fits the page the user is on, and the URL glob that
 * `urlPattern` is written in. Pure functions over a `CrmContext`; the content schema uses
 * `compileUrlPattern` to reject patterns that cannot match anything.
 */
import type { CrmContext } from '../crm/context';
import type { ContextMatch } from './pack';

// One step of a compiled pattern. `segment` (`*`) is any run of characters without `/`; `any`
// (`**`) is any run of characters. Written as a whole segment (`/**/`), `any` may also match
// no segment at all, so `/lightning/**/view` matches `/lightning/view`: `optionalSegment`.
type GlobToken =
  | { kind: 'literal'; char: string }
  | { kind: 'segment' }
  | { kind: 'any'; optionalSegment: boolean };

export interface UrlPattern {
  /** Match against the path, or path + query when the pattern itself has a `?`. */
  readonly includesQuery: boolean;
  readonly tokens: readonly GlobToken[];
}

export type CompiledUrlPattern = { ok: true; pattern: UrlPattern } | { ok: false; error: string };

export const URL_PATTERN_MAX_LENGTH = 500;

// Compiles a glob such as `/lightning/r/Opportunity/*/view` or `/main.aspx?**etn=account**`.
// Matching runs as a set-of-states automaton (linear in the URL for a given pattern) rather
// than a RegExp: a RegExp built from author text such as `/**a**a**b` backtracks
// polynomially on a long URL, and this code runs on every navigation of a CRM page.
export function compileUrlPattern(source: string): CompiledUrlPattern {
  if (!source.startsWith('/')) {
    return { ok: false, error: 'Expected a path starting with "/", e.g. "/lightning/r/Account/*/view"' };
  }
  if (source.length > URL_PATTERN_MAX_LENGTH) {
    return { ok: false, error: `Expected at most ${URL_PATTERN_MAX_LENGTH} characters` };
  }
  const unusual = /[^\x21-\x7e]/.exec(source);
  if (unusual) {
    return {
      ok: false,
      error:
        `Unexpected ${JSON.stringify(unusual[0])}: write spaces and non-ASCII characters ` +
        'percent-encoded, as the address bar shows them',
    };
  }
  if (source.includes('#')) {
    return { ok: false, error: 'A URL pattern matches the path and query only; remove the "#" fragment' };
  }
  if (source.includes('***')) {
    return { ok: false, error: '"***" is not a wildcard: use "*" (within one path segment) or "**" (across "/")' };
  }
  const tokens: GlobToken[] = [];
  for (let i = 0; i < source.length; i++) {
    const char = source.charAt(i);
    if (char !== '*') {
      tokens.push({ kind: 'literal', char });
    } else if (source.charAt(i + 1) === '*') {
      const optionalSegment = source.charAt(i - 1) === '/' && source.charAt(i + 2) === '/';
      tokens.push({ kind: 'any', optionalSegment });
      i++;
    } else {
      tokens.push({ kind: 'segment' });
    }
  }
  return { ok: true, pattern: { includesQuery: source.includes('?'), tokens } };
}

/** Whether a compiled pattern matches the whole of a path (`/a/b`) or path + query (`/a?b=c`). */
export function matchesUrlPattern(pattern: UrlPattern, url: URL): boolean {
  const subject = pattern.includesQuery ? url.pathname + url.search : url.pathname;
  const { tokens } = pattern;
  let states = closure(tokens, [0]);
  for (let i = 0; i < subject.length; i++) {
    const char = subject.charAt(i);
    const next: number[] = [];
    for (const state of states) {
      const token = tokens[state];
      if (token === undefined) continue;
      if (token.kind === 'literal') {
        if (token.char === char) next.push(state + 1);
      } else if (token.kind === 'any' || char !== '/') {
        next.push(state);
      }
    }
    if (next.length === 0) return false;
    states = closure(tokens, next);
  }
  return states.includes(tokens.length);
}

/** The states reachable without reading a character: a wildcard may match nothing. */
function closure(tokens: readonly GlobToken[], start: readonly number[]): number[] {
  const reached = new Set<number>();
  const pending = [...start];
  for (let state = pending.pop(); state !== undefined; state = pending.pop()) {
    if (reached.has(state)) continue;
    reached.add(state);
    const token = tokens[state];
    if (token?.kind === 'segment') pending.push(state + 1);
    if (token?.kind === 'any') {
      pending.push(state + 1);
      if (token.optionalSegment) pending.push(state + 2);
    }
  }
  return [...reached];
}

/**
 * True when every criterion the match names fits the context; a criterion that is absent
 * matches any page, and a list matches when any of its entries does. Object names compare
 * exactly on Salesforce (API names are case-sensitive in URLs and metadata) and
 * case-insensitively on Dynamics (logical names are lower case, but authors copy display
 * casing such as `Account`).
 */
export function matchesContext(match: ContextMatch, ctx: CrmContext): boolean {
  if (match.pageTypes && !match.pageTypes.includes(ctx.pageType)) return false;
  if (match.surfaces && !match.surfaces.includes(ctx.surface)) return false;
  if (match.environments && !match.environments.includes(ctx.environment)) return false;
  if (match.objects && !matchesObject(match.objects, ctx)) return false;
  if (match.urlPattern !== undefined && !matchesUrl(match.urlPattern, ctx.url)) return false;
  return true;
}

function matchesObject(objects: readonly string[], ctx: CrmContext): boolean {
  const { object } = ctx;
  if (object === null) return false;
  if (ctx.crm === 'salesforce') return objects.includes(object);
  const wanted = object.toLowerCase();
  return objects.some((candidate) => candidate.toLowerCase() === wanted);
}

function matchesUrl(source: string, href: string): boolean {
  const compiled = compileUrlPattern(source);
  if (!compiled.ok || !URL.canParse(href)) return false;
  return matchesUrlPattern(compiled.pattern, new URL(href));
}
