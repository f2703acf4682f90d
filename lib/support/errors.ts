/**
 * The isolated content script's side of page errors: checks what the MAIN-world script posted
 * and keeps the last 20. The page could post the same message itself, so nothing here is
 * trusted beyond its shape and length, and sources go through `redactUrl` like the page address.
 */
import { z } from 'zod';
import type { SupportContext } from '../api/support';
import { PAGE_ERROR_CHANNEL, PAGE_ERROR_TEXT_MAX } from './page-error-channel';
import { redactUrl } from './redact';
import { Trail, trimText } from './trail';

export type PageError = SupportContext['errors'][number];

const PageErrorMessageSchema = z.object({
  channel: z.literal(PAGE_ERROR_CHANNEL),
  kind: z.enum(['error', 'unhandledrejection']),
  message: z.string().max(10_000),
  source: z.string().max(10_000).optional(),
});

/** The error a `message` event carries, or null when it is anything else or from another window. */
export function parsePageErrorEvent(event: Pick<MessageEvent, 'source' | 'data'>, window: Window, now: Date): PageError | null {
  if (event.source !== window) return null;
  const parsed = PageErrorMessageSchema.safeParse(event.data);
  if (!parsed.success) return null;
  const { kind, message, source } = parsed.data;
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
