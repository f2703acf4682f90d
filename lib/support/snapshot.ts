/**
 * The context attached to a help request, put together in the content script at the moment the
 * user opens the dialog: where they are (with the address redacted), the guide on screen, what
 * they did and what broke just before, and their browser. What the dialog lists is exactly what
 * is sent. The background checks the request against the wire schema (`SupportRequestSchema`)
 * before queueing it; the content script builds no schemas (see `lib/crm/locate/shape.ts`), and
 * the trails it keeps are trimmed to the schema's limits as they are recorded.
 */
import type { SupportContext } from '../api/support';
import { SUPPORT_TRAIL_MAX } from '../api/support-limits';
import type { CrmContext } from '../crm/context';
import type { Breadcrumb } from './breadcrumbs';
import type { PageError } from './errors';
import { redactUrl } from './redact';

export type SupportEnvironment = SupportContext['environment'];
export type SupportGuide = SupportContext['guide'];

export interface SupportContextInput {
  context: CrmContext;
  guide: SupportGuide;
  breadcrumbs: readonly Breadcrumb[];
  errors: readonly PageError[];
  environment: SupportEnvironment;
}

export function buildSupportContext({ context, guide, breadcrumbs, errors, environment }: SupportContextInput): SupportContext {
  return {
    crm: { ...context, url: redactUrl(context.url).slice(0, 2048) },
    guide,
    breadcrumbs: breadcrumbs.slice(-SUPPORT_TRAIL_MAX),
    errors: errors.slice(-SUPPORT_TRAIL_MAX),
    environment,
  };
}

/** The browser and system as a person would name them, from the user agent string. */
export function describeUserAgent(userAgent: string): { browser: string; os: string } {
  const version = (pattern: RegExp): string => pattern.exec(userAgent)?.[1] ?? '';
  const browser = /Edg\//.test(userAgent)
    ? `Edge ${version(/Edg\/(\d+)/)}`
    : /Firefox\//.test(userAgent)
      ? `Firefox ${version(/Firefox\/(\d+)/)}`
      : /Chrome\//.test(userAgent)
        ? `Chrome ${version(/Chrome\/(\d+)/)}`
        : /Safari\//.test(userAgent)
          ? `Safari ${version(/Version\/(\d+)/)}`
          : 'Unknown browser';
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /CrOS/.test(userAgent)
      ? 'ChromeOS'
      : /Mac OS X|Macintosh/.test(userAgent)
        ? 'macOS'
        : /Android/.test(userAgent)
          ? 'Android'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : 'Unknown system';
  return { browser: browser.trim(), os };
}

/** The environment part, read from the page's window. */
export function readEnvironment(window: Window, extensionVersion: string, now: Date): SupportEnvironment {
  return {
    extensionVersion,
    ...describeUserAgent(window.navigator.userAgent),
    locale: window.navigator.language.slice(0, 35),
    viewport: { width: Math.round(window.innerWidth), height: Math.round(window.innerHeight) },
    at: now.toISOString(),
  };
}
