// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Launcher, type LauncherContent, type LauncherProps } from './Launcher';
import { launcherContent, translate } from './testing';

afterEach(cleanup);

const CONTENT: LauncherContent = {
  minutesSavedThisWeek: 34,
  checklists: [
    {
      id: 'first-week',
      title: 'Your first week',
      tasks: [
        { id: 'log-a-call', title: 'Log a call', done: true },
        { id: 'update-stage', title: 'Move an opportunity to the next stage', done: false },
      ],
    },
  ],
  tours: [
    { id: 'opportunity-basics', title: 'Opportunity basics', inProgress: false },
    { id: 'forecasting', title: 'Forecasting', inProgress: true },
  ],
};

function launcherProps(overrides: Partial<LauncherProps> = {}, content: Partial<LauncherContent> = {}): LauncherProps {
  return { t: translate, content: launcherContent({ ...CONTENT, ...content }), onStartTour: vi.fn(), ...overrides };
}

const launcherButton = () => screen.getByRole('button', { name: 'Ombord guidance' });

async function openPanel(props: LauncherProps) {
  const user = userEvent.setup();
  render(<Launcher {...props} />);
  await user.click(launcherButton());
  return { user, panel: screen.getByRole('dialog', { name: 'Your guidance' }) };
}

describe('Launcher', () => {
  it('is a collapsed button that controls a hidden panel', () => {
    render(<Launcher {...launcherProps()} />);
    const button = launcherButton();
    expect(button.getAttribute('aria-expanded')).toBe('false');
    const panel = document.getElementById(button.getAttribute('aria-controls') ?? '');
    expect(panel?.hidden).toBe(true);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('opens from the keyboard, focuses the panel heading and closes on Esc back to the button', async () => {
    const user = userEvent.setup();
    render(<Launcher {...launcherProps()} />);
    await user.tab();
    expect(document.activeElement).toBe(launcherButton());
    await user.keyboard('{Enter}');
    expect(launcherButton().getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Your guidance' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(launcherButton().getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(launcherButton());
    await user.keyboard(' ');
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('closes with its close button, focus back on the launcher', async () => {
    const { user } = await openPanel(launcherProps());
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(launcherButton());
  });

  it('shows the minutes saved this week', async () => {
    const { panel } = await openPanel(launcherProps());
    expect(within(panel).getByText('You saved 34 minutes this week')).toBeTruthy();
  });

  // The decimal separator follows the locale the tests run in.
  it.each([
    [1, /^You saved 1 minute this week$/],
    [2.5, /^You saved 2[.,]5 minutes this week$/],
    [0, /^Use a tip to start saving time this week\.$/],
  ])('says %s minutes as %s', async (minutes, sentence) => {
    const { panel } = await openPanel(launcherProps({}, { minutesSavedThisWeek: minutes }));
    expect(within(panel).getByText(sentence)).toBeTruthy();
  });

  it('lists checklist tasks as read-only checkboxes with their state', async () => {
    const { panel } = await openPanel(launcherProps());
    const checklist = within(panel).getByRole('region', { name: 'Your first week' });
    expect(within(checklist).getByText('1 of 2 done')).toBeTruthy();
    const done = within(checklist).getByRole('checkbox', { name: 'Log a call' }) as HTMLInputElement;
    const todo = within(checklist).getByRole('checkbox', { name: 'Move an opportunity to the next stage' }) as HTMLInputElement;
    expect([done.checked, done.disabled]).toEqual([true, true]);
    expect([todo.checked, todo.disabled]).toEqual([false, true]);
  });

  it('offers the tours of the page, each button named with its tour', async () => {
    const onStartTour = vi.fn();
    const { user, panel } = await openPanel(launcherProps({ onStartTour }));
    const tours = within(panel).getByRole('region', { name: 'Tours on this page' });
    expect(within(tours).getByRole('button', { name: 'Resume Forecasting' })).toBeTruthy();
    await user.click(within(tours).getByRole('button', { name: 'Start Opportunity basics' }));
    expect(onStartTour).toHaveBeenCalledWith('opportunity-basics');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(launcherButton());
  });

  it('follows its content while the panel is open, and only then', async () => {
    const listeners = new Set<() => void>();
    let content = CONTENT;
    const getLauncher = vi.fn(() => content);
    const source = {
      subscribe: (listener: () => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      getLauncher,
    };
    const { user, panel } = await openPanel(launcherProps({ content: source }));
    expect(listeners.size).toBe(1);
    content = { ...CONTENT, tours: [{ id: 'next-page', title: 'Next page', inProgress: false }] };
    act(() => listeners.forEach((listener) => listener()));
    expect(within(panel).getByRole('button', { name: 'Start Next page' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(listeners.size).toBe(0);
    getLauncher.mockClear();
    content = { ...CONTENT, tours: [] };
    await user.click(launcherButton());
    expect(within(panel).getByText('No tours for this page.')).toBeTruthy();
    expect(getLauncher).toHaveBeenCalled();
  });

  it('says so when the page has no tours', async () => {
    const { panel } = await openPanel(launcherProps({}, { tours: [] }));
    expect(within(panel).getByText('No tours for this page.')).toBeTruthy();
  });

  it('shows the help action it is given', async () => {
    const { panel } = await openPanel(
      launcherProps({
        helpAction: (
          <button type="button" onClick={() => {}}>
            Get help
          </button>
        ),
      }),
    );
    expect(within(panel).getByRole('button', { name: 'Get help' })).toBeTruthy();
  });

  it('lists the help requests with their status and unread replies, and opens one with focus back on the launcher', async () => {
    const onOpen = vi.fn();
    const { user, panel } = await openPanel(
      launcherProps({
        helpRequests: {
          requests: [
            { id: 'a', title: 'Where do I log a call?', status: 'Answered', unread: 2 },
            { id: 'b', title: 'Save does nothing', status: 'Solved and closed', unread: 0 },
          ],
          unread: 2,
          onOpen,
        },
      }),
    );
    const section = within(panel).getByRole('region', { name: 'Your help requests 2 new' });
    expect(within(section).getByRole('button', { name: 'Save does nothing Solved and closed' })).toBeTruthy();
    await user.click(within(section).getByRole('button', { name: 'Where do I log a call? Answered 2 new' }));
    expect(onOpen).toHaveBeenCalledWith('a');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(launcherButton());
  });

  it('shows the unread replies on the launcher button, described in words, axe-clean', async () => {
    render(<Launcher {...launcherProps({ helpRequests: { requests: [{ id: 'a', title: 'Where?', status: 'Answered', unread: 1 }], unread: 1, onOpen: vi.fn() } })} />);
    const button = launcherButton();
    expect(button.textContent).toBe('1');
    expect(document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent).toBe('1 new reply from support');
    await userEvent.setup().click(button);
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
    expect(result.violations.map((violation) => violation.id)).toEqual([]);
  });

  it('counts the unread replies the view counts, as the toolbar badge shows them', () => {
    // The count is the view's, not a sum over the requests listed; the button says what the badge says.
    const requests = [{ id: 'a', title: 'Where?', status: 'Answered', unread: 1 }];
    render(<Launcher {...launcherProps({ helpRequests: { requests, unread: 120, onOpen: vi.fn() } })} />);
    expect(launcherButton().textContent).toBe('99+');
    expect(document.getElementById(launcherButton().getAttribute('aria-describedby') ?? '')?.textContent).toBe('120 new replies from support');
  });

  it('leaves the help requests out when there are none', async () => {
    const { panel } = await openPanel(launcherProps({ helpRequests: { requests: [], unread: 0, onOpen: vi.fn() } }));
    expect(within(panel).queryByRole('region', { name: /Your help requests/ })).toBeNull();
    expect(launcherButton().getAttribute('aria-describedby')).toBeNull();
  });
});
