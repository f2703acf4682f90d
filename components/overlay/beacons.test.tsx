// @vitest-environment happy-dom
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearBeacons, createAnchor, renderBeacon, renderBeaconLayer, TestIntersectionObserver, TestResizeObserver } from './testing';

afterEach(() => {
  clearBeacons();
  cleanup();
  document.body.innerHTML = '';
});

const beacon = () => screen.findByRole('button', { name: 'Tip: Log a call' });
const tooltip = () => screen.queryByRole('dialog', { name: 'Log a call' });

describe('BeaconLayer with BeaconCards', () => {
  it('is a button named after its tip, collapsed at first', async () => {
    renderBeacon();
    const button = await beacon();
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(button.getAttribute('aria-haspopup')).toBe('dialog');
    expect(tooltip()).toBeNull();
  });

  it('shows the tip on hover and hides it when the pointer leaves', async () => {
    const user = userEvent.setup();
    const props = renderBeacon();
    const button = await beacon();
    await user.hover(button);
    await waitFor(() => expect(tooltip()).not.toBeNull());
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(button.getAttribute('aria-controls')).toBe(tooltip()?.id);
    expect(props.onOpen).toHaveBeenCalledOnce();
    await user.unhover(button);
    await waitFor(() => expect(tooltip()).toBeNull());
  });

  it('keeps the tip open after a click, until the next click', async () => {
    const user = userEvent.setup();
    renderBeacon();
    const button = await beacon();
    await user.click(button);
    await user.unhover(button);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(tooltip()).not.toBeNull();
    await user.click(button);
    expect(tooltip()).toBeNull();
  });

  it('shows the tip on keyboard focus; Enter and Space toggle it', async () => {
    const user = userEvent.setup();
    renderBeacon();
    const button = await beacon();
    await user.tab(); // the CRM's anchor button
    await user.tab();
    expect(document.activeElement).toBe(button);
    await waitFor(() => expect(tooltip()).not.toBeNull());
    await user.keyboard('{Enter}');
    expect(tooltip()).toBeNull();
    await user.keyboard(' ');
    await waitFor(() => expect(tooltip()).not.toBeNull());
    await user.keyboard('{Enter}');
    expect(tooltip()).toBeNull();
  });

  it('closes on Esc from inside the tip and gives focus back to the beacon', async () => {
    const user = userEvent.setup();
    renderBeacon();
    const button = await beacon();
    await user.click(button);
    await user.tab();
    expect(document.activeElement?.textContent).toBe("Don't show again");
    await user.keyboard('{Escape}');
    expect(tooltip()).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('closes on Esc on the beacon itself', async () => {
    const user = userEvent.setup();
    renderBeacon();
    await user.tab();
    await user.tab();
    await waitFor(() => expect(tooltip()).not.toBeNull());
    await user.keyboard('{Escape}');
    expect(tooltip()).toBeNull();
  });

  it('closes when focus leaves for the page', async () => {
    const user = userEvent.setup();
    renderBeacon();
    await user.tab();
    await user.tab();
    await waitFor(() => expect(tooltip()).not.toBeNull());
    await user.tab({ shift: true });
    expect(tooltip()).toBeNull();
  });

  it('fires the action callbacks, closes and returns focus to the beacon', async () => {
    const user = userEvent.setup();
    const props = renderBeacon();
    const button = await beacon();
    await user.click(button);
    await user.click(await screen.findByRole('button', { name: 'Got it' }));
    expect(tooltip()).toBeNull();
    expect(document.activeElement).toBe(button);
    await user.click(button);
    await user.click(await screen.findByRole('button', { name: 'Snooze for a day' }));
    await user.click(button);
    await user.click(await screen.findByRole('button', { name: "Don't show again" }));
    expect(props.onSnooze).toHaveBeenCalledOnce();
    expect(props.onDontShowAgain).toHaveBeenCalledOnce();
  });

  it('hides without throwing when its anchor is detached', async () => {
    const { layer, tip } = renderBeacon();
    tip.anchor.remove();
    act(() => layer.sync([{ ...tip }]));
    await waitFor(() => expect(document.querySelector('.ob-beacon')?.hasAttribute('hidden')).toBe(true));
    expect(screen.queryByRole('button', { name: 'Tip: Log a call' })).toBeNull();
  });

  it('pulses when its tip first shows in the page, not when the tip shows again', async () => {
    const { layer, tip } = renderBeacon();
    expect((await beacon()).classList.contains('ob-beacon--settled')).toBe(false);
    // The CRM re-rendered the anchor, or the user came back: the tip's beacon is drawn anew.
    act(() => layer.sync([]));
    act(() => layer.sync([{ ...tip }]));
    expect((await beacon()).classList.contains('ob-beacon--settled')).toBe(true);
    act(() => layer.sync([{ ...tip }, { ...tip, key: 'test-pack/other', title: 'Other' }]));
    expect((await screen.findByRole('button', { name: 'Tip: Other' })).classList.contains('ob-beacon--settled')).toBe(false);
  });

  it('hides its dot and follows nothing while the user navigates, then shows it again at its anchor', async () => {
    const user = userEvent.setup();
    const { layer, tip } = renderBeacon();
    const button = await beacon();
    await waitFor(() => expect(button.style.visibility).toBe(''));
    await user.click(button);
    expect(tooltip()).not.toBeNull();
    act(() => layer.pause());
    expect(button.hidden).toBe(true);
    expect(tooltip()).toBeNull();
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(TestResizeObserver.observing(tip.anchor)).toHaveLength(0);
    // The tips of the page the user settled on: this one again, on the same anchor.
    act(() => layer.sync([{ ...tip }]));
    expect(button.hidden).toBe(true);
    act(() => layer.resume());
    expect(button.hidden).toBe(false);
    expect(TestResizeObserver.observing(tip.anchor)).toHaveLength(1);
    // Shown again, not for the first time: it does not pulse again.
    expect(button.classList.contains('ob-beacon--settled')).toBe(true);
    await waitFor(() => expect(button.style.transform).not.toBe(''));
    expect(button.style.visibility).toBe('');
  });

  it('shows its dot again where its anchor was in view, in the frame that lays it out, before the browser reports', async () => {
    const { layer, tip } = renderBeacon();
    const button = await beacon();
    await waitFor(() => expect(button.style.visibility).toBe(''));
    act(() => layer.pause());
    // While the user was away, the CRM rendered the anchor anew.
    const anchor = document.createElement('button');
    const wrapper = document.createElement('div');
    wrapper.append(anchor);
    document.body.append(wrapper);
    act(() => layer.sync([{ ...tip, anchor }]));
    // From now on the browser says nothing of what is in view (its report comes a frame later).
    const observe = vi.spyOn(TestIntersectionObserver.prototype, 'observe').mockImplementation(() => undefined);
    const styles = vi.spyOn(window, 'getComputedStyle');
    act(() => layer.resume());
    await waitFor(() => expect(button.style.visibility).toBe(''));
    expect(button.style.transform).not.toBe('');
    expect(observe).toHaveBeenCalled();
    // And `hide` was not asked: no computed style of the new anchor's ancestors read.
    expect(styles.mock.calls.some(([element]) => element === wrapper)).toBe(false);
  });

  it('shows a tip that came while the user navigated once the navigation settles, pulsing', async () => {
    const { layer, tip } = renderBeacon();
    act(() => layer.pause());
    act(() => layer.sync([{ ...tip }, { ...tip, key: 'test-pack/other', title: 'Other' }]));
    const other = () => document.querySelector<HTMLButtonElement>('.ob-beacon[aria-label="Tip: Other"]');
    expect(other()?.hidden).toBe(true);
    const measured = vi.spyOn(tip.anchor, 'getClientRects');
    act(() => layer.resume());
    expect(other()?.hidden).toBe(false);
    // Placed after the next layout: the navigation just changed the page.
    expect(measured).not.toHaveBeenCalled();
    expect(other()?.classList.contains('ob-beacon--settled')).toBe(false);
    await waitFor(() => expect(other()?.style.visibility).toBe(''));
  });

  it('measures the anchors of the first view’s dots at once, only after every dot is shown', () => {
    const { layer } = renderBeaconLayer();
    const anchors = ['One', 'Two', 'Three'].map((name) => createAnchor(name));
    const tip = { key: '', title: '', body: '', wiifm: undefined };
    // What each dot looked like when an anchor was first measured: a write after a measuring makes
    // the next one recalculate style and layout again.
    const seen: string[][] = [];
    for (const anchor of anchors) {
      const measure = anchor.getClientRects.bind(anchor);
      anchor.getClientRects = () => {
        seen.push([...document.querySelectorAll<HTMLElement>('.ob-beacon')].map((dot) => `${dot.hidden ? 'hidden' : 'shown'} ${dot.style.visibility}`));
        return measure();
      };
    }
    act(() => layer.sync(anchors.map((anchor, i) => ({ ...tip, key: `test-pack/${i}`, title: `Tip ${i}`, anchor }))));
    expect(seen.length).toBeGreaterThanOrEqual(anchors.length);
    // All three shown, each invisible until its first position is written.
    expect(seen[0]).toEqual(anchors.map(() => 'shown hidden'));
  });

  it('places the new dots of a later view after the next layout, without measuring in the task', async () => {
    const { layer, tip } = renderBeacon();
    await waitFor(async () => expect((await beacon()).style.visibility).toBe(''));
    const anchor = createAnchor('Next step');
    const measured = vi.spyOn(anchor, 'getClientRects');
    act(() => layer.sync([tip, { ...tip, key: 'test-pack/next-step', title: 'Next step', anchor }]));
    const dot = document.querySelector<HTMLButtonElement>('.ob-beacon[aria-label="Tip: Next step"]');
    expect(dot?.hidden).toBe(false);
    expect(dot?.style.visibility).toBe('hidden');
    expect(measured).not.toHaveBeenCalled();
    // A new tip: it pulses, however it is placed.
    expect(dot?.classList.contains('ob-beacon--settled')).toBe(false);
    await waitFor(() => expect(dot?.style.visibility).toBe(''));
    expect(dot?.style.transform).not.toBe('');
  });

  it('follows a new anchor with its card still open, and goes with its tip', async () => {
    const user = userEvent.setup();
    const { layer, tip } = renderBeacon();
    const button = await beacon();
    await user.click(button);
    expect(tooltip()).not.toBeNull();
    const replacement = document.createElement('button');
    document.body.append(replacement);
    act(() => layer.sync([{ ...tip, anchor: replacement }]));
    expect(await beacon()).toBe(button);
    expect(tooltip()).not.toBeNull();
    act(() => layer.sync([]));
    expect(screen.queryByRole('button', { name: 'Tip: Log a call' })).toBeNull();
    expect(button.hidden).toBe(true);
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(tooltip()).toBeNull();
    expect(TestResizeObserver.observing(replacement)).toHaveLength(0);
  });

  it('shows the same dot again when its tip comes back (a cached page shown again), after the others', async () => {
    const { layer, tip } = renderBeacon();
    const button = await beacon();
    const other = { ...tip, key: 'test-pack/other', title: 'Other', anchor: createAnchor('Other') };
    act(() => layer.sync([other]));
    expect(button.hidden).toBe(true);
    act(() => layer.sync([other, { ...tip }]));
    expect(await beacon()).toBe(button);
    expect(button.hidden).toBe(false);
    expect([...document.querySelectorAll('.ob-beacon')].map((dot) => dot.getAttribute('aria-label'))).toEqual(['Tip: Other', 'Tip: Log a call']);
    expect(button.classList.contains('ob-beacon--settled')).toBe(true);
    expect(TestResizeObserver.observing(tip.anchor)).toHaveLength(1);
    await waitFor(() => expect(button.style.visibility).toBe(''));
  });

  it('keeps a bounded number of hidden dots, and removes them all when cleared', () => {
    const { layer } = renderBeaconLayer();
    const anchor = createAnchor();
    const tip = { key: '', title: '', body: '', wiifm: undefined, anchor };
    for (let i = 0; i < 60; i++) act(() => layer.sync([{ ...tip, key: `test-pack/${i}`, title: `Tip ${i}` }]));
    const dots = document.querySelectorAll('.ob-beacon');
    expect(dots.length).toBeLessThan(30);
    expect([...dots].filter((dot) => !(dot as HTMLElement).hidden).map((dot) => dot.getAttribute('aria-label'))).toEqual(['Tip: Tip 59']);
    act(() => layer.clear());
    expect(document.querySelectorAll('.ob-beacon')).toHaveLength(0);
  });
});
