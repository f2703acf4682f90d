/**
 * Pins an element of Ombord's overlay to a CRM element with Floating UI, without React: the
 * beacons are drawn and moved by plain DOM code (`beacons.ts`), so the first tip shows before
 * React is loaded, and a beacon's moves never go through a render. The React hooks in
 * `floating.ts` use the same following and platform.
 */
import {
  autoUpdate,
  computePosition,
  hide,
  offset,
  platform,
  shift,
  type FloatingElement,
  type Placement,
  type Platform,
  type ReferenceElement,
} from '@floating-ui/dom';
import { isShadowRoot } from '@/lib/crm/locate/composed';

export const VIEWPORT_PADDING = 8;

export interface PinOptions {
  placement: Placement;
  /** Distance from the anchor; negative overlaps it. */
  gap: number;
  /** Shift along the anchor's edge. */
  along: number;
  /** The element's constant size in CSS pixels. */
  size: number;
}

/**
 * Keeps a small element of constant size (a beacon, `position: fixed` at 0, 0) at its anchor:
 * Floating UI computes each position and it is written to the element's style. A beacon moves
 * with every layout shift of the CRM page, and a page has several beacons. Until its first
 * position the element is invisible but measurable; while the anchor is clipped, scrolled away
 * or not rendered at all (in a cached Lightning page that is not shown) it is invisible and
 * keeps its box, and `onClippedChange` hears each change (an open card closes). Returns what
 * stops it.
 *
 * The first position is written at once, so the element shows in the next frame. Later ones are
 * written just before the next frame, all elements' together (`writeBeforeNextFrame`): written as
 * each is computed, one element's write made the next one's measuring recalculate style, and the
 * writes after a frame cost another style recalculation of their own (bench (b), DOM churn).
 */
export function pinToAnchor(
  anchor: Element,
  element: HTMLElement,
  { placement, gap, along, size }: PinOptions,
  onClippedChange: (clipped: boolean) => void,
): () => void {
  const keptPlatform = platformKeepingClippingAncestors({ element, width: size, height: size });
  const middleware = [offset({ mainAxis: gap, crossAxis: along }), shift({ padding: VIEWPORT_PADDING }), hide()];
  let clipped: boolean | null = null;
  let latest = 0;
  let stopped = false;
  /** The latest position computed, and the one in the element's style. */
  let transform: string | null = null;
  let written: string | null = null;
  /** What the last position was computed from: while all of it holds, the position holds too. */
  let basis: PositionBasis | null = null;
  element.style.visibility = 'hidden';
  // Writes what is latest when it runs: a write that waits for the frame does not lose a position
  // computed before it to a later update that found the same position (and so had none to write).
  const write = (): void => {
    if (stopped) return;
    if (transform !== null && transform !== written) {
      element.style.transform = transform;
      written = transform;
    }
    element.style.visibility = clipped === true ? 'hidden' : '';
  };
  const place = (nowClipped: boolean, nextTransform: string | null): void => {
    const first = clipped === null;
    if (nextTransform !== null) transform = nextTransform;
    const changed = nowClipped !== clipped;
    clipped = nowClipped;
    if (first) write();
    else writeBeforeNextFrame(element, write);
    if (changed) onClippedChange(nowClipped);
  };
  const update = (): void => {
    const run = ++latest;
    // Not rendered (display: none somewhere above it, or detached): nothing to measure, and
    // nothing to point at. Lightning hides a cached page this way at every switch of pages.
    if (anchor.getClientRects().length === 0) {
      place(true, null);
      return;
    }
    // A cached Lightning page shown again puts its anchors back where they were: each switch of
    // pages would otherwise cost every beacon on it a full computation (bench (b), DOM churn).
    const rect = anchor.getBoundingClientRect();
    if (basis !== null && basis.holds(rect)) {
      place(basis.hidden, null);
      return;
    }
    void computePosition(anchor, element, { strategy: 'fixed', placement, middleware, platform: keptPlatform }).then(({ x, y, middlewareData }) => {
      if (stopped || run !== latest) return;
      const ratio = window.devicePixelRatio || 1;
      const next = `translate(${Math.round(x * ratio) / ratio}px, ${Math.round(y * ratio) / ratio}px)`;
      const hidden = middlewareData.hide?.referenceHidden === true;
      basis = positionBasis(anchor, element, rect, hidden);
      place(hidden, next);
    });
  };
  const stop = followAnchorSize(anchor, element, update);
  return () => {
    stopped = true;
    stop();
  };
}

interface PositionBasis {
  /** Whether the anchor is still clipped away (the `hide` middleware). */
  hidden: boolean;
  /** Whether a position computed then still holds for an anchor now at `rect`. */
  holds(rect: DOMRect): boolean;
}

