/**
 * The content script's view of the user's progress events: what the background had when the
 * page loaded, plus what this page recorded since (sent on to the background), merged by id so
 * a refresh after another tab's change never loses or doubles an event.
 */
import type { ProgressEvent } from '../api/progress';

export class ProgressEventLog {
  private readonly byId = new Map<string, ProgressEvent>();
  private snapshot: readonly ProgressEvent[] = [];
  private readonly send: (events: ProgressEvent[]) => void;

  constructor(initial: readonly ProgressEvent[], send: (events: ProgressEvent[]) => void) {
    this.send = send;
    this.merge(initial);
  }

  events = (): readonly ProgressEvent[] => this.snapshot;

  append = (events: readonly ProgressEvent[]): void => {
    const fresh = events.filter((event) => !this.byId.has(event.id));
    if (fresh.length === 0) return;
    this.merge(fresh);
    this.send(fresh);
  };

  /** Adds events recorded elsewhere (other tabs, other devices after a sync); true when any was new. */
  merge(events: readonly ProgressEvent[]): boolean {
    let changed = false;
    for (const event of events) {
      if (this.byId.has(event.id)) continue;
      this.byId.set(event.id, event);
      changed = true;
    }
    if (changed) this.snapshot = [...this.byId.values()];
    return changed;
  }
}
