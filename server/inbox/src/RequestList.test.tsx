// @vitest-environment happy-dom
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InboxListSchema } from '../../../lib/api/inbox';
import { expectTabReachesEveryControl, renderInbox, resetInbox } from './render';
import { apiError, detailFixture, fakeBackend, REQUEST_ID, summaries, summaryOf } from './testing';

afterEach(resetInbox);

const lastListUrl = (backend: ReturnType<typeof fakeBackend>) => new URL(backend.callsTo('GET', '/inbox/api/requests').at(-1)?.url ?? '', 'https://x.test');

describe('request list', () => {
  it('shows each request’s kind, title, requester, queue, page, status, assignee, age and attachments', async () => {
    const assigned = summaryOf(
      detailFixture({
        id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
        kind: 'question',
        title: 'How do I merge two accounts?',
        status: 'in_progress',
        assignee: { id: 'staff-siv', displayName: 'Siv Champion' },
        crm: 'dynamics',
        pageType: 'list_view',
        object: 'account',
        routing: { queue: 'central', team: null, escalatesAt: null },
        hasScreenshot: false,
        replyCount: 2,
        createdAt: '2025-03-21T11:00:00.000Z',
      }),
    );
    const backend = fakeBackend({ list: { requests: [summaryOf(detailFixture()), assigned], nextCursor: null, teams: ['Sales North'] } });
    await renderInbox({ backend });

    const table = await screen.findByRole('table', { name: 'Help requests' });
    const [first, second] = within(table).getAllByRole('row').slice(1);
    expect(within(first!).getByRole('link', { name: 'The Log a Call button does nothing' }).getAttribute('href')).toBe(`#/requests/${REQUEST_ID}`);
    expect(first?.textContent).toContain('Problem');
    expect(first?.textContent).toContain('Kari Nordmannkari@acme.no');
    expect(first?.textContent).toContain('ChampionsSales North');
    expect(first?.textContent).toContain('RecordOpportunity · Salesforce');
    expect(first?.textContent).toContain('New');
    expect(first?.textContent).toContain('Unassigned');
    expect(within(first!).getByText('3 hr. ago').getAttribute('datetime')).toBe('2025-03-24T08:00:00.000Z');
    expect(within(first!).getAllByText('Has a screenshot')).not.toHaveLength(0);

    expect(second?.textContent).toContain('Question');
    expect(second?.textContent).toContain('Central CRM team');
    expect(second?.textContent).toContain('List viewaccount · Dynamics 365');
    expect(second?.textContent).toContain('In progress');
    expect(second?.textContent).toContain('Siv Champion');
    expect(within(second!).getByText('3 days ago')).toBeTruthy();
    expect(within(second!).getByText('2 replies')).toBeTruthy();
    expect(within(second!).queryByText('Has a screenshot')).toBeNull();

    expect(screen.getByRole('status').textContent).toBe('2 requests.');
  });

  it('puts the filters into the hash and the query, and replaces rather than adds history entries', async () => {
    const { user, backend } = await renderInbox();
    await screen.findByRole('table');
    const historyLength = window.history.length;
    expect(Object.fromEntries(lastListUrl(backend).searchParams)).toEqual({ limit: '50', open: 'true' });

    await user.selectOptions(screen.getByLabelText('Queue'), 'Champions');
    await user.selectOptions(screen.getByLabelText('Team'), 'Service');
    await user.selectOptions(screen.getByLabelText('Status'), 'Any status');
    await user.selectOptions(screen.getByLabelText('CRM'), 'Dynamics 365');
    await user.selectOptions(screen.getByLabelText('Page'), 'Report');
    await user.selectOptions(screen.getByLabelText('Sent'), 'In the last 7 days');
    await user.selectOptions(screen.getByLabelText('Assigned to'), 'Me');
    await user.type(screen.getByLabelText('Search'), '  log a call ');

    const expected = { queue: 'champions', team: 'Service', crm: 'dynamics', pageType: 'report', age: '7d', assignee: 'me', q: 'log a call' };
    await waitFor(() => expect(Object.fromEntries(lastListUrl(backend).searchParams)).toEqual({ limit: '50', ...expected }));
    expect(window.location.hash).toBe('#/requests?status=any&queue=champions&team=Service&crm=dynamics&pageType=report&age=7d&assignee=me&q=log+a+call');
    expect(window.history.length).toBe(historyLength);
    // Typing is debounced: one search for the whole phrase, not one per key.
    expect(backend.calls.filter((call) => call.url.includes('q=')).map((call) => new URL(call.url, 'https://x.test').searchParams.get('q'))).toEqual(['log a call']);

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(window.location.hash).toBe('#/requests'));
    expect((screen.getByLabelText('Search') as HTMLInputElement).value).toBe('');
    await waitFor(() => expect(Object.fromEntries(lastListUrl(backend).searchParams)).toEqual({ limit: '50', open: 'true' }));
  });

  it('opens a bookmarked view with its filters set and asked for', async () => {
    const { backend } = await renderInbox({ hash: '#/requests?status=waiting_for_user&team=Field%20Sales&assignee=none&q=quote' });
    await screen.findByRole('table');
    expect(Object.fromEntries(lastListUrl(backend).searchParams)).toEqual({ limit: '50', status: 'waiting_for_user', team: 'Field Sales', assignee: 'none', q: 'quote' });
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('waiting_for_user');
    // Not among the teams the server listed, and still selected.
    expect((screen.getByLabelText('Team') as HTMLSelectElement).value).toBe('Field Sales');
    expect((screen.getByLabelText('Assigned to') as HTMLSelectElement).value).toBe('none');
    expect((screen.getByLabelText('Search') as HTMLInputElement).value).toBe('quote');
  });

  it('follows the hash when it changes under the page (Back, a pasted link)', async () => {
    const { backend } = await renderInbox();
    await screen.findByRole('table');
    window.history.pushState(null, '', '#/requests?queue=central&q=merge');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await waitFor(() => expect((screen.getByLabelText('Search') as HTMLInputElement).value).toBe('merge'));
    expect((screen.getByLabelText('Queue') as HTMLSelectElement).value).toBe('central');
    await waitFor(() => expect(lastListUrl(backend).searchParams.get('queue')).toBe('central'));
  });

  it('loads more through the cursor and says how many are shown', async () => {
    const backend = fakeBackend({ list: { requests: summaries(50), nextCursor: 'page-2', teams: [] } });
    backend.pages.set('page-2', InboxListSchema.parse({ requests: summaries(10, 50), nextCursor: null, teams: [] }));
    const { user } = await renderInbox({ backend });
    await screen.findByRole('table');
    expect(screen.getByRole('status').textContent).toBe('Showing the first 50 requests; there are more.');

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('60 requests.'));
    expect(screen.getAllByRole('row')).toHaveLength(61);
    expect(screen.getByRole('link', { name: 'Request number 59' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(lastListUrl(backend).searchParams.get('cursor')).toBe('page-2');
  });

  it('says when nothing matches, and whether filters are why', async () => {
    const backend = fakeBackend({ list: { requests: [], nextCursor: null, teams: [] } });
    const { user } = await renderInbox({ backend });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('No open requests. Nothing is waiting for an answer.'));
    expect(screen.queryByRole('table')).toBeNull();
    await user.selectOptions(screen.getByLabelText('CRM'), 'Salesforce');
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('No requests match these filters.'));
  });

  it('shows a failure in words and tries again', async () => {
    const backend = fakeBackend();
    backend.override = () => apiError(500, 'internal', 'Something broke');
    const { user } = await renderInbox({ backend });
    // The session probe fails too: the page says it cannot go on.
    await screen.findByRole('heading', { level: 1, name: 'The inbox cannot reach its server' });
    expect(screen.getByRole('alert').textContent).toContain('The server ran into a problem (HTTP 500).');
    backend.override = (call) => (call.url.startsWith('/inbox/api/requests') ? apiError(503, 'unavailable', 'Database unavailable', { 'Retry-After': '30' }) : undefined);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('heading', { level: 1, name: 'Help requests' });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The server is busy or starting up. Try again in 30 seconds.Try again'));
    backend.override = null;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table')).toBeTruthy();
  });

  it('keeps the rows on screen, marked busy, while the next filters load, and focus in them', async () => {
    const backend = fakeBackend({ list: { requests: summaries(3), nextCursor: null, teams: ['Sales North'] } });
    const { user } = await renderInbox({ backend });
    const region = await screen.findByRole('region', { name: 'Help requests' });
    expect(region.hasAttribute('aria-busy')).toBe(false);
    // The next page of the list is held back until the test lets it through.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const answer = backend.fetch;
    vi.stubGlobal('fetch', async (...args: Parameters<typeof fetch>) => {
      await held;
      return answer(...args);
    });
    await user.selectOptions(screen.getByLabelText('Queue'), 'Champions');
    await screen.findByText('Loading requests…');
    expect(screen.getByRole('region', { name: 'Help requests' })).toBe(region);
    expect(region.getAttribute('aria-busy')).toBe('true');
    expect(within(region).getAllByRole('link')).toHaveLength(3);
    // A keyboard user tabs on meanwhile, into the rows; a request still listed keeps its row.
    const first = within(region).getAllByRole('link')[0];
    first?.focus();

    release();
    await waitFor(() => expect(region.hasAttribute('aria-busy')).toBe(false));
    expect(screen.getByRole('region', { name: 'Help requests' })).toBe(region);
    expect(document.activeElement).toBe(first);
  });

  it('reaches every filter, request and Load more with Tab, in order', async () => {
    const backend = fakeBackend({ list: { requests: summaries(3), nextCursor: 'page-2', teams: ['Sales North'] } });
    const { user } = await renderInbox({ backend, hash: '#/requests?queue=central' });
    await screen.findByRole('table');
    // The header's three, search and seven menus, Clear filters, the scrollable table, three requests, Load more.
    expect(await expectTabReachesEveryControl(user)).toBe(3 + 8 + 1 + 1 + 3 + 1);
  });
});
