/**
 * Where a help screenshot must be covered before it leaves the browser: every field value on
 * screen, as rectangles in viewport CSS pixels. Values are found in the page, in open and closed
 * shadow roots and in same-origin frames; a frame we cannot look into is covered whole.
 *
 * What counts as a value: what a user types or picks (inputs except buttons, checkboxes, radios
 * and hidden ones; textareas; selects; editable regions) and what the CRMs render as a record's
 * field output — see /work/shared/research/crm-dom-notes.md §1.1–1.2 (Lightning) and §2.1–2.2
 * (Unified Interface). Where a field's container is on screen but none of its value parts was
 * recognised (a custom component, a new Lightning release), the whole field is covered:
 * hiding a label too is better than showing a value.
 */
import { composedParent } from '../crm/locate/composed';
import { canHostShadowRoot } from '../dom/shadow-root';

export interface MaskRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Viewport {
  width: number;
  height: number;
}

export interface PageMasks {
  /** The layout viewport the rectangles are relative to (`innerWidth` × `innerHeight`). */
  viewport: Viewport;
  rects: MaskRect[];
}

/** Added on every side, so anti-aliased glyph edges and focus rings do not peek out. */
export const MASK_PADDING_PX = 2;

/** Inputs whose value is a label or a yes/no, not something the user wrote. */
const NOT_VALUE_INPUT_TYPES = ['button', 'submit', 'reset', 'image', 'checkbox', 'radio', 'hidden'];

const CONTROL_SELECTOR = [
  `input:not(${NOT_VALUE_INPUT_TYPES.map((type) => `[type="${type}" i]`).join(', ')})`,
  'textarea',
  'select',
  '[contenteditable]:not([contenteditable="false" i])',
  // ARIA widgets standing in for inputs (rich text editors, Lightning's comboboxes, spin buttons).
  '[role="textbox"]',
  '[role="combobox"]',
  '[role="searchbox"]',
  '[role="spinbutton"]',
].join(',');

const CRM_VALUE_SELECTOR = [
  // Lightning: the value half of every SLDS form element (record layouts, Dynamic Forms, edit
  // modals) and the output element inside it (§1.1 [C], [E]).
  '.slds-form-element__control',
  '[data-output-element-id="output-field"]',
  '.test-id__field-value',
  // Lightning: the highlights panel's values (§1.2), rich text and formulas, lookups and record links.
  'records-highlights-details-item .fieldComponent',
  'records-formula-output',
  'records-formatted-rich-text',
  'force-lookup',
  'force-owner-lookup',
  'a[data-recordid]',
  // Unified Interface: every field control, in the body, the header and the process bar (§2.1),
  // and the record's primary name in the form header.
  '[data-id*=".fieldControl"]',
  '[data-id="header_title"]',
  // List views and grids in both CRMs: every cell holds a field value.
  '[role="gridcell"]',
  '[role="rowheader"]',
  'lightning-datatable td',
  'lightning-datatable th[scope="row"]',
].join(',');

/** Lightning's formatted outputs (`lightning-formatted-text`, `-number`, `-phone`, …): matched by tag prefix. */
const FORMATTED_OUTPUT_PREFIX = 'lightning-formatted-';

/**
 * One field, label and value together: covered whole when no value part inside it was
 * recognised. Lightning's by tag name (`record_flexipage-record-field` is Dynamic Forms' field;
 * its underscore is more than some selector engines accept), the others by selector.
 */
const FIELD_CONTAINER_TAGS = new Set(['records-record-layout-item', 'record_flexipage-record-field', 'records-highlights-details-item']);
const FIELD_CONTAINER_SELECTOR = ['.forcePageBlockItemView', '[data-id$="-FieldSectionItemContainer"]'].join(',');

const FRAME_SELECTOR = 'iframe, frame';

