// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { PageErrorTrail, parsePageErrorEvent } from './errors';
import { PAGE_ERROR_CHANNEL, pageErrorMessage } from './page-error-channel';

const now = new Date('2025-03-01T10:00:00.000Z');

describe('parsePageErrorEvent', () => {
  it('accepts what the MAIN-world script posts, with the source redacted', () => {
    const data = pageErrorMessage('error', new TypeError('x is undefined'), 'https://acme.lightning.force.com/auraFW/app.js?token=abc');
    expect(parsePageErrorEvent({ source: window, data }, window, now)).toEqual({
      at: '2025-03-01T10:00:00.000Z',
      kind: 'error',
      message: 'TypeError: x is undefined',
      source: 'https://acme.lightning.force.com/auraFW/app.js?token=[redacted]',
    });
    expect(parsePageErrorEvent({ source: window, data: pageErrorMessage('unhandledrejection', 'nope') }, window, now)).toEqual({
      at: '2025-03-01T10:00:00.000Z',
      kind: 'unhandledrejection',
      message: 'nope',
    });
  });

  it('ignores other windows, other channels and other shapes', () => {
    const data = pageErrorMessage('error', 'boom');
    const frame = {} as Window;
    expect(parsePageErrorEvent({ source: frame, data }, window, now)).toBeNull();
    expect(parsePageErrorEvent({ source: window, data: { ...data, channel: 'other' } }, window, now)).toBeNull();
    expect(parsePageErrorEvent({ source: window, data: { ...data, kind: 'warning' } }, window, now)).toBeNull();
    expect(parsePageErrorEvent({ source: window, data: { channel: PAGE_ERROR_CHANNEL, kind: 'error', message: 42 } }, window, now)).toBeNull();
    expect(parsePageErrorEvent({ source: window, data: 'hello' }, window, now)).toBeNull();
    expect(parsePageErrorEvent({ source: window, data: null }, window, now)).toBeNull();
    expect(parsePageErrorEvent({ source: window, data: [data] }, window, now)).toBeNull();
    expect(parsePageErrorEvent({ source: window, data: { ...data, source: 7 } }, window, now)).toBeNull();
    expect(parsePageErrorEvent({ source: window, data: { ...data, message: 'x'.repeat(10_001) } }, window, now)).toBeNull();
  });

  it('caps what it keeps, even if the page posts more', () => {
    const data = { channel: PAGE_ERROR_CHANNEL, kind: 'error', message: 'x'.repeat(5000), source: 'y'.repeat(5000) };
    const error = parsePageErrorEvent({ source: window, data }, window, now);
    expect(error?.message.length).toBe(500);
    expect(error?.source).toBe('[redacted]');
    expect(pageErrorMessage('error', 'z'.repeat(900)).message.length).toBe(500);
  });
});

describe('PageErrorTrail', () => {
  it('keeps the last 20 errors posted to the window', async () => {
    const trail = new PageErrorTrail();
    const controller = new AbortController();
    trail.listen(window, { signal: controller.signal, now: () => now });
    for (let i = 0; i < 22; i += 1) window.dispatchEvent(new MessageEvent('message', { source: window, data: pageErrorMessage('error', `boom ${i}`) }));
    expect(trail.list()).toHaveLength(20);
    expect(trail.list()[0]?.message).toBe('boom 2');
    controller.abort();
    window.dispatchEvent(new MessageEvent('message', { source: window, data: pageErrorMessage('error', 'late') }));
    expect(trail.list().at(-1)?.message).toBe('boom 21');
  });
});
