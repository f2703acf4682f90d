/**
 * The content script's view of the user's progress events: what the background had when the
 * page loaded, plus what this page recorded since (sent on to the background), merged by id so
 * a refresh after another tab's change never loses or doubles an event. What the events add up
 * to is kept as they arrive (`state`): the events only grow, and the guidance asks at every
 * navigation and after each event it records.
 */
import type { ProgressEvent } from '../api/progress';
import { ProgressTally, type ProgressState } from './state';

type TipAdopted = Extract<ProgressEvent, { type: 'tip_adopted' }>;

export class ProgressEventLog {
  private readonly byId = new Map<string, ProgressEvent>();
  /** All events as one array, made again only when asked for after a change. */
  private snapshot: readonly ProgressEvent[] | null = [];
  private readonly tally = new ProgressTally();
  private readonly adoptions: TipAdopted[] = [];
  private readonly send: (events: ProgressEvent[]) => void;

  constructor(initial: readonly ProgressEvent[], send: (events: ProgressEvent[]) => void) {
    this.send = send;
    this.merge(initial);
  }

  events = (): readonly ProgressEvent[] => (this.snapshot ??= [...this.byId.values()]);

  /** What the events add up to at `now` (`deriveProgressState` of `events()`). */
  state = (now: Date): ProgressState => this.tally.stateAt(now);

  /** The `tip_adopted` events among `events()`, for the minutes saved. */
  adopted = (): readonly TipAdopted[] => this.adoptions;

  append = (events: readonly ProgressEvent[]): void => {
    const fresh = events.filter((event) => !this.byId.has(event.id));
    if (fresh.length === 0) return;
    this.merge(fresh);
    this.send(fresh);
  };

  /** Adds events recorded elsewhere (other tabs, other devices after a sync); true when any was new. */
  merge(events: readonly ProgressEvent[]): boolean {
    const fresh: ProgressEvent[] = [];
    for (const event of events) {
      if (this.byId.has(event.id)) continue;
      this.byId.set(event.id, event);
      fresh.push(event);
      if (event.type === 'tip_adopted') this.adoptions.push(event);
    }
    if (fresh.length === 0) return false;
    this.snapshot = null;
    this.tally.add(fresh);
    return true;
  }
}
