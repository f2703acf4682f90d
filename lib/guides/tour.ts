/**
 * A guided tour as a pure state machine: `startTour`, `resumeTour` and `tourTransition` take the
 * tour, the page the user is on and what happened, and return the next `TourRun` with the
 * progress events to record. The run lives in memory; the recorded events are what let a tour
 * survive reloads and page changes (`resumeTour` rebuilds the run from them).
 */
import type { NewProgressEvent, ProgressEvent } from '../api/progress';
import { newProgressEvent, toProgressContext } from '../progress/new-event';
import type { CrmContext } from '../crm/context';
import { tourProgress, type ProgressState, type TourProgress } from '../progress/state';
import { matchesContext } from './context-match';
import type { ContextMatch, Tour, TourStep } from './pack';

/**
 * - `locating`: the step's anchor is on this page's agenda; the caller looks for it and reports
 *   `anchor_found` or `anchor_missing`.
 * - `showing`: the step is on screen (at its anchor, or centred when it has none).
 * - `waiting_navigation`: the step lives on another page; the tour is paused until the user
 *   gets there (`navigated`). Never ended for that: the user may come back.
 */
export type TourPhase = 'locating' | 'showing' | 'waiting_navigation' | 'completed' | 'ended';

/** The pack a tour comes from, as its progress events name it. */
export interface TourRef {
  packId: string;
  packVersion: number;
}

export interface TourRun extends TourRef {
  tourId: string;
  stepIndex: number;
  phase: TourPhase;
}

export type TourEvent =
  | { type: 'anchor_found' }
  | { type: 'anchor_missing'; strategiesTried: readonly string[]; waitedMs: number }
  | { type: 'next' }
  | { type: 'back' }
  /** A click on, or input into, the current step's anchor (the caller listens on that element only). */
  | { type: 'user_action'; action: 'click' | 'input' }
  | { type: 'navigated'; context: CrmContext }
  | { type: 'close' };

/** What a transition needs besides the run: the tour itself, the page (for event contexts) and the time. */
export interface TourInput {
  tour: Tour;
  context: CrmContext;
  now: Date;
}

/** The next run, and the events to append, in order, already stamped with ids and times. */
export interface TourTransition {
  state: TourRun;
  record: ProgressEvent[];
}

const ANY_PAGE: ContextMatch = {};

// Bounds of the `anchor_missing` event schema: a report the store would reject is a report lost.
const MAX_STRATEGIES_REPORTED = 20;
const MAX_STRATEGY_LENGTH = 200;
const MAX_WAITED_MS = 10 * 60_000;

/**
 * The page a step lives on: the `to` of the nearest navigate step before it, else the tour's
 * own `targeting.where` (any page when absent).
 */
function stepPage(tour: Tour, index: number): ContextMatch {
  for (let i = index - 1; i >= 0; i--) {
    const advanceOn = tour.steps[i]?.advanceOn;
    if (advanceOn?.kind === 'navigate') return advanceOn.to;
  }
  return tour.targeting.where ?? ANY_PAGE;
}

const reachedDestination = (step: TourStep, context: CrmContext): boolean =>
  step.advanceOn.kind === 'navigate' && matchesContext(step.advanceOn.to, context);

/**
 * Whether step `index` can go on here: the page is the one the step lives on, or the step is a
 * navigate step and the user is already where it leads (it completes at once, and the next step
 * lives here).
 */
export function tourStepApplies(tour: Tour, index: number, context: CrmContext): boolean {
  const step = tour.steps[index];
  if (step === undefined) return false;
  return reachedDestination(step, context) || matchesContext(stepPage(tour, index), context);
}

/**
 * Where a running tour picks up: after the last step completed or skipped since it started.
 * Found by step id first, so a republished pack whose steps moved resumes at the right one;
 * clamped to the last step when the pack lost steps.
 */
export function resumeStepIndex(tour: Tour, progress: TourProgress): number {
  if (progress.stepIndex === null) return 0;
  const byId = progress.stepId === null ? -1 : tour.steps.findIndex((step) => step.id === progress.stepId);
  const passed = byId >= 0 ? byId : progress.stepIndex;
  return Math.min(passed + 1, tour.steps.length - 1);
}

/** Back stays on this page: only to a step shown here, never back over a navigate step. */
export function canGoBack(run: TourRun, tour: Tour): boolean {
  const previous = tour.steps[run.stepIndex - 1];
  return run.phase === 'showing' && previous !== undefined && previous.advanceOn.kind !== 'navigate';
}

export function startTour(tour: Tour, ref: TourRef, { context, now }: Omit<TourInput, 'tour'>): TourTransition {
  const record: NewProgressEvent[] = [{ type: 'tour_started', ...eventBase(ref, tour, context) }];
  const initial: TourRun = { ...ref, tourId: tour.id, stepIndex: 0, phase: 'locating' };
  return { state: enterStep(initial, tour, 0, context, record), record: stamp(record, now) };
}

/**
 * Rebuilds the run of a tour the progress says is running, at the step after the last one
 * passed; null when it is not running. The step may complete at once (a navigate step whose
 * page the user already reached, e.g. after a full page load), hence the events.
 */