/**
 * The facts a pinned element's position follows from: the anchor's box, the viewport's size
 * (`shift` keeps the element inside it), and where anchor and element are in the tree (which
 * ancestors clip the anchor, what the element is positioned in). An ancestor that starts to clip
 * the anchor without moving it is not seen, as `autoUpdate` does not report that either.
 */
function positionBasis(anchor: Element, element: Element, at: DOMRect, hidden: boolean): PositionBasis {
  const { innerWidth, innerHeight } = window;
  const anchorParents = composedParents(anchor);
  const elementParents = composedParents(element);
  return {
    hidden,
    holds: (rect) =>
      rect.x === at.x &&
      rect.y === at.y &&
      rect.width === at.width &&
      rect.height === at.height &&
      window.innerWidth === innerWidth &&
      window.innerHeight === innerHeight &&
      sameParents(anchor, anchorParents) &&
      sameParents(element, elementParents),
  };
}

/** Style writes waiting for the next frame, by element: the latest one for each. */
const writesBeforeFrame = new Map<HTMLElement, () => void>();

/**
 * Runs `write` in the next animation frame, with the other elements' writes and after the
 * measuring that led to them. A tab in the background draws no frames: its writes wait, and
 * only the latest one per element is kept.
 */
function writeBeforeNextFrame(element: HTMLElement, write: () => void): void {
  if (writesBeforeFrame.size === 0) {
    requestAnimationFrame(() => {
      const writes = [...writesBeforeFrame.values()];
      writesBeforeFrame.clear();
      for (const run of writes) run();
    });
  }
  writesBeforeFrame.set(element, write);
}


/**
 * `autoUpdate` without its window and visual-viewport `resize` listeners: its layout-shift
 * observer already updates on a window resize, and a viewport that changes size without one
 * (a scrollbar appearing as the CRM page grows) moves the anchor only through a layout shift,
 * which that observer reports. Lightning pages toggle their scrollbar all the time.
 */
export function followAnchor(reference: ReferenceElement, floating: FloatingElement, update: () => void): () => void {
  const stop = autoUpdate(reference, floating, update, { ancestorResize: false, layoutShift: false });
  const shifts = layoutShiftsOf(reference, floating, update);
  const resizes = new ResizeObserver(() => shifts.sizeChanged());
  if (reference instanceof Element) resizes.observe(reference);
  return () => {
    stop();
    shifts.stop();
    resizes.disconnect();
  };
}

/**
 * `followAnchor` for a floating element of constant size: only the anchor's size is observed.
 * `autoUpdate` observes both, and after each resize of the anchor observes the floating element
 * afresh, which reports its unchanged size once more: a second update for every resize (a
 * cached Lightning page hidden and shown again resizes every anchor in it to 0 and back).
 */
function followAnchorSize(reference: ReferenceElement, floating: FloatingElement, update: () => void): () => void {
  const stop = autoUpdate(reference, floating, update, { ancestorResize: false, elementResize: false, layoutShift: false });
  const shifts = layoutShiftsOf(reference, floating, update);
  const resizes = new ResizeObserver(() => {
    shifts.sizeChanged();
    update();
  });
  if (reference instanceof Element) resizes.observe(reference);
  return () => {
    stop();
    shifts.stop();
    resizes.disconnect();
  };
}

/** How long an anchor shown again stays rendered before its layout shifts are watched again. */
const SHIFTS_RESUME_MS = 250;

/**
 * `autoUpdate`'s layout-shift observer, kept going while the anchor is hidden and shown again.
 * Floating UI's stops for good when it finds the anchor without a box or with an empty one
 * (display: none: a cached Lightning page switched away from, a tab not shown; a field whose
 * content has not rendered yet when its beacon is pinned), so the anchor's later moves went
 * unseen. Here it stops when the anchor loses its box (the anchor's `ResizeObserver` reports that
 * before the layout-shift observer does, which would force a layout to find out) and starts
 * afresh once the anchor has had one again for `SHIFTS_RESUME_MS`, with an update for any move
 * meanwhile: each start costs the page a layout read, and switching back and forth between
 * cached pages would pay it on every switch. `sizeChanged` is for that `ResizeObserver`.
 */
