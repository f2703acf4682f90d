/**
 * What the user's progress events add up to, per item, tour and checklist: the guidance engine
 * asks this on every navigation whether to show, resume or hide something.
 *
 * Ordering rule: event A is later than event B when `A.at > B.at`, or, at the same `at`, when
 * `A.id > B.id` (string comparison; `at` has one fixed format, so strings order like instants).
 * Where "latest wins" below, it is by this rule, so the result never depends on array order.
 * Events repeated with the same id count once. One pass over the events, no sorting: O(n); a
 * `ProgressTally` makes that pass once per event, however often the state is asked for.
 */
import type { ProgressEvent } from '../api/progress';

export interface ItemProgress {
  seenCount: number;
  /** `at` of the latest `seen`, or null. */
  lastSeenAt: string | null;
  /** "Don't show again": final, nothing undoes it. */
  dismissed: boolean;
  /** `until` of the latest `snoozed`, while that is still in the future; else null. */
  snoozedUntil: string | null;
  adoptedCount: number;
}

export type TourStatus = 'not_started' | 'running' | 'completed' | 'ended';

export interface TourProgress {
  /** From the latest tour event: started or a step → running; `tour_completed`; `tour_ended`. */
  status: TourStatus;
  /**
   * The last step completed or skipped since the latest `tour_started` (null: none yet). A
   * running tour resumes at the step after it; an ended one stopped at that next step.
   */
  stepIndex: number | null;
  stepId: string | null;
}

export interface ProgressState {
  /** Keyed by `progressKey(packId, itemId)`; read with `itemProgress`. */
  items: ReadonlyMap<string, ItemProgress>;
  /** Keyed by `progressKey(packId, tourItemId)`; read with `tourProgress`. */
  tours: ReadonlyMap<string, TourProgress>;
  /** Done task ids, keyed by `progressKey(packId, checklistItemId)`; read with `checklistDone`. */
  checklists: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Map key for an item of a pack; unambiguous whatever characters the ids contain. */
export const progressKey = (packId: string, itemId: string): string => JSON.stringify([packId, itemId]);

const NO_ITEM_PROGRESS: ItemProgress = Object.freeze({
  seenCount: 0,
  lastSeenAt: null,
  dismissed: false,
  snoozedUntil: null,
  adoptedCount: 0,
});
const NOT_STARTED: TourProgress = Object.freeze({ status: 'not_started', stepIndex: null, stepId: null });
const NOTHING_DONE: ReadonlySet<string> = new Set();

export const itemProgress = (state: ProgressState, packId: string, itemId: string): ItemProgress =>
  state.items.get(progressKey(packId, itemId)) ?? NO_ITEM_PROGRESS;

export const tourProgress = (state: ProgressState, packId: string, itemId: string): TourProgress =>
  state.tours.get(progressKey(packId, itemId)) ?? NOT_STARTED;

export const checklistDone = (state: ProgressState, packId: string, itemId: string): ReadonlySet<string> =>
  state.checklists.get(progressKey(packId, itemId)) ?? NOTHING_DONE;

/** True when `a` comes after `b` by the ordering rule above. */
const isLater = (a: ProgressEvent, b: ProgressEvent): boolean => a.at > b.at || (a.at === b.at && a.id > b.id);

type TourEvent = Extract<
  ProgressEvent,
  { type: 'tour_started' | 'step_completed' | 'step_skipped' | 'tour_completed' | 'tour_ended' }
>;
type StepEvent = Extract<TourEvent, { type: 'step_completed' | 'step_skipped' }>;

interface TourTrace {
  latest: TourEvent;
  latestStart: TourEvent | null;
  latestStep: StepEvent | null;
}

interface ItemTrace extends ItemProgress {
  latestSnooze: Extract<ProgressEvent, { type: 'snoozed' }> | null;
}

export function deriveProgressState(events: readonly ProgressEvent[], now: Date): ProgressState {
  const tally = new ProgressTally();
  tally.add(events);
  return tally.stateAt(now);
}

/**
 * `deriveProgressState` kept up to date: events are added as they come, each once, and the state
 * at a moment costs a pass over the items, tours and checklists, not over the events. A user's
 * events only grow (every page view records the tips seen), and the guidance engine asks for the
 * state at every navigation and after every event it records.
 */
export class ProgressTally {
  private readonly items = new Map<string, ItemTrace>();
  private readonly tours = new Map<string, TourTrace>();
  private readonly checklists = new Map<string, Set<string>>();
  private readonly counted = new Set<string>();

