// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Tooltip } from './Tooltip';
import { clearBeacons, createAnchor, renderBeacon, TestIntersectionObserver, TestResizeObserver, translate } from './testing';

afterEach(() => {
  clearBeacons();
  cleanup();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

/** An `overflow: hidden` box far from the anchor's (100, 100): whatever is inside it is clipped away. */
function clippingBox(): HTMLDivElement {
  const box = document.createElement('div');
  box.style.overflow = 'hidden';
  box.getBoundingClientRect = () => DOMRect.fromRect({ x: 600, y: 600, width: 50, height: 50 });
  document.body.append(box);
  return box;
}

const tooltipProps = { title: 'Log calls', body: 'From the record.', t: translate, onGotIt: vi.fn(), onSnooze: vi.fn(), onDontShowAgain: vi.fn(), onClose: vi.fn() };

describe('useAnchoredFloating', () => {
  it('finds again which ancestors clip the anchor once it has moved in the page', async () => {
    const anchor = createAnchor();
    const wrapper = document.createElement('div');
    wrapper.append(anchor);
    clippingBox().append(wrapper);
    render(<Tooltip anchor={anchor} {...tooltipProps} />);
    const card = () => document.querySelector('.ob-tooltip');
    await waitFor(() => expect(card()?.hasAttribute('hidden')).toBe(true));

    // Kept: another update while the anchor stays where it was does not look at the ancestors
    // that do not clip it (the clipping box itself is measured on every update).
    const styles = vi.spyOn(window, 'getComputedStyle');
    act(() => window.dispatchEvent(new Event('scroll')));
    await waitFor(() => expect(styles).toHaveBeenCalled());
    expect(styles.mock.calls.some(([element]) => element === wrapper)).toBe(false);

    document.body.append(anchor);
    act(() => window.dispatchEvent(new Event('scroll')));
    await waitFor(() => expect(card()?.hasAttribute('hidden')).toBe(false));
  });
});

describe('pinToAnchor (beacons)', () => {
  it('writes the position to the element, and reads no computed style of it on later updates', async () => {
    const anchor = createAnchor();
    renderBeacon({ anchor });
    const beacon = document.querySelector<HTMLElement>('.ob-beacon');
    await waitFor(() => expect(beacon?.style.transform).toMatch(/^translate\(/));
    expect(beacon?.style.visibility).toBe('');
    expect(beacon?.style.position).toBe('fixed');

    const styles = vi.spyOn(window, 'getComputedStyle');
    moveAnchors({ x: 140, y: 120 });
    act(() => window.dispatchEvent(new Event('scroll')));
    await waitFor(() => expect(styles).toHaveBeenCalled());
    expect(styles.mock.calls.some(([element]) => element === beacon)).toBe(false);
  });

  it('pinned again after a navigation, reads no computed style of the beacon or of the anchor’s ancestors', async () => {
    const anchor = createAnchor();
    const wrapper = document.createElement('div');
    wrapper.append(anchor);
    document.body.append(wrapper);
    const { layer } = renderBeacon({ anchor });
    const beacon = document.querySelector<HTMLElement>('.ob-beacon');
    await waitFor(() => expect(beacon?.style.transform).toMatch(/^translate\(/));
    const before = beacon?.style.transform;

    const styles = vi.spyOn(window, 'getComputedStyle');
    act(() => layer.pause());
    moveAnchors({ x: 140, y: 120 });
    act(() => layer.resume());
    await waitFor(() => expect(beacon?.style.transform).not.toBe(before));
    expect(styles.mock.calls.some(([element]) => element === beacon || element === wrapper)).toBe(false);
  });

  it('places a new beacon at once, and one moved to an anchor the CRM rendered anew only after the layout', async () => {
    const anchor = createAnchor();
    const rects = vi.spyOn(anchor, 'getClientRects');
    const { layer, tip } = renderBeacon({ anchor });
    // In the task that found the anchor, so that it shows in the next frame.
    expect(rects).toHaveBeenCalled();
    const beacon = () => document.querySelector<HTMLElement>('.ob-beacon');
    await waitFor(() => expect(beacon()?.style.transform).toBe('translate(168px, 88px)'));

    // Re-rendered: the page has changed since its layout, and measuring now would force one.
    const fresh = document.createElement('button');
    document.body.append(fresh);
    const freshRects = vi.spyOn(fresh, 'getClientRects');
    const measured = vi.mocked(Element.prototype.getBoundingClientRect);
    measured.mockClear();
    moveAnchors({ x: 300, y: 200 });
    act(() => layer.sync([{ ...tip, anchor: fresh }]));
    expect(freshRects).not.toHaveBeenCalled();
    expect(measured.mock.contexts.includes(fresh)).toBe(false);
    // Its first size report comes after the layout: placed then.
    await waitFor(() => expect(beacon()?.style.transform).toBe('translate(368px, 188px)'));
    expect(freshRects).toHaveBeenCalled();
  });

  it('computes nothing when the anchor is back where it was (a cached page shown again), and shows it as it was', async () => {
    const { anchor, beacon, nextFrame } = await pinnedBeacon();
    const styles = vi.spyOn(window, 'getComputedStyle');
    const rects = vi.spyOn(anchor, 'getClientRects').mockReturnValue([] as unknown as DOMRectList);
    act(() => window.dispatchEvent(new Event('scroll')));
    await nextFrame();
    expect(beacon().style.visibility).toBe('hidden');

    rects.mockRestore();
    act(() => window.dispatchEvent(new Event('scroll')));
    await nextFrame();
    expect(beacon().style.visibility).toBe('');
    expect(beacon().style.transform).toBe('translate(168px, 88px)');
    // Neither update measured the page's layout for a position: no computed style was read.
    expect(styles).not.toHaveBeenCalled();

    // Moved: computed again.
    moveAnchors({ x: 300, y: 200 });
    act(() => window.dispatchEvent(new Event('scroll')));
    await nextFrame();
    expect(beacon().style.transform).toBe('translate(368px, 188px)');
  });
});

describe('pinToAnchor and scrolling', () => {
  it('follows a scroll in the page and one inside the shadow root its anchor is in', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'closed' });
    const scroller = document.createElement('div');
    root.append(scroller);
    const anchor = createAnchor();
    scroller.append(anchor);
    renderBeacon({ anchor });
    const beacon = () => document.querySelector<HTMLElement>('.ob-beacon') as HTMLElement;
    await waitFor(() => expect(beacon().style.transform).toBe('translate(168px, 88px)'));

    // A scroll inside the shadow root does not leave it: heard there.
    moveAnchors({ x: 300, y: 200 });
    act(() => scroller.dispatchEvent(new Event('scroll')));
    await waitFor(() => expect(beacon().style.transform).toBe('translate(368px, 188px)'));
    // The page's own scrolling.
    moveAnchors({ x: 100, y: 100 });
    act(() => document.dispatchEvent(new Event('scroll', { bubbles: true })));
    await waitFor(() => expect(beacon().style.transform).toBe('translate(168px, 88px)'));

    // Stopped with its beacon: no update any more, and no listener left on the shadow root (the
    // CRM throws its shadow roots away with every re-render).
    const unlistened = vi.spyOn(root, 'removeEventListener');
    clearBeacons();
    expect(unlistened.mock.calls.map(([type]) => type)).toEqual(['scroll']);
    const measured = vi.mocked(Element.prototype.getBoundingClientRect);
    measured.mockClear();
    act(() => scroller.dispatchEvent(new Event('scroll')));
    act(() => window.dispatchEvent(new Event('scroll')));
    expect(measured.mock.contexts.includes(anchor)).toBe(false);
  });
});

describe('pinToAnchor writing before the frame', () => {
  it('writes a new position even when a later update in the same frame finds the same one', async () => {
    const { beacon, nextFrame } = await pinnedBeacon();
    moveAnchors({ x: 300, y: 200 });
    act(() => window.dispatchEvent(new Event('scroll')));
    // Before the frame, another update: the anchor is where the first one found it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    act(() => window.dispatchEvent(new Event('scroll')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await nextFrame();
    expect(beacon().style.transform).toBe('translate(368px, 188px)');
  });

  it('asks for no frame when an update finds the beacon where it is', async () => {
    const { beacon, nextFrame } = await pinnedBeacon();
    const frames = vi.mocked(window.requestAnimationFrame);
    // Writes asked for before the spy (the anchor's first size report) are done by then.
    await new Promise((resolve) => setTimeout(resolve, 50));
    frames.mockClear();
    act(() => window.dispatchEvent(new Event('scroll')));
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Nothing to write: a frame asked for would be one more for the page to draw.
    expect(frames).not.toHaveBeenCalled();
    moveAnchors({ x: 300, y: 200 });
    act(() => window.dispatchEvent(new Event('scroll')));
    await nextFrame();
    expect(beacon().style.transform).toBe('translate(368px, 188px)');
  });

  it('asks for a frame for a new pin when a stopped pin\'s write is still waiting for one', async () => {
    const first = await pinnedBeacon();
    moveAnchors({ x: 300, y: 200 });
    act(() => window.dispatchEvent(new Event('scroll')));
    // Asked for, and never run: the page was left before its next frame.
    await waitFor(() => expect(vi.mocked(window.requestAnimationFrame)).toHaveBeenCalled());
    clearBeacons();
    vi.mocked(window.requestAnimationFrame).mockRestore();
    expect(first.beacon()).toBeNull();

    const second = await pinnedBeacon();
    moveAnchors({ x: 140, y: 120 });
    act(() => window.dispatchEvent(new Event('scroll')));
    await second.nextFrame();
    expect(second.beacon().style.transform).toBe('translate(208px, 108px)');
  });
});

/**
 * A beacon pinned to a fresh anchor, at its first position; from then on the test runs the
 * animation frames: `nextFrame` waits for one to be asked for and runs it.
 */
async function pinnedBeacon() {
  const anchor = createAnchor();
  renderBeacon({ anchor });
  const beacon = () => document.querySelector<HTMLElement>('.ob-beacon') as HTMLElement;
  await waitFor(() => expect(beacon().style.transform).toBe('translate(168px, 88px)'));
  const frames: FrameRequestCallback[] = [];
  vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback));
  const nextFrame = async () => {
    await waitFor(() => expect(frames.length).toBeGreaterThan(0));
    act(() => frames.splice(0).forEach((frame) => frame(performance.now())));
  };
  return { anchor, beacon, nextFrame };
}

