// @vitest-environment happy-dom
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderInbox, resetInbox } from './render';
import { apiError, CSRF_TOKEN, fakeBackend, ME, memoryStorage, REQUEST_ID } from './testing';

afterEach(resetInbox);

describe('signing in', () => {
  it('shows sign-in without a session, says what is missing, and signs in from the keyboard', async () => {
    const { user, backend } = await renderInbox({ backend: fakeBackend({ signedIn: false }) });
    const heading = await screen.findByRole('heading', { level: 1, name: 'Sign in to the Ombord inbox' });
    expect(document.activeElement).toBe(heading);
    expect(document.title).toBe('Sign in · Ombord inbox');

    // From the focused heading, Tab goes on into the form.
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText('Work email'));
    await user.keyboard('{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('Check the marked fields.');
    expect(screen.getByLabelText('Work email').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter your work email.')).toBeTruthy();
    expect(backend.callsTo('POST', '/inbox/api/login')).toHaveLength(0);

    await user.type(screen.getByLabelText('Work email'), ' OLA@acme.no ');
    await user.type(screen.getByLabelText('Password'), 'wrong password{Enter}');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The email or password is wrong. Check both and try again.'));
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));

    await user.type(screen.getByLabelText('Password'), 'correct horse battery{Enter}');
    const list = await screen.findByRole('heading', { level: 1, name: 'Help requests' });
    expect(document.activeElement).toBe(list);
    expect(backend.callsTo('POST', '/inbox/api/login').at(-1)?.body).toEqual({ email: ME.email, password: 'correct horse battery' });
    const banner = screen.getByRole('banner');
    expect(within(banner).getByText('Acme Nordic')).toBeTruthy();
    expect(within(banner).getByText('Signed in as Ola Support (Support)')).toBeTruthy();
  });

  it('says when to try again after too many attempts', async () => {
    const backend = fakeBackend({ signedIn: false });
    const { user } = await renderInbox({ backend });
    await screen.findByRole('heading', { level: 1, name: 'Sign in to the Ombord inbox' });
    backend.override = (call) => (call.url.endsWith('/login') ? apiError(429, 'rate_limited', 'Too many sign-in attempts', { 'Retry-After': '300' }) : undefined);
    await user.type(screen.getByLabelText('Work email'), ME.email);
    await user.type(screen.getByLabelText('Password'), 'guess number six{Enter}');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too many sign-in attempts. Try again in 5 minutes.'));
  });

  it('goes back to sign-in when the session ends, and afterwards to the request it was on', async () => {
    const { user, backend } = await renderInbox({ hash: `#/requests/${REQUEST_ID}` });
    await screen.findByRole('heading', { level: 1, name: 'The Log a Call button does nothing' });
    backend.signedIn = false;
    await user.type(screen.getByLabelText('Reply to Kari Nordmann'), 'Are you still there?');
    await user.click(screen.getByRole('button', { name: 'Send reply' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to the Ombord inbox' })).toBeTruthy();
    expect(screen.getByText('Your session has ended. Sign in again to continue where you were.')).toBeTruthy();
    expect(window.location.hash).toBe(`#/requests/${REQUEST_ID}`);
    expect(screen.queryByText('Acme Nordic')).toBeNull();

    await user.type(screen.getByLabelText('Work email'), ME.email);
    await user.type(screen.getByLabelText('Password'), 'correct horse battery{Enter}');
    expect(await screen.findByRole('heading', { level: 1, name: 'The Log a Call button does nothing' })).toBeTruthy();
  });

  it('signs out with the CSRF token and shows sign-in again', async () => {
    const { user, backend } = await renderInbox();
    await screen.findByRole('heading', { level: 1, name: 'Help requests' });
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('You have signed out.')).toBeTruthy();
    expect(backend.callsTo('POST', '/inbox/api/logout')[0]?.headers.get('X-CSRF-Token')).toBe(CSRF_TOKEN);
  });

  it('says so when the server cannot be reached, and tries again on request', async () => {
    const backend = fakeBackend();
    let down = true;
    backend.override = () => {
      if (down) throw new TypeError('Failed to fetch');
      return undefined;
    };
    const { user } = await renderInbox({ backend });
    expect(await screen.findByRole('heading', { level: 1, name: 'The inbox cannot reach its server' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('Could not reach the Ombord server. Check your connection, then try again.');
    down = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Help requests' })).toBeTruthy();
  });
});

describe('languages', () => {
  it('follows the browser language, and remembers the one chosen in the header', async () => {
    const storage = memoryStorage();
    const { user } = await renderInbox({ browserLanguage: 'nb-NO', storage });
    expect(await screen.findByRole('heading', { level: 1, name: 'Henvendelser' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('nb');
    expect(screen.getByRole('button', { name: 'Logg ut' })).toBeTruthy();

    await user.selectOptions(screen.getByLabelText('Språk'), 'Suomi');
    expect(await screen.findByRole('heading', { level: 1, name: 'Tukipyynnöt' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Kirjaudu ulos' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('fi');
    expect(storage.values.get('ombord.inbox.locale')).toBe('fi');
  });

  it('uses a remembered choice over the browser language', async () => {
    await renderInbox({ browserLanguage: 'da-DK', storage: memoryStorage({ 'ombord.inbox.locale': 'sv' }) });
    expect(await screen.findByRole('heading', { level: 1, name: 'Hjälpärenden' })).toBeTruthy();
  });
});
