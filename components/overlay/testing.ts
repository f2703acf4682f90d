/**
 * Test support for the overlay: a `Translate` that reads the English `_locales` messages the way
 * `browser.i18n.getMessage` does, an anchor element in a laid-out page (happy-dom lays nothing
 * out, and Floating UI hides what it finds outside the viewport), a tip's beacon with its card,
 * and launcher content that never changes.
 */
import { act, render } from '@testing-library/react';
import { createElement } from 'react';
import { vi } from 'vitest';
import messages from '../../public/_locales/en/messages.json';
import type { TipView } from '@/lib/guides/session';
import type { MessageKey, Translate } from '@/lib/i18n';
import { BeaconCards } from './BeaconCards';
import { BeaconLayer } from './beacons';
import type { LauncherContent, LauncherSource } from './Launcher';

type Entry = { message: string; placeholders?: Record<string, { content: string }> };

export const translate: Translate = (key: MessageKey, substitutions?: string | string[]) => {
  const entry: Entry = messages[key];
  const values = substitutions === undefined ? [] : [substitutions].flat();
  return entry.message.replace(/\$(\w+)\$/g, (_, name: string) => {
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return content.replace(/\$(\d)/, (__, index: string) => values[Number(index) - 1] ?? '');
  });
};

/**
 * happy-dom's `ResizeObserver` never reports. This one reports what the overlay relies on, as the
 * browser's does: once after `observe` (the target's first layout, rendered or not), after each
 * change of the target's inline style (a size the overlay sets, as on its layout probe), and
 * when a test says so (`report`: the CRM resized or hid the element). `createAnchor` puts it in
 * place.
 */
export class TestResizeObserver {
  private static readonly all = new Set<TestResizeObserver>();
  private readonly targets = new Map<Element, MutationObserver>();

  constructor(private readonly callback: ResizeObserverCallback) {
    TestResizeObserver.all.add(this);
  }

  observe(target: Element): void {
    if (this.targets.has(target)) return;
    const styles = new MutationObserver(() => this.reportLater(target));
    styles.observe(target, { attributes: true, attributeFilter: ['style'] });
    this.targets.set(target, styles);
    this.reportLater(target);
  }

  unobserve(target: Element): void {
    this.targets.get(target)?.disconnect();
    this.targets.delete(target);
  }

  disconnect(): void {
    for (const target of [...this.targets.keys()]) this.unobserve(target);
    TestResizeObserver.all.delete(this);
  }

  /** The observers observing `target`. */
  static observing(target: Element): TestResizeObserver[] {
    return [...TestResizeObserver.all].filter((observer) => observer.targets.has(target));
  }

  /** Reports `target` to every observer of it, now (and whether it is in view, after this task). */
  static report(target: Element): void {
    for (const observer of TestResizeObserver.all) {
      if (observer.targets.has(target)) observer.callback([{ target } as ResizeObserverEntry], observer as unknown as ResizeObserver);
    }
    TestIntersectionObserver.checkAll();
  }

  /** Reports come after the layout, not in the task that changed the page. */
  private reportLater(target: Element): void {
    setTimeout(() => {
      if (this.targets.has(target)) this.callback([{ target } as ResizeObserverEntry], this as unknown as ResizeObserver);
    }, 0);
  }
}

/**
 * happy-dom's `IntersectionObserver` never reports. This one reports to an observer of the
 * viewport (the beacons' anchors' visibility) as the browser's does: once after `observe`, then
 * whenever the target comes into view or leaves it, after a scroll or a change of the page or
 * when a test says so (`TestResizeObserver.report`). In view means rendered, inside the viewport
 * and not clipped away by an ancestor with an inline `overflow: hidden`, from the boxes
 * `getBoundingClientRect` gives. An observer with a root margin (a layout-shift observer)
 * reports only when a test calls its `callback`. `createAnchor` puts it in place.
 */
export class TestIntersectionObserver {
  static readonly all = new Set<TestIntersectionObserver>();
  /** Each target, with whether it was in view at its last report (null: none yet). */
  readonly targets = new Map<Element, boolean | null>();
  private listening: AbortController | null = null;

  constructor(
    readonly callback: IntersectionObserverCallback,
    readonly options?: IntersectionObserverInit,
  ) {
    TestIntersectionObserver.all.add(this);
  }

  /** How many times an observer with a root margin started observing. */
  static movesObserved = 0;

  observe(target: Element): void {
    if (this.targets.has(target)) return;
    this.targets.set(target, null);
    if (this.options?.rootMargin !== undefined) {
      TestIntersectionObserver.movesObserved++;
      return;
    }
    if (this.listening === null) {
      this.listening = new AbortController();
      const check = () => this.checkLater();
      window.addEventListener('scroll', check, { capture: true, signal: this.listening.signal });
      const changes = new MutationObserver(check);
      changes.observe(document, { childList: true, subtree: true, attributes: true });
      this.listening.signal.addEventListener('abort', () => changes.disconnect());
    }
    this.checkLater();
  }

