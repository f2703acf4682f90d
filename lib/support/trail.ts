/**
 * A bounded trail: the newest entries of something the page did (breadcrumbs, errors), at most
 * as many as a support request carries. Lives in the content script, one per tab.
 */
import { SUPPORT_TRAIL_MAX } from '../api/support-limits';

export class Trail<T> {
  private readonly items: T[] = [];

  constructor(private readonly limit = SUPPORT_TRAIL_MAX) {}

  /** Adds these, oldest first; the oldest of all go past the limit. */
  add(...items: T[]): void {
    this.items.push(...items);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
  }

  /** Oldest first. */
  list(): T[] {
    return [...this.items];
  }
}

/** Collapses whitespace and cuts to `max` characters (with an ellipsis). */
export function trimText(text: string, max: number): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length <= max ? collapsed : `${collapsed.slice(0, max - 1)}…`;
}
