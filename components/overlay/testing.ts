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

  /** Reports `target` to every observer of it, now. */
  static report(target: Element): void {
    for (const observer of TestResizeObserver.all) {
      if (observer.targets.has(target)) observer.callback([{ target } as ResizeObserverEntry], observer as unknown as ResizeObserver);
    }
  }

  /** Reports come after the layout, not in the task that changed the page. */
  private reportLater(target: Element): void {
    setTimeout(() => {
      if (this.targets.has(target)) this.callback([{ target } as ResizeObserverEntry], this as unknown as ResizeObserver);
    }, 0);
  }
}

/**
 * A button in the document, in a 1024×768 viewport where every element but `<html>` (the
 * anchor, and the beacon a tooltip points at) has an 80×24 box at (100, 100).
 */
export function createAnchor(label = 'Log a Call'): HTMLButtonElement {
  vi.stubGlobal('ResizeObserver', TestResizeObserver);
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
