import { describe, expect, it } from 'vitest';
import { newProgressEvent, type NewProgressEvent, type ProgressEvent } from '../api/progress';
import { checklistDone, deriveProgressState, itemProgress, ProgressTally, tourProgress } from './state';

const context = { crm: 'salesforce', environment: 'sandbox', pageType: 'record_view', object: 'Lead', surface: 'lightning' } as const;
type Describe<E> = E extends NewProgressEvent ? Omit<E, 'packId' | 'packVersion' | 'context'> : never;
const at = (event: Describe<NewProgressEvent>, time: string): ProgressEvent =>
  newProgressEvent({ ...event, packId: 'pack', packVersion: 2, context } as NewProgressEvent, new Date(time));
const now = new Date('2025-03-26T12:00:00Z');

describe('items', () => {
  it('counts sightings and adoptions, and remembers a dismissal', () => {
    const state = deriveProgressState(
      [
        at({ type: 'seen', itemId: 'tip' }, '2025-03-25T09:00:00Z'),
        at({ type: 'seen', itemId: 'tip' }, '2025-03-26T09:00:00Z'),
        at({ type: 'seen', itemId: 'tip' }, '2025-03-24T09:00:00Z'),
        at({ type: 'tip_adopted', itemId: 'tip', minutesSaved: 3 }, '2025-03-26T09:01:00Z'),
        at({ type: 'dismissed', itemId: 'tip' }, '2025-03-26T09:02:00Z'),
        at({ type: 'seen', itemId: 'tip' }, '2025-03-26T09:03:00Z'),
      ],
      now,
    );
    expect(itemProgress(state, 'pack', 'tip')).toEqual({
      seenCount: 4,
      lastSeenAt: '2025-03-26T09:03:00.000Z',
      dismissed: true,
      snoozedUntil: null,
      adoptedCount: 1,
    });
    expect(itemProgress(state, 'pack', 'other')).toMatchObject({ seenCount: 0, dismissed: false });
    expect(itemProgress(state, 'other-pack', 'tip')).toMatchObject({ seenCount: 0 });
  });

  it('counts an event repeated with the same id once', () => {
    const seen = at({ type: 'seen', itemId: 'tip' }, '2025-03-25T09:00:00Z');
    expect(itemProgress(deriveProgressState([seen, seen], now), 'pack', 'tip').seenCount).toBe(1);
  });

  it('keeps the latest snooze while it lasts, whatever the array order', () => {
    const events = [
      at({ type: 'snoozed', itemId: 'tip', until: '2025-03-28T08:00:00.000Z' }, '2025-03-26T08:00:00Z'),
      at({ type: 'snoozed', itemId: 'tip', until: '2025-03-27T08:00:00.000Z' }, '2025-03-26T10:00:00Z'),
    ];
    for (const order of [events, [...events].reverse()]) {
      expect(itemProgress(deriveProgressState(order, now), 'pack', 'tip').snoozedUntil).toBe('2025-03-27T08:00:00.000Z');
    }
    expect(itemProgress(deriveProgressState(events, new Date('2025-03-27T08:00:00Z')), 'pack', 'tip').snoozedUntil).toBeNull();
  });

  it('breaks a tie in time by id', () => {
    const time = '2025-03-26T08:00:00Z';
    const events = [
      at({ type: 'snoozed', itemId: 'tip', until: '2025-03-28T08:00:00.000Z' }, time),
      at({ type: 'snoozed', itemId: 'tip', until: '2025-03-29T08:00:00.000Z' }, time),
    ];
    const winner = events.reduce((a, b) => (a.id > b.id ? a : b)) as Extract<ProgressEvent, { type: 'snoozed' }>;
    expect(itemProgress(deriveProgressState(events, now), 'pack', 'tip').snoozedUntil).toBe(winner.until);
    expect(itemProgress(deriveProgressState([...events].reverse(), now), 'pack', 'tip').snoozedUntil).toBe(winner.until);
  });
});

