/**
 * Whether a found element is one the user can see on the current page. Lightning keeps
 * previously visited pages in the DOM and marks only the current one `.active`; modals and the
 * global header live outside these containers and so always stay in scope. While a modal is
 * open, nothing behind it can be used, so only what is inside the modal is in scope.
 */
import { containsComposed, isShadowRoot } from './composed';

// Lightning's record edit and new modals are SLDS `section[role=dialog][aria-modal=true]`
// (dom notes §1.2, CumulusCI `div.uiModal`); Dynamics and native pages use `<dialog>` opened
// with showModal(), which `:modal` matches.
const OPEN_MODAL = 'dialog:modal, [aria-modal="true"]';

/** The topmost rendered modal of the document (last in tree order), or null. */
export function openModal(doc: Document): Element | null {
  const modals = doc.querySelectorAll(OPEN_MODAL);
  for (let i = modals.length - 1; i >= 0; i--) {
    const modal = modals[i] as Element;
    if (modal.checkVisibility?.() ?? true) return modal;
  }
  return null;
}

// Inspector Reloaded scopes to `div.windowViewMode-normal.active` (standard navigation) and
// `section.oneConsoleTab div.windowViewMode-maximized.active.lafPageHost` (console); other tools
// use `div.oneContent.active`, `div.active.oneWorkspace` and `.tabContent.active.oneConsoleTab`.
// Any of these containers without `.active` is a cached, inactive page.
const PAGE_CONTAINER =
  'div.windowViewMode-normal, div.windowViewMode-maximized, div.oneContent, div.oneWorkspace, .oneConsoleTab.tabContent';

/** Whether any page container around `el`, across shadow boundaries, is inactive. */
export function inInactivePage(el: Element): boolean {
  // A plain selector list and an `.active` check is about twice as fast per ancestor as
  // `:is(…):not(.active)`, and this runs for every anchor on every locate.
  let node: Element | null = el;
  while (node) {
    const container: Element | null = node.closest(PAGE_CONTAINER);
    if (container && !container.classList.contains('active')) return true;
    const parent: Element | null | undefined = container?.parentElement;
    if (parent) {
      node = parent;
    } else {
      const root = (container ?? node).getRootNode();
      node = isShadowRoot(root) ? root.host : null;
    }
  }
  return false;
}

export type ScopeOutcome = 'in_scope' | 'inactive_page' | 'behind_modal' | 'hidden';

/** Whether `el` is a Lightning page container that is now the active page. */
export function isActivePageContainer(el: Element): boolean {
  return el.classList.contains('active') && el.matches(PAGE_CONTAINER);
}

export function scopeOf(el: Element, lightningPages: boolean, modal: Element | null = null): ScopeOutcome {
  if (modal !== null && !containsComposed(modal, el)) return 'behind_modal';
  if (lightningPages && inInactivePage(el)) return 'inactive_page';
  // Not rendered: `display: none` on it or on an ancestor in the flat tree (so a hidden host hides
  // its shadow content). Test DOMs without `checkVisibility` count as rendered.
  return (el.checkVisibility?.() ?? true) ? 'in_scope' : 'hidden';
}
