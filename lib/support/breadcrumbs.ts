/**
 * Breadcrumbs for a support request: the last pages the user reached (page type and object,
 * never a record id) and the labelled controls they clicked (a button's, link's, tab's or menu
 * item's accessible name). Values of inputs and anything typed are never read.
 */
import type { SupportContext } from '../api/support';
import type { CrmContext } from '../crm/context';
import { accessibleName, roleOf } from '../crm/locate/accessible-name';
import { pathParent } from '../crm/locate/composed';
import type { UserActions } from '../dom/user-actions';
import { Trail, trimText } from './trail';

export type Breadcrumb = SupportContext['breadcrumbs'][number];

const LABEL_MAX = 120;

/**
 * Controls whose accessible name is a label someone designed, not data someone typed: `button`,
 * `a[href]`, `summary` and these roles.
 */
const LABELLED_ROLES: ReadonlySet<string> = new Set(['button', 'link', 'tab', 'menuitem', 'menuitemcheckbox', 'menuitemradio']);

/** Roles of where typed text lives (with `input`, `textarea`, `select` and editable content). */
const TEXT_ENTRY_ROLES: ReadonlySet<string> = new Set(['textbox', 'combobox']);
const TEXT_ENTRY_TAGS: ReadonlySet<string> = new Set(['input', 'textarea', 'select']);

/** A text entry a control can be inside of (an option in a combobox's list). */
const TEXT_ENTRY_AROUND = [...TEXT_ENTRY_ROLES].map((role) => `[role="${role}"]`).join(', ');
/** Where typed text lives, as a selector: a control wrapping one is named without its content. */
const TEXT_ENTRY = [...TEXT_ENTRY_TAGS, '[contenteditable=""]', '[contenteditable="true"]', TEXT_ENTRY_AROUND].join(', ');

/** `Node.ELEMENT_NODE`, without looking up `Node` on the global object for each element. */
const ELEMENT_NODE = 1;
const isElement = (target: EventTarget | null | undefined): target is Element => (target as Partial<Node> | null | undefined)?.nodeType === ELEMENT_NODE;

/**
 * The labelled control a click went through first, or null when there is none, when the click
 * was in or on a text entry (a link in a rich-text field is what the user typed) or when it was
 * inside `ignored`. This runs on every click in the CRM, in a listener on the document.
 *
 * A target the document sees without an open shadow root is where the click happened (a closed
 * root's inside is not in the document's path either), and its composed ancestors are the rest
 * of the path: they are walked up to the control only. `composedPath()` would make every node of
 * the path, ~30 on a Lightning page and fresh after each re-render, for the extension's world:
 * ~10 µs a click. A target with an open shadow root had the click inside it: its path is built.
 */
function clickedControl(event: Event, ignored: Element | null): Element | null {
  const target = event.target;
  if (isElement(target) && target.shadowRoot === null) {
    if (ignored !== null && ignored.contains(target)) return null;
    return firstControl(pathFrom(target));
  }
  const path = event.composedPath();
  if (ignored !== null && path.includes(ignored)) return null;
  return firstControl(path);
}

/** `element` and its ancestors in the order `composedPath()` has them, through open slots and shadow roots. */
function* pathFrom(element: Element): Generator<Node> {
  for (let node: Node | null = element; node !== null; node = pathParent(node)) yield node;
}

/**
 * The first labelled control on a click's path, read from the target to the control only, each
 * element's tag and role once; above the control, the browser checks.
 */
function firstControl(path: Iterable<EventTarget>): Element | null {
  for (const element of path) {
    if (!isElement(element)) continue;
    const name = element.localName;
    if (TEXT_ENTRY_TAGS.has(name)) return null;
    const role = element.getAttribute('role');
    if (role !== null && TEXT_ENTRY_ROLES.has(role)) return null;
    if (name === 'button' || name === 'summary' || (name === 'a' && element.hasAttribute('href')) || (role !== null && LABELLED_ROLES.has(role))) {
      // Editable content is inherited: the control's own flag says whether an ancestor set it.
      if ((element as Partial<HTMLElement>).isContentEditable === true || element.parentElement?.closest(TEXT_ENTRY_AROUND) != null) return null;
      return element;
    }
  }
  return null;
}

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
 * `signal` aborts. `ignoreWithin` says where clicks are not the CRM's (Ombord's own overlay): an
 * element whose clicks, its own and its content's, are not recorded.
 */
export function recordClicks(
  actions: UserActions,
  trail: BreadcrumbTrail,
  { signal, ignoreWithin = () => null }: { signal: AbortSignal; ignoreWithin?: () => Element | null },
): void {
  actions.addEventListener(
    'click',
    (event) => {
      const control = clickedControl(event, ignoreWithin());
      const label = control === null ? '' : accessibleLabel(control);
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
  // Most controls hold text only: looking for a text entry among no elements is skipped.
  if (control.firstElementChild !== null && control.querySelector(TEXT_ENTRY) !== null) return accessibleName(control, null);
  // `summary` has no ARIA role, but browsers name it from its content, as they do a button.
  return accessibleName(control, roleOf(control) ?? (control.localName === 'summary' ? 'button' : null));
}