describe('tours', () => {
  const started = at({ type: 'tour_started', itemId: 'tour' }, '2025-03-26T09:00:00Z');
  const step0 = at({ type: 'step_completed', itemId: 'tour', stepId: 'open', stepIndex: 0 }, '2025-03-26T09:01:00Z');
  const step1 = at({ type: 'step_skipped', itemId: 'tour', stepId: 'stage', stepIndex: 1, reason: 'anchor_missing' }, '2025-03-26T09:02:00Z');

  it('is not started without events', () => {
    expect(tourProgress(deriveProgressState([], now), 'pack', 'tour')).toEqual({ status: 'not_started', stepIndex: null, stepId: null });
  });

  it('runs from the start, then from the last step passed (completed or skipped)', () => {
    expect(tourProgress(deriveProgressState([started], now), 'pack', 'tour')).toEqual({ status: 'running', stepIndex: null, stepId: null });
    expect(tourProgress(deriveProgressState([step1, started, step0], now), 'pack', 'tour')).toEqual({ status: 'running', stepIndex: 1, stepId: 'stage' });
  });

  it('completes, or ends where it was left', () => {
    const completed = at({ type: 'tour_completed', itemId: 'tour' }, '2025-03-26T09:03:00Z');
    expect(tourProgress(deriveProgressState([started, step0, step1, completed], now), 'pack', 'tour')).toEqual({ status: 'completed', stepIndex: 1, stepId: 'stage' });
    const ended = at({ type: 'tour_ended', itemId: 'tour', atStepId: 'stage', reason: 'closed' }, '2025-03-26T09:03:00Z');
    expect(tourProgress(deriveProgressState([started, step0, ended], now), 'pack', 'tour')).toEqual({ status: 'ended', stepIndex: 0, stepId: 'open' });
  });

  it('starts over on a new run: the latest tour events win', () => {
    const completed = at({ type: 'tour_completed', itemId: 'tour' }, '2025-03-26T09:03:00Z');
    const again = at({ type: 'tour_started', itemId: 'tour' }, '2025-03-26T10:00:00Z');
    expect(tourProgress(deriveProgressState([again, started, step0, completed], now), 'pack', 'tour')).toEqual({ status: 'running', stepIndex: null, stepId: null });
  });
});

describe('checklists', () => {
  it('collects the done task ids per checklist', () => {
    const state = deriveProgressState(
      [
        at({ type: 'checklist_item_done', itemId: 'week-1', taskId: 'log-call' }, '2025-03-26T09:00:00Z'),
        at({ type: 'checklist_item_done', itemId: 'week-1', taskId: 'convert-lead' }, '2025-03-26T09:05:00Z'),
        at({ type: 'checklist_item_done', itemId: 'week-1', taskId: 'log-call' }, '2025-03-26T09:10:00Z'),
        at({ type: 'checklist_item_done', itemId: 'week-2', taskId: 'forecast' }, '2025-03-26T09:10:00Z'),
      ],
      now,
    );
    expect([...checklistDone(state, 'pack', 'week-1')].sort()).toEqual(['convert-lead', 'log-call']);
    expect([...checklistDone(state, 'pack', 'week-3')]).toEqual([]);
  });
});

describe('ProgressTally', () => {
  const events = [
    at({ type: 'seen', itemId: 'tip' }, '2025-03-26T08:00:00Z'),
    at({ type: 'snoozed', itemId: 'tip', until: '2025-03-27T08:00:00Z' }, '2025-03-26T08:01:00Z'),
    at({ type: 'tour_started', itemId: 'tour' }, '2025-03-26T08:02:00Z'),
    at({ type: 'step_completed', itemId: 'tour', stepId: 'one', stepIndex: 0 }, '2025-03-26T08:03:00Z'),
    at({ type: 'checklist_item_done', itemId: 'week-1', taskId: 'log-call' }, '2025-03-26T08:04:00Z'),
    at({ type: 'tip_adopted', itemId: 'tip', minutesSaved: 2 }, '2025-03-26T08:05:00Z'),
  ];

  it('adds up to what one pass over all the events gives, events added in batches and repeated', () => {
    const tally = new ProgressTally();
    tally.add(events.slice(0, 3));
    tally.add(events.slice(2));
    expect(tally.stateAt(now)).toEqual(deriveProgressState(events, now));
    // A snooze ends with time, and the state says so at each moment it is asked about.
    expect(itemProgress(tally.stateAt(new Date('2025-03-28T00:00:00Z')), 'pack', 'tip').snoozedUntil).toBeNull();
  });

  it('leaves a state it gave out as it was when more events come', () => {
    const tally = new ProgressTally();
    tally.add(events);
    const before = tally.stateAt(now);
    tally.add([
      at({ type: 'seen', itemId: 'tip' }, '2025-03-26T09:00:00Z'),
      at({ type: 'tour_completed', itemId: 'tour' }, '2025-03-26T09:01:00Z'),
      at({ type: 'checklist_item_done', itemId: 'week-1', taskId: 'convert-lead' }, '2025-03-26T09:02:00Z'),
    ]);
    expect(before).toEqual(deriveProgressState(events, now));
    expect([...checklistDone(tally.stateAt(now), 'pack', 'week-1')].sort()).toEqual(['convert-lead', 'log-call']);
  });
});

describe('speed', () => {
  it('folds 50 000 events in well under half a second', () => {
    const events = Array.from({ length: 50_000 }, (_, i) =>
      at({ type: 'seen', itemId: `tip-${i % 50}` }, new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString()),
    );
    const started = performance.now();
    const state = deriveProgressState(events, now);
    expect(performance.now() - started).toBeLessThan(500);
    expect(itemProgress(state, 'pack', 'tip-0').seenCount).toBe(1000);
  });
});