  unobserve(target: Element): void {
    this.targets.delete(target);
  }

  disconnect(): void {
    this.targets.clear();
    this.listening?.abort();
    this.listening = null;
    TestIntersectionObserver.all.delete(this);
  }

  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }

  /** The observers observing `target`: those of the anchor's moves (with a root margin), or of its visibility. */
  static observing(target: Element, kind: 'moves' | 'visibility'): TestIntersectionObserver[] {
    return [...TestIntersectionObserver.all].filter(
      (observer) => observer.targets.has(target) && (observer.options?.rootMargin !== undefined) === (kind === 'moves'),
    );
  }

  /** Looks again at every target of every observer of the viewport (the page changed). */
  static checkAll(): void {
    for (const observer of TestIntersectionObserver.all) if (observer.listening !== null) observer.checkLater();
  }

  /** Reports come after the layout, not in the task that changed the page. */
  private checkLater(): void {
    setTimeout(() => {
      const entries: IntersectionObserverEntry[] = [];
      for (const [target, was] of this.targets) {
        const now = inView(target);
        if (now === was) continue;
        this.targets.set(target, now);
        entries.push({ target, isIntersecting: now, intersectionRatio: now ? 1 : 0 } as IntersectionObserverEntry);
      }
      if (entries.length > 0) this.callback(entries, this as unknown as IntersectionObserver);
    }, 0);
  }
}

function inView(target: Element): boolean {
  if (!target.isConnected || target.getClientRects().length === 0) return false;
  const box = target.getBoundingClientRect();
  const overlaps = (other: { left: number; top: number; right: number; bottom: number }) =>
    box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
  const root = document.documentElement;
  if (!overlaps({ left: 0, top: 0, right: root.clientWidth, bottom: root.clientHeight })) return false;
  // Inline styles only (as the tests set them): a computed style read here would count as the overlay's.
  for (let element = target.parentElement; element !== null && element !== document.body; element = element.parentElement) {
    if (element.style.overflow === 'hidden' && !overlaps(element.getBoundingClientRect())) return false;
  }
  return true;
}

/**
 * A button in the document, in a 1024×768 viewport where every element but `<html>` (the
 * anchor, and the beacon a tooltip points at) has an 80×24 box at (100, 100).
 */
export function createAnchor(label = 'Log a Call'): HTMLButtonElement {
  vi.stubGlobal('ResizeObserver', TestResizeObserver);
  vi.stubGlobal('IntersectionObserver', TestIntersectionObserver);
  for (const [property, value] of [['clientWidth', 1024], ['clientHeight', 768]] as const) {
    Object.defineProperty(document.documentElement, property, { configurable: true, value });
  }
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    return this === document.documentElement
      ? DOMRect.fromRect({ x: 0, y: 0, width: 1024, height: 768 })
      : DOMRect.fromRect({ x: 100, y: 100, width: 80, height: 24 });
  });
  const anchor = document.createElement('button');
  anchor.textContent = label;
  document.body.append(anchor);
  return anchor;
}

const layers = new Set<BeaconLayer>();

/**
 * One tip's beacon, as the content script shows it: a `BeaconLayer` in the document and the
 * React `BeaconCards` for it. `clearBeacons` (after each test) removes them.
 */
export function renderBeacon(overrides: Partial<TipView> = {}) {
  const tip: TipView = {
    key: 'test-pack/log-a-call',
    title: 'Log a call',
    body: 'Log calls from the record.',
    wiifm: { minutesSaved: 2, reason: 'Log a Call from the record instead of switching to email' },
    ...overrides,
    anchor: overrides.anchor ?? createAnchor(),
  };
  const rendered = renderBeaconLayer();
  act(() => rendered.layer.sync([tip]));
  return { ...rendered, tip };
}

/** A `BeaconLayer` and its `BeaconCards` with no dot yet: the page's first view is still to come. */
export function renderBeaconLayer() {
  const dots = document.createElement('div');
  document.body.append(dots);
  const onOpen = vi.fn();
  const onSnooze = vi.fn();
  const onDontShowAgain = vi.fn();
  const layer = new BeaconLayer(dots, { t: translate, onOpen });
  layers.add(layer);
  render(createElement(BeaconCards, { beacons: layer, t: translate, onSnooze, onDontShowAgain }));
  return { layer, onOpen, onSnooze, onDontShowAgain };
}

/** Stops the beacons `renderBeacon` made from following their anchors. */
export function clearBeacons(): void {
  for (const layer of layers) layer.clear();
  layers.clear();
}

/** A launcher's content that stays as given. */
export function launcherContent(content: LauncherContent): LauncherSource {
  return { subscribe: () => () => undefined, getLauncher: () => content };
}