/** Every element but the root is now at (x, y), 80 × 24. */
function moveAnchors({ x, y }: { x: number; y: number }): void {
  vi.mocked(Element.prototype.getBoundingClientRect).mockImplementation(function (this: Element) {
    return this === document.documentElement
      ? DOMRect.fromRect({ x: 0, y: 0, width: 1024, height: 768 })
      : DOMRect.fromRect({ x, y, width: 80, height: 24 });
  });
}

describe('pinToAnchor after the first position', () => {
  it('writes later moves in the next animation frame, all beacons together', async () => {
    const first = createAnchor();
    const second = document.createElement('button');
    document.body.append(second);
    renderBeacon({ anchor: first });
    renderBeacon({ anchor: second });
    const beacons = () => [...document.querySelectorAll<HTMLElement>('.ob-beacon')];
    await waitFor(() => expect(beacons().map((beacon) => beacon.style.transform)).toEqual(['translate(168px, 88px)', 'translate(168px, 88px)']));

    const frames: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback));
    vi.mocked(Element.prototype.getBoundingClientRect).mockImplementation(function (this: Element) {
      return this === document.documentElement
        ? DOMRect.fromRect({ x: 0, y: 0, width: 1024, height: 768 })
        : DOMRect.fromRect({ x: 300, y: 200, width: 80, height: 24 });
    });
    act(() => window.dispatchEvent(new Event('scroll')));
    await waitFor(() => expect(frames).toHaveLength(1));
    // Measured, not yet written: one frame for both.
    expect(beacons().map((beacon) => beacon.style.transform)).toEqual(['translate(168px, 88px)', 'translate(168px, 88px)']);
    act(() => frames[0]?.(performance.now()));
    expect(beacons().map((beacon) => beacon.style.transform)).toEqual(['translate(368px, 188px)', 'translate(368px, 188px)']);
  });

  it('hears every anchor’s size through one observer, and positions a second beacon on an anchor already followed', async () => {
    const first = createAnchor();
    const second = document.createElement('button');
    document.body.append(second);
    renderBeacon({ anchor: first });
    renderBeacon({ anchor: second, key: 'test-pack/second' });
    const beacons = () => [...document.querySelectorAll<HTMLElement>('.ob-beacon')];
    await waitFor(() => expect(beacons().map((beacon) => beacon.style.transform)).toEqual(['translate(168px, 88px)', 'translate(168px, 88px)']));
    const [observer] = TestResizeObserver.observing(first);
    expect(TestResizeObserver.observing(first)).toHaveLength(1);
    expect(TestResizeObserver.observing(second)).toEqual([observer]);

    // A third beacon on the first anchor: that anchor is observed afresh, and its first report
    // positions the newcomer.
    renderBeacon({ anchor: first, key: 'test-pack/third' });
    await waitFor(() => expect(beacons()).toHaveLength(3));
    await waitFor(() => expect(beacons()[2]?.style.transform).toBe('translate(168px, 88px)'));
    expect(TestResizeObserver.observing(first)).toEqual([observer]);

    // Each stops hearing with its beacon; the anchor is unobserved with the last one.
    clearBeacons();
    expect(TestResizeObserver.observing(first)).toHaveLength(0);
    expect(TestResizeObserver.observing(second)).toHaveLength(0);
  });

  it('hides the beacon without measuring while its anchor is not rendered, and shows it again', async () => {
    const anchor = createAnchor();
    renderBeacon({ anchor });
    const beacon = () => document.querySelector<HTMLElement>('.ob-beacon');
    await waitFor(() => expect(beacon()?.style.transform).toMatch(/^translate\(/));
    expect(beacon()?.style.visibility).toBe('');

    // A cached Lightning page that is not shown: display: none above the anchor.
    const rects = vi.spyOn(anchor, 'getClientRects').mockReturnValue([] as unknown as DOMRectList);
    const measured = vi.mocked(Element.prototype.getBoundingClientRect);
    measured.mockClear();
    act(() => window.dispatchEvent(new Event('scroll')));
    await waitFor(() => expect(beacon()?.style.visibility).toBe('hidden'));
    expect(measured.mock.contexts.includes(anchor)).toBe(false);

    rects.mockRestore();
    act(() => window.dispatchEvent(new Event('scroll')));
    await waitFor(() => expect(beacon()?.style.visibility).toBe(''));
  });
});

