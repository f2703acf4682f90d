/**
 * Positions an overlay element next to a CRM element with Floating UI (`strategy: 'fixed'`, so
 * scrolling containers of the CRM do not clip it) and reports when the anchor is gone: detached,
 * scrolled out of view or clipped away (`hide` middleware), so the caller hides instead of
 * pointing at nothing.
 */
import {
  arrow,
  autoUpdate,
  computePosition,
  flip,
  hide,
  offset,
  platform,
  shift,
  useFloating,
  type FloatingElement,
  type Middleware,
  type Placement,
  type Platform,
  type ReferenceElement,
  type Side,
} from '@floating-ui/react-dom';
import { useEffectEvent, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { isShadowRoot } from '@/lib/crm/locate/composed';

const VIEWPORT_PADDING = 8;

const OPPOSITE_SIDE: Record<Side, Side> = { top: 'bottom', right: 'left', bottom: 'top', left: 'right' };

interface AnchoredOptions {
  placement?: Placement;
  /** Distance from the anchor; negative overlaps it. */
  gap?: number;
  /** Shift along the anchor's edge. */
  along?: number;
  /** Whether the card may move to the opposite side when it does not fit. */
  flips?: boolean;
}

export function useAnchoredFloating(
  anchor: Element | null,
  { placement = 'bottom', gap = 10, along = 0, flips = true }: AnchoredOptions = {},
) {
  const arrowRef = useRef<HTMLDivElement>(null);
  const [keptPlatform] = useState(platformKeepingClippingAncestors);
  // The same array while the options are: useFloating deep-compares a new one on every render.
  const middleware = useMemo(
    () => [
      offset({ mainAxis: gap, crossAxis: along }),
      flips && flip({ padding: VIEWPORT_PADDING }),
      shift({ padding: VIEWPORT_PADDING }),
      arrow({ element: arrowRef, padding: 8 }),
      hide(),
    ],
    [gap, along, flips],
  );
  const floating = useFloating({
    strategy: 'fixed',
    placement,
    elements: { reference: anchor },
    whileElementsMounted: followAnchor,
    platform: keptPlatform,
    middleware,
  });
  const side = floating.placement.split('-')[0] as Side;
  const arrowData = floating.middlewareData.arrow;
  const arrowStyle: CSSProperties = {
    left: arrowData?.x,
    top: arrowData?.y,
    [OPPOSITE_SIDE[side]]: -6,
  };
  const gone = isAnchorGone(anchor);
  return {
    setFloating: floating.refs.setFloating,
    floatingStyles: untilPositioned(floating.floatingStyles, floating.isPositioned),
    side,
    arrowRef,
    arrowStyle,
    /** Nothing to point at: the anchor is gone, or clipped or scrolled away. */
    hidden: gone || floating.middlewareData.hide?.referenceHidden === true,
    /** The anchor is missing or no longer in the page. */
    gone,
  };
}

interface PinnedOptions {
  placement: Placement;
  /** Distance from the anchor; negative overlaps it. */
  gap: number;
  /** Shift along the anchor's edge. */
  along: number;
  /** The element's constant size in CSS pixels. */
  size: number;
}

/** What a pinned element's own style must hold; the position itself is written by `usePinnedFloating`. */
export const PINNED_STYLE: CSSProperties = { position: 'fixed', left: 0, top: 0 };

/**
 * Keeps a small element of constant size (a beacon) at its anchor without rendering: Floating UI
 * computes each position and it is written to the element's style. A beacon moves with every
 * layout shift of the CRM page, and a page has several beacons; a React render for each move
 * cost more than the move (bench (b), DOM churn). Until its first position the element is
 * invisible but measurable; while the anchor is clipped, scrolled away or not rendered at all
 * (in a cached Lightning page that is not shown) it is invisible and keeps its box, and
 * `onClippedChange` hears each change (an open card closes).
 *
 * The first position is written at once, so the element shows in the next frame. Later ones are
 * written just before the next frame, all elements' together (`writeBeforeNextFrame`): written as
 * each is computed, one element's write made the next one's measuring recalculate style, and the
 * writes after a frame cost another style recalculation of their own.
 */
export function usePinnedFloating(
  anchor: Element | null,
  element: HTMLElement | null,
  { placement, gap, along, size }: PinnedOptions,
  onClippedChange: (clipped: boolean) => void,
): void {
  const reportClipped = useEffectEvent(onClippedChange);
  useLayoutEffect(() => {
    if (anchor === null || element === null || !anchor.isConnected) return;
    const keptPlatform = platformKeepingClippingAncestors({ element, width: size, height: size });
    const middleware = [offset({ mainAxis: gap, crossAxis: along }), shift({ padding: VIEWPORT_PADDING }), hide()];
    let clipped: boolean | null = null;
    let latest = 0;
    let stopped = false;
    let transform: string | null = null;
    element.style.visibility = 'hidden';
    const place = (nowClipped: boolean, nextTransform: string | null): void => {
      const write = (): void => {
        if (stopped) return;
        if (nextTransform !== null) element.style.transform = nextTransform;
        element.style.visibility = nowClipped ? 'hidden' : '';
      };
      if (clipped === null) write();
      else writeBeforeNextFrame(element, write);
      if (nextTransform !== null) transform = nextTransform;
      if (nowClipped !== clipped) {
        clipped = nowClipped;
        reportClipped(nowClipped);
      }
    };
    const update = (): void => {
      const run = ++latest;
      // Not rendered (display: none somewhere above it, or detached): nothing to measure, and
      // nothing to point at. Lightning hides a cached page this way at every switch of pages.
      if (anchor.getClientRects().length === 0) {
        place(true, null);
        return;
      }
      void computePosition(anchor, element, { strategy: 'fixed', placement, middleware, platform: keptPlatform }).then(({ x, y, middlewareData }) => {
        if (stopped || run !== latest) return;
        const ratio = window.devicePixelRatio || 1;
        const next = `translate(${Math.round(x * ratio) / ratio}px, ${Math.round(y * ratio) / ratio}px)`;
        place(middlewareData.hide?.referenceHidden === true, next === transform ? null : next);
      });
    };
    const stop = followAnchorSize(anchor, element, update);
    return () => {
      stopped = true;
      stop();
    };
  }, [anchor, element, placement, gap, along, size]);
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

const cover = (padding: number): Middleware => ({
  name: 'cover',
  fn: ({ rects }) => ({
    x: rects.reference.x - padding,
    y: rects.reference.y - padding,
    data: { width: rects.reference.width + 2 * padding, height: rects.reference.height + 2 * padding },
  }),
});

/** Places an element over the anchor, `padding` px larger on each side: the tour's highlight ring. */
export function useCoveringFloating(anchor: Element | null, padding: number) {
  const [keptPlatform] = useState(platformKeepingClippingAncestors);
  const middleware = useMemo(() => [cover(padding), hide()], [padding]);
  const floating = useFloating({
    strategy: 'fixed',
    elements: { reference: anchor },
    whileElementsMounted: followAnchor,
    platform: keptPlatform,
    middleware,
  });
  const size = floating.middlewareData['cover'] as { width: number; height: number } | undefined;
  return {
    setFloating: floating.refs.setFloating,
    style: { ...untilPositioned(floating.floatingStyles, floating.isPositioned), width: size?.width, height: size?.height },
    hidden: isAnchorGone(anchor) || floating.middlewareData.hide?.referenceHidden === true,
  };
}

/**
 * `autoUpdate` without its window and visual-viewport `resize` listeners: its layout-shift
 * observer already updates on a window resize, and a viewport that changes size without one
 * (a scrollbar appearing as the CRM page grows) moves the anchor only through a layout shift,
 * which that observer reports. Lightning pages toggle their scrollbar all the time.
 */
function followAnchor(reference: ReferenceElement, floating: FloatingElement, update: () => void): () => void {
  return autoUpdate(reference, floating, update, { ancestorResize: false });
}

/**
 * `followAnchor` for a floating element of constant size: only the anchor's size is observed.
 * `autoUpdate` observes both, and after each resize of the anchor observes the floating element
 * afresh, which reports its unchanged size once more: a second update for every resize (a
 * cached Lightning page hidden and shown again resizes every anchor in it to 0 and back).
 */
function followAnchorSize(reference: ReferenceElement, floating: FloatingElement, update: () => void): () => void {
  const stop = autoUpdate(reference, floating, update, { ancestorResize: false, elementResize: false });
  const resizes = new ResizeObserver(() => update());
  if (reference instanceof Element) resizes.observe(reference);
  return () => {
    stop();
    resizes.disconnect();
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
 * ancestors it listens to for scrolling). Hooks make one each, so it lives as long as the
 * overlay element. It stands in for the per-call cache `computePosition` passes as `_c`
 * (@floating-ui/dom 1.x `getClippingRect`). With `fixed`, an element pinned by
 * `usePinnedFloating`, it also knows that element's size and keeps its offset parent and
 * direction.
 */
function platformKeepingClippingAncestors(fixed?: { element: Element; width: number; height: number }): Platform {
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

/** Invisible (but measurable) until the first position is known, so nothing flashes at 0,0. */
function untilPositioned(styles: CSSProperties, isPositioned: boolean): CSSProperties {
  return isPositioned ? styles : { ...styles, visibility: 'hidden' };
}

/** No anchor, or one no longer in the page. */
export function isAnchorGone(anchor: Element | null): boolean {
  return anchor === null || !anchor.isConnected;
}
