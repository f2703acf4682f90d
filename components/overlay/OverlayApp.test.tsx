// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { Profiler } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CurrentSession, type OverlaySession } from '@/lib/guides/current-session';
import type { GuidanceSession, OverlayPanels, OverlayView } from '@/lib/guides/session';
import type { HelpRequests } from '@/lib/support/help';
import { MyRequests, type MyRequestsPorts } from '@/lib/support/my-requests';
import { supportView } from '@/lib/support/replies';
import type { MySupportView } from '@/lib/support/replies-view';
import type { MySupportRequest } from '@/lib/api/support';
import { BeaconLayer } from './beacons';
import { OverlayApp } from './OverlayApp';
import { translate } from './testing';

afterEach(() => {
  cleanup();
  document.body.innerHTML = '';
});

const ID = '3b241101-e2bb-4255-8caf-4136c566a962';
const REPLY = '6f9619ff-8b86-4d11-b42d-00c04fc964ff';
const answered: MySupportRequest = {
  id: ID,
  kind: 'question',
  description: 'Where do I log a call?',
  status: 'answered',
  createdAt: '2025-03-24T08:00:00.000Z',
  updatedAt: '2025-03-24T09:00:00.000Z',
  replies: [{ id: REPLY, at: '2025-03-24T09:00:00.000Z', author: { displayName: 'Siri Support', role: 'support' }, body: 'Use the Activity tab.' }],
};

/** Guidance with nothing to show, and no help dialog open: the overlay is the launcher and the replies. */
const quietView: OverlayView = { tips: [], tour: null, announcement: null, launcher: { minutesSavedThisWeek: 0, checklists: [], tours: [] } };
const session = { subscribe: () => () => undefined, getView: () => quietView, getPanels: () => quietView } as unknown as GuidanceSession;
const help = { subscribe: () => () => undefined, getOpen: () => null, getCapture: () => null, open: vi.fn(), close: vi.fn() } as unknown as HelpRequests;

/** The background's side: one request with one staff reply, read when `seen` is asked. */
function background() {
  let seen: string[] = [];
  let deferred: string[] = [];
  const current = (): MySupportView => supportView([answered], seen, deferred);
  // The background moves the revision after `seen` and `later`; the tab reloads on it.
  const ports: MyRequestsPorts = {
    load: vi.fn(async () => current()),
    seen: vi.fn(async () => {
      seen = [REPLY];
      void requests.reload();
    }),
    later: vi.fn(async () => {
      deferred = [REPLY];
      void requests.reload();
    }),
    reply: vi.fn(),
    solve: vi.fn(),
    onError: vi.fn(),
  };
  const requests = new MyRequests(ports);
  return { ports, requests };
}

async function renderOverlay() {
  const { ports, requests } = background();
  await act(() => requests.reload());
  const beacons = new BeaconLayer(document.body.appendChild(document.createElement('div')), { t: translate, onOpen: vi.fn() });
  const current = new CurrentSession();
  current.switchTo(session);
  render(<OverlayApp session={current} beacons={beacons} help={help} requests={requests} t={translate} />);
  return { ports, requests };
}

