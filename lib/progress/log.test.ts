import { describe, expect, it, vi } from 'vitest';
import { newProgressEvent, type ProgressEvent } from '../api/progress';
import { ProgressEventLog } from './log';
import { deriveProgressState, itemProgress } from './state';

const seen = (itemId: string): ProgressEvent =>
  newProgressEvent({
    type: 'seen',
    packId: 'pack',
    packVersion: 1,
    itemId,
    context: { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: 'Account', surface: 'lightning' },
  });

describe('ProgressEventLog', () => {
  it('sends only events it did not have, and merges other tabs’ events without doubling', () => {
    const a = seen('a');
    const send = vi.fn();
    const log = new ProgressEventLog([a], send);
    const b = seen('b');
    log.append([a, b]);
    expect(send).toHaveBeenCalledWith([b]);
    expect(log.merge([a, b, seen('c')])).toBe(true);
    expect(log.merge([a])).toBe(false);
    const state = log.state(new Date());
    expect(['a', 'b', 'c'].map((itemId) => itemProgress(state, 'pack', itemId).seenCount)).toEqual([1, 1, 1]);
  });

  it('keeps what its events add up to, and its adoptions, as events come', () => {
    const adopted = newProgressEvent({ ...seen('a'), type: 'tip_adopted', minutesSaved: 3 });
    const first = [seen('a'), adopted];
    const log = new ProgressEventLog(first, vi.fn());
    const appended = [seen('a'), seen('b')];
    const merged = seen('c');
    log.append(appended);
    log.merge([adopted, merged]);
    const now = new Date();
    expect(log.state(now)).toEqual(deriveProgressState([...first, ...appended, merged], now));
    expect(itemProgress(log.state(now), 'pack', 'a')).toMatchObject({ seenCount: 2, adoptedCount: 1 });
    expect(log.adopted()).toEqual([adopted]);
  });
});
