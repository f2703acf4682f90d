/**
 * Reaches an element's shadow root, closed ones included where the browser gives extensions the
 * key: Chrome's `chrome.dom.openOrClosedShadowRoot` (content scripts, Chrome 88+) and Firefox's
 * `Element.openOrClosedShadowRoot()` (content scripts only). Elsewhere only open roots.
 */

interface ChromeDomApi {
  openOrClosedShadowRoot(element: HTMLElement): ShadowRoot | null;
}

const chromeDom = (globalThis as { chrome?: { dom?: ChromeDomApi } }).chrome?.dom;

export function shadowRootOf(element: Element): ShadowRoot | null {
  if (chromeDom !== undefined) {
    // chrome.dom throws for non-HTML elements (SVG); those cannot host a shadow root anyway.
    return element instanceof HTMLElement ? chromeDom.openOrClosedShadowRoot(element) : null;
  }
  const firefox = (element as Element & { openOrClosedShadowRoot?: () => ShadowRoot | null }).openOrClosedShadowRoot;
  return typeof firefox === 'function' ? firefox.call(element) : element.shadowRoot;
}
