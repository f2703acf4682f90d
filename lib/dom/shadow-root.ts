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
  // chrome.dom throws for non-HTML elements (SVG), and most elements of a page cannot host a
  // shadow root at all: asking only about those that can saves an extension API call (~1.3 µs in
  // Chromium) for each of them.
  if (!canHostShadowRoot(element)) return null;
  const open = element.shadowRoot;
  if (open !== null) return open;
  // An HTML element (`canHostShadowRoot`), maybe of another realm: not `instanceof HTMLElement`.
  if (chromeDom !== undefined) return chromeDom.openOrClosedShadowRoot(element as HTMLElement);
  const firefox = (element as Element & { openOrClosedShadowRoot?: () => ShadowRoot | null }).openOrClosedShadowRoot;
  return typeof firefox === 'function' ? firefox.call(element) : null;
}

/**
 * The built-in elements `attachShadow` accepts (DOM standard, "valid shadow host name"); every
 * other built-in throws there, so it never has a shadow root.
 */
const BUILT_IN_SHADOW_HOSTS: ReadonlySet<string> = new Set([
  'article',
  'aside',
  'blockquote',
  'body',
  'div',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'main',
  'nav',
  'p',
  'section',
  'span',
]);

/**
 * Whether `element` can have a shadow root, open or closed: an HTML element that is one of those
 * built-ins or a custom element (a name with a hyphen). Walks over the page's trees skip the rest
 * before asking `shadowRootOf` (or what stands in for it).
 */
export function canHostShadowRoot(element: Element): boolean {
  if (!isHtmlElement(element)) return false;
  const name = element.localName;
  return name.includes('-') || BUILT_IN_SHADOW_HOSTS.has(name);
}

/**
 * By node type and namespace, not `instanceof HTMLElement`: an element of a same-origin frame
 * comes from that frame's realm, and the check would miss the field values inside its components.
 */
function isHtmlElement(element: Element): element is HTMLElement {
  return element.nodeType === 1 && element.namespaceURI === HTML_NAMESPACE;
}
