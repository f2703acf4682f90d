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
    const all = new AbortController();
    const actions = listenForUserActions(document, all.signal);
    expect(added.mock.calls.map(([type, , options]) => [type, options])).toEqual([
      ['click', expect.objectContaining({ capture: true, passive: true })],
      ['input', expect.objectContaining({ capture: true, passive: true })],
    ]);

    document.body.innerHTML = '<button>Save</button><input>';
    const heard: string[] = [];
    const session = new AbortController();
    actions.addEventListener('click', (event) => heard.push(`breadcrumbs ${event.type}`));
    actions.addEventListener('click', () => heard.push('session click'), { signal: session.signal });
    actions.addEventListener('input', () => heard.push('session input'), { signal: session.signal });
    // The page stops the click from reaching the document's bubbling listeners: capture still hears it.
    document.querySelector('button')?.addEventListener('click', (event) => event.stopPropagation());
    document.querySelector('button')?.click();
    document.querySelector('input')?.dispatchEvent(new Event('input', { bubbles: true }));
    expect(heard).toEqual(['breadcrumbs click', 'session click', 'session input']);

    session.abort();
    heard.length = 0;
    document.querySelector('button')?.click();
    document.querySelector('input')?.dispatchEvent(new Event('input', { bubbles: true }));
    expect(heard).toEqual(['breadcrumbs click']);

    all.abort();
    heard.length = 0;
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
