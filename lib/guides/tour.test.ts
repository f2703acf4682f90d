import { describe, expect, it } from 'vitest';
import { ProgressEventSchema, type ProgressEvent } from '../api/progress';
import type { CrmContext } from '../crm/context';
import { deriveProgressState } from '../progress/state';
import { ContentPackSchema, type Tour } from './pack';
import {
  canGoBack,
  resumeStepIndex,
  resumeTour,
  startTour,
  tourStepApplies,
  tourTransition,
  type TourEvent,
  type TourRun,
  type TourTransition,
} from './tour';

const opportunityHome: CrmContext = {
  crm: 'salesforce',
  environment: 'production',
  pageType: 'object_home',
  object: 'Opportunity',
  recordId: null,
  surface: 'lightning',
  host: 'acme.lightning.force.com',
  orgName: 'acme',
  sandboxName: null,
  app: null,
  listView: null,
  url: 'https://acme.lightning.force.com/lightning/o/Opportunity/home',
};
const newOpportunity: CrmContext = {
  ...opportunityHome,
  pageType: 'record_new',
  url: 'https://acme.lightning.force.com/lightning/o/Opportunity/new',
};
const accountHome: CrmContext = {
  ...opportunityHome,
  object: 'Account',
  url: 'https://acme.lightning.force.com/lightning/o/Account/home',
};

const button = (action: string) => ({ strategies: [{ kind: 'salesforceButton', object: 'Opportunity', action }] });
const field = (name: string) => ({ strategies: [{ kind: 'salesforceField', object: 'Opportunity', field: name }] });
const text = (en: string) => ({ en });

const STEPS = [
  { id: 'welcome', title: text('Welcome'), body: text('Two minutes.'), advanceOn: { kind: 'next' } },
  {
    id: 'press-new',
    anchor: button('New'),
    title: text('New'),
    body: text('Press New.'),
    advanceOn: { kind: 'navigate', to: { pageTypes: ['record_new'], objects: ['Opportunity'] } },
  },
  { id: 'name', anchor: field('Name'), title: text('Name'), body: text('Type a name.'), advanceOn: { kind: 'input' }, onAnchorMissing: 'end' },
  { id: 'stage', anchor: field('StageName'), title: text('Stage'), body: text('Pick a stage.'), advanceOn: { kind: 'click' } },
  { id: 'done', title: text('Done'), body: text('Save when ready.'), advanceOn: { kind: 'next' } },
];

function tourOf(steps: unknown[]): Tour {
  const pack = ContentPackSchema.parse({
    schemaVersion: 1,
    id: 'sales',
    version: 4,
    name: text('Sales'),
    defaultLocale: 'en',
    items: [
      {
        id: 'first-opportunity',
        kind: 'tour',
        targeting: { crm: 'salesforce', where: { pageTypes: ['object_home'], objects: ['Opportunity'] } },
        title: text('Your first opportunity'),
        steps,
      },
    ],
  });
  const [tour] = pack.items;
  if (tour?.kind !== 'tour') throw new Error('expected a tour');
  return tour;
}

const tour = tourOf(STEPS);
const ref = { packId: 'sales', packVersion: 4 };
const t0 = new Date('2025-03-26T09:00:00.000Z');

/** Runs events in order from a start, collecting what is recorded; each at its own second. */
function play(start: TourTransition, events: Array<[TourEvent, CrmContext]>): { state: TourRun; record: ProgressEvent[] } {
  let { state } = start;
  const record = [...start.record];
  events.forEach(([event, context], i) => {
    const result = tourTransition(state, event, { tour, context, now: new Date(t0.getTime() + (i + 1) * 1000) });
    state = result.state;
    record.push(...result.record);
  });
  return { state, record };
}

const types = (record: readonly ProgressEvent[]) => record.map((event) => event.type);
const next: TourEvent = { type: 'next' };
const found: TourEvent = { type: 'anchor_found' };

function expectValid(record: readonly ProgressEvent[]) {
  for (const event of record) expect(ProgressEventSchema.safeParse(event).error?.issues).toBeUndefined();
}

describe('startTour', () => {
  it('records tour_started with the trimmed page context and shows a step without an anchor', () => {
    const { state, record } = startTour(tour, ref, { context: opportunityHome, now: t0 });
    expect(state).toEqual({ packId: 'sales', packVersion: 4, tourId: 'first-opportunity', stepIndex: 0, phase: 'showing' });
    expect(record).toEqual([
      {
        type: 'tour_started',
        id: expect.any(String),
        at: '2025-03-26T09:00:00.000Z',
        packId: 'sales',
        packVersion: 4,
        itemId: 'first-opportunity',
        context: { crm: 'salesforce', environment: 'production', pageType: 'object_home', object: 'Opportunity', surface: 'lightning' },
      },
    ]);
    expectValid(record);
  });
});

