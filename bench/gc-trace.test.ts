import { describe, expect, it } from 'vitest';
import { PAGE_THREAD_MARK, pageThreadGcMs, type TraceEvent } from './gc-trace';

const page = { pid: 7, tid: 1 };
const span = (name: string, ts: number, dur: number, thread = page): TraceEvent => ({ name, ph: 'X', ts, dur, ...thread });
const mark: TraceEvent = { name: PAGE_THREAD_MARK, ph: 'R', ts: 99_000, ...page };

describe('pageThreadGcMs', () => {
  it('counts nested and overlapping GC scopes once', () => {
    const events = [
      mark,
      span('MajorGC', 1_000, 3_000),
      span('V8.GC_MARK_COMPACTOR', 1_200, 2_500),
      span('V8.GC_MC_INCREMENTAL', 3_500, 1_500),
      span('MinorGC', 10_000, 500),
    ];
    // 1.0–5.0 ms and 10.0–10.5 ms.
    expect(pageThreadGcMs(events)).toBe(4.5);
  });

  it("counts only the marked thread's GC, and only GC", () => {
    const events = [
      mark,
      span('V8.GC_SCAVENGER', 0, 1_000),
      span('V8.GC_SCAVENGER', 0, 5_000, { pid: 7, tid: 2 }),
      span('MajorGC', 0, 5_000, { pid: 8, tid: 1 }),
      span('FunctionCall', 2_000, 5_000),
      { ...span('MajorGC', 2_000, 5_000), ph: 'B' },
    ];
    expect(pageThreadGcMs(events)).toBe(1);
  });

  it('is NaN without the mark: no thread to read', () => {
    expect(pageThreadGcMs([span('MajorGC', 0, 1_000)])).toBeNaN();
  });
});