describe('OverlayApp with replies from support', () => {
  it('reads a reply from the notice: the thread opens, its replies are read, focus ends on the launcher', async () => {
    const user = userEvent.setup();
    const { ports } = await renderOverlay();
    const notice = screen.getByRole('status');
    expect(notice.textContent).toContain('Support answered your question: ‘Where do I log a call?’');
    await user.click(within(notice).getByRole('button', { name: 'Read' }));
    const dialog = screen.getByRole('dialog', { name: 'Your help request' });
    expect(within(dialog).getByText('Use the Activity tab.')).toBeTruthy();
    await waitFor(() => expect(ports.seen).toHaveBeenCalledWith(ID));
    // Read: the notice and the count are gone, the reply still says "New" while the thread is open.
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Read' })).toBeNull());
    expect(within(dialog).getByText('New')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Ombord guidance' }).textContent).toBe('');
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
    expect(result.violations.map((violation) => violation.id)).toEqual([]);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Your help request' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Ombord guidance' }));
  });

  it('puts the notice away with "Later" while the launcher keeps counting', async () => {
    const user = userEvent.setup();
    const { ports } = await renderOverlay();
    await user.click(screen.getByRole('button', { name: 'Later' }));
    expect(ports.later).toHaveBeenCalled();
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(''));
    const launcher = screen.getByRole('button', { name: 'Ombord guidance' });
    expect(launcher.textContent).toBe('1');
    await user.click(launcher);
    const panel = screen.getByRole('dialog', { name: 'Your guidance' });
    await user.click(within(panel).getByRole('button', { name: 'Where do I log a call? Answered 1 new' }));
    expect(screen.getByRole('dialog', { name: 'Your help request' })).toBeTruthy();
    await waitFor(() => expect(ports.seen).toHaveBeenCalledWith(ID));
  });
});

describe('OverlayApp across pages', () => {
  /** The panels of a page whose tours are `titles`, as a new session on that page gives them: new objects each time. */
  function page(titles: string[], startTour = vi.fn()): OverlaySession {
    const panels: OverlayPanels = {
      tour: null,
      announcement: null,
      launcher: { minutesSavedThisWeek: 4, checklists: [], tours: titles.map((title) => ({ id: title.toLowerCase(), title, inProgress: false })) },
    };
    return { ...(session as unknown as OverlaySession), getPanels: () => panels, startTour };
  }

  /** The overlay following one `CurrentSession`, on a page whose tours are `titles`; `commits` hears each React commit. */
  async function renderOnPage(titles: string[]) {
    const { requests } = background();
    await act(() => requests.reload());
    const beacons = new BeaconLayer(document.body.appendChild(document.createElement('div')), { t: translate, onOpen: vi.fn() });
    const current = new CurrentSession();
    current.switchTo(page(titles));
    const commits = vi.fn();
    render(
      <Profiler id="overlay" onRender={commits}>
        <OverlayApp session={current} beacons={beacons} help={help} requests={requests} t={translate} />
      </Profiler>,
    );
    return { current, commits };
  }

  it('draws nothing again for a page whose panels show the same, and the next page’s tours when they differ', async () => {
    const user = userEvent.setup();
    const { current, commits } = await renderOnPage(['Update an account']);
    await user.click(screen.getByRole('button', { name: 'Ombord guidance' }));
    const panel = screen.getByRole('dialog', { name: 'Your guidance' });
    const drawn = commits.mock.calls.length;

    act(() => current.switchTo(page(['Update an account'])));
    expect(commits).toHaveBeenCalledTimes(drawn);

    const startTour = vi.fn();
    act(() => current.switchTo(page(['Close a deal'], startTour)));
    expect(commits.mock.calls.length).toBeGreaterThan(drawn);
    // The launcher stayed open, now with this page's tour, which starts in this page's session.
    expect(screen.getByRole('dialog', { name: 'Your guidance' })).toBe(panel);
    await user.click(within(panel).getByRole('button', { name: 'Start Close a deal' }));
    expect(startTour).toHaveBeenCalledWith('close a deal');
  });

  it('draws nothing for a page with other tours while the launcher is closed, and lists them when it opens', async () => {
    const user = userEvent.setup();
    const { current, commits } = await renderOnPage(['Update an account']);
    const drawn = commits.mock.calls.length;

    act(() => current.switchTo(page(['Close a deal'])));
    expect(commits).toHaveBeenCalledTimes(drawn);

    await user.click(screen.getByRole('button', { name: 'Ombord guidance' }));
    const panel = screen.getByRole('dialog', { name: 'Your guidance' });
    expect(within(panel).getByRole('button', { name: 'Start Close a deal' })).toBeTruthy();
    expect(within(panel).queryByRole('button', { name: 'Start Update an account' })).toBeNull();
  });
});
