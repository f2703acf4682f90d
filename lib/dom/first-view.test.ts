import { describe, expect, it } from 'vitest';
import { firstView } from './first-view';

/** A paint the test triggers: callbacks run in the order they were asked for, as frames and tasks do. */
function paints() {
  let waiting: Array<() => void> = [];
  return {
    afterPaint: (callback: () => void) => void waiting.push(callback),
    paint() {
      const due = waiting;
      waiting = [];
      for (const callback of due) callback();
    },
  };
}

describe('firstView', () => {
  it('waits for the first view’s paint, then runs at once', () => {
    const frame = paints();
    const view = firstView(frame.afterPaint);
    const ran: string[] = [];
    view.run(() => ran.push('first session’s search'));
    view.shown();
    expect(ran).toEqual([]);
    frame.paint();
    expect(ran).toEqual(['first session’s search']);
    view.run(() => ran.push('later session’s search'));
    expect(ran).toEqual(['first session’s search', 'later session’s search']);
  });

  it('counts a first view that asked for nothing after its paint', () => {
    const frame = paints();
    const view = firstView(frame.afterPaint);
    // The first page's tips were all in its own tree: nothing waited for the paint.
    view.shown();
    view.shown();
    frame.paint();
    const ran: string[] = [];
    view.run(() => ran.push('later session’s search'));
    expect(ran).toEqual(['later session’s search']);
  });
});