function layoutShiftsOf(reference: ReferenceElement, floating: FloatingElement, update: () => void): { sizeChanged(): void; stop(): void } {
  // What Floating UI's observer needs to start: a box with a width and a height.
  const rendered = () => {
    const { width, height } = reference.getBoundingClientRect();
    return width > 0 && height > 0;
  };
  // `autoUpdate` updates once as it starts; the caller's own `autoUpdate` has done that already.
  const start = (): (() => void) => {
    let started = false;
    const onShift = () => {
      if (started) update();
    };
    const stop = autoUpdate(reference, floating, onShift, { ancestorScroll: false, ancestorResize: false, elementResize: false, layoutShift: true });
    started = true;
    return stop;
  };
  let stop: (() => void) | null = rendered() ? start() : null;
  let resume: ReturnType<typeof setTimeout> | undefined;
  const cancelResume = () => {
    clearTimeout(resume);
    resume = undefined;
  };
  return {
    sizeChanged() {
      const now = rendered();
      if (now && stop === null && resume === undefined) {
        resume = setTimeout(() => {
          resume = undefined;
          if (stop !== null || !rendered()) return;
          stop = start();
          update();
        }, SHIFTS_RESUME_MS);
      } else if (!now) {
        cancelResume();
        stop?.();
        stop = null;
      }
    },
    stop() {
      cancelResume();
      stop?.();
      stop = null;
    },
  };
}

interface KeptClipping {
  /** The element's composed parents when its clipping ancestors were found. */
  parents: Node[];
  ancestors: Element[];
}

/**
 * Floating UI's platform, except that it keeps which ancestors clip an element (`hide` and
 * `shift` need them) for as long as the element stays where it was in the tree. Finding them
 * reads the computed style of every ancestor, ~30 deep on a Lightning record page: 90% of a
 * beacon's update, and updates follow every layout change of the CRM page. How far they clip
 * is still measured on every update; only which ones clip is kept (as `autoUpdate` keeps the
 * ancestors it listens to for scrolling). Each hook and each pinned element makes one, so it
 * lives as long as the overlay element. It stands in for the per-call cache `computePosition` passes as `_c`
 * (@floating-ui/dom 1.x `getClippingRect`). With `fixed`, an element pinned by
 * `pinToAnchor`, it also knows that element's size and keeps its offset parent and
 * direction.
 */
export function platformKeepingClippingAncestors(fixed?: { element: Element; width: number; height: number }): Platform {
  const kept = new WeakMap<Element, KeptClipping>();
  const cache = {
    get(element: Element): Element[] | undefined {
      const entry = kept.get(element);
      return entry && sameParents(element, entry.parents) ? entry.ancestors : undefined;
    },
    set(element: Element, ancestors: Element[]): void {
      kept.set(element, { parents: composedParents(element), ancestors });
    },
  };
  // The pinned element sits in Ombord's own overlay: what it is positioned against and its
  // direction change only when it moves in the tree (into a modal and back), so they are kept
  // for as long as its composed parents are the same. Each costs computed styles otherwise.
  let own: { parents: Node[]; offsetParent?: ReturnType<Platform['getOffsetParent'] & {}>; rtl?: ReturnType<Platform['isRTL'] & {}> } | null = null;
  const ownFacts = (element: Element) => {
    if (own === null || !sameParents(element, own.parents)) own = { parents: composedParents(element) };
    return own;
  };
  const isPinned = (element: unknown): element is Element => fixed !== undefined && element === fixed.element;
  return {
    ...platform,
    getClippingRect(options) {
      return platform.getClippingRect.call({ ...this, _c: cache }, options);
    },
    // An element of constant size is not measured: that reads its computed style, which forces
    // a style recalculation whenever the CRM page changed since the last one.
    getDimensions(element) {
      return fixed !== undefined && element === fixed.element ? { width: fixed.width, height: fixed.height } : platform.getDimensions(element);
    },
    getOffsetParent(element, polyfill) {
      if (!isPinned(element)) return platform.getOffsetParent(element, polyfill);
      const facts = ownFacts(element);
      return (facts.offsetParent ??= platform.getOffsetParent(element, polyfill));
    },
    isRTL(element) {
      if (!isPinned(element)) return platform.isRTL(element);
      const facts = ownFacts(element);
      return (facts.rtl ??= platform.isRTL(element));
    },
  };
}

/** Parent nodes up to the document, through slots and shadow hosts, as Floating UI walks them. */
function composedParents(element: Element): Node[] {
  const parents: Node[] = [];
  for (let node = composedParent(element); node !== null; node = composedParent(node)) parents.push(node);
  return parents;
}

function sameParents(element: Element, parents: readonly Node[]): boolean {
  let i = 0;
  for (let node = composedParent(element); node !== null; node = composedParent(node)) {
    if (parents[i++] !== node) return false;
  }
  return i === parents.length;
}

function composedParent(node: Node): Node | null {
  const parent = (node as Element).assignedSlot ?? node.parentNode;
  return parent !== null && isShadowRoot(parent) ? parent.host : parent;
}

/** No anchor, or one no longer in the page. */
export function isAnchorGone(anchor: Element | null): boolean {
  return anchor === null || !anchor.isConnected;
}
