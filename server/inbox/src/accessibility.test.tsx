// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { renderInbox, resetInbox } from './render';
import { detailFixture, fakeBackend, REQUEST_ID, summaries } from './testing';

afterEach(resetInbox);

/**
 * axe-core on the whole rendered page, landmarks included. Colour contrast needs layout, which
 * happy-dom does not do: `contrast.test.ts` checks the palette instead.
 */
async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(', ')}`);
}

describe('inbox accessibility (axe)', () => {
  it('has no violations on sign-in, with field errors showing', async () => {
    const { user } = await renderInbox({ backend: fakeBackend({ signedIn: false }) });
    await screen.findByRole('heading', { level: 1, name: 'Sign in to the Ombord inbox' });
    expect(await violations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('Enter your work email.');
    expect(await violations()).toEqual([]);
  });

  it('has no violations on the list, full and empty', async () => {
    const backend = fakeBackend({ list: { requests: summaries(5), nextCursor: 'page-2', teams: ['Sales North', 'Service'] } });
    await renderInbox({ backend });
    await screen.findByRole('table');
    expect(await violations()).toEqual([]);

    resetInbox();
    await renderInbox({ backend: fakeBackend({ list: { requests: [], nextCursor: null, teams: [] } }) });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('No open requests. Nothing is waiting for an answer.'));
    expect(await violations()).toEqual([]);
  });

  it('has no violations on a request, with replies, history open and the screenshot dialog open', async () => {
    const backend = fakeBackend({
      detail: detailFixture({
        status: 'answered',
        assignee: { id: 'staff-ola', displayName: 'Ola Support' },
        replyCount: 2,
        replies: [
          { id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', at: '2025-03-24T08:10:00.000Z', author: { displayName: 'Ola Support', role: 'support' }, body: 'Which browser?' },
          { id: 'b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', at: '2025-03-24T08:20:00.000Z', author: { displayName: 'Kari Nordmann', role: 'user' }, body: 'Chrome.' },
        ],
        nextStatuses: ['in_progress', 'closed'],
      }),
    });
    const { user } = await renderInbox({ hash: `#/requests/${REQUEST_ID}`, backend });
    await screen.findByRole('heading', { level: 1, name: 'The Log a Call button does nothing' });
    await waitFor(() => expect(screen.getByLabelText('Assigned to').querySelectorAll('option')).toHaveLength(3));
    await user.click(screen.getByText('Show the history (1)'));
    expect(await violations()).toEqual([]);

    await user.click(screen.getByRole('button', { name: /View larger/ }));
    await screen.findByRole('dialog', { name: 'Screenshot' });
    expect(await violations()).toEqual([]);
  });
});