export function resumeTour(
  tour: Tour,
  ref: TourRef,
  progress: ProgressState,
  { context, now }: Omit<TourInput, 'tour'>,
): TourTransition | null {
  const current = tourProgress(progress, ref.packId, tour.id);
  if (current.status !== 'running') return null;
  const record: NewProgressEvent[] = [];
  const initial: TourRun = { ...ref, tourId: tour.id, stepIndex: 0, phase: 'locating' };
  return { state: enterStep(initial, tour, resumeStepIndex(tour, current), context, record), record: stamp(record, now) };
}

/**
 * One step of the machine. An event that does not apply to the run's phase or step returns the
 * same state object and no events; nothing throws.
 */
export function tourTransition(state: TourRun, event: TourEvent, input: TourInput): TourTransition {
  const unchanged: TourTransition = { state, record: [] };
  const { tour } = input;
  const step = tour.steps[state.stepIndex];
  if (tour.id !== state.tourId || step === undefined || state.phase === 'completed' || state.phase === 'ended') {
    return unchanged;
  }
  const context = event.type === 'navigated' ? event.context : input.context;
  const base = eventBase(state, tour, context);
  const record: NewProgressEvent[] = [];
  let next: TourRun;

  switch (event.type) {
    case 'anchor_found':
      if (state.phase !== 'locating') return unchanged;
      next = { ...state, phase: 'showing' };
      break;
    case 'anchor_missing':
      if (state.phase !== 'locating') return unchanged;
      record.push({
        type: 'anchor_missing',
        ...base,
        stepId: step.id,
        strategiesTried: event.strategiesTried
          .filter((strategy) => strategy.length > 0)
          .slice(0, MAX_STRATEGIES_REPORTED)
          .map((strategy) => strategy.slice(0, MAX_STRATEGY_LENGTH)),
        waitedMs: Number.isFinite(event.waitedMs) ? Math.min(Math.max(Math.round(event.waitedMs), 0), MAX_WAITED_MS) : 0,
      });
      if (step.onAnchorMissing === 'end') {
        record.push({ type: 'tour_ended', ...base, atStepId: step.id, reason: 'anchor_missing' });
        next = { ...state, phase: 'ended' };
      } else {
        record.push({ type: 'step_skipped', ...base, stepId: step.id, stepIndex: state.stepIndex, reason: 'anchor_missing' });
        next = enterStep(state, tour, state.stepIndex + 1, context, record);
      }
      break;
    case 'next':
      if (state.phase !== 'showing') return unchanged;
      next = completeStep(state, tour, step, context, record);
      break;
    case 'user_action':
      if (state.phase !== 'showing' || step.advanceOn.kind !== event.action) return unchanged;
      next = completeStep(state, tour, step, context, record);
      break;
    case 'back':
      if (!canGoBack(state, tour)) return unchanged;
      next = enterStep(state, tour, state.stepIndex - 1, context, record);
      break;
    case 'navigated':
      // Re-entering the current step: it completes if it was waiting for this page, is
      // located again if it lives here, or waits otherwise.
      next = enterStep(state, tour, state.stepIndex, context, record);
      break;
    case 'close':
      record.push({ type: 'tour_ended', ...base, atStepId: step.id, reason: 'closed' });
      next = { ...state, phase: 'ended' };
      break;
  }
  return { state: next, record: stamp(record, input.now) };
}

function completeStep(run: TourRun, tour: Tour, step: TourStep, context: CrmContext, record: NewProgressEvent[]): TourRun {
  record.push({ type: 'step_completed', ...eventBase(run, tour, context), stepId: step.id, stepIndex: run.stepIndex });
  return enterStep(run, tour, run.stepIndex + 1, context, record);
}

/**
 * Moves the run to step `index` on this page: navigate steps whose destination is this page
 * complete on the way (recorded), and past the last step the tour completes.
 */
function enterStep(run: TourRun, tour: Tour, index: number, context: CrmContext, record: NewProgressEvent[]): TourRun {
  let page = stepPage(tour, index);
  for (let i = index; i < tour.steps.length; i++) {
    const step = tour.steps[i];
    if (step === undefined) break;
    if (step.advanceOn.kind === 'navigate' && matchesContext(step.advanceOn.to, context)) {
      record.push({ type: 'step_completed', ...eventBase(run, tour, context), stepId: step.id, stepIndex: i });
      page = step.advanceOn.to;
      continue;
    }
    const phase = !matchesContext(page, context) ? 'waiting_navigation' : step.anchor ? 'locating' : 'showing';
    return { ...run, stepIndex: i, phase };
  }
  record.push({ type: 'tour_completed', ...eventBase(run, tour, context) });
  return { ...run, stepIndex: tour.steps.length - 1, phase: 'completed' };
}

function eventBase(ref: TourRef, tour: Tour, context: CrmContext) {
  return { packId: ref.packId, packVersion: ref.packVersion, itemId: tour.id, context: toProgressContext(context) };
}

/**
 * One event per millisecond from `now`: events of one transition (`step_completed` then
 * `tour_completed`) must not share an instant, or `deriveProgressState` would order them by
 * their random ids and could see the step as the latest.
 */
function stamp(record: readonly NewProgressEvent[], now: Date): ProgressEvent[] {
  return record.map((event, i) => newProgressEvent(event, new Date(now.getTime() + i)));
}
