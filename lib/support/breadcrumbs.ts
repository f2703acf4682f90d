/**
 * Breadcrumbs for a support request: the last pages the user reached (page type and object,
 * never a record id) and the labelled controls they clicked (a button's, link's, tab's or menu
 * item's accessible name). Values of inputs and anything typed are never read.
 */
import type { SupportContext } from '../api/support';
import type { CrmContext } from '../crm/context';
import { SUPPORT_TRAIL_MAX } from '../api/support-limits';
import { accessibleName, roleOf } from '../crm/locate/accessible-name';
import { closestComposed, composedParent, pathParent } from '../crm/locate/composed';
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
/** What around a control can make it typed content: editable content (or an island of it that is not) and text entries. */
const TYPED_AROUND = `[contenteditable], ${TEXT_ENTRY_AROUND}`;

/** `Node.ELEMENT_NODE`, without looking up `Node` on the global object for each element. */
const ELEMENT_NODE = 1;
const isElement = (target: EventTarget | null | undefined): target is Element => (target as Partial<Node> | null | undefined)?.nodeType === ELEMENT_NODE;

/**
 * How many clicks wait for their labels at most; past that, they are labelled at once. Only the
 * newest `SUPPORT_TRAIL_MAX` labelled ones can stay in the trail, so the labels of a burst
 * are read newest first until that many are found, and the older clicks are never read.
 */
const PENDING_MAX = 3 * SUPPORT_TRAIL_MAX;
/** The labels of the clicks heard are read within this. */
const LABEL_WITHIN_MS = 1000;

/**
 * A click heard on the CRM page, labelled later. `path` is the event's composed path when the
 * target had an open shadow root (the click was inside it); otherwise the path is walked up from
 * the target, which the document sees where the click happened.
 */
interface HeardClick {
  at: number;
  target: Element;
  path: readonly EventTarget[] | null;
  /** Where clicks are not the CRM's (Ombord's overlay), as it was at the click. */
  ignored: Element | null;
}

/**
 * The labelled control a click went through first, or null when there is none, when the click
 * was in or on a text entry (a link in a rich-text field is what the user typed) or when it was
 * inside `ignored`.
 */
function clickedControl({ target, path, ignored }: HeardClick): Element | null {
  if (path !== null) return ignored !== null && path.includes(ignored) ? null : firstControl(path);
  if (ignored !== null && ignored.contains(target)) return null;
  return firstControl(pathFrom(target));
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
      return isTypedContent(element) ? null : element;
    }
  }
  return null;
}

/**
 * Whether the control is part of what the user types: editable content, or inside a text entry
 * (an option in a combobox's list), across shadow roots. A control the page removed after the
 * click (Lightning re-renders on most actions) has no style any more, so `isContentEditable`
 * says false there: the nearest `contenteditable` attribute around it decides as well. One walk
 * up the composed tree, one `closest` per tree, answers both (the hot part of each click's label).
 */
function isTypedContent(control: Element): boolean {
  if (control.isConnected && (control as Partial<HTMLElement>).isContentEditable === true) return true;
  let editableDecided = false;
  for (let hit = closestComposed(control, TYPED_AROUND); hit !== null; ) {
    // The control's own role is a labelled one: only an element around it is a text entry.
    if (hit !== control) {
      const role = hit.getAttribute('role');
      if (role !== null && TEXT_ENTRY_ROLES.has(role)) return true;
    }
    // The nearest `contenteditable` decides; an island that is not editable may sit in a text entry still.
    const editable = hit.getAttribute('contenteditable');
    if (editable !== null && !editableDecided) {
      if (editable.toLowerCase() !== 'false') return true;
      editableDecided = true;
    }
    const above = composedParent(hit);
    hit = above === null ? null : closestComposed(above, TYPED_AROUND);
  }
  return false;
}

/** Reads the labels of the clicks heard soon, within a second, after a burst of clicks rather than in it. */
function soon(task: () => void): void {
  setTimeout(task, LABEL_WITHIN_MS);
}

export class BreadcrumbTrail {
  // Kept as they came and written out only for a help request: clicks are the CRM's busiest moments.
  private readonly trail = new Trail<{ at: number; kind: Breadcrumb['kind']; label: string }>();
  /** Clicks not labelled yet, oldest first. */
  private pending: HeardClick[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly schedule: (task: () => void) => void = soon,
  ) {}

  /** A navigation: `record_view Account`. */
  navigated(context: CrmContext): void {
    this.labelPending();
    const label = context.object === null ? context.pageType : `${context.pageType} ${context.object}`;
    this.trail.add({ at: this.now().getTime(), kind: 'navigation', label });
  }

  clicked(label: string): void {
    this.labelPending();
    this.trail.add({ at: this.now().getTime(), kind: 'click', label });
  }

  /**
   * A click somewhere on the page, labelled within a second: in the click itself, the extension
   * takes only the element, and the labels of a burst of clicks are then read in one go, far
   * cheaper per click, and only as many as the trail keeps (bench (b), DOM churn).
   */
  heard(click: HeardClick): void {
    this.pending.push(click);
    if (this.pending.length === 1) this.schedule(() => this.labelPending());
    else if (this.pending.length >= PENDING_MAX) this.labelPending();
  }

  list(): Breadcrumb[] {
    this.labelPending();
    return this.trail.list().map(({ at, kind, label }) => ({ at: new Date(at).toISOString(), kind, label: trimText(label, LABEL_MAX) }));
  }

  private labelPending(): void {
    if (this.pending.length === 0) return;
    const clicks = this.pending;
    this.pending = [];
    // Everything in the trail is older than these clicks: the newest labelled ones push it out.
    const labelled: Array<{ at: number; kind: 'click'; label: string }> = [];
    for (const click of clicks.reverse()) {
      if (labelled.length === SUPPORT_TRAIL_MAX) break;
      const control = clickedControl(click);
      const label = control === null ? '' : accessibleLabel(control);
      if (label !== '') labelled.push({ at: click.at, kind: 'click', label });
    }
    this.trail.add(...labelled.reverse());
  }
}

/**
 * Records clicks on labelled controls anywhere in the CRM page (the page's `UserActions`) until
 * `signal` aborts. `ignoreWithin` says where clicks are not the CRM's (Ombord's own overlay): an
 * element whose clicks, its own and its content's, are not recorded.
 *
 * This runs on every click in the CRM. A target the document sees without an open shadow root is
 * where the click happened (a closed root's inside is not in the document's path either), and its
 * composed ancestors are the rest of the path: `composedPath()`, ~30 nodes on a Lightning page
 * made for the extension's world, is taken only for a target with an open shadow root.
 */
export function recordClicks(
  actions: UserActions,
  trail: BreadcrumbTrail,
  { signal, ignoreWithin = () => null }: { signal: AbortSignal; ignoreWithin?: () => Element | null },
): void {
  actions.addEventListener(
    'click',
    (event) => {
      const target = event.target;
      const ignored = ignoreWithin();
      if (!isElement(target) || target === ignored) return;
      trail.heard({ at: Date.now(), target, path: target.shadowRoot === null ? null : event.composedPath(), ignored });
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