export interface CollectMaskOptions {
  /** The top window; its document is searched, its viewport clips the rectangles. */
  window: Window;
  /** Reaches closed roots too (`lib/dom/shadow-root.ts`); returns null for Ombord's own overlay host. */
  shadowRootOf: (element: Element) => ShadowRoot | null;
  padding?: number;
}

/** Every field value on screen in `window`, padded and clipped to the viewport. */
export function collectFieldMasks({ window, shadowRootOf, padding = MASK_PADDING_PX }: CollectMaskOptions): PageMasks {
  const viewport = { width: window.innerWidth, height: window.innerHeight };
  const rects: MaskRect[] = [];
  collectInDocument(window.document, { x: 0, y: 0 }, { x: 0, y: 0, ...viewport }, shadowRootOf, padding, rects);
  return { viewport, rects: withoutContained(rects) };
}

function collectInDocument(
  doc: Document,
  offset: { x: number; y: number },
  clip: MaskRect,
  shadowRootOf: (element: Element) => ShadowRoot | null,
  padding: number,
  out: MaskRect[],
): void {
  const elements = elementsOf(doc, shadowRootOf);
  const values = new Set(elements.filter(isValue));
  const frames: HTMLIFrameElement[] = [];
  for (const element of elements) {
    if (!element.matches(FRAME_SELECTOR)) continue;
    const inner = frameDocument(element);
    if (inner === null) values.add(element);
    else frames.push(element as HTMLIFrameElement);
  }
  // A field with no recognised value part inside (across shadow boundaries) is covered whole.
  const holdsValue = new Set<Element>();
  for (const value of values) {
    for (let node = composedParent(value); node !== null && !holdsValue.has(node); node = composedParent(node)) holdsValue.add(node);
  }
  for (const element of elements) {
    const isField = FIELD_CONTAINER_TAGS.has(element.localName) || element.matches(FIELD_CONTAINER_SELECTOR);
    if (isField && !holdsValue.has(element) && !values.has(element)) values.add(element);
  }

  for (const element of values) {
    for (const rect of visibleRectsOf(element, shadowRootOf)) {
      const padded = { x: rect.x + offset.x - padding, y: rect.y + offset.y - padding, width: rect.width + 2 * padding, height: rect.height + 2 * padding };
      const clipped = intersect(padded, clip);
      if (clipped !== null) out.push(clipped);
    }
  }

  for (const frame of frames) {
    const inner = frameDocument(frame);
    if (inner === null || !isShown(frame)) continue;
    const box = frame.getBoundingClientRect();
    const style = frame.ownerDocument.defaultView?.getComputedStyle(frame);
    const left = box.left + offset.x + frame.clientLeft + (parseFloat(style?.paddingLeft ?? '') || 0);
    const top = box.top + offset.y + frame.clientTop + (parseFloat(style?.paddingTop ?? '') || 0);
    const content = intersect({ x: left, y: top, width: frame.clientWidth, height: frame.clientHeight }, clip);
    if (content !== null) collectInDocument(inner, { x: left, y: top }, content, shadowRootOf, padding, out);
  }
}

/** Every element of `doc` and of every shadow root below it, outermost tree first. */
function elementsOf(doc: Document, shadowRootOf: (element: Element) => ShadowRoot | null): Element[] {
  const trees: Array<Document | ShadowRoot> = [doc];
  const elements: Element[] = [];
  for (let index = 0; index < trees.length; index += 1) {
    const tree = trees[index] as Document | ShadowRoot;
    for (const element of tree.querySelectorAll('*')) {
      elements.push(element);
      const root = canHostShadowRoot(element) ? shadowRootOf(element) : null;
      if (root !== null) trees.push(root);
    }
  }
  return elements;
}

function isValue(element: Element): boolean {
  return element.localName.startsWith(FORMATTED_OUTPUT_PREFIX) || element.matches(CONTROL_SELECTOR) || element.matches(CRM_VALUE_SELECTOR);
}

