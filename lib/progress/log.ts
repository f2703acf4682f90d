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
  /** Also what knows which events are here (each id once). */
  private readonly tally = new ProgressTally();
  private readonly adoptions: TipAdopted[] = [];
  private readonly send: (events: ProgressEvent[]) => void;

  constructor(initial: readonly ProgressEvent[], send: (events: ProgressEvent[]) => void) {
    this.send = send;
    this.merge(initial);
  }

  /** What the events add up to at `now` (`deriveProgressState` of them all). */
  state = (now: Date): ProgressState => this.tally.stateAt(now);

  /** The `tip_adopted` events among them, for the minutes saved. */
  adopted = (): readonly TipAdopted[] => this.adoptions;

  append = (events: readonly ProgressEvent[]): void => {
    const fresh = this.add(events);
    if (fresh.length > 0) this.send(fresh);
  };

  /** Adds events recorded elsewhere (other tabs, other devices after a sync); true when any was new. */
  merge(events: readonly ProgressEvent[]): boolean {
    return this.add(events).length > 0;
  }

  private add(events: readonly ProgressEvent[]): ProgressEvent[] {
    const fresh = this.tally.add(events);
    for (const event of fresh) if (event.type === 'tip_adopted') this.adoptions.push(event);
    return fresh;
  }
}