describe('tourTransition', () => {
  const start = () => startTour(tour, ref, { context: opportunityHome, now: t0 });

  it('locates an anchored step after Next, and shows it once found', () => {
    const { state, record } = play(start(), [[next, opportunityHome]]);
    expect(state).toMatchObject({ stepIndex: 1, phase: 'locating' });
    expect(record.at(-1)).toMatchObject({ type: 'step_completed', stepId: 'welcome', stepIndex: 0 });
    expect(play(start(), [[next, opportunityHome], [found, opportunityHome]]).state.phase).toBe('showing');
  });

  it('advances a navigate step when the user reaches its page, and only then', () => {
    const { state, record } = play(start(), [
      [next, opportunityHome],
      [found, opportunityHome],
      [{ type: 'user_action', action: 'click' }, opportunityHome],
      [{ type: 'navigated', context: newOpportunity }, newOpportunity],
    ]);
    expect(types(record)).toEqual(['tour_started', 'step_completed', 'step_completed']);
    expect(record.at(-1)).toMatchObject({ stepId: 'press-new', stepIndex: 1, context: { pageType: 'record_new' } });
    expect(state).toMatchObject({ stepIndex: 2, phase: 'locating' });
  });

  it('pauses a step whose page the user left, and picks it up on return', () => {
    const away = play(start(), [
      [next, opportunityHome],
      [found, opportunityHome],
      [{ type: 'navigated', context: accountHome }, accountHome],
    ]);
    expect(away.state).toMatchObject({ stepIndex: 1, phase: 'waiting_navigation' });
    expect(types(away.record)).toEqual(['tour_started', 'step_completed']);
    const back = tourTransition(away.state, { type: 'navigated', context: opportunityHome }, { tour, context: opportunityHome, now: t0 });
    expect(back).toEqual({ state: { ...away.state, phase: 'locating' }, record: [] });
  });

  it('re-locates the anchor of a showing step after a page change on the same page', () => {
    const { state } = play(start(), [[next, opportunityHome], [found, opportunityHome], [{ type: 'navigated', context: opportunityHome }, opportunityHome]]);
    expect(state).toMatchObject({ stepIndex: 1, phase: 'locating' });
  });

  const atName = (): TourTransition =>
    play(start(), [
      [next, opportunityHome],
      [found, opportunityHome],
      [{ type: 'navigated', context: newOpportunity }, newOpportunity],
      [found, newOpportunity],
    ]);

  it('advances click and input steps on the matching action only', () => {
    const name = atName();
    const click = tourTransition(name.state, { type: 'user_action', action: 'click' }, { tour, context: newOpportunity, now: t0 });
    expect(click.state).toBe(name.state);
    expect(click.record).toEqual([]);
    const input = tourTransition(name.state, { type: 'user_action', action: 'input' }, { tour, context: newOpportunity, now: t0 });
    expect(input.state).toMatchObject({ stepIndex: 3, phase: 'locating' });
    expect(input.record).toMatchObject([{ type: 'step_completed', stepId: 'name', stepIndex: 2 }]);
    const stage = play(input, [[found, newOpportunity], [{ type: 'user_action', action: 'click' }, newOpportunity]]);
    expect(stage.state).toMatchObject({ stepIndex: 4, phase: 'showing' });
  });

  it('offers Next on every kind of step: click, input and navigate', () => {
    const name = atName();
    expect(tourTransition(name.state, next, { tour, context: newOpportunity, now: t0 }).state).toMatchObject({ stepIndex: 3 });
    const pressNew = play(start(), [[next, opportunityHome], [found, opportunityHome], [next, opportunityHome]]);
    // The next step lives on the page the navigate step leads to: the tour waits for it.
    expect(pressNew.state).toMatchObject({ stepIndex: 2, phase: 'waiting_navigation' });
    expect(pressNew.record.at(-1)).toMatchObject({ type: 'step_completed', stepId: 'press-new' });
  });

  it('skips a step whose anchor is missing, reporting what was tried', () => {
    const name = atName();
    const stage = tourTransition(name.state, { type: 'user_action', action: 'input' }, { tour, context: newOpportunity, now: t0 });
    const missing = tourTransition(
      stage.state,
      { type: 'anchor_missing', strategiesTried: ['salesforceField Opportunity.StageName'], waitedMs: 8000 },
      { tour, context: newOpportunity, now: t0 },
    );
    expect(missing.record).toMatchObject([
      { type: 'anchor_missing', stepId: 'stage', strategiesTried: ['salesforceField Opportunity.StageName'], waitedMs: 8000 },
      { type: 'step_skipped', stepId: 'stage', stepIndex: 3, reason: 'anchor_missing' },
    ]);
    expect(missing.state).toMatchObject({ stepIndex: 4, phase: 'showing' });
    expectValid(missing.record);
  });

  it('ends the tour when a step that says so misses its anchor', () => {
    const { state: nameLocating } = play(start(), [[next, opportunityHome], [found, opportunityHome], [{ type: 'navigated', context: newOpportunity }, newOpportunity]]);
    const { state, record } = tourTransition(
      nameLocating,
      { type: 'anchor_missing', strategiesTried: ['salesforceField Opportunity.Name'], waitedMs: 8000 },
      { tour, context: newOpportunity, now: t0 },
    );
    expect(state).toMatchObject({ stepIndex: 2, phase: 'ended' });
    expect(record).toMatchObject([
      { type: 'anchor_missing', stepId: 'name' },
      { type: 'tour_ended', atStepId: 'name', reason: 'anchor_missing' },
    ]);
  });

  it('keeps an anchor_missing report within the event schema', () => {
    const { state } = play(start(), [[next, opportunityHome]]);
    const { record } = tourTransition(
      state,
      { type: 'anchor_missing', strategiesTried: ['', 'x'.repeat(300), ...Array.from({ length: 30 }, (_, i) => `css .s${i}`)], waitedMs: Number.NaN },
      { tour, context: opportunityHome, now: t0 },
    );
    expectValid(record);
    expect(record[0]).toMatchObject({ type: 'anchor_missing', waitedMs: 0 });
  });

  it('completes on the last step with step_completed then tour_completed, in that order of time', () => {
    const { state, record } = play(atName(), [
      [{ type: 'user_action', action: 'input' }, newOpportunity],
      [found, newOpportunity],
      [next, newOpportunity],
      [next, newOpportunity],
    ]);
    expect(state).toMatchObject({ stepIndex: 4, phase: 'completed' });
    const [last, completed] = record.slice(-2);
    expect([last?.type, completed?.type]).toEqual(['step_completed', 'tour_completed']);
    expect(completed && last && completed.at > last.at).toBe(true);
    expect(deriveProgressState(record, t0).tours.size).toBe(1);
    expect([...deriveProgressState(record, t0).tours.values()][0]?.status).toBe('completed');
    expectValid(record);
  });

  it('ends on close, at the step that was showing, from any live phase', () => {
    const { state } = play(start(), [[next, opportunityHome], [{ type: 'navigated', context: accountHome }, accountHome]]);
    expect(state.phase).toBe('waiting_navigation');
    const closed = tourTransition(state, { type: 'close' }, { tour, context: accountHome, now: t0 });
    expect(closed.state).toMatchObject({ stepIndex: 1, phase: 'ended' });
    expect(closed.record).toMatchObject([{ type: 'tour_ended', atStepId: 'press-new', reason: 'closed', context: { object: 'Account' } }]);
  });

  it('goes back in memory, without events, but never back over a navigate step', () => {
    const pressNew = play(start(), [[next, opportunityHome], [found, opportunityHome]]);
    expect(canGoBack(pressNew.state, tour)).toBe(true);
    const back = tourTransition(pressNew.state, { type: 'back' }, { tour, context: opportunityHome, now: t0 });
    expect(back).toEqual({ state: { ...pressNew.state, stepIndex: 0, phase: 'showing' }, record: [] });
    expect(tourTransition(back.state, { type: 'back' }, { tour, context: opportunityHome, now: t0 }).state).toBe(back.state);

    const name = atName();
    expect(canGoBack(name.state, tour)).toBe(false);
    expect(tourTransition(name.state, { type: 'back' }, { tour, context: newOpportunity, now: t0 }).state).toBe(name.state);

    const stage = play(name, [[{ type: 'user_action', action: 'input' }, newOpportunity], [found, newOpportunity]]);
    const toName = tourTransition(stage.state, { type: 'back' }, { tour, context: newOpportunity, now: t0 });
    expect(toName).toEqual({ state: { ...stage.state, stepIndex: 2, phase: 'locating' }, record: [] });
  });

  it('ignores events that do not fit the phase, the step or the tour', () => {
    const locating = play(start(), [[next, opportunityHome]]).state;
    const showing = startTour(tour, ref, { context: opportunityHome, now: t0 }).state;
    const completed: TourRun = { ...showing, stepIndex: 4, phase: 'completed' };
    const ended: TourRun = { ...showing, stepIndex: 2, phase: 'ended' };
    const other = tourOf(STEPS.slice(0, 2));
    const cases: Array<[TourRun, TourEvent, Tour]> = [
      [locating, next, tour],
      [locating, { type: 'user_action', action: 'click' }, tour],
      [locating, { type: 'back' }, tour],
      [showing, found, tour],
      [showing, { type: 'anchor_missing', strategiesTried: [], waitedMs: 0 }, tour],
      [showing, { type: 'user_action', action: 'click' }, tour],
      [completed, next, tour],
      [completed, { type: 'close' }, tour],
      [ended, { type: 'navigated', context: newOpportunity }, tour],
      [ended, found, tour],
      [{ ...showing, tourId: 'another-tour' }, next, tour],
      [{ ...showing, stepIndex: 7 }, next, tour],
      [{ ...locating, stepIndex: 3 }, found, other],
    ];
    for (const [state, event, withTour] of cases) {
      const result = tourTransition(state, event, { tour: withTour, context: opportunityHome, now: t0 });
      expect(result.state).toBe(state);
      expect(result.record).toEqual([]);
    }
  });
});

