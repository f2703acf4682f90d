// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { AnnouncementCard, Launcher, TourPopover } from '.';
import { clearBeacons, createAnchor, launcherContent, renderBeacon, translate } from './testing';

afterEach(() => {
  clearBeacons();
  cleanup();
  document.body.innerHTML = '';
});

const noop = () => {};

/** axe's rules that need layout (contrast, checked in overlay.css) or a whole page (landmarks) are off. */
async function violations() {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(', ')}`);
}

describe('overlay accessibility (axe)', () => {
  it('has no violations with every component open at once', async () => {
    const user = userEvent.setup();
    const anchor = createAnchor();
    renderBeacon({ anchor, title: 'Log a call', body: 'Log calls from the record.', wiifm: { minutesSaved: 2, reason: 'No switching to email' } });
    render(
      <>
        <TourPopover anchor={anchor} step={2} total={5} title="Step two" body="Click it." t={translate} onBack={noop} onNext={noop} onClose={noop} />
        <AnnouncementCard
          title="News"
          body="A new field."
          endorsement={{ name: 'Kari Nordmann', role: 'Head of Sales', message: 'Use it.' }}
          t={translate}
          onGotIt={noop}
          onRemindLater={noop}
        />
        <Launcher
          t={translate}
          content={launcherContent({
            minutesSavedThisWeek: 34,
            checklists: [{ id: 'first-week', title: 'First week', tasks: [{ id: 'call', title: 'Log a call', done: true }] }],
            tours: [{ id: 'basics', title: 'Basics', inProgress: false }],
          })}
          onStartTour={noop}
        />
      </>,
    );
    await user.click(await screen.findByRole('button', { name: 'Tip: Log a call' }));
    await user.click(screen.getByRole('button', { name: 'Ombord guidance' }));
    await waitFor(() => expect(screen.getAllByRole('dialog')).toHaveLength(4));
    expect(await violations()).toEqual([]);
  });

  it('has no violations for a centred, modal tour step', async () => {
    render(<TourPopover anchor={null} step={1} total={3} title="Welcome" body="A short tour." t={translate} onBack={noop} onNext={noop} onClose={noop} />);
    await screen.findByRole('dialog', { name: 'Welcome' });
    expect(await violations()).toEqual([]);
  });
});
