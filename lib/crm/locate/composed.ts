/**
 * Walking up the composed tree: `Element.closest`, `parentElement` and `getRootNode` stop at a
 * shadow root, but an anchor inside a component still belongs to what surrounds the component's host.
 */

export function isShadowRoot(node: Node): node is ShadowRoot {
  // Duck-typed rather than `instanceof ShadowRoot`: the document may come from another realm.
  return node.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in node;
}

/** The parent element, or the host when `el` is at the top of a shadow root. */
export function composedParent(el: Element): Element | null {
  const parent = el.parentElement;
  if (parent) return parent;
  const root = el.getRootNode();
  return isShadowRoot(root) ? root.host : null;
}

/**
 * The next node up an event's composed path (the flat tree): the slot a node is assigned to,
 * else its parent, and the host for a shadow root. Floating UI walks ancestors the same way.
 */
export function pathParent(node: Node): Node | null {
  const parent = (node as Partial<Element>).assignedSlot ?? node.parentNode;
  return parent !== null && isShadowRoot(parent) ? parent.host : parent;
}

/** Like `el.closest(selector)`, continuing from the host of each shadow root on the way up. */
export function closestComposed(el: Element, selector: string): Element | null {
  let node: Element | null = el;
  while (node) {
    const hit = node.closest(selector);
    if (hit) return hit;
    const root = node.getRootNode();
    node = isShadowRoot(root) ? root.host : null;
  }
  return null;
}

/** The nearest of `el` and its composed ancestors whose tag is one of `localNames`. */
export function closestComposedTag(el: Element, localNames: ReadonlySet<string>): Element | null {
  for (let node: Element | null = el; node; node = composedParent(node)) {
    if (localNames.has(node.localName)) return node;
  }
  return null;
}

/** Whether `ancestor` is `el` or one of its composed ancestors. */
export function containsComposed(ancestor: Element, el: Element): boolean {
  for (let node: Element | null = el; node; node = composedParent(node)) {
    if (node === ancestor) return true;
  }
  return false;
}

/** The composed ancestors of `el`, nearest first, up to and including `<html>`. */
export function composedAncestors(el: Element): Element[] {
  const ancestors: Element[] = [];
  for (let node = composedParent(el); node; node = composedParent(node)) ancestors.push(node);
  return ancestors;
}

/** The shadow roots enclosing `el`, innermost first (empty when `el` is in the document tree). */
export function enclosingShadowRoots(el: Element): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  let root = el.getRootNode();
  while (isShadowRoot(root)) {
    roots.push(root);
    root = root.host.getRootNode();
  }
  return roots;
}