/** A frame's document when this script may read it (same origin); null for any other frame. */
function frameDocument(frame: Element): Document | null {
  try {
    return (frame as HTMLIFrameElement).contentDocument;
  } catch {
    return null;
  }
}

/** Whether the element is rendered and not `visibility: hidden` (Ombord's overlay is hidden this way while capturing). */
function isShown(element: Element): boolean {
  if (typeof element.checkVisibility === 'function') {
    // `checkVisibilityCSS` is the name Chrome 105–120 knew `visibilityProperty` by.
    return element.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true });
  }
  const style = element.ownerDocument.defaultView?.getComputedStyle(element);
  return style !== undefined && style.display !== 'none' && style.visibility !== 'hidden' && style.visibility !== 'collapse';
}

/**
 * Where the element shows on screen. Its border box, as a whole rather than `getClientRects()`:
 * an inline custom element that wraps blocks reports line fragments that miss its block
 * children, and a value must never peek out.
 *
 * An element with no box of its own (`display: contents`, or laid out at 0×0) shows its content:
 * measured with a Range over its children and over its shadow roots' content. When even that
 * measures nothing although the element is rendered (content generated by CSS, a root we cannot
 * open), its nearest ancestor with a box is covered instead.
 */
function visibleRectsOf(element: Element, shadowRootOf: (element: Element) => ShadowRoot | null): MaskRect[] {
  const contents = displayOf(element) === 'contents';
  if (!contents) {
    if (!isShown(element)) return [];
    const box = boxOf(element.getBoundingClientRect());
    if (box !== null) return [box];
  }
  const rects = contentRectsOf(element, shadowRootOf);
  if (rects.length > 0 || !contents) return rects;
  return nearestAncestorBoxOf(element);
}

function displayOf(element: Element): string | undefined {
  return element.ownerDocument.defaultView?.getComputedStyle(element).display;
}

/** The boxes of everything inside `node`: its children, and the content of each shadow root at or below it. */
function contentRectsOf(node: Element | ShadowRoot, shadowRootOf: (element: Element) => ShadowRoot | null): MaskRect[] {
  const range = node.ownerDocument.createRange();
  range.selectNodeContents(node);
  const own = boxOf(range.getBoundingClientRect());
  const rects = own === null ? [] : [own];
  const hosts = node.nodeType === node.ELEMENT_NODE ? [node as Element, ...node.querySelectorAll('*')] : [...node.querySelectorAll('*')];
  for (const host of hosts) {
    const root = canHostShadowRoot(host) ? shadowRootOf(host) : null;
    if (root !== null) rects.push(...contentRectsOf(root, shadowRootOf));
  }
  return rects;
}

/** The box of the nearest composed ancestor that has one; none when that ancestor is not rendered (inside `display: none`). */
function nearestAncestorBoxOf(element: Element): MaskRect[] {
  for (let node = composedParent(element); node !== null; node = composedParent(node)) {
    if (displayOf(node) === 'contents') continue;
    if (!isShown(node)) return [];
    const box = boxOf(node.getBoundingClientRect());
    if (box !== null) return [box];
  }
  return [];
}

function boxOf(rect: DOMRect): MaskRect | null {
  return rect.width > 0 && rect.height > 0 ? { x: rect.left, y: rect.top, width: rect.width, height: rect.height } : null;
}

export function intersect(a: MaskRect, b: MaskRect): MaskRect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

function contains(outer: MaskRect, inner: MaskRect): boolean {
  return (
    outer.x <= inner.x && outer.y <= inner.y && outer.x + outer.width >= inner.x + inner.width && outer.y + outer.height >= inner.y + inner.height
  );
}

/** Drops rectangles another one already covers (a control inside its field's value area), keeping one of equal ones. */
export function withoutContained(rects: readonly MaskRect[]): MaskRect[] {
  return rects.filter((rect, index) => !rects.some((other, otherIndex) => otherIndex !== index && contains(other, rect) && (!contains(rect, other) || otherIndex < index)));
}
