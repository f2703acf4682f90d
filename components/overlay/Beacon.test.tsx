// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Beacon, type BeaconProps } from './Beacon';
import { createAnchor, translate } from './testing';

afterEach(() => {
  cleanup();
  document.body.innerHTML = '';
});

function renderBeacon(overrides: Partial<BeaconProps> = {}) {
  const props: BeaconProps = {
    anchor: createAnchor(),
    title: 'Log a call',
    body: 'Log calls from the record.',
    wiifm: { minutesSaved: 2, reason: 'Log a Call from the record instead of switching to email' },
    t: translate,
    onGotIt: vi.fn(),
    onSnooze: vi.fn(),
    onDontShowAgain: vi.fn(),
    onOpen: vi.fn(),
    ...overrides,
  };
  render(<Beacon {...props} />);
  return props;
}

const beacon = () => screen.findByRole('button', { name: 'Tip: Log a call' });
const tooltip = () => screen.queryByRole('dialog', { name: 'Log a call' });

describe('Beacon', () => {
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
    expect(props.onGotIt).toHaveBeenCalledOnce();
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
    const anchor = createAnchor();
    anchor.remove();
    renderBeacon({ anchor });
    await waitFor(() => expect(document.querySelector('.ob-beacon')?.hasAttribute('hidden')).toBe(true));
    expect(screen.queryByRole('button', { name: 'Tip: Log a call' })).toBeNull();
  });

  it('renders nothing without an anchor', () => {
    renderBeacon({ anchor: null });
    expect(document.querySelector('.ob-beacon')).toBeNull();
  });
});
