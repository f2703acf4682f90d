/**
 * Reaches an element's shadow root, closed ones included where the browser gives extensions the
 * key: Chrome's `chrome.dom.openOrClosedShadowRoot` (content scripts, Chrome 88+) and Firefox's
 * `Element.openOrClosedShadowRoot()` (content scripts only). Elsewhere only open roots.
 */

interface ChromeDomApi {
  openOrClosedShadowRoot(element: HTMLElement): ShadowRoot | null;
}

const chromeDom = (globalThis as { chrome?: { dom?: ChromeDomApi } }).chrome?.dom;

const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

export function shadowRootOf(element: Element): ShadowRoot | null {
  if (chromeDom !== undefined) {
    // chrome.dom throws for non-HTML elements (SVG); those cannot host a shadow root anyway.
    return isHtmlElement(element) ? chromeDom.openOrClosedShadowRoot(element) : null;
  }
  const firefox = (element as Element & { openOrClosedShadowRoot?: () => ShadowRoot | null }).openOrClosedShadowRoot;
  return typeof firefox === 'function' ? firefox.call(element) : element.shadowRoot;
}

/**
 * By node type and namespace, not `instanceof HTMLElement`: an element of a same-origin frame
 * comes from that frame's realm, and the check would miss the field values inside its components.
 */
function isHtmlElement(element: Element): element is HTMLElement {
  return element.nodeType === 1 && element.namespaceURI === HTML_NAMESPACE;
}
