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
});
