// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnnouncementCard, type AnnouncementCardProps } from './AnnouncementCard';
import { translate } from './testing';

afterEach(cleanup);

function cardProps(overrides: Partial<AnnouncementCardProps> = {}): AnnouncementCardProps {
  return {
    title: 'Opportunities now have a Next Step field',
    body: 'Fill it in before you save.',
    endorsement: {
      name: 'Kari Nordmann',
      role: 'Head of Sales',
      message: 'This is how we forecast from now on.',
    },
    t: translate,
    onGotIt: vi.fn(),
    onRemindLater: vi.fn(),
    ...overrides,
  };
}

describe('AnnouncementCard', () => {
  it('is a non-modal dialog named by its title, with the leader’s endorsement', () => {
    render(<AnnouncementCard {...cardProps()} />);
    const dialog = screen.getByRole('dialog', { name: 'Opportunities now have a Next Step field' });
    expect(dialog.getAttribute('aria-modal')).toBeNull();
    expect(within(dialog).getByText('Fill it in before you save.')).toBeTruthy();
    const endorsement = within(dialog).getByRole('figure');
    expect(endorsement.querySelector('blockquote')?.textContent).toBe('This is how we forecast from now on.');
    expect(endorsement.querySelector('figcaption')?.textContent).toBe('Kari Nordmann, Head of Sales');
  });

  it('has no endorsement when there is none', () => {
    render(<AnnouncementCard {...cardProps({ endorsement: undefined })} />);
    expect(screen.queryByRole('figure')).toBeNull();
  });

  it('does not take focus unless asked to', () => {
    render(<AnnouncementCard {...cardProps()} />);
    expect(document.activeElement).toBe(document.body);
    cleanup();
    render(<AnnouncementCard {...cardProps({ autoFocus: true })} />);
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Opportunities now have a Next Step field' }));
  });

  it('fires Got it and Remind me later; Esc reminds later', async () => {
    const user = userEvent.setup();
    const props = cardProps();
    render(<AnnouncementCard {...props} />);
    await user.click(screen.getByRole('button', { name: 'Got it' }));
    await user.click(screen.getByRole('button', { name: 'Remind me later' }));
    expect(props.onGotIt).toHaveBeenCalledOnce();
    expect(props.onRemindLater).toHaveBeenCalledOnce();
    await user.keyboard('{Escape}');
    expect(props.onRemindLater).toHaveBeenCalledTimes(2);
  });

  it('gives focus back when it closes with focus inside', async () => {
    const user = userEvent.setup();
    function Host() {
      const [shown, setShown] = useState(false);
      return (
        <>
          <button type="button" onClick={() => setShown(true)}>
            What’s new
          </button>
          {shown && <AnnouncementCard {...cardProps({ autoFocus: true, onGotIt: () => setShown(false) })} />}
        </>
      );
    }
    render(<Host />);
    const opener = screen.getByRole('button', { name: 'What’s new' });
    await user.click(opener);
    await user.click(screen.getByRole('button', { name: 'Got it' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
