import { describe, expect, it } from 'vitest';
import type { GuidanceData } from '../messages';
import { askGuidanceEarly, shareEarlyGuidance, takeSharedEarlyGuidance, type StorageListener } from './early';

const data = (locale: GuidanceData['locale']): GuidanceData => ({ packs: [], events: [], locale, roles: [], teams: [] });

function storage() {
  const listeners = new Set<StorageListener>();
  return {
    listeners,
    addListener: (listener: StorageListener) => void listeners.add(listener),
    removeListener: (listener: StorageListener) => void listeners.delete(listener),
    change: (changes: Record<string, unknown>, area = 'local') => listeners.forEach((listener) => listener(changes, area)),
  };
}

describe('askGuidanceEarly', () => {
  it('asks once, at once, and hands over that answer', async () => {
    const changes = storage();
    let asked = 0;
    const early = askGuidanceEarly(async () => data(asked++ === 0 ? 'nb' : 'sv'), changes, ['progressRevision']);
    expect(asked).toBe(1);
    changes.change({ supportRevision: 'x' });
    changes.change({ progressRevision: 'x' }, 'session');
    expect(await early.take()).toEqual(data('nb'));
    expect(asked).toBe(1);
    expect(changes.listeners.size).toBe(0);
  });

  it('asks again when progress changed after the question', async () => {
    const changes = storage();
    let asked = 0;
    const early = askGuidanceEarly(async () => data(asked++ === 0 ? 'nb' : 'sv'), changes, ['progressRevision', 'locale']);
    changes.change({ locale: 'sv' });
    expect(await early.take()).toEqual(data('sv'));
    expect(asked).toBe(2);
  });

  it('passes on no answer as null', async () => {
    const early = askGuidanceEarly(async () => null, storage(), []);
    expect(await early.take()).toBeNull();
  });
});

describe('sharing between content scripts', () => {
  it('is taken once, by the first script that asks', () => {
    const scope = {};
    expect(takeSharedEarlyGuidance(scope)).toBeNull();
    const early = askGuidanceEarly(async () => null, storage(), []);
    shareEarlyGuidance(early, scope);
    expect(takeSharedEarlyGuidance(scope)).toBe(early);
    expect(takeSharedEarlyGuidance(scope)).toBeNull();
  });
});
