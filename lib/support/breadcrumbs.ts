/**
 * Breadcrumbs for a support request: the last pages the user reached (page type and object,
 * never a record id) and the labelled controls they clicked (a button's, link's, tab's or menu
 * item's accessible name). Values of inputs and anything typed are never read.
 */
import type { SupportContext } from '../api/support';
import type { CrmContext } from '../crm/context';
import { accessibleName, roleOf } from '../crm/locate/accessible-name';
import type { UserActions } from '../dom/user-actions';
import { Trail, trimText } from './trail';

export type Breadcrumb = SupportContext['breadcrumbs'][number];

const LABEL_MAX = 120;

/**
 * Controls whose accessible name is a label someone designed, not data someone typed: `button`,
 * `a[href]`, `summary` and these roles. Checked in script, not with a selector list per element
 * of the click's path (~40 on a Lightning page): this runs on every click in the CRM.
 */
const LABELLED_ROLES: ReadonlySet<string> = new Set(['button', 'link', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio']);

function isLabelledControl(element: Element): boolean {
  const name = element.localName;
  if (name === 'button' || name === 'summary' || (name === 'a' && element.hasAttribute('href'))) return true;
  const role = element.getAttribute('role');
  return role !== null && LABELLED_ROLES.has(role);
}

/** Where typed text lives: a click there is not recorded even if the element is labelled. */
const TEXT_ENTRY = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="textbox"], [role="combobox"]';

export class BreadcrumbTrail {
  // Kept as they came and written out only for a help request: clicks are the CRM's busiest moments.
  private readonly trail = new Trail<{ at: Date; kind: Breadcrumb['kind']; label: string }>();

  constructor(private readonly now: () => Date) {}

  /** A navigation: `record_view Account`. */
  navigated(context: CrmContext): void {
    const label = context.object === null ? context.pageType : `${context.pageType} ${context.object}`;
    this.trail.add({ at: this.now(), kind: 'navigation', label });
  }

  clicked(label: string): void {
    this.trail.add({ at: this.now(), kind: 'click', label });
  }

  list(): Breadcrumb[] {
    return this.trail.list().map(({ at, kind, label }) => ({ at: at.toISOString(), kind, label: trimText(label, LABEL_MAX) }));
  }
}

/**
 * Records clicks on labelled controls anywhere in the CRM page (the page's `UserActions`) until
 * `signal` aborts. `ignore` says which clicked elements are not the CRM's (Ombord's own overlay).
 */
export function recordClicks(
  actions: UserActions,
  trail: BreadcrumbTrail,
  { signal, ignore = () => false }: { signal: AbortSignal; ignore?: (element: Element) => boolean },
): void {
  actions.addEventListener(
    'click',
    (event) => {
      const path = event.composedPath().filter((target): target is Element => (target as Partial<Node>).nodeType === Node.ELEMENT_NODE);
      if (path.some(ignore)) return;
      const target = path[0];
      if (target === undefined || target.closest(TEXT_ENTRY) !== null) return;
      const control = path.find(isLabelledControl);
      const label = control === undefined ? '' : accessibleLabel(control);
      if (label !== '') trail.clicked(label);
    },
    { signal },
  );
}

/**
 * A control's name as assistive technology says it (the locator's computation). A control that
 * wraps a text entry gets no name from its content, so nothing typed can slip into the trail.
 */
export function accessibleLabel(control: Element): string {
  if (control.querySelector(TEXT_ENTRY) !== null) return accessibleName(control, null);
  // `summary` has no ARIA role, but browsers name it from its content, as they do a button.
  return accessibleName(control, roleOf(control) ?? (control.localName === 'summary' ? 'button' : null));
}
