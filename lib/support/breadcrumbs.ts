/**
 * Breadcrumbs for a support request: the last pages the user reached (page type and object,
 * never a record id) and the labelled controls they clicked (a button's, link's, tab's or menu
 * item's accessible name). Values of inputs and anything typed are never read.
 */
import type { SupportContext } from '../api/support';
import type { CrmContext } from '../crm/context';
import { accessibleName, roleOf } from '../crm/locate/accessible-name';
import { Trail, trimText } from './trail';

export type Breadcrumb = SupportContext['breadcrumbs'][number];

const LABEL_MAX = 120;

/** Controls whose accessible name is a label someone designed, not data someone typed. */
const LABELLED_CONTROL = [
  'button',
  'a[href]',
  'summary',
  '[role="button"]',
  '[role="link"]',
  '[role="tab"]',
  '[role="menuitem"]',
  '[role="menuitemcheckbox"]',
  '[role="menuitemradio"]',
].join(',');

/** Where typed text lives: a click there is not recorded even if the element is labelled. */
const TEXT_ENTRY = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="textbox"], [role="combobox"]';

export class BreadcrumbTrail {
  private readonly trail = new Trail<Breadcrumb>();

  constructor(private readonly now: () => Date) {}

  /** A navigation: `record_view Account`. */
  navigated(context: CrmContext): void {
    const label = context.object === null ? context.pageType : `${context.pageType} ${context.object}`;
    this.trail.add({ at: this.now().toISOString(), kind: 'navigation', label: trimText(label, LABEL_MAX) });
  }

  clicked(label: string): void {
    this.trail.add({ at: this.now().toISOString(), kind: 'click', label: trimText(label, LABEL_MAX) });
  }

  list(): Breadcrumb[] {
    return this.trail.list();
  }
}

/**
 * Records clicks on labelled controls anywhere in `document` (capture, passive) until `signal`
 * aborts. `ignore` says which clicked elements are not the CRM's (Ombord's own overlay).
 */
export function recordClicks(
  document: Document,
  trail: BreadcrumbTrail,
  { signal, ignore = () => false }: { signal: AbortSignal; ignore?: (element: Element) => boolean },
): void {
  document.addEventListener(
    'click',
    (event) => {
      const path = event.composedPath().filter((target): target is Element => typeof (target as Element).matches === 'function');
      if (path.some(ignore)) return;
      const target = path[0];
      if (target === undefined || target.closest(TEXT_ENTRY) !== null) return;
      const control = path.find((element) => element.matches(LABELLED_CONTROL));
      const label = control === undefined ? '' : accessibleLabel(control);
      if (label !== '') trail.clicked(label);
    },
    { capture: true, passive: true, signal },
  );
}

/**
 * A control's name as assistive technology says it (the locator's computation). A control that
 * wraps a text entry gets no name from its content, so nothing typed can slip into the trail.
 */
export function accessibleLabel(control: Element): string {
  const wrapsTextEntry = control.querySelector(TEXT_ENTRY) !== null;
  return accessibleName(control, wrapsTextEntry ? null : roleOf(control));
}
