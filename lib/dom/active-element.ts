/**
 * Where focus is on a page that uses shadow DOM: `document.activeElement` stops at the outermost
 * shadow host (Ombord's overlay host, or a CRM component), so this walks into open shadow roots.
 */

/** The focused element, looking through open shadow roots. */
export function deepActiveElement(doc: Document): Element | null {
  let active = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
