/**
 * Main-thread garbage collection of a page during a bench interaction, from a Chromium trace: how
 * long the page's renderer main thread was collecting, page and content script alike (they share
 * one V8 heap). `Performance.getMetrics` has no such figure; ThreadTime includes it.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { AroundInteraction } from './guidance';

/** The fields of a Chromium trace event read here. */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
}

/**
 * Where the events come from: V8's GC scopes (`disabled-by-default-v8.gc`, `v8`) and the timeline's
 * MajorGC / MinorGC; `blink.user_timing` carries the mark that tells the page's main thread.
 */
const CATEGORIES = ['devtools.timeline', 'v8', 'disabled-by-default-v8.gc', 'blink.user_timing'];

/** V8.GC_*, V8.GCIncrementalMarking, MajorGC, MinorGC, BlinkGC.*, CppGC.*: the scopes nest. */
const GC_EVENT = /GC|Scaveng|MarkCompact/;

/** The mark put on the page's main thread at the end of the interaction. */
export const PAGE_THREAD_MARK = 'ombord-bench:page-thread';

/**
 * Milliseconds of GC on the thread that put `PAGE_THREAD_MARK`: the union of its complete GC
 * events' spans, so nested scopes count once. NaN when the mark is not in the trace.
 */
export function pageThreadGcMs(events: readonly TraceEvent[]): number {
  const mark = events.find((event) => event.name === PAGE_THREAD_MARK);
  if (mark === undefined) return NaN;
  const spans = events
    .filter((event) => event.pid === mark.pid && event.tid === mark.tid && event.ph === 'X' && GC_EVENT.test(event.name))
    .map((event) => ({ start: event.ts, end: event.ts + (event.dur ?? 0) }))
    .sort((a, b) => a.start - b.start);
  let totalUs = 0;
  let reached = -Infinity;
  for (const { start, end } of spans) {
    if (end <= reached) continue;
    totalUs += end - Math.max(start, reached);
    reached = end;
  }
  return totalUs / 1000;
}

/**
 * Traces each interaction it is passed to (`churnOnce`'s `around`) and keeps its GC milliseconds.
 * Tracing costs the page time of its own, the same in either browser of a pair.
 */
export function gcTracer(page: Page, cdp: CDPSession): AroundInteraction & { lastMs(): number } {
  let last = NaN;
  return {
    async before() {
      await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
    },
    async after() {
      const events: TraceEvent[] = [];
      const collect = ({ value }: { value: object[] }) => events.push(...(value as TraceEvent[]));
      cdp.on('Tracing.dataCollected', collect);
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      try {
        // A string, evaluated as is: no helper script of Playwright's is put in the page.
        await page.evaluate(`performance.mark(${JSON.stringify(PAGE_THREAD_MARK)})`);
      } finally {
        // Ended whatever happened, so the next run can trace again.
        await cdp.send('Tracing.end');
        await complete;
        cdp.off('Tracing.dataCollected', collect);
      }
      last = pageThreadGcMs(events);
    },
    lastMs: () => last,
  };
}
