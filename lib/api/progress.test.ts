import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CrmContext } from '../crm/context';
import {
  ProgressAckSchema,
  ProgressBatchSchema,
  ProgressEventSchema,
  newProgressEvent,
  toProgressContext,
  type ProgressEvent,
} from './progress';

const context = { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: 'Opportunity', surface: 'lightning' } as const;

const valid = (): ProgressEvent =>
  newProgressEvent({ type: 'step_completed', packId: 'sales-basics', packVersion: 3, itemId: 'close-opportunity', context, stepId: 'stage', stepIndex: 0 }, new Date('2025-03-24T08:00:00Z'));

describe('ProgressEventSchema', () => {
  it('accepts every event type newProgressEvent makes', () => {
    const base = { packId: 'p', packVersion: 1, itemId: 'i', context };
    const events = [
      newProgressEvent({ ...base, type: 'seen' }),
      newProgressEvent({ ...base, type: 'dismissed' }),
      newProgressEvent({ ...base, type: 'snoozed', until: '2025-03-31T06:00:00.000Z' }),
      newProgressEvent({ ...base, type: 'tour_started' }),
      newProgressEvent({ ...base, type: 'step_completed', stepId: 's1', stepIndex: 0 }),
      newProgressEvent({ ...base, type: 'step_skipped', stepId: 's2', stepIndex: 1, reason: 'anchor_missing' }),
      newProgressEvent({ ...base, type: 'tour_completed' }),
      newProgressEvent({ ...base, type: 'tour_ended', atStepId: 's3', reason: 'navigated_away' }),
      newProgressEvent({ ...base, type: 'tip_adopted', minutesSaved: 4.5 }),
      newProgressEvent({ ...base, type: 'checklist_item_done', taskId: 't1' }),
      newProgressEvent({ ...base, type: 'anchor_missing', strategiesTried: ['data-target-selection-name=Save'], waitedMs: 5000 }),
    ];
    for (const event of events) expect(ProgressEventSchema.parse(event)).toEqual(event);
  });

  it('fills a v4 UUID and a millisecond UTC time', () => {
    const event = valid();
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event.at).toBe('2025-03-24T08:00:00.000Z');
  });

  it.each([
    ['an unknown key', { extra: 1 }, 'extra'],
    ['a record id in the context', { context: { ...context, recordId: '006000000000001AAA' } }, 'recordId'],
    ['a URL in the context', { context: { ...context, url: 'https://acme.lightning.force.com/' } }, 'url'],
    ['a time with an offset', { at: '2025-03-24T10:00:00.000+02:00' }, 'at'],
    ['a time without milliseconds', { at: '2025-03-24T08:00:00Z' }, 'at'],
    ['a non-UUID id', { id: 'abc' }, 'id'],
    ['a fractional step index', { stepIndex: 1.5 }, 'stepIndex'],
    ['an over-long step id', { stepId: 'x'.repeat(129) }, 'stepId'],
    ['an unknown type', { type: 'clicked' }, 'type'],
  ])('rejects %s, naming the field', (_, patch, field) => {
    const result = ProgressEventSchema.safeParse({ ...valid(), ...patch });
    expect(result.success).toBe(false);
    if (!result.success) expect(z.prettifyError(result.error)).toContain(field);
  });

  it('trims a CrmContext to what analytics may keep', () => {
    const full: CrmContext = {
      ...context,
      recordId: '006000000000001AAA',
      host: 'acme.lightning.force.com',
      orgName: 'acme',
      sandboxName: null,
      app: null,
      listView: null,
      url: 'https://acme.lightning.force.com/lightning/r/Opportunity/006000000000001AAA/view',
    };
    expect(toProgressContext(full)).toEqual(context);
  });
});

describe('batch and ack', () => {
  it('takes 1 to 500 events', () => {
    expect(ProgressBatchSchema.safeParse({ events: [] }).success).toBe(false);
    expect(ProgressBatchSchema.safeParse({ events: [valid()] }).success).toBe(true);
    expect(ProgressBatchSchema.safeParse({ events: Array.from({ length: 501 }, valid) }).success).toBe(false);
  });

  it('parses an ack', () => {
    const [a, b] = [valid().id, valid().id];
    expect(ProgressAckSchema.parse({ accepted: [a], duplicates: [b], rejected: [{ id: 'x', error: 'bad' }] }).accepted).toEqual([a]);
    expect(ProgressAckSchema.safeParse({ accepted: [a], duplicates: [] }).success).toBe(false);
  });
});