describe('Beacon with its anchor clipped away', () => {
  it('stays in the page but invisible, and out of reach', async () => {
    const anchor = createAnchor();
    clippingBox().append(anchor);
    renderBeacon({ anchor });
    const beacon = () => document.querySelector<HTMLElement>('.ob-beacon');
    await waitFor(() => expect(beacon()?.style.visibility).toBe('hidden'));
    expect(beacon()?.hasAttribute('hidden')).toBe(false);
    expect(screen.queryByRole('button', { name: 'Tip: Log a call' })).toBeNull();
  });
});

describe('Beacon whose anchor an ancestor starts to clip where it is', () => {
  it('hides when the browser reports the anchor out of view, with nothing measured by the overlay', async () => {
    const anchor = createAnchor();
    const wrapper = document.createElement('div');
    wrapper.getBoundingClientRect = () => DOMRect.fromRect({ x: 600, y: 600, width: 50, height: 50 });
    wrapper.append(anchor);
    document.body.append(wrapper);
    renderBeacon({ anchor });
    const beacon = () => document.querySelector<HTMLElement>('.ob-beacon');
    await waitFor(() => expect(beacon()?.style.visibility).toBe(''));

    // The anchor does not move and nothing scrolls: only the intersection with the viewport changes.
    const styles = vi.spyOn(window, 'getComputedStyle');
    act(() => {
      wrapper.style.overflow = 'hidden';
    });
    await waitFor(() => expect(beacon()?.style.visibility).toBe('hidden'));
    expect(styles.mock.calls.some(([element]) => element === wrapper)).toBe(false);

    act(() => {
      wrapper.style.overflow = '';
    });
    await waitFor(() => expect(beacon()?.style.visibility).toBe(''));
  });
});

