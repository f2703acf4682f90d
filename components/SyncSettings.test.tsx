// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '@/lib/sync/service';
import { translate } from './overlay/testing';
import { SyncSettings, timeAgo, type SyncSettingsProps } from './SyncSettings';

afterEach(cleanup);

const NOW = Date.parse('2025-03-24T08:00:00Z');

function status(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    settings: {
      backendUrl: null,
      email: null,
      enrollmentToken: null,
      locked: { backendUrl: false, enrollmentToken: false, email: false },
      policyIgnored: [],
    },
    enrolledAs: null,
    revoked: false,
    lastSyncAt: null,
    queued: 3,
    deadLetters: [],
    problem: null,
    problemAt: null,
    nextAttemptAt: null,
    restoring: false,
    ...overrides,
  };
}

function props(overrides: Partial<SyncSettingsProps> = {}): SyncSettingsProps {
  return {
    status: status(),
    t: translate,
    locale: 'en',
    now: NOW,
    grantedOrigins: [],
    requestOrigin: vi.fn(async () => true),
    onEnroll: vi.fn(async () => ({ ok: true as const, enrolledAs: { email: 'kari@acme.no', organisation: 'Acme Nordic' } })),
    onSyncNow: vi.fn(async () => undefined),
    onForget: vi.fn(async () => undefined),
    ...overrides,
  };
}

async function fillAndEnrol(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Ombord server address'), 'https://ombord.acme.no:8443/');
  await user.type(screen.getByLabelText('Enrolment token'), 'enrol-acme-0123456789');
  await user.type(screen.getByLabelText('Your work email'), 'kari@acme.no{Enter}');
}

