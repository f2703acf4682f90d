import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { quietTimer } from './quiet-timer';

describe('quietTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once, quietMs after the last touch, with one timer pending at a time', async () => {
    const fire = vi.fn();
    const timer = quietTimer(100, Date.now, fire);
    expect(timer.pending()).toBe(false);
    for (let i = 0; i < 5; i++) {
      timer.touch();
      expect(timer.pending()).toBe(true);
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(60);
    }
    expect(fire).not.toHaveBeenCalled();
    // Last touch at 240 ms: due at 340.
    await vi.advanceTimersByTimeAsync(39);
    expect(fire).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fire).toHaveBeenCalledOnce();
    expect(timer.pending()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    // Touched again after firing: a new round.
    timer.touch();
    await vi.advanceTimersByTimeAsync(100);
    expect(fire).toHaveBeenCalledTimes(2);
  });

  it('does not fire once cancelled', async () => {
    const fire = vi.fn();
    const timer = quietTimer(100, Date.now, fire);
    timer.touch();
    await vi.advanceTimersByTimeAsync(50);
    timer.cancel();
    expect(timer.pending()).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(fire).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