describe('Beacon whose anchor is clipped away while its card is open', () => {
  it('closes the card, and it stays closed when the anchor is back', async () => {
    const anchor = createAnchor();
    renderBeacon({ anchor });
    const button = await screen.findByRole('button', { name: 'Tip: Log a call' });
    await waitFor(() => expect(button.style.visibility).toBe(''));
    act(() => button.click());
    expect(await screen.findByRole('dialog', { name: 'Log a call' })).toBeTruthy();

    clippingBox().append(anchor);
    act(() => window.dispatchEvent(new Event('scroll')));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Log a call' })).toBeNull());
    expect(button.getAttribute('aria-expanded')).toBe('false');

    document.body.append(anchor);
    act(() => window.dispatchEvent(new Event('scroll')));
    await waitFor(() => expect(button.style.visibility).toBe(''));
    expect(screen.queryByRole('dialog', { name: 'Log a call' })).toBeNull();
  });
});

describe('pinToAnchor and layout shifts', () => {
  it('keeps following the anchor’s moves after it was hidden and shown again (a cached page switched away from and back)', async () => {
    try {
      const anchor = createAnchor();
      renderBeacon({ anchor });
      const beacon = () => document.querySelector<HTMLElement>('.ob-beacon');
      /** display: none above the anchor: no box at all; its size observer reports it. */
      const hide = () => {
        const rects = vi.spyOn(anchor, 'getClientRects').mockReturnValue([] as unknown as DOMRectList);
        vi.mocked(Element.prototype.getBoundingClientRect).mockImplementation(function (this: Element) {
          return DOMRect.fromRect(this === anchor ? { x: 0, y: 0, width: 0, height: 0 } : { x: 0, y: 0, width: 1024, height: 768 });
        });
        act(() => TestResizeObserver.report(anchor));
        const showAt = (at: { x: number; y: number }) => {
          rects.mockRestore();
          moveAnchors(at);
          act(() => TestResizeObserver.report(anchor));
        };
        return { showAt };
      };
      await waitFor(() => expect(beacon()?.style.transform).toBe('translate(168px, 88px)'));
      await waitFor(() => expect(TestIntersectionObserver.observing(anchor, 'moves')).toHaveLength(1));

      // Hidden: the anchor's size observer stops the layout-shift observer before it reports.
      const hidden = hide();
      expect(TestIntersectionObserver.observing(anchor, 'moves')).toHaveLength(0);

      // Shown again: watched afresh once it has stayed shown a moment (a move meanwhile is caught
      // up then), so a later layout shift moves the beacon.
      hidden.showAt({ x: 100, y: 100 });
      expect(TestIntersectionObserver.observing(anchor, 'moves')).toHaveLength(0);
      moveAnchors({ x: 200, y: 150 });
      await waitFor(() => expect(TestIntersectionObserver.observing(anchor, 'moves')).toHaveLength(1));
      await waitFor(() => expect(beacon()?.style.transform).toBe('translate(268px, 138px)'));
      const [shifts] = TestIntersectionObserver.observing(anchor, 'moves');
      // A report with the box the anchor had when it was observed: no move, and nothing measured.
      // The root's box is the viewport less the root margins: the box the anchor was observed at.
      const observedAt = DOMRect.fromRect({ x: 200, y: 150, width: 80, height: 24 });
      const report = () => ({ intersectionRatio: 1, boundingClientRect: anchor.getBoundingClientRect(), rootBounds: observedAt }) as IntersectionObserverEntry;
      const entry = report();
      const measured = vi.mocked(Element.prototype.getBoundingClientRect);
      measured.mockClear();
      act(() => shifts?.callback([entry], shifts as unknown as IntersectionObserver));
      expect(measured.mock.contexts.includes(anchor)).toBe(false);
      expect(TestIntersectionObserver.observing(anchor, 'moves')).toEqual([shifts]);
      // Moved: the report carries the new box. Nothing is measured in the report's task (the CRM
      // may have changed the page since its layout): the anchor is observed anew from the box
      // and viewport of the report, and the beacon moves after the next layout.
      moveAnchors({ x: 300, y: 200 });
      const moved = report();
      measured.mockClear();
      act(() => shifts?.callback([moved], shifts as unknown as IntersectionObserver));
      expect(measured.mock.contexts.includes(anchor)).toBe(false);
      expect(TestIntersectionObserver.observing(anchor, 'moves').map((observer) => observer.options?.rootMargin)).toEqual(['-200px -644px -544px -300px']);
      await waitFor(() => expect(beacon()?.style.transform).toBe('translate(368px, 188px)'));
      expect(TestIntersectionObserver.observing(anchor, 'moves')).not.toContain(shifts);

      // A report of no box at all (switched away): the observer stops without measuring the
      // page, and starts again once the anchor's size observer has seen it back for a moment.
      const [current] = TestIntersectionObserver.observing(anchor, 'moves');
      measured.mockClear();
      const none = { intersectionRatio: 0, boundingClientRect: DOMRect.fromRect({ x: 0, y: 0, width: 0, height: 0 }) } as IntersectionObserverEntry;
      act(() => current?.callback([none], current as unknown as IntersectionObserver));
      expect(measured.mock.contexts.includes(anchor)).toBe(false);
      expect(TestIntersectionObserver.observing(anchor, 'moves')).toHaveLength(0);
      act(() => TestResizeObserver.report(anchor));
      await waitFor(() => expect(TestIntersectionObserver.observing(anchor, 'moves')).toHaveLength(1));

      // Switched away, back and away again quickly: no observer started meanwhile.
      const observers = TestIntersectionObserver.movesObserved;
      hide().showAt({ x: 300, y: 200 });
      hide();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(TestIntersectionObserver.movesObserved).toBe(observers);
      expect(TestIntersectionObserver.observing(anchor, 'moves')).toHaveLength(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