describe('SyncSettings', () => {
  it('asks for the backend origin, then enrols with what was typed, from the keyboard', async () => {
    const user = userEvent.setup();
    const given = props();
    render(<SyncSettings {...given} />);
    await fillAndEnrol(user);
    expect(given.requestOrigin).toHaveBeenCalledWith('https://ombord.acme.no/*');
    expect(given.onEnroll).toHaveBeenCalledWith({
      backendUrl: 'https://ombord.acme.no:8443/',
      enrollmentToken: 'enrol-acme-0123456789',
      email: 'kari@acme.no',
    });
    expect(screen.getByRole('status').textContent).toBe('Enrolled with Acme Nordic. Your progress will be synced from now on.');
    expect((screen.getByLabelText('Enrolment token') as HTMLInputElement).value).toBe('');
  });

  it('does not ask again for an origin already granted, and does not enrol when the user declines', async () => {
    const user = userEvent.setup();
    const granted = props({ grantedOrigins: ['https://ombord.acme.no/*'] });
    render(<SyncSettings {...granted} />);
    await fillAndEnrol(user);
    expect(granted.requestOrigin).not.toHaveBeenCalled();
    expect(granted.onEnroll).toHaveBeenCalled();
    cleanup();

    const declined = props({ requestOrigin: vi.fn(async () => false) });
    render(<SyncSettings {...declined} />);
    await fillAndEnrol(user);
    expect(declined.onEnroll).not.toHaveBeenCalled();
    expect(screen.getByRole('status').textContent).toBe('Permission was not granted, so Ombord cannot contact https://ombord.acme.no/*.');
  });

  it('marks unusable fields, says why, and moves focus to the first', async () => {
    const user = userEvent.setup();
    const given = props({ onEnroll: vi.fn(async () => ({ ok: false as const, invalid: ['backendUrlInsecure' as const, 'email' as const] })) });
    render(<SyncSettings {...given} />);
    await user.type(screen.getByLabelText('Ombord server address'), 'http://ombord.acme.no');
    await user.click(screen.getByRole('button', { name: 'Enrol' }));
    const url = screen.getByLabelText('Ombord server address');
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(url.getAttribute('aria-describedby') ?? '')?.textContent).toContain('must start with https://');
    expect(screen.getByLabelText('Your work email').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Enrolment token').getAttribute('aria-invalid')).toBe('false');
    expect(document.activeElement).toBe(url);
  });

  it('locks the fields the policy sets, with a note, and never shows the token', () => {
    render(
      <SyncSettings
        {...props({
          status: status({
            settings: {
              backendUrl: 'https://ombord.acme.no',
              email: null,
              enrollmentToken: 'enrol-acme-0123456789',
              locked: { backendUrl: true, enrollmentToken: true, email: false },
              policyIgnored: ['userEmail'],
            },
            problem: { kind: 'needs_email' },
          }),
        })}
      />,
    );
    const url = screen.getByLabelText('Ombord server address') as HTMLInputElement;
    expect(url.readOnly).toBe(true);
    expect(url.value).toBe('https://ombord.acme.no');
    expect(document.getElementById(url.getAttribute('aria-describedby') ?? '')?.textContent).toContain("Set by your organisation's policy.");
    const token = screen.getByLabelText('Enrolment token') as HTMLInputElement;
    expect(token.readOnly).toBe(true);
    expect(token.value).not.toContain('enrol-acme');
    expect((screen.getByLabelText('Your work email') as HTMLInputElement).readOnly).toBe(false);
    expect(screen.getByText(/cannot be changed here/)).toBeTruthy();
    expect(screen.getByText(/a value Ombord cannot use \(userEmail\)/)).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('Enter your work email and press Enrol');
  });

  it('shows enrolment, last sync in words, the queue and the last problem', () => {
    render(
      <SyncSettings
        {...props({
          status: status({
            enrolledAs: { email: 'kari@acme.no', organisation: 'Acme Nordic' },
            lastSyncAt: NOW - 2 * 60_000,
            queued: 12,
            problem: { kind: 'unreachable' },
          }),
        })}
      />,
    );
    expect(screen.getByText('kari@acme.no at Acme Nordic')).toBeTruthy();
    expect(screen.getByText('2 minutes ago')).toBeTruthy();
    expect(screen.getByText('12')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe(
      'The Ombord server could not be reached — your progress is kept and will be sent when it is back.',
    );
  });

  it('syncs now, announcing it while it runs', async () => {
    const user = userEvent.setup();
    let finish = (): void => undefined;
    const given = props({
      grantedOrigins: ['https://ombord.acme.no/*'],
      status: status({ enrolledAs: { email: 'kari@acme.no', organisation: 'Acme Nordic' }, settings: { ...status().settings, backendUrl: 'https://ombord.acme.no' } }),
      onSyncNow: vi.fn(() => new Promise<void>((resolve) => (finish = resolve))),
    });
    render(<SyncSettings {...given} />);
    await user.click(screen.getByRole('button', { name: 'Sync now' }));
    expect(screen.getByRole('status').textContent).toBe('Syncing…');
    finish();
    await vi.waitFor(() => expect(screen.getByRole('status').textContent).toBe(''));
    expect(given.requestOrigin).not.toHaveBeenCalled();
  });

  it('lists the events the server refused, with its reasons', async () => {
    const user = userEvent.setup();
    render(
      <SyncSettings
        {...props({
          status: status({
            enrolledAs: { email: 'kari@acme.no', organisation: 'Acme Nordic' },
            deadLetters: [
              {
                id: 'e1',
                type: 'seen',
                packId: 'sales-basics',
                itemId: 'log-a-call',
                at: '2025-03-24T07:00:00.000Z',
                error: 'Pack "sales-basics" is not published here.',
                rejectedAt: '2025-03-24T07:30:00.000Z',
              },
            ],
          }),
        })}
      />,
    );
    await user.click(screen.getByText('Progress the server refused (1)'));
    const item = screen.getByRole('listitem');
    expect(within(item).getByText('sales-basics › log-a-call')).toBeTruthy();
    expect(item.textContent).toContain('Pack "sales-basics" is not published here.');
  });

  it('has no axe violations', async () => {
    const { container } = render(
      <SyncSettings {...props({ status: status({ problem: { kind: 'signed_out' }, enrolledAs: { email: 'kari@acme.no', organisation: 'Acme' } }) })} />,
    );
    const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
    expect(results.violations.map((violation) => violation.id)).toEqual([]);
  });
});

describe('timeAgo', () => {
  it('speaks the user\'s language', () => {
    expect(timeAgo(NOW - 10_000, NOW, 'en')).toBe('now');
    expect(timeAgo(NOW - 2 * 60_000, NOW, 'en')).toBe('2 minutes ago');
    expect(timeAgo(NOW - 3 * 3600_000, NOW, 'nb')).toBe('for 3 timer siden');
    expect(timeAgo(NOW - 24 * 3600_000, NOW, 'sv')).toBe('i går');
  });
});
