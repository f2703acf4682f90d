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
import { isShadowRoot, pathParent } from '@/lib/crm/locate/composed';

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
 * Whether the anchor is clipped or scrolled away is what the browser reports to an
 * `IntersectionObserver` (`observeVisibility`), computed with its own layout: Floating UI's
 * `hide` finds the ancestors that clip the anchor by reading the computed style of each, ~30 on a
 * Lightning record page, for every anchor the CRM renders anew, and measures each of them on
 * every update (bench (b): most of a beacon's positioning at each settle). The browser's first
 * report comes after the frame that lays the anchor out, though, and a first position that
 * waited for it would cost the page a frame of its own. So the first position takes what the
 * dot knew when it was last shown (`lastClipped`: a page shown again, an anchor the CRM
 * rendered anew), and only a dot shown for the first time asks `hide`; the report corrects
 * either, if it differs.
 *
 * Anchors are measured right after the browser's layout (`followAnchorSize`), where it costs
 * nothing, with one exception: `measureNow` measures at once, for an element that has just
 * appeared (a tip on a page just opened: bench (a), time to the first tip). Otherwise the first
 * position comes from the anchor's first size report, after the next layout (an anchor the CRM
 * re-rendered: bench (b)). The first position is written at once. Later ones are
 * written just before the next frame, all elements' together (`writeBeforeNextFrame`): written as
 * each is computed, one element's write made the next one's measuring recalculate style, and the
 * writes after a frame cost another style recalculation of their own (bench (b), DOM churn).
 */
export function pinToAnchor(
  anchor: Element,
  element: HTMLElement,
  { placement, gap, along, size }: PinOptions,
  onClippedChange: (clipped: boolean) => void,
  { measureNow, lastClipped = null }: { measureNow: boolean; lastClipped?: boolean | null },
): () => void {
  const keptPlatform = platformKeepingClippingAncestors({ element, width: size, height: size });
  const middleware = [offset({ mainAxis: gap, crossAxis: along }), shift({ padding: VIEWPORT_PADDING })];
  const measuringClipping = [...middleware, hide()];
  let clipped: boolean | null = null;
  /** Whether the anchor is clipped or scrolled away, as the browser last reported it; null before its first report. */
  let reportedHidden: boolean | null = null;
  /** Whether the anchor is clipped, as best known without measuring: reported, placed, or as the dot last was; null when not known. */
  const knownHidden = (): boolean | null => reportedHidden ?? clipped ?? lastClipped;
  let latest = 0;
  let stopped = false;
  /** The latest position computed, and the one in the element's style. */
  let transform: string | null = null;
  let written: string | null = null;
  /** What the last position was computed from: while all of it holds, the position holds too. */
  let basis: PositionBasis | null = null;
  // A write that changes nothing is skipped: the caller may have hidden it with other writes.
  if (element.style.visibility !== 'hidden') element.style.visibility = 'hidden';
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
    // Nothing to write (an update that found the element where it is): asking for a frame anyway
    // would make the page draw one more (bench (b): one a settle, after the dots' first positions).
    else if (changed || transform !== written) writeBeforeNextFrame(element, write);
    if (changed) onClippedChange(nowClipped);
  };
  const update = (): void => {
    if (stopped) return;
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
      place(knownHidden() ?? false, null);
      return;
    }
    // Before the browser's first report: what the dot knew, or else `hide`.
    const askHide = knownHidden() === null;
    void computePosition(anchor, element, {
      strategy: 'fixed',
      placement,
      middleware: askHide ? measuringClipping : middleware,
      platform: keptPlatform,
    }).then(({ x, y, middlewareData }) => {
      if (stopped || run !== latest) return;
      const ratio = window.devicePixelRatio || 1;
      const next = `translate(${Math.round(x * ratio) / ratio}px, ${Math.round(y * ratio) / ratio}px)`;
      basis = positionBasis(element, rect);
      place(knownHidden() ?? middlewareData.hide?.referenceHidden === true, next);
    });
  };
  const stop = followAnchorSize(anchor, element, update);
  const stopVisibility = observeVisibility(anchor, (visible) => {
    reportedHidden = !visible;
    // Without a position yet, the first one takes this report.
    if (!stopped && clipped !== null) place(reportedHidden || anchor.getClientRects().length === 0, null);
  });
  if (measureNow) update();
  return () => {
    stopped = true;
    stopVisibility();
    stop();
    // A stopped pin writes nothing: its write does not hold the next pin's back from a frame.
    if (writesBeforeFrame.get(element) === write) writesBeforeFrame.delete(element);
  };
}

