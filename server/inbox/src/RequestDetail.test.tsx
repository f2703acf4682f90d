// @vitest-environment happy-dom
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { expectTabReachesEveryControl, renderInbox, resetInbox } from './render';
import { CSRF_TOKEN, detailFixture, fakeBackend, ME, REQUEST_ID } from './testing';

afterEach(resetInbox);

const TITLE = 'The Log a Call button does nothing';
const openDetail = async (backend = fakeBackend()) => {
  const rendered = await renderInbox({ hash: `#/requests/${REQUEST_ID}`, backend });
  await screen.findByRole('heading', { level: 1, name: TITLE });
  return rendered;
};
const section = (name: string) => screen.getByRole('region', { name });
/** A description list as term → description text. */
const facts = (name: string) => {
  const terms = within(section(name)).getAllByRole('term');
  return Object.fromEntries(terms.map((term) => [term.textContent, term.nextElementSibling?.textContent]));
};

describe('request detail', () => {
  it('shows the request with everything that came with it', async () => {
    await openDetail();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
    expect(document.title).toBe(`${TITLE} · Ombord inbox`);

    const description = within(section('Description')).getByText(/I clicked it twice/);
    expect(description.textContent).toBe('The Log a Call button does nothing\nI clicked it twice.\n\nThen I gave up.');

    expect(facts('Requester')).toEqual({ Name: 'Kari Nordmann', Email: 'kari@acme.no', Teams: 'Sales North' });
    expect(facts('Routing')).toEqual({
      Queue: 'Champions',
      'Champions’ team': 'Sales North',
      'Escalation to the central team': 'Mar 24, 2025, 12:00 PM (in 1 hr.)',
    });
    expect(facts('Where it happened')).toEqual({
      CRM: 'Salesforce, Lightning Experience',
      Environment: 'Sandbox (uat)',
      Org: 'acme (acme--uat.sandbox.lightning.force.com)',
      Page: 'Record',
      Object: 'Opportunity',
      'Record id': '006Aa000001AbCdEAF',
      'Open in the CRM': 'The page in Salesforce (opens in a new tab)The record in Salesforce (opens in a new tab)',
      'Address (redacted)': 'https://acme--uat.sandbox.lightning.force.com/lightning/r/Opportunity/{id}/view',
      'Guide and step': 'sales-basics › log-a-call › step 2 › open-activity',
    });
    const pageLink = screen.getByRole('link', { name: 'The page in Salesforce (opens in a new tab)' });
    expect(pageLink.getAttribute('href')).toBe('https://acme--uat.sandbox.lightning.force.com/lightning/r/Opportunity/006Aa000001AbCdEAF/view');
    expect(pageLink.getAttribute('target')).toBe('_blank');
    expect(pageLink.getAttribute('rel')).toBe('noopener noreferrer');
    // The redacted URL is text, not a link.
    expect(screen.queryByRole('link', { name: /\{id\}/ })).toBeNull();

    const steps = within(section('What they did just before')).getAllByRole('listitem');
    expect(steps.map((step) => step.textContent)).toEqual(['7:58:10 AMWent toOpportunity record', '7:59:30 AMClickedLog a Call']);
    expect(within(section('Errors on the page')).getByRole('listitem').textContent).toBe('7:59:31 AMErrorTypeError: x is undefinedaura_prod.js:12:4');
    expect(facts('Browser and device')).toEqual({
      Browser: 'Chrome 134',
      'Operating system': 'Windows 11',
      Language: 'nb-NO',
      'Window size': '1,440 × 900',
      'Ombord version': '0.1.0',
      Captured: 'Mar 24, 2025, 8:00 AM',
    });

    const screenshot = within(section('Screenshot')).getByRole('img', { name: 'The CRM page as Kari Nordmann saw it, with field values masked' });
    expect(screenshot.getAttribute('src')).toBe(`/inbox/api/requests/${REQUEST_ID}/screenshot`);

    const history = section('History');
    expect(within(history).getByText('Show the history (1)').closest('details')?.open).toBe(false);
    expect(within(history).getByRole('listitem', { hidden: true }).textContent).toBe('Mar 24, 2025, 8:00 AMKari Nordmann (Requester)Sent the request');
  });

  it('renders hostile text as text and makes no link out of anything but the server’s http(s) links', async () => {
    const hostile = '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a>';
    const backend = fakeBackend({
      detail: detailFixture({
        title: hostile.slice(0, 200),
        description: `${hostile}\n<script>alert(3)</script>`,
        context: {
          ...detailFixture().context,
          crm: { ...detailFixture().context.crm, object: '<b>Account</b>', url: 'javascript:alert(4)' },
          breadcrumbs: [{ at: '2025-03-24T07:58:10.000Z', kind: 'click', label: 'javascript:alert(5)' }],
          errors: [{ at: '2025-03-24T07:58:11.000Z', kind: 'error', message: '<img src=y onerror=alert(6)>' }],
        },
        links: { page: 'javascript:alert(7)', record: 'data:text/html,<script>alert(8)</script>' },
        replies: [{ id: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', at: '2025-03-24T08:30:00.000Z', author: { displayName: '<i>Mallory</i>', role: 'user' }, body: hostile }],
      }),
    });
    await renderInbox({ hash: `#/requests/${REQUEST_ID}`, backend });
    await screen.findByRole('heading', { level: 1, name: hostile });

    expect(within(section('Description')).getByText(/alert\(3\)/).textContent).toBe(`${hostile}\n<script>alert(3)</script>`);
    expect(screen.getByText('javascript:alert(5)').tagName).toBe('SPAN');
    expect(screen.getByText('<img src=y onerror=alert(6)>')).toBeTruthy();
    expect(screen.getByText('<i>Mallory</i>')).toBeTruthy();
    expect(document.querySelectorAll('img:not(.shot__image)')).toHaveLength(0);
    expect(document.querySelectorAll('script, b, i')).toHaveLength(0);
    for (const link of document.querySelectorAll('a')) expect(link.getAttribute('href')).toMatch(/^(#\/|https:\/\/|\/inbox\/)/);
    expect(facts('Where it happened')['Open in the CRM']).toBe('None');
  });

  it('sends a reply with Ctrl+Enter, with the CSRF token, and shows the answer it gets back', async () => {
    const { user, backend } = await openDetail();
    const textarea = screen.getByLabelText('Reply to Kari Nordmann');
    expect(screen.getByText('0 of 5,000 characters')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Send reply' }));
    expect(screen.getByText('Write a reply first.')).toBeTruthy();
    expect(document.activeElement).toBe(textarea);
    expect(backend.callsTo('POST', '/inbox/api/requests/')).toHaveLength(0);

    await user.type(textarea, '  Open the Activity tab first.{Shift>}{Enter}{/Shift}Then click Log a Call.  ');
    expect(screen.getByText('55 of 5,000 characters')).toBeTruthy();
    await user.keyboard('{Control>}{Enter}{/Control}');

    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Reply sent. Kari Nordmann will see it in the CRM.'));
    const [sent] = backend.callsTo('POST', `/inbox/api/requests/${REQUEST_ID}/replies`);
    expect(sent?.headers.get('X-CSRF-Token')).toBe(CSRF_TOKEN);
    expect(sent?.headers.get('Content-Type')).toBe('application/json');
    expect(sent?.body).toEqual({ body: 'Open the Activity tab first.\nThen click Log a Call.' });

    const reply = within(section('Conversation')).getByRole('listitem');
    expect(reply.textContent).toBe('Ola SupportSupportMar 24, 2025, 9:00 AMOpen the Activity tab first.\nThen click Log a Call.');
    expect((textarea as HTMLTextAreaElement).value).toBe('');
    // The server moved it to answered; the page shows the answer's state, not a guess.
    expect(within(screen.getByRole('group', { name: 'Status' })).getByText('Answered')).toBeTruthy();
  });

  it('offers only the statuses the request may move to, and moves it', async () => {
    const { user, backend } = await openDetail();
    const group = screen.getByRole('group', { name: 'Status' });
    expect(within(group).getAllByRole('button').map((button) => button.textContent)).toEqual(['Mark in progress', 'Mark answered', 'Close']);

    await user.click(within(group).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Status changed to Closed.'));
    expect(backend.callsTo('POST', `/inbox/api/requests/${REQUEST_ID}/status`)[0]?.body).toEqual({ status: 'closed' });
    expect(within(group).getAllByRole('button').map((button) => button.textContent)).toEqual(['Reopen']);
    expect(document.activeElement).toBe(group);
    // Nobody replies to a closed request.
    expect(screen.queryByLabelText('Reply to Kari Nordmann')).toBeNull();
    expect(screen.getByText('This request is closed. Reopen it to reply.')).toBeTruthy();
  });

  it('assigns to me in one step, and to anyone in the staff directory', async () => {
    const { user, backend } = await openDetail();
    const assignee = screen.getByLabelText('Assigned to') as HTMLSelectElement;
    await waitFor(() => expect([...assignee.options].map((option) => option.textContent)).toEqual(['Unassigned', 'Ola Support (Support)', 'Siv Champion (Champion)']));

    await user.click(screen.getByRole('button', { name: 'Assign to me' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Assigned to Ola Support.'));
    expect(backend.callsTo('POST', `/inbox/api/requests/${REQUEST_ID}/assignee`)[0]?.body).toEqual({ assigneeId: ME.id });
    expect(screen.queryByRole('button', { name: 'Assign to me' })).toBeNull();
    expect(assignee.value).toBe(ME.id);
    expect(document.activeElement).toBe(assignee);

    await user.selectOptions(assignee, 'Siv Champion (Champion)');
    await user.click(screen.getByRole('button', { name: 'Assign' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Assigned to Siv Champion.'));
    expect(backend.callsTo('POST', `/inbox/api/requests/${REQUEST_ID}/assignee`)[1]?.body).toEqual({ assigneeId: 'staff-siv' });
  });

  it('says what went wrong with an action and shows the request as it now is', async () => {
    const backend = fakeBackend();
    const { user } = await openDetail(backend);
    // Someone else answered in the meantime: "in progress" is no longer a move from here.
    backend.detail = detailFixture({ status: 'closed', nextStatuses: ['in_progress'] });
    await user.click(screen.getByRole('button', { name: 'Mark answered' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'Someone else changed this request at the same time. It now shows its latest state; check it and try again. The server said: A closed request cannot move to answered',
      ),
    );
    await waitFor(() => expect(within(screen.getByRole('group', { name: 'Status' })).getAllByRole('button').map((b) => b.textContent)).toEqual(['Reopen']));
  });

  it('says so when the request does not exist or is not the staff member’s to see', async () => {
    const { user } = await renderInbox({ hash: '#/requests/2c1b0a9f-8e7d-4c6b-9a5f-4e3d2c1b0a9f' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Request not found' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('It was not found');
    await user.click(screen.getByRole('link', { name: 'All requests' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Help requests' })).toBeTruthy();
  });
});

describe('request detail from the keyboard', () => {
  it('reaches every control with Tab, in order', async () => {
    const { user } = await openDetail();
    await waitFor(() => expect(screen.getByLabelText('Assigned to').querySelectorAll('option')).toHaveLength(3));
    expect(await expectTabReachesEveryControl(user)).toBeGreaterThan(15);
  });

  it('opens the screenshot larger with Enter, keeps Tab inside, and closes with Escape back on the thumbnail', async () => {
    const { user } = await openDetail();
    const thumbnail = screen.getByRole('button', { name: /The CRM page as Kari Nordmann saw it/ });
    thumbnail.focus();
    await user.keyboard('{Enter}');

    const dialog = await screen.findByRole('dialog', { name: 'Screenshot' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close' }));
    expect(within(dialog).getByRole('img').getAttribute('src')).toBe(`/inbox/api/requests/${REQUEST_ID}/screenshot`);
    // Close is the last stop: Tab wraps to the first, Shift+Tab from there back to the last.
    await user.tab();
    expect(document.activeElement).toBe(within(dialog).getByRole('link', { name: 'Open in a new tab' }));
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close' }));

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(thumbnail);
  });

  it('moves focus to the heading of the view it navigates to', async () => {
    const { user } = await renderInbox();
    await screen.findByRole('table');
    await user.click(screen.getByRole('link', { name: TITLE }));
    const heading = await screen.findByRole('heading', { level: 1, name: TITLE });
    expect(document.activeElement).toBe(heading);
    await user.click(screen.getByRole('link', { name: 'All requests' }));
    expect(document.activeElement).toBe(await screen.findByRole('heading', { level: 1, name: 'Help requests' }));
  });
});
