// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Tooltip, type TooltipProps } from './Tooltip';
import { createAnchor, translate } from './testing';

afterEach(() => {
  cleanup();
  document.body.innerHTML = '';
});

function renderTooltip(overrides: Partial<TooltipProps> = {}) {
  const props: TooltipProps = {
    anchor: createAnchor(),
    title: 'Log calls from the record',
    body: 'Use the Log a Call button on the activity timeline.',
    wiifm: { minutesSaved: 2, reason: 'Log a Call from the record instead of switching to email' },
    t: translate,
    onGotIt: vi.fn(),
    onSnooze: vi.fn(),
    onDontShowAgain: vi.fn(),
    onClose: vi.fn(),
    ...overrides,
  };
  render(<Tooltip {...props} />);
  return props;
}

describe('Tooltip', () => {
  it('is a non-modal dialog named by its title and described by its body and WIIFM', async () => {
    renderTooltip();
    const dialog = await screen.findByRole('dialog', { name: 'Log calls from the record' });
    expect(dialog.getAttribute('aria-modal')).toBeNull();
    expect(dialog.getAttribute('role')).toBe('dialog');
    const description = (dialog.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent)
      .join(' ');
    expect(description).toBe(
      'Use the Log a Call button on the activity timeline. Saves about 2 min each time: Log a Call from the record instead of switching to email',
    );
  });

  it('leaves out the WIIFM line when the tip has none', async () => {
    renderTooltip({ wiifm: undefined });
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).not.toContain('Saves about');
  });

  it('formats fractions of a minute', async () => {
    renderTooltip({ wiifm: { minutesSaved: 0.5, reason: 'One click' } });
    expect((await screen.findByRole('dialog')).textContent).toMatch(/Saves about 0[.,]5 min each time: One click/);
  });

  it('fires a callback for each action and Esc', async () => {
    const user = userEvent.setup();
    const props = renderTooltip();
    await user.click(await screen.findByRole('button', { name: 'Got it' }));
    await user.click(screen.getByRole('button', { name: 'Snooze for a day' }));
    await user.click(screen.getByRole('button', { name: "Don't show again" }));
    expect(props.onGotIt).toHaveBeenCalledOnce();
    expect(props.onSnooze).toHaveBeenCalledOnce();
    expect(props.onDontShowAgain).toHaveBeenCalledOnce();
    await user.keyboard('{Escape}');
    expect(props.onClose).toHaveBeenCalledOnce();
  });

  it('never takes focus by itself', async () => {
    renderTooltip();
    await screen.findByRole('dialog');
    expect(document.activeElement).toBe(document.body);
  });

  it('hides when the anchor is scrolled out of view', async () => {
    const anchor = createAnchor();
    anchor.getBoundingClientRect = () => DOMRect.fromRect({ x: 100, y: -500, width: 80, height: 24 });
    renderTooltip({ anchor });
    await waitFor(() => expect(document.querySelector('.ob-tooltip')?.hasAttribute('hidden')).toBe(true));
  });

  it('hides when the anchor is detached, and without an anchor', async () => {
    const anchor = createAnchor();
    anchor.remove();
    renderTooltip({ anchor });
    await waitFor(() => expect(document.querySelector('.ob-tooltip')?.hasAttribute('hidden')).toBe(true));
    expect(screen.queryByRole('dialog')).toBeNull();
    cleanup();
    renderTooltip({ anchor: null });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
