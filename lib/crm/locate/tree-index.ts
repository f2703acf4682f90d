/**
 * An index of the trees a locate can search — the document and its shadow roots, open ones
 * and, through `shadowRootOf`, closed ones — and, on first use, of the elements carrying a CRM
 * API-name attribute, so that most strategies are a map lookup instead of a query per tree.
 *
 * It is a snapshot: built when a locate first needs it and dropped when the locate ends; while a
 * locate waits, mutation records extend it (see `locate.ts`). Nothing observes the page between
 * locates, so an idle extension costs the page nothing.
 */
import { canHostShadowRoot } from '../../dom/shadow-root';
import { isShadowRoot } from './composed';

export type ShadowRootOf = (el: Element) => ShadowRoot | null;
/** Stands for "no shadow roots": the walk that looks for them is skipped altogether. */
export const NO_SHADOW_ROOTS: ShadowRootOf = () => null;
/** Where candidates are queried: whole trees, or one element's subtree for a local search. */
export type SearchRoot = Document | ShadowRoot | Element;

export type IndexedAttribute = 'data-target-selection-name' | 'data-id';
export interface IndexKey {
  attribute: IndexedAttribute;
  value: string;
}

/**
 * `sfdc:RecordField.Account.Phone` is also listed as `sfdc:RecordField.*.Phone`, for strategies
 * that leave the object out (`*` never appears in an API name).
 */
export function anyObjectSelectionName(value: string): string | null {
  const first = value.indexOf('.');
  const last = value.lastIndexOf('.');
  return value.startsWith('sfdc:') && first !== last ? `${value.slice(0, first)}.*${value.slice(last)}` : null;
}

/**
 * Calls `found` for each shadow root hosted by a descendant of `parent` (not below those roots).
 * The hot loop of a cold locate: closed roots need one `shadowRootOf` call (an extension API
 * call in the content script) per element that can host one; walking siblings avoids allocating
 * a NodeList per tree, which measured faster in Chromium.
 */
function forEachShadowRoot(parent: ParentNode, shadowRootOf: ShadowRootOf, found: (root: ShadowRoot) => void): void {
  if (shadowRootOf === NO_SHADOW_ROOTS) return;
  for (let el = parent.firstElementChild; el; el = el.nextElementSibling) {
    const shadowRoot = canHostShadowRoot(el) ? shadowRootOf(el) : null;
    if (shadowRoot) found(shadowRoot);
    if (el.firstElementChild) forEachShadowRoot(el, shadowRootOf, found);
  }
}

/** `start` and the shadow roots below it, for a search bounded to one subtree. */
export function subtreeRoots(start: Element, shadowRootOf: ShadowRootOf): SearchRoot[] {
  const roots: SearchRoot[] = [start];
  const add = (root: ShadowRoot) => {
    roots.push(root);
    forEachShadowRoot(root, shadowRootOf, add);
  };
  const own = shadowRootOf(start);
  if (own) add(own);
  forEachShadowRoot(start, shadowRootOf, add);
  return roots;
}

export class TreeIndex {
  /** Searched in this order: the document, then shadow roots depth-first as found. */
  readonly roots = new Set<Document | ShadowRoot>();
  /** Called for each shadow root the index finds, so that a waiting locate can observe it. */
  onShadowRoot: ((root: ShadowRoot) => void) | null = null;
  // Per attribute, once something looked it up: one native query per tree finds the few elements
  // that carry it, cheaper than reading attributes during the walk.
  private readonly byAttribute = new Map<IndexedAttribute, Map<string, Element[]>>();
  private readonly addRoot = (root: ShadowRoot) => this.addTree(root);

  constructor(private readonly shadowRootOf: ShadowRootOf) {}

  /** Indexes a document or shadow root, and every shadow root below it. */
  addTree(root: Document | ShadowRoot): void {
    if (this.roots.has(root)) return;
    this.roots.add(root);
    if (isShadowRoot(root)) this.onShadowRoot?.(root);
    for (const [attribute, values] of this.byAttribute) this.addAll(root, attribute, values);
    forEachShadowRoot(root, this.shadowRootOf, this.addRoot);
  }

  /** Indexes an element that appeared in an indexed tree, with everything below it. */
  addSubtree(el: Element): void {
    const shadowRoot = this.shadowRootOf(el);
    if (shadowRoot) this.addTree(shadowRoot);
    forEachShadowRoot(el, this.shadowRootOf, this.addRoot);
    for (const [attribute, values] of this.byAttribute) {
      this.add(el, attribute, values);
      this.addAll(el, attribute, values);
    }
  }

  /** Re-reads an attribute that changed on an element of an indexed tree. */
  addAttribute(el: Element, attribute: IndexedAttribute): void {
    const values = this.byAttribute.get(attribute);
    if (values) this.add(el, attribute, values);
  }

  /** Elements that carried `key` when seen; possibly stale, so callers re-check them. */
  lookup({ attribute, value }: IndexKey): readonly Element[] {
    let values = this.byAttribute.get(attribute);
    if (!values) {
      values = new Map();
      this.byAttribute.set(attribute, values);
      for (const root of this.roots) this.addAll(root, attribute, values);
    }
    return values.get(value) ?? [];
  }

  private addAll(root: ParentNode, attribute: IndexedAttribute, values: Map<string, Element[]>): void {
    const carriers = root.querySelectorAll(`[${attribute}]`);
    for (let i = 0; i < carriers.length; i++) this.add(carriers[i] as Element, attribute, values);
  }

  private add(el: Element, attribute: IndexedAttribute, values: Map<string, Element[]>): void {
    const value = el.getAttribute(attribute);
    if (value === null) return;
    push(values, value, el);
    const anyObject = attribute === 'data-target-selection-name' ? anyObjectSelectionName(value) : null;
    if (anyObject !== null) push(values, anyObject, el);
  }
}

function push(values: Map<string, Element[]>, value: string, el: Element): void {
  const list = values.get(value);
  if (!list) values.set(value, [el]);
  else if (!list.includes(el)) list.push(el);
}
