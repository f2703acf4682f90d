/**
 * The message the MAIN-world script (`entrypoints/page-errors.content.ts`) posts for each error
 * the CRM page throws. Dependency-free: it is bundled into the page's own world.
 */

/** Unique enough that no CRM code posts it by accident; the page can still forge it (see `errors.ts`). */
export const PAGE_ERROR_CHANNEL = 'ombord:page-error:v1';
export const PAGE_ERROR_TEXT_MAX = 500;

export interface PageErrorMessage {
  channel: typeof PAGE_ERROR_CHANNEL;
  kind: 'error' | 'unhandledrejection';
  message: string;
  source?: string;
}

export function pageErrorMessage(kind: PageErrorMessage['kind'], message: unknown, source?: unknown): PageErrorMessage {
  const text = (value: unknown): string => {
    try {
      return String(value).slice(0, PAGE_ERROR_TEXT_MAX);
    } catch {
      // `Object.create(null)` and friends have no string form.
      return Object.prototype.toString.call(value);
    }
  };
  const described = message instanceof Error ? `${message.name}: ${message.message}` : message;
  return {
    channel: PAGE_ERROR_CHANNEL,
    kind,
    message: text(described),
    ...(typeof source === 'string' && source !== '' ? { source: text(source) } : {}),
  };
}