interface PositionBasis {
  /** Whether a position computed then still holds for an anchor now at `rect`. */
  holds(rect: DOMRect): boolean;
}

/**
 * The facts a pinned element's position follows from: the anchor's box, the viewport's size
 * (`shift` keeps the element inside it), and where the element is in the tree (what it is
 * positioned in). Where the anchor is in the tree is not among them any more than whether it is
 * clipped: the browser reports that (`observeVisibility`), also when an ancestor starts to clip
 * it without moving it.
 */
function positionBasis(element: Element, at: DOMRect): PositionBasis {
  const { innerWidth, innerHeight } = window;
  const elementParents = composedParents(element);
  return {
    holds: (rect) =>
      rect.x === at.x &&
      rect.y === at.y &&
      rect.width === at.width &&
      rect.height === at.height &&
      window.innerWidth === innerWidth &&
      window.innerHeight === innerHeight &&
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
  if (!(reference instanceof Element)) return stop;
  const shifts = layoutShiftsOf(reference, update, (run) => run());
  const resizes = new ResizeObserver(() => shifts.sizeChanged());
  resizes.observe(reference);
  return () => {
    stop();
    shifts.stop();
    resizes.disconnect();
  };
}

/**
 * `followAnchor` for a floating element of constant size, without `autoUpdate`: only the
 * anchor's size is observed (`autoUpdate` observes both, and after each resize of the anchor
 * observes the floating element afresh, which reports its unchanged size once more: a second
 * update for every resize, and a cached Lightning page hidden and shown again resizes every anchor
 * in it to 0 and back), and scrolling is heard by one listener for every pinned element
 * (`onScrollAround`) rather than on each scrolling ancestor of each anchor, which `autoUpdate`
 * finds by reading the computed style of all ~30 of them whenever it starts (each new beacon).
 *
 * Under the CRM's DOM churn, what `update` measures is read only right after a layout: in the
 * size observer's reports (its first one comes with the anchor's first layout, rendered or not),
 * and, for a layout shift, after the next layout (`afterNextLayout`). Measured when a shift is
 * reported, or at once when re-pinned to a re-rendered anchor, the page had changed since its
 * layout, and each read cost it a forced style recalculation and layout: most of the beacons'
 * cost to the CRM (bench (b)).
 */
function followAnchorSize(reference: Element, pinned: Element, update: () => void): () => void {
  const shifts = layoutShiftsOf(reference, update, (run) => afterNextLayout(pinned, run));
  const stopSizes = observeSize(reference, () => {
    shifts.sizeChanged();
    update();
  });
  const stopScrolling = onScrollAround(reference, update);
  return () => {
    stopScrolling();
    shifts.stop();
    stopSizes();
  };
}

/** A browser observer of elements, as `sharedObserver` uses one. */
interface ElementObserver {
  observe(target: Element): void;
  unobserve(target: Element): void;
  disconnect(): void;
}

/**
 * One browser observer for every target, each heard by any number of callbacks: the browser
 * calls into the content script's world once a frame for all the targets it reports, not once
 * per target, and each such call costs the CRM's main thread on its own. `create` makes the
 * observer from what hands a report of a target to that target's callbacks. A target is observed
 * afresh for each newcomer, so that it gets a first report too. With `dropWhenIdle`, the observer
 * is disconnected once no target is left, and the next target gets a new one.
 */
function sharedObserver<T>(
  create: (deliver: (target: Element, report: T) => void) => ElementObserver,
  { dropWhenIdle }: { dropWhenIdle: boolean },
): (target: Element, onReport: (report: T) => void) => () => void {
  let shared: { observer: ElementObserver; heard: Map<Element, Set<(report: T) => void>> } | null = null;
  return (target, onReport) => {
    if (shared === null) {
      const heard = new Map<Element, Set<(report: T) => void>>();
      const observer = create((reported, report) => {
        for (const hear of [...(heard.get(reported) ?? [])]) {
          try {
            hear(report);
          } catch (error) {
            reportError(error);
          }
        }
      });
      shared = { observer, heard };
    }
    const { observer, heard } = shared;
    const observed = heard.get(target);
    const reports = observed ?? new Set<(report: T) => void>();
    if (observed === undefined) heard.set(target, reports);
    else observer.unobserve(target);
    const own = (report: T) => onReport(report);
    reports.add(own);
    observer.observe(target);
    return () => {
      if (!reports.delete(own) || reports.size > 0) return;
      heard.delete(target);
      observer.unobserve(target);
      if (dropWhenIdle && heard.size === 0 && shared?.observer === observer) {
        observer.disconnect();
        shared = null;
      }
    };
  };
}

/**
 * Calls `onReport` with each report of `target`'s size, the first one after its first layout.
 * One observer reports every anchor and probe (`sharedObserver`): a cached page switched away
 * from and back resizes every anchor on it (bench (b)).
 */
const observeSize: (target: Element, onReport: () => void) => () => void = sharedObserver<void>(
  (deliver) =>
    new ResizeObserver((entries) => {
      for (const { target } of entries) deliver(target, undefined);
    }),
  // The layout probe stays observed for good: there is always a target.
  { dropWhenIdle: false },
);

/**
 * Calls `onReport` with whether `target` is in view (in the viewport and not clipped away by an
 * ancestor's overflow, across shadow roots), first after the next frame's layout, then each time
 * that changes. The browser works it out as it lays the page out: nothing is measured here. One
 * observer reports every anchor, as `observeSize` does; none is left while the user navigates
 * (the dots are unpinned), and the next dots get an observer of their own.
 */
const observeVisibility: (target: Element, onReport: (visible: boolean) => void) => () => void = sharedObserver<boolean>(
  (deliver) =>
    new IntersectionObserver((entries) => {
      for (const { target, isIntersecting } of entries) deliver(target, isIntersecting);
    }),
  { dropWhenIdle: true },
);

interface LayoutProbe {
  element: HTMLElement;
  wide: boolean;
  waiting: Set<() => void>;
}

/** The layout probe of each tree that holds pinned elements (the overlay's shadow root). */
const layoutProbes = new WeakMap<Node, LayoutProbe>();

/**
 * Runs `callback` right after the browser's next layout, in a `ResizeObserver` report: the
 * layout is fresh there, and measuring costs nothing. An invisible, empty element next to
 * `near` (in Ombord's overlay, never in the CRM's page) changes size to get the report; the
 * callbacks asked for until then run together. A tab in the background lays nothing out: they
 * wait until it is shown.
 */
function afterNextLayout(near: Element, callback: () => void): void {
  const root = near.getRootNode();
  let probe = layoutProbes.get(root);
  if (probe === undefined) {
    const element = near.ownerDocument.createElement('div');
    element.setAttribute('aria-hidden', 'true');
    element.style.cssText = 'position:fixed;top:0;left:0;width:0;height:0;visibility:hidden;pointer-events:none;contain:strict';
    const waiting = new Set<() => void>();
    observeSize(element, () => {
      const callbacks = [...waiting];
      waiting.clear();
      for (const run of callbacks) run();
    });
    probe = { element, wide: false, waiting };
    layoutProbes.set(root, probe);
  }
  if (!probe.element.isConnected) (isShadowRoot(root) ? root : (near.ownerDocument.body ?? near.ownerDocument.documentElement)).append(probe.element);
  if (probe.waiting.size === 0) {
    probe.wide = !probe.wide;
    probe.element.style.width = probe.wide ? '1px' : '0';
  }
  probe.waiting.add(callback);
}

/** Updates of pinned elements, by where their scrolling is heard: the window or a shadow root. */
const scrollListeners = new WeakMap<EventTarget, { updates: Set<() => void>; listener: () => void }>();

/** One capture listener per target for every pinned element, there while one needs it. */
function onScroll(target: EventTarget, update: () => void): () => void {
  let heard = scrollListeners.get(target);
  if (heard === undefined) {
    const updates = new Set<() => void>();
    const listener = () => {
      for (const run of updates) run();
    };
    target.addEventListener('scroll', listener, { capture: true, passive: true });
    heard = { updates, listener };
    scrollListeners.set(target, heard);
  }
  const { updates, listener } = heard;
  updates.add(update);
  return () => {
    if (!updates.delete(update) || updates.size > 0) return;
    target.removeEventListener('scroll', listener, { capture: true });
    scrollListeners.delete(target);
  };
}

/**
 * Calls `update` when anything scrolls that can move `anchor`: the page (the window hears every
 * scroll in the document's own tree while capturing), and each shadow root the anchor is in (a
 * scroll inside one does not leave it). A scroll that moves nothing costs each pinned element a
 * read of its anchor's box, and keeps its position (`PositionBasis`).
 */
function onScrollAround(anchor: Element, update: () => void): () => void {
  const stops = [onScroll(anchor.ownerDocument.defaultView ?? anchor.ownerDocument, update)];
  for (let root = anchor.getRootNode(); isShadowRoot(root); root = root.host.getRootNode()) stops.push(onScroll(root, update));
  return () => {
    for (const stop of stops) stop();
  };
}

/** How long an anchor shown again stays rendered before its layout shifts are watched again. */
const SHIFTS_RESUME_MS = 250;

/**
 * A layout-shift observer (Floating UI's `autoUpdate` `layoutShift`) kept going while the anchor
 * is hidden and shown again, and used by the beacons (`followAnchorSize`). Floating UI's stops for
 * good when it finds the anchor without a box or with an empty one (display: none: a cached
 * Lightning page switched away from, a tab not shown; a field whose content has not rendered yet
 * when its beacon is pinned), so the anchor's later moves went unseen. Here it stops when the
 * anchor loses its box (the anchor's `ResizeObserver` reports that before the layout-shift
 * observer does, which would force a layout to find out) and starts afresh once the anchor has
 * had one again for `SHIFTS_RESUME_MS`, with an update for any move meanwhile: each start costs
 * the page a layout read, and switching back and forth between cached pages would pay it on every
 * switch. `sizeChanged` is for that `ResizeObserver`. `schedule` runs what measures outside its
 * reports: at once, or after the next layout (`afterNextLayout`).
 */
function layoutShiftsOf(
  reference: Element,
  update: () => void,
  schedule: (run: () => void) => void,
): { sizeChanged(): void; stop(): void } {
  // What the observer needs to start: a box with a width and a height. Read when the anchor's
  // `ResizeObserver` reports, after the browser's layout: measuring costs nothing then.
  const rendered = () => {
    const { width, height } = reference.getBoundingClientRect();
    return width > 0 && height > 0;
  };
  let stop: (() => void) | null = null;
  // The observer stops by itself when it sees the anchor lose its box.
  const start = (): (() => void) => {
    const own = observeMoves(
      reference,
      () => schedule(update),
      () => {
        if (stop === own) stop = null;
      },
      schedule,
    );
    return own;
  };
  /** Until the `ResizeObserver`'s first report, which comes with the anchor's first layout. */
  let first = true;
  let resume: ReturnType<typeof setTimeout> | undefined;
  /** Tells a resume scheduled after the next layout that it was cancelled since. */
  let resumes = 0;
  const cancelResume = () => {
    clearTimeout(resume);
    resume = undefined;
    resumes++;
  };
  return {
    sizeChanged() {
      const now = rendered();
      if (first) {
        first = false;
        if (now) stop = start();
      } else if (now && stop === null && resume === undefined) {
        const run = ++resumes;
        resume = setTimeout(
          () =>
            schedule(() => {
              if (run !== resumes) return;
              resume = undefined;
              if (stop !== null || !rendered()) return;
              stop = start();
              update();
            }),
          SHIFTS_RESUME_MS,
        );
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

/** What an intersection report says of the anchor's box and the viewport, measured with the report. */
interface Seen {
  box: DOMRectReadOnly;
  viewport: { width: number; height: number };
}

const sameBox = (a: DOMRectReadOnly, b: DOMRectReadOnly): boolean => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/**
 * Calls `onMove` when `element` moves in the viewport without changing size, as Floating UI's
 * `observeMove` (@floating-ui/dom 1.7) does: an IntersectionObserver whose root margin is the
 * element's own box, so any move changes how much of it intersects. Each report is checked
 * against the box the report itself carries, measured when the browser computed it; Floating UI
 * measures the element again, which costs the page a forced layout whenever the CRM has changed
 * it since (every report, under DOM churn: bench (b)). A move after the report changes the
 * intersection again, and so is reported again. A move is observed anew from the box and the
 * viewport the report carries, so no report measures the page; `schedule` runs the look again at a
 * clipped anchor (measured, after a while).
 */
function observeMoves(element: Element, onMove: () => void, onGone: () => void, schedule: (run: () => void) => void): () => void {
  const root = element.ownerDocument.documentElement;
  let observer: IntersectionObserver | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const cleanup = (): void => {
    clearTimeout(retry);
    observer?.disconnect();
    observer = null;
  };
  /** Observes afresh from the box and viewport a report carried, or else measured now. */
  const observe = ({ moved, threshold, seen }: { moved: boolean; threshold: number; seen?: Seen }): void => {
    cleanup();
    const box = seen?.box ?? element.getBoundingClientRect();
    if (moved) onMove();
    if (!box.width || !box.height) return;
    const viewport = seen?.viewport ?? { width: root.clientWidth, height: root.clientHeight };
    const top = Math.floor(box.top);
    const right = Math.floor(viewport.width - (box.left + box.width));
    const bottom = Math.floor(viewport.height - (box.top + box.height));
    const left = Math.floor(box.left);
    let first = true;
    const handle = (entries: IntersectionObserverEntry[]): void => {
      const entry = entries[entries.length - 1];
      // Reports queued for an observer replaced since are stale.
      if (entry === undefined || observer !== self) return;
      const now = entry.boundingClientRect;
      // Not rendered any more (a cached page switched away from): its `ResizeObserver` says so
      // too, and the beacon is hidden from there; measuring now would force a layout for nothing.
      if (!now.width || !now.height) {
        cleanup();
        onGone();
        return;
      }
      // The root's box is the viewport less the margins, which were the anchor's distances
      // from its edges.
      const bounds = entry.rootBounds;
      const seen: Seen | undefined = bounds ? { box: now, viewport: { width: bounds.right + right, height: bounds.bottom + bottom } } : undefined;
      if (!sameBox(box, now)) return observe({ moved: true, threshold: 1, seen });
      const ratio = entry.intersectionRatio;
      if (ratio !== threshold) {
        if (!first) return observe({ moved: true, threshold: 1, seen });
        // Clipped where it is: the ratio is 0 and stays so; look again in a while, not in a loop.
        if (ratio === 0) retry = setTimeout(() => schedule(() => observer === self && observe({ moved: true, threshold: 1e-7 })), 1000);
        else observe({ moved: true, threshold: ratio, seen });
      }
      first = false;
    };
    const options = { rootMargin: [top, right, bottom, left].map((px) => `${-px}px`).join(' '), threshold: Math.max(0, Math.min(1, threshold)) || 1 };
    let self: IntersectionObserver;
    try {
      self = new IntersectionObserver(handle, { ...options, root: root.ownerDocument });
    } catch {
      // Browsers without a document as the root.
      self = new IntersectionObserver(handle, options);
    }
    observer = self;
    self.observe(element);
  };
  observe({ moved: false, threshold: 1 });
  return cleanup;
}

interface KeptClipping {
  /** The element's composed parents when its clipping ancestors were found. */
  parents: Node[];
  ancestors: Element[];
}

/** Which ancestors clip an element, for every platform: kept while the element stays where it was. */
const keptClipping = new WeakMap<Element, KeptClipping>();
const clippingCache = {
  get(element: Element): Element[] | undefined {
    const entry = keptClipping.get(element);
    return entry && sameParents(element, entry.parents) ? entry.ancestors : undefined;
  },
  set(element: Element, ancestors: Element[]): void {
    keptClipping.set(element, { parents: composedParents(element), ancestors });
  },
};

interface PinnedFacts {
  /** The pinned element's composed parents when these were found. */
  parents: Node[];
  offsetParent?: ReturnType<Platform['getOffsetParent'] & {}>;
  rtl?: ReturnType<Platform['isRTL'] & {}>;
}

/** What a pinned element is positioned against and its direction, by element, while it stays where it was. */
const keptPinnedFacts = new WeakMap<Element, PinnedFacts>();

function pinnedFacts(element: Element): PinnedFacts {
  let facts = keptPinnedFacts.get(element);
  if (facts === undefined || !sameParents(element, facts.parents)) {
    facts = { parents: composedParents(element) };
    keptPinnedFacts.set(element, facts);
  }
  return facts;
}

/**
 * Floating UI's platform, except that it keeps which ancestors clip an element (`hide` and
 * `shift` need them) for as long as the element stays where it was in the tree. Finding them
 * reads the computed style of every ancestor, ~30 deep on a Lightning record page: 90% of a
 * beacon's update, and updates follow every layout change of the CRM page. How far they clip
 * is still measured on every update; only which ones clip is kept (as `autoUpdate` keeps the
 * ancestors it listens to for scrolling). It stands in for the per-call cache `computePosition`
 * passes as `_c` (@floating-ui/dom 1.x `getClippingRect`). What it keeps is shared by every
 * platform and lasts as long as the element, not the pin: each navigation pins the beacons
 * again (`BeaconLayer.resume`), mostly to the same anchors. With `fixed`, an element pinned by
 * `pinToAnchor`, it also knows that element's size and keeps its offset parent and direction
 * (the beacon is pinned again and again, and stays in Ombord's overlay: these change only when
 * it moves in the tree, into a modal and back). Each costs computed styles otherwise.
 */
export function platformKeepingClippingAncestors(fixed?: { element: Element; width: number; height: number }): Platform {
  const isPinned = (element: unknown): element is Element => fixed !== undefined && element === fixed.element;
  return {
    ...platform,
    getClippingRect(options) {
      return platform.getClippingRect.call({ ...this, _c: clippingCache }, options);
    },
    // An element of constant size is not measured: that reads its computed style, which forces
    // a style recalculation whenever the CRM page changed since the last one.
    getDimensions(element) {
      return fixed !== undefined && element === fixed.element ? { width: fixed.width, height: fixed.height } : platform.getDimensions(element);
    },
    getOffsetParent(element, polyfill) {
      if (!isPinned(element)) return platform.getOffsetParent(element, polyfill);
      const facts = pinnedFacts(element);
      return (facts.offsetParent ??= platform.getOffsetParent(element, polyfill));
    },
    isRTL(element) {
      if (!isPinned(element)) return platform.isRTL(element);
      const facts = pinnedFacts(element);
      return (facts.rtl ??= platform.isRTL(element));
    },
  };
}

/** Parent nodes up to the document, through slots and shadow hosts, as Floating UI walks them. */
function composedParents(element: Element): Node[] {
  const parents: Node[] = [];
  for (let node = pathParent(element); node !== null; node = pathParent(node)) parents.push(node);
  return parents;
}

function sameParents(element: Element, parents: readonly Node[]): boolean {
  let i = 0;
  for (let node = pathParent(element); node !== null; node = pathParent(node)) {
    if (parents[i++] !== node) return false;
  }
  return i === parents.length;
}

/** No anchor, or one no longer in the page. */
export function isAnchorGone(anchor: Element | null): boolean {
  return anchor === null || !anchor.isConnected;
}