describe('resumeTour', () => {
  it('continues after a reload from the recorded events alone', () => {
    const before = play(startTour(tour, ref, { context: opportunityHome, now: t0 }), [
      [next, opportunityHome],
      [found, opportunityHome],
      [{ type: 'navigated', context: newOpportunity }, newOpportunity],
    ]);
    // The page reloads: the in-memory run is gone, the events are in the store.
    const progress = deriveProgressState(before.record, t0);
    const resumed = resumeTour(tour, ref, progress, { context: newOpportunity, now: t0 });
    expect(resumed).toEqual({ state: before.state, record: [] });
    if (!resumed) return;
    const after = play(resumed, [
      [found, newOpportunity],
      [{ type: 'user_action', action: 'input' }, newOpportunity],
      [{ type: 'anchor_missing', strategiesTried: ['salesforceField Opportunity.StageName'], waitedMs: 8000 }, newOpportunity],
      [next, newOpportunity],
    ]);
    expect(after.state.phase).toBe('completed');
    const all = [...before.record, ...after.record];
    expect(types(all)).toEqual([
      'tour_started',
      'step_completed',
      'step_completed',
      'step_completed',
      'anchor_missing',
      'step_skipped',
      'step_completed',
      'tour_completed',
    ]);
    expect([...deriveProgressState(all, t0).tours.values()]).toEqual([{ status: 'completed', stepIndex: 4, stepId: 'done' }]);
  });

  it('completes a navigate step at once when a full page load landed on its destination', () => {
    const before = play(startTour(tour, ref, { context: opportunityHome, now: t0 }), [[next, opportunityHome]]);
    const resumed = resumeTour(tour, ref, deriveProgressState(before.record, t0), { context: newOpportunity, now: t0 });
    expect(resumed?.state).toMatchObject({ stepIndex: 2, phase: 'locating' });
    expect(resumed?.record).toMatchObject([{ type: 'step_completed', stepId: 'press-new', stepIndex: 1 }]);
  });

  it('resumes paused on a page the next step does not live on', () => {
    const before = play(startTour(tour, ref, { context: opportunityHome, now: t0 }), [[next, opportunityHome]]);
    const resumed = resumeTour(tour, ref, deriveProgressState(before.record, t0), { context: accountHome, now: t0 });
    expect(resumed).toEqual({ state: { ...before.state, phase: 'waiting_navigation' }, record: [] });
  });

  it('is null for a tour that is not running', () => {
    const context = { context: opportunityHome, now: t0 };
    expect(resumeTour(tour, ref, deriveProgressState([], t0), context)).toBeNull();
    const closed = play(startTour(tour, ref, context), [[{ type: 'close' }, opportunityHome]]);
    expect(resumeTour(tour, ref, deriveProgressState(closed.record, t0), context)).toBeNull();
  });

  it('finds the step by id in a republished tour, and clamps to the last step', () => {
    const republished = tourOf([STEPS[0], { ...STEPS[4], id: 'intro-video' }, ...STEPS.slice(1)]);
    expect(resumeStepIndex(republished, { status: 'running', stepIndex: 1, stepId: 'press-new' })).toBe(3);
    expect(resumeStepIndex(republished, { status: 'running', stepIndex: 0, stepId: 'gone' })).toBe(1);
    expect(resumeStepIndex(tour, { status: 'running', stepIndex: null, stepId: null })).toBe(0);
    expect(resumeStepIndex(tour, { status: 'running', stepIndex: 9, stepId: 'gone' })).toBe(4);
  });
});

describe('tourStepApplies', () => {
  it('applies a step on the page it lives on, or a navigate step on its destination', () => {
    expect(tourStepApplies(tour, 0, opportunityHome)).toBe(true);
    expect(tourStepApplies(tour, 0, accountHome)).toBe(false);
    expect(tourStepApplies(tour, 1, newOpportunity)).toBe(true);
    expect(tourStepApplies(tour, 2, newOpportunity)).toBe(true);
    expect(tourStepApplies(tour, 2, opportunityHome)).toBe(false);
    expect(tourStepApplies(tour, 5, newOpportunity)).toBe(false);
  });
});
