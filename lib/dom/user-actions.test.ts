// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listenForUserActions } from './user-actions';

afterEach(() => {
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('listenForUserActions', () => {
  it('hears clicks and input with one capture listener per kind, for every part that listens', () => {
    const added = vi.spyOn(document, 'addEventListener');
    const removed = vi.spyOn(document, 'removeEventListener');
    const all = new AbortController();
    const actions = listenForUserActions(document, all.signal);
    // Nobody listens yet: the page's clicks and keystrokes do not enter the extension's world.
    expect(added).not.toHaveBeenCalled();

    document.body.innerHTML = '<button>Save</button><input>';
    const heard: string[] = [];
    const session = new AbortController();
    actions.addEventListener('click', (event) => heard.push(`breadcrumbs ${event.type}`));
    actions.addEventListener('click', () => heard.push('session click'), { signal: session.signal });
    actions.addEventListener('input', () => heard.push('session input'), { signal: session.signal });
    expect(added.mock.calls.map(([type, , options]) => [type, options])).toEqual([
      ['click', expect.objectContaining({ capture: true, passive: true })],
      ['input', expect.objectContaining({ capture: true, passive: true })],
    ]);
    // The page stops the click from reaching the document's bubbling listeners: capture still hears it.
    document.querySelector('button')?.addEventListener('click', (event) => event.stopPropagation());
    document.querySelector('button')?.click();
    document.querySelector('input')?.dispatchEvent(new Event('input', { bubbles: true }));
    expect(heard).toEqual(['breadcrumbs click', 'session click', 'session input']);

    // The last input listener gone: no listener for input on the document any more.
    session.abort();
    expect(removed.mock.calls.map(([type]) => type)).toEqual(['input']);
    heard.length = 0;
    document.querySelector('button')?.click();
    document.querySelector('input')?.dispatchEvent(new Event('input', { bubbles: true }));
    expect(heard).toEqual(['breadcrumbs click']);

    // Listening again adds it again, once.
    const later = new AbortController();
    actions.addEventListener('input', () => heard.push('next session input'), { signal: later.signal });
    actions.addEventListener('input', () => heard.push('another input'), { signal: later.signal });
    expect(added.mock.calls.filter(([type]) => type === 'input')).toHaveLength(2);
    document.querySelector('input')?.dispatchEvent(new Event('input', { bubbles: true }));
    expect(heard).toEqual(['breadcrumbs click', 'next session input', 'another input']);

    all.abort();
    expect(removed.mock.calls.map(([type]) => type)).toEqual(['input', 'click', 'input']);
    heard.length = 0;
    document.querySelector('button')?.click();
    document.querySelector('input')?.dispatchEvent(new Event('input', { bubbles: true }));
    expect(heard).toEqual([]);
    actions.addEventListener('click', () => heard.push('too late'));
    document.querySelector('button')?.click();
    expect(heard).toEqual([]);
  });

  it('keeps calling the other listeners when one throws', () => {
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    try {
      const actions = listenForUserActions(document, new AbortController().signal);
      const heard: string[] = [];
      actions.addEventListener('click', () => {
        throw new Error('broken part');
      });
      actions.addEventListener('click', () => heard.push('next'));
      document.body.click();
      expect(heard).toEqual(['next']);
      expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'broken part' }));
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
