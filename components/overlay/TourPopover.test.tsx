// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TourPopover, type TourPopoverProps } from './TourPopover';
import { createAnchor, translate } from './testing';

afterEach(() => {
  cleanup();
  document.body.innerHTML = '';
});

function stepProps(overrides: Partial<TourPopoverProps> = {}): TourPopoverProps {
  return {
    anchor: createAnchor(),
    step: 2,
    total: 5,
    title: 'Log the call',
    body: 'Click Log a Call to record what you agreed.',
    t: translate,
    onBack: vi.fn(),
    onNext: vi.fn(),
    onClose: vi.fn(),
    ...overrides,
  };
}

/** A page with a button that opens the tour, as the launcher's Start button would. */
function TourHost(props: TourPopoverProps) {
  const [running, setRunning] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setRunning(true)}>
        Open tour
      </button>
      {running && <TourPopover {...props} onClose={() => setRunning(false)} />}
    </>
  );
}

describe('TourPopover, anchored step', () => {
  it('is a non-modal dialog with progress, title, body and named controls', async () => {
    render(<TourPopover {...stepProps()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Log the call' });
    expect(dialog.getAttribute('aria-modal')).toBeNull();
    expect(document.getElementById(dialog.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Click Log a Call to record what you agreed.',
    );
    const progress = screen.getByRole('progressbar', { name: 'Tour progress' });
    expect(progress.textContent).toBe('2 of 5');
    expect(progress.getAttribute('aria-valuetext')).toBe('2 of 5');
    expect(progress.getAttribute('aria-valuenow')).toBe('2');
    expect(progress.getAttribute('aria-valuemax')).toBe('5');
    expect(screen.getByRole('button', { name: 'Back' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Next' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'End tour' })).toBeTruthy();
    expect(document.querySelector('.ob-backdrop')).toBeNull();
  });

  it('rings the anchor with a box that ignores the pointer and the accessibility tree', async () => {
    render(<TourPopover {...stepProps()} />);
    await waitFor(() => expect(document.querySelector<HTMLElement>('.ob-highlight')?.style.width).toBe('88px'));
    const ring = document.querySelector<HTMLElement>('.ob-highlight');
    expect(ring?.getAttribute('aria-hidden')).toBe('true');
    expect(ring?.style.height).toBe('32px');
    expect(ring?.style.transform).toBe('translate(96px, 96px)');
  });

  it('focuses the heading when it appears', async () => {
    render(<TourPopover {...stepProps()} />);
    expect(document.activeElement).toBe(await screen.findByRole('heading', { name: 'Log the call' }));
  });

  it('fires Back, Next and End tour; Esc ends the tour too', async () => {
    const user = userEvent.setup();
    const props = stepProps();
    render(<TourPopover {...props} />);
    await user.click(await screen.findByRole('button', { name: 'Back' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.click(screen.getByRole('button', { name: 'End tour' }));
    expect(props.onBack).toHaveBeenCalledOnce();
    expect(props.onNext).toHaveBeenCalledOnce();
    expect(props.onClose).toHaveBeenCalledOnce();
    await user.keyboard('{Escape}');
    expect(props.onClose).toHaveBeenCalledTimes(2);
  });

  it('says Done on the last step and has no Back on the first', async () => {
    const user = userEvent.setup();
    const props = stepProps({ step: 5 });
    const { rerender } = render(<TourPopover {...props} />);
    await user.click(await screen.findByRole('button', { name: 'Done' }));
    expect(props.onNext).toHaveBeenCalledOnce();
    expect(screen.queryByRole('button', { name: 'Next' })).toBeNull();
    rerender(<TourPopover {...props} step={1} />);
    expect(screen.queryByRole('button', { name: 'Back' })).toBeNull();
    expect(screen.getByRole('progressbar').textContent).toBe('1 of 5');
  });

  it('hides Next when the step waits for an action in the CRM', async () => {
    render(<TourPopover {...stepProps({ hideNext: true })} />);
    await screen.findByRole('dialog');
    expect(screen.queryByRole('button', { name: 'Next' })).toBeNull();
  });

  it('does not pull focus out of the CRM when the next step appears', async () => {
    const props = stepProps();
    const { rerender } = render(<TourPopover {...props} />);
    await screen.findByRole('dialog');
    (props.anchor as HTMLElement).focus();
    rerender(<TourPopover {...props} step={3} title="Save it" />);
    expect(document.activeElement).toBe(props.anchor);
  });

  it('moves focus to the new heading when Next is pressed', async () => {
    const user = userEvent.setup();
    const props = stepProps();
    const { rerender } = render(<TourPopover {...props} />);
    await user.click(await screen.findByRole('button', { name: 'Next' }));
    rerender(<TourPopover {...props} step={3} title="Save it" />);
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Save it' }));
  });

  it('hides when its anchor is detached', async () => {
    const anchor = createAnchor();
    anchor.remove();
    render(<TourPopover {...stepProps({ anchor })} />);
    await waitFor(() => expect(document.querySelector('.ob-tour-frame')?.hasAttribute('hidden')).toBe(true));
    expect(document.querySelector('.ob-highlight')?.hasAttribute('hidden')).toBe(true);
  });
});

describe('TourPopover, centred step', () => {
  it('is a modal dialog over a backdrop, without a ring', async () => {
    render(<TourPopover {...stepProps({ anchor: null })} />);
    const dialog = await screen.findByRole('dialog', { name: 'Log the call' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.querySelector('.ob-backdrop')).not.toBeNull();
    expect(document.querySelector('.ob-highlight')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Log the call' }));
  });

  it('waiting for the user to reach another page, docks without a backdrop and leaves the CRM usable', async () => {
    render(<TourPopover {...stepProps({ anchor: null, waitsForPage: true })} />);
    const dialog = await screen.findByRole('dialog', { name: 'Log the call' });
    expect(dialog.hasAttribute('aria-modal')).toBe(false);
    expect(document.querySelector('.ob-backdrop')).toBeNull();
    expect(document.querySelector('.ob-tour-frame--docked')).not.toBeNull();
  });

  it('keeps Tab and Shift+Tab inside', async () => {
    const user = userEvent.setup();
    createAnchor('A CRM button');
    render(<TourPopover {...stepProps({ anchor: null })} />);
    await screen.findByRole('dialog');
    const endTour = screen.getByRole('button', { name: 'End tour' });
    const back = screen.getByRole('button', { name: 'Back' });
    const next = screen.getByRole('button', { name: 'Next' });
    await user.tab();
    expect(document.activeElement).toBe(back);
    await user.tab();
    expect(document.activeElement).toBe(next);
    await user.tab();
    expect(document.activeElement).toBe(endTour);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(next);
    await user.tab({ shift: true });
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(endTour);
  });

  it('gives focus back to where it was when the tour ends', async () => {
    const user = userEvent.setup();
    render(<TourHost {...stepProps({ anchor: null })} />);
    const opener = screen.getByRole('button', { name: 'Open tour' });
    await user.click(opener);
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Log the call' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('keeps the dialog, and focus in it, when the next step is anchored', async () => {
    const user = userEvent.setup();
    const props = stepProps({ anchor: null });
    const { rerender } = render(<TourPopover {...props} />);
    const dialog = await screen.findByRole('dialog');
    await user.tab();
    rerender(<TourPopover {...props} anchor={createAnchor()} step={3} />);
    expect(await screen.findByRole('dialog')).toBe(dialog);
    expect(dialog.getAttribute('aria-modal')).toBeNull();
    expect(dialog.contains(document.activeElement)).toBe(true);
  });
});
