/**
 * Making progress events where they happen (the guidance session in the content script). Apart
 * from the wire schemas in `lib/api/progress`, which re-exports both, so that the content script
 * does not build those schemas when it loads: the types come from them, the values do not.
 */
import type { NewProgressEvent, ProgressContext, ProgressEvent } from '../api/progress';
import type { CrmContext } from '../crm/context';

/** Trims a full `CrmContext` to the fields a progress event may carry. */
export function toProgressContext(context: CrmContext): ProgressContext {
  const { crm, environment, pageType, object, surface } = context;
  return { crm, environment, pageType, object, surface };
}

/** Completes an event with a fresh idempotency key and the time it happened. */
export function newProgressEvent(event: NewProgressEvent, now: Date = new Date()): ProgressEvent {
  return { ...event, id: crypto.randomUUID(), at: now.toISOString() };
}
