// @vitest-environment happy-dom
// @vitest-environment-options {"url": "https://acme.lightning.force.com/"}
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CrmContext } from './context';
import { watchCrmContext, type CrmContextWatch } from './watch';

function contextFor(url: string): CrmContext | null {
  const parsed = new URL(url);
  const match = /^\/lightning\/r\/(\w+)\/(\w+)\/view/.exec(parsed.pathname);
  if (!match) return null;
  return {
    crm: 'salesforce',
    environment: 'production',
    pageType: 'record_view',
    object: match[1] ?? null,
    recordId: match[2] ?? null,
    surface: 'lightning',
    host: parsed.host,
    orgName: 'acme',
    sandboxName: null,
    app: null,
    listView: null,
    url,
  };
}

describe('watchCrmContext', () => {
  let stop: AbortController;
  const seen: Array<{ context: CrmContext | null; signal: AbortSignal }> = [];

  beforeEach(() => {
    vi.useFakeTimers();
    stop = new AbortController();
    seen.length = 0;
    window.history.replaceState(null, '', '/lightning/r/Account/001A/view');
  });
  afterEach(() => {
    stop.abort();
    vi.useRealTimers();
  });

  /** What the watch said, in order: each place reported, and each start and end of navigating. */
  const told: string[] = [];

  function start(detect = contextFor): CrmContextWatch {
    told.length = 0;
    return watchCrmContext({
      window,
      detect,
      signal: stop.signal,
      debounceMs: 50,
      pollMs: 100,
      onChange: (context, signal) => {
        seen.push({ context, signal });
        told.push(`place ${context?.recordId ?? null}`);
      },
      onNavigating: (navigating) => told.push(navigating ? 'navigating' : 'settled'),
    });
  }

  it('reports the context on start', () => {
    start();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.context?.recordId).toBe('001A');
  });

  it('reports a pushState navigation once, after the debounce, and aborts the old signal', async () => {
    start();
    window.history.pushState(null, '', '/lightning/r/Account/001B/view');
    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.context?.recordId).toBe('001B');
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(seen[1]?.signal.aborted).toBe(false);
  });

  it('reports only distinct places: a query change that keeps the place is ignored', async () => {
    start();
    window.history.replaceState(null, '', '/lightning/r/Account/001A/view?ws=%2Flightning%2Fr%2FCase');
    await vi.advanceTimersByTimeAsync(500);
    expect(seen).toHaveLength(1);
  });

  it('coalesces a burst of navigations into one report', async () => {
    start();
    window.history.pushState(null, '', '/lightning/r/Account/001B/view');
    window.dispatchEvent(new PopStateEvent('popstate'));
    window.history.pushState(null, '', '/lightning/r/Account/001C/view');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await vi.advanceTimersByTimeAsync(60);
    expect(seen.map((s) => s.context?.recordId)).toEqual(['001A', '001C']);
  });

  it('waits until the navigations have stopped for the debounce time, saying meanwhile that the user is navigating', async () => {
    const watch = start();
    expect(watch.navigating()).toBe(false);
    // A navigation every 30 ms for 150 ms: each one puts the report off by 50 ms.
    for (const id of ['001B', '001C', '001D', '001E', '001F']) {
      window.history.pushState(null, '', `/lightning/r/Account/${id}/view`);
      window.dispatchEvent(new PopStateEvent('popstate'));
      await vi.advanceTimersByTimeAsync(30);
      expect(watch.navigating()).toBe(true);
    }
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(19);
    expect(seen).toHaveLength(1);
    expect(watch.navigating()).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.map((s) => s.context?.recordId)).toEqual(['001A', '001F']);
    expect(watch.navigating()).toBe(false);
  });

  it('says when the user starts navigating, and when the navigation settled after the place it settled on', async () => {
    start();
    for (const id of ['001B', '001C']) {
      window.history.pushState(null, '', `/lightning/r/Account/${id}/view`);
      window.dispatchEvent(new PopStateEvent('popstate'));
      await vi.advanceTimersByTimeAsync(30);
    }
    expect(told).toEqual(['place 001A', 'navigating']);
    await vi.advanceTimersByTimeAsync(50);
    expect(told).toEqual(['place 001A', 'navigating', 'place 001C', 'settled']);
    // A navigation that stays in the same place settles without a new report.
    window.history.replaceState(null, '', '/lightning/r/Account/001C/view?tab=related');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await vi.advanceTimersByTimeAsync(60);
    expect(told.slice(4)).toEqual(['navigating', 'settled']);
  });

  it('reports leaving the CRM as null and reacts to hash changes', async () => {
    start();
    window.history.pushState(null, '', '/somewhere/else');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await vi.advanceTimersByTimeAsync(60);
    expect(seen.at(-1)?.context).toBeNull();
  });

  it('stops and aborts the current signal when its own signal aborts', async () => {
    start();
    stop.abort();
    expect(seen[0]?.signal.aborted).toBe(true);
    window.history.pushState(null, '', '/lightning/r/Account/001B/view');
    await vi.advanceTimersByTimeAsync(500);
    expect(seen).toHaveLength(1);
  });

  it('treats a detector that throws as "not a CRM page" instead of throwing into the page', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    start(() => {
      throw new Error('boom');
    });
    expect(seen[0]?.context).toBeNull();
  });
});
