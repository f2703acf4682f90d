import { describe, expect, it } from 'vitest';

// Local time decides where a week starts. Oslo moves to summer time on Sunday 30 March 2025, so
// that week is 167 hours long: Mon 24 March 00:00 +01:00 to Mon 31 March 00:00 +02:00.
process.env.TZ = 'Europe/Oslo';

const { newProgressEvent } = await import('../api/progress');
const { minutesSaved, minutesSavedThisWeek, weekOf } = await import('./minutes');

const context = { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: 'Case', surface: 'lightning' } as const;
const adopted = (time: string, minutes: number) =>
  newProgressEvent({ type: 'tip_adopted', packId: 'pack', packVersion: 1, itemId: `tip-${time}`, context, minutesSaved: minutes }, new Date(time));

const events = [
  adopted('2025-03-23T22:59:59.999Z', 1), // Sun 23 March 23:59 local: the week before
  adopted('2025-03-23T23:00:00.000Z', 2), // Mon 24 March 00:00 local: first instant of the week
  adopted('2025-03-27T12:00:00.000Z', 4),
  adopted('2025-03-30T21:59:59.999Z', 8), // Sun 30 March 23:59 summer time: last instant
  adopted('2025-03-30T22:00:00.000Z', 16), // Mon 31 March 00:00 local: the next week
  newProgressEvent({ type: 'seen', packId: 'pack', packVersion: 1, itemId: 'tip', context }, new Date('2025-03-27T12:00:00Z')),
];

describe('weekOf', () => {
  it('runs from local Monday midnight to the next, across the switch to summer time', () => {
    expect(process.env.TZ).toBe('Europe/Oslo');
    const { from, to } = weekOf(new Date('2025-03-27T12:00:00Z'), 'en');
    expect(from.toISOString()).toBe('2025-03-23T23:00:00.000Z');
    expect(to.toISOString()).toBe('2025-03-30T22:00:00.000Z');
    expect((to.getTime() - from.getTime()) / 3_600_000).toBe(167);
  });

  it('puts Sunday at the end of the week for every locale, English included', () => {
    for (const locale of ['en', 'nb', 'sv', 'da', 'fi'] as const) {
      expect(weekOf(new Date('2025-03-30T21:00:00Z'), locale).from.toISOString()).toBe('2025-03-23T23:00:00.000Z');
    }
  });
});

describe('minutesSavedThisWeek', () => {
  it('sums the adoptions of the local week, edges included and excluded', () => {
    expect(minutesSavedThisWeek(events, new Date('2025-03-27T12:00:00Z'), 'nb')).toBe(2 + 4 + 8);
  });

  it('moves to the next week at local midnight, not UTC midnight', () => {
    // 23:30 UTC Sunday is already Monday 01:30 in Oslo.
    expect(minutesSavedThisWeek(events, new Date('2025-03-30T23:30:00Z'), 'sv')).toBe(16);
    // 22:30 UTC Sunday 23 March is still Sunday 23:30 in Oslo.
    expect(minutesSavedThisWeek(events, new Date('2025-03-23T22:30:00Z'), 'fi')).toBe(1);
  });

  it('counts an adoption repeated with the same id once', () => {
    const once = adopted('2025-03-27T12:00:00.000Z', 5);
    expect(minutesSavedThisWeek([once, once], new Date('2025-03-27T12:00:00Z'), 'da')).toBe(5);
  });
});

describe('minutesSaved', () => {
  it('includes from and excludes to', () => {
    expect(minutesSaved(events, { from: new Date('2025-03-23T23:00:00Z'), to: new Date('2025-03-27T12:00:00Z') })).toBe(2);
  });
});