  /** Adds the events not added before; returns those. */
  add(events: Iterable<ProgressEvent>): ProgressEvent[] {
    const fresh: ProgressEvent[] = [];
    for (const event of events) {
      if (this.counted.has(event.id)) continue;
      this.counted.add(event.id);
      fresh.push(event);
      const key = progressKey(event.packId, event.itemId);
      switch (event.type) {
        case 'seen': {
          const trace = this.itemTrace(key);
          trace.seenCount++;
          if (trace.lastSeenAt === null || event.at > trace.lastSeenAt) trace.lastSeenAt = event.at;
          break;
        }
        case 'dismissed':
          this.itemTrace(key).dismissed = true;
          break;
        case 'snoozed': {
          const trace = this.itemTrace(key);
          if (!trace.latestSnooze || isLater(event, trace.latestSnooze)) trace.latestSnooze = event;
          break;
        }
        case 'tip_adopted':
          this.itemTrace(key).adoptedCount++;
          break;
        case 'tour_started':
        case 'step_completed':
        case 'step_skipped':
        case 'tour_completed':
        case 'tour_ended':
          this.traceTour(key, event);
          break;
        case 'checklist_item_done': {
          const done = this.checklists.get(key) ?? new Set<string>();
          this.checklists.set(key, done.add(event.taskId));
          break;
        }
        case 'anchor_missing':
          break;
      }
    }
    return fresh;
  }

  /** The state at `now` (a snooze ends with time): a value of its own, which later events leave as it is. */
  stateAt(now: Date): ProgressState {
    const nowIso = now.toISOString();
    const items = new Map<string, ItemProgress>();
    for (const [key, { latestSnooze, ...progress }] of this.items) {
      const until = latestSnooze?.until;
      items.set(key, { ...progress, snoozedUntil: until !== undefined && until > nowIso ? until : null });
    }

    const tours = new Map<string, TourProgress>();
    for (const [key, { latest, latestStart, latestStep }] of this.tours) {
      const step = latestStep && (!latestStart || isLater(latestStep, latestStart)) ? latestStep : null;
      tours.set(key, {
        status: latest.type === 'tour_completed' ? 'completed' : latest.type === 'tour_ended' ? 'ended' : 'running',
        stepIndex: step?.stepIndex ?? null,
        stepId: step?.stepId ?? null,
      });
    }

    const checklists = new Map<string, ReadonlySet<string>>();
    for (const [key, done] of this.checklists) checklists.set(key, new Set(done));
    return { items, tours, checklists };
  }

  private itemTrace(key: string): ItemTrace {
    let trace = this.items.get(key);
    if (!trace) {
      trace = { ...NO_ITEM_PROGRESS, latestSnooze: null };
      this.items.set(key, trace);
    }
    return trace;
  }

  private traceTour(key: string, event: TourEvent): void {
    const trace = this.tours.get(key) ?? { latest: event, latestStart: null, latestStep: null };
    this.tours.set(key, trace);
    if (isLater(event, trace.latest)) trace.latest = event;
    if (event.type === 'tour_started' && (!trace.latestStart || isLater(event, trace.latestStart))) {
      trace.latestStart = event;
    }
    if ((event.type === 'step_completed' || event.type === 'step_skipped') && (!trace.latestStep || isLater(event, trace.latestStep))) {
      trace.latestStep = event;
    }
  }
}
