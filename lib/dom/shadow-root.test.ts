// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';

/** `shadow-root.ts` reads `chrome.dom` as it loads, so each test loads it afresh under its own stub. */
async function loadWithChromeDom() {
  const openOrClosedShadowRoot = vi.fn((element: HTMLElement) => element.shadowRoot);
  vi.stubGlobal('chrome', { dom: { openOrClosedShadowRoot } });
  vi.resetModules();
  const { shadowRootOf } = await import('./shadow-root');
  return { shadowRootOf, openOrClosedShadowRoot };
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('shadowRootOf with chrome.dom', () => {
  it("reaches the root of an element from another realm, as a same-origin frame's elements are", async () => {
    const { shadowRootOf } = await loadWithChromeDom();
    const host = document.createElement('my-field');
    const root = host.attachShadow({ mode: 'open' });
    // happy-dom's frames share one set of classes; another realm's are different constructors.
    vi.stubGlobal('HTMLElement', class OtherRealmHTMLElement {});
    expect(shadowRootOf(host)).toBe(root);
  });

  it('does not ask chrome.dom about SVG elements, which it throws for', async () => {
    const { shadowRootOf, openOrClosedShadowRoot } = await loadWithChromeDom();
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    expect(shadowRootOf(svg)).toBeNull();
    expect(openOrClosedShadowRoot).not.toHaveBeenCalled();
  });

  it('asks chrome.dom only about elements that can host a shadow root, and not when the root is open', async () => {
    const { shadowRootOf, openOrClosedShadowRoot } = await loadWithChromeDom();
    const closed = document.createElement('div');
    const closedRoot = closed.attachShadow({ mode: 'closed' });
    openOrClosedShadowRoot.mockImplementation((element: HTMLElement) => (element === closed ? closedRoot : element.shadowRoot));
    const open = document.createElement('records-field');
    const openRoot = open.attachShadow({ mode: 'open' });
    expect(shadowRootOf(closed)).toBe(closedRoot);
    expect(shadowRootOf(document.createElement('lightning-input'))).toBeNull();
    expect(openOrClosedShadowRoot).toHaveBeenCalledTimes(2);
    expect(shadowRootOf(open)).toBe(openRoot);
    for (const name of ['button', 'input', 'a', 'li', 'td', 'label', 'img']) expect(shadowRootOf(document.createElement(name))).toBeNull();
    expect(openOrClosedShadowRoot).toHaveBeenCalledTimes(2);
  });
});

describe('canHostShadowRoot', () => {
  it("follows attachShadow: custom elements and the standard's list of built-ins, HTML only", async () => {
    const { canHostShadowRoot } = await import('./shadow-root');
    const html = (name: string) => document.createElement(name);
    for (const name of ['div', 'span', 'section', 'article', 'body', 'h1', 'h6', 'p', 'nav', 'main', 'header', 'footer', 'aside', 'blockquote']) {
      expect(canHostShadowRoot(html(name)), name).toBe(true);
      expect(() => html(name).attachShadow({ mode: 'open' }), name).not.toThrow();
    }
    for (const name of ['records-record-layout-item', 'x-a']) expect(canHostShadowRoot(html(name)), name).toBe(true);
    for (const name of ['button', 'input', 'a', 'li', 'ul', 'table', 'td', 'label', 'img', 'form', 'select', 'textarea']) {
      expect(canHostShadowRoot(html(name)), name).toBe(false);
    }
    expect(canHostShadowRoot(document.createElementNS('http://www.w3.org/2000/svg', 'font-face'))).toBe(false);
  });
});
