/**
 * The isolated content script's side of page errors: checks what the MAIN-world script posted
 * and keeps the last 20. The page could post the same message itself, so nothing here is
 * trusted beyond its shape and length, and sources go through `redactUrl` like the page address.
 * The shape is checked by hand: the content script builds no schemas (see
 * `lib/crm/locate/shape.ts`), and this one has four fields.
 */
import type { SupportContext } from '../api/support';
import { PAGE_ERROR_CHANNEL, PAGE_ERROR_TEXT_MAX } from './page-error-channel';
import { redactUrl } from './redact';
import { Trail, trimText } from './trail';

export type PageError = SupportContext['errors'][number];

/** Longest message or source accepted from the page (they are trimmed further when kept). */
const PAGE_ERROR_FIELD_MAX = 10_000;

interface PageErrorMessage {
  channel: typeof PAGE_ERROR_CHANNEL;
  kind: PageError['kind'];
  message: string;
  source?: string | undefined;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length <= PAGE_ERROR_FIELD_MAX;

/** What the MAIN-world script posts (other keys are ignored, as they are not read). */
function isPageErrorMessage(data: unknown): data is PageErrorMessage {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const { channel, kind, message, source } = data as Record<string, unknown>;
  return (
    channel === PAGE_ERROR_CHANNEL &&
    (kind === 'error' || kind === 'unhandledrejection') &&
    isText(message) &&
    (source === undefined || isText(source))
  );
}

/** The error a `message` event carries, or null when it is anything else or from another window. */
export function parsePageErrorEvent(event: Pick<MessageEvent, 'source' | 'data'>, window: Window, now: Date): PageError | null {
  if (event.source !== window) return null;
  if (!isPageErrorMessage(event.data)) return null;
  const { kind, message, source } = event.data;
  return {
    at: now.toISOString(),
    kind,
    message: trimText(message, PAGE_ERROR_TEXT_MAX),
    ...(source === undefined ? {} : { source: trimText(redactUrl(source), PAGE_ERROR_TEXT_MAX) }),
  };
}

export class PageErrorTrail {
  private readonly trail = new Trail<PageError>();

  /** Listens to `window` for the MAIN-world script's messages until `signal` aborts. */
  listen(window: Window, { signal, now }: { signal: AbortSignal; now: () => Date }): void {
    window.addEventListener(
      'message',
      (event) => {
        const error = parsePageErrorEvent(event, window, now());
        if (error !== null) this.trail.add(error);
      },
      { signal },
    );
  }

  list(): PageError[] {
    return this.trail.list();
  }
}
