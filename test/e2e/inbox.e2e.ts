/**
 * Issue 5 §3 and §5, the staff inbox in a real browser: what only Chromium with its layout, focus,
 * cookie jar and CSP proves (the API's own defences are `server/inbox-security.test.ts`).
 *
 * - The real backend (`./backend.ts`) on SQLite serves the built page (`npm run build:inbox`);
 *   staff, users and teams come from the admin CLI, help requests from the device API
 *   (`POST /v1/enroll`, `POST /v1/support`), as an enrolled browser sends them.
 * - A plain Chromium (no extension) drives the page like a person: by role and label, and in the
 *   first test with the keyboard alone.
 * - Cross-site requests come from a page of our own on another port (same site as the inbox:
 *   the session cookie goes along, so only the server's origin check stands) and on `localhost`
 *   (another site: SameSite=Strict keeps the cookie back as well).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, EnrollResponseSchema, InboxRequestDetailSchema, type SupportRequest } from '../../lib/api';
import { supportRequest } from '../../server/test/inbox-fixtures';
import { pageAxeViolations } from './axe';
import { createOrganisationWithToken, freePort, runAdmin, startBackend, type RunningBackend } from './backend';
import { CHROMIUM_PATH } from './harness';

const PASSWORD = 'inbox e2e: a long enough password';
const STAFF = {
  adminA: 'ada.admin@north-star.example',
  hostileSupport: 'sam.support@north-star.example',
  northChampion: 'nora.champion@north-star.example',
  southChampion: 'sid.champion@north-star.example',
  lockedOut: 'lee.locked@north-star.example',
  adminB: 'bo.admin@other.example',
} as const;
const USERS = {
  north: { email: 'nils.north@north-star.example', name: 'Nils North', teams: 'north' },
  south: { email: 'sara.south@north-star.example', name: 'Sara South', teams: 'south' },
  bella: { email: 'bella@other.example', name: 'Bella Other' },
} as const;

const NORTH_QUESTION = 'How do I merge two duplicate accounts?\nThe merge button is not where the guide says.';
const SOUTH_PROBLEM = 'The south region report still shows last year';
const CSRF_TARGET = 'The export button is greyed out on the opportunity list';
const BELLA_REQUEST = 'Where is the quote template?';
const titleOf = (description: string): string => description.split('\n')[0] ?? '';

/** The flag every hostile payload would set if any of it ran as script. */
const PWNED = '__ombordPwned';
/** Markup, a script and a `javascript:` link, each of which would set `window.__ombordPwned = where` if it became page content. */
const hostile = (where: string): string =>
  `<img src=x onerror="window.${PWNED}='${where}'"><script>window.${PWNED}='${where}'</script><a href="javascript:window.${PWNED}='${where}'">${where}</a>`;
const HOSTILE = {
  /** The first line is the title in the list: it stays under the 200-character title limit. */
  description: `${hostile('description')}\njavascript:window.${PWNED}='line2'\n<iframe src="javascript:window.${PWNED}='frame'"></iframe>`,
  userName: `<img src=x onerror="window.${PWNED}='user'"> Mallory <script>window.${PWNED}='user'</script>`,
  staffName: `<svg onload="window.${PWNED}='staff'"></svg> Sam <b>Support</b>`,
  team: `<img src=x onerror="window.${PWNED}='team'">`,
  breadcrumb: hostile('breadcrumb'),
  errorMessage: hostile('error'),
  errorSource: `javascript:window.${PWNED}='source'`,
  object: hostile('object'),
  orgName: `<img src=x onerror="window.${PWNED}='org'">`,
  url: `javascript:window.${PWNED}='url'`,
  reply: `Try this: ${hostile('reply')}`,
} as const;

const BROWSER_ARGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface PageWatch {
  /**
   * CSP violations the page reported, console errors and uncaught exceptions, in words; except
   * the lines Chromium itself logs for the answers normal use expects (`expectedAnswers`).
   */
  problems(expected?: { notFound?: string }): Promise<string[]>;
  /** Every URL the page requested. */
  requested: string[];
}

/** What the keyboard focus is on, and whether it is drawn. */
interface Focus {
  tag: string;
  name: string;
  inDialog: boolean;
  focusVisible: boolean;
  outline: string;
}

describe('the staff inbox in a real browser', () => {
  let dataDir: string | undefined;
  let backend: RunningBackend | undefined;
  let browser: Browser | undefined;
  let attacker: Server | undefined;
  let attackerPort = 0;
  const ids = { north: '', south: '', csrf: '' };

  const inboxUrl = (hash = ''): string => `${backend?.url ?? ''}/inbox/${hash}`;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ombord-inbox-'));
    const a = await createOrganisationWithToken(dataDir, 'North Star Ltd');
    const b = await createOrganisationWithToken(dataDir, 'Other Org');
    const staff = async (org: string, email: string, role: string, name: string, teams?: string): Promise<void> => {
      const args = ['staff', 'create', '--org', org, '--email', email, '--role', role, '--name', name, ...(teams === undefined ? [] : ['--teams', teams])];
      await runAdmin(dataDir ?? '', args, { OMBORD_STAFF_PASSWORD: PASSWORD });
    };
    await staff(a.organisationId, STAFF.adminA, 'admin', 'Ada Admin');
    await staff(a.organisationId, STAFF.hostileSupport, 'support', HOSTILE.staffName);
    // Both teams have a champion, so the south member's request goes to the south champions:
    // the north champion must not see it though it is in the champions' queue too.
    await staff(a.organisationId, STAFF.northChampion, 'champion', 'Nora Champion', 'north');
    await staff(a.organisationId, STAFF.southChampion, 'champion', 'Sid Champion', 'south');
    await staff(a.organisationId, STAFF.lockedOut, 'support', 'Lee Locked');
    await staff(b.organisationId, STAFF.adminB, 'admin', 'Bo Admin');
    await runAdmin(dataDir, ['user', 'set', '--org', a.organisationId, USERS.north.email, '--teams', USERS.north.teams]);
    await runAdmin(dataDir, ['user', 'set', '--org', a.organisationId, USERS.south.email, '--teams', USERS.south.teams]);
    await runAdmin(dataDir, ['user', 'set', '--org', a.organisationId, 'mallory@north-star.example', '--teams', HOSTILE.team]);

    backend = await startBackend({ dataDir, port: await freePort() });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: false, args: BROWSER_ARGS });
    const screenshot = await pictureOfACrmPage(browser);

    const north = await enrol(backend.url, a.token, USERS.north.email, USERS.north.name);
    const south = await enrol(backend.url, a.token, USERS.south.email, USERS.south.name);
    const mallory = await enrol(backend.url, a.token, 'mallory@north-star.example', HOSTILE.userName);
    const bella = await enrol(backend.url, b.token, USERS.bella.email, USERS.bella.name);
    ids.north = await send(backend.url, north, supportRequest({ kind: 'question', description: NORTH_QUESTION, screenshot }));
    ids.south = await send(backend.url, south, supportRequest({ description: SOUTH_PROBLEM }));
    ids.csrf = await send(backend.url, south, supportRequest({ description: CSRF_TARGET }, { pageType: 'list_view', object: 'Opportunity', recordId: null, url: 'https://acme.lightning.force.com/lightning/o/Opportunity/list' }));
    const hostileRequest = supportRequest({ kind: 'idea', description: HOSTILE.description, screenshot }, { object: HOSTILE.object, orgName: HOSTILE.orgName, url: HOSTILE.url });
    hostileRequest.context.breadcrumbs = [
      { at: '2030-01-01T08:00:00.000Z', kind: 'navigation', label: HOSTILE.breadcrumb },
      { at: '2030-01-01T08:00:01.000Z', kind: 'click', label: `javascript:window.${PWNED}='crumb'` },
    ];
    hostileRequest.context.errors = [{ at: '2030-01-01T08:00:02.000Z', kind: 'error', message: HOSTILE.errorMessage, source: HOSTILE.errorSource }];
    await send(backend.url, mallory, hostileRequest);
    await send(backend.url, bella, supportRequest({ description: BELLA_REQUEST }));

    ({ server: attacker, port: attackerPort } = await startAttacker(backend.url));
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await new Promise((resolve) => (attacker === undefined ? resolve(undefined) : attacker.close(resolve)));
    await backend?.kill('SIGKILL').catch(() => undefined);
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  /** A fresh browser profile (no cookies) in English, with a page that reports CSP violations, console errors and exceptions. */
  async function openPage(): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
    if (browser === undefined) throw new Error('beforeAll did not finish');
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      const seen: string[] = [];
      Object.defineProperty(window, '__ombordCspViolations', { value: seen });
      document.addEventListener('securitypolicyviolation', (event) => {
        seen.push(`CSP ${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} ${event.sample}`);
      });
    });
    const page = await context.newPage();
    const logged: string[] = [];
    const requested: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') logged.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => logged.push(`exception: ${error.message}`));
    page.on('request', (request) => requested.push(request.url()));
    const watch: PageWatch = {
      requested,
      async problems(expected = {}) {
        const violations = await page.evaluate(() => (window as unknown as { __ombordCspViolations?: string[] }).__ombordCspViolations ?? []).catch(() => []);
        const allowed = expectedAnswers(backend?.url ?? '', expected);
        return [...violations, ...logged.filter((line) => !allowed.includes(line))];
      },
    };
    return { context, page, watch };
  }

  const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

  /** Signs in through the form, with the mouse and the fill-in of a password manager. */
  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(inboxUrl());
    await heading(page, 'Sign in to the Ombord inbox').waitFor();
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Help requests').waitFor();
  }

  /** The request as the signed-in staff member's API answers it, read from inside the page (the cookie is httpOnly). */
  async function detailThroughApi(page: Page, id: string) {
    const answer = await page.evaluate(async (requestId) => {
      const response = await fetch(`/inbox/api/requests/${requestId}`, { headers: { Accept: 'application/json' } });
      return { status: response.status, body: (await response.json()) as unknown };
    }, id);
    expect(answer.status).toBe(200);
    return InboxRequestDetailSchema.parse(answer.body);
  }

  it('works with the keyboard alone, with focus always drawn', async () => {
    const { context, page, watch } = await openPage();
    try {
      await page.goto(inboxUrl());
      await heading(page, 'Sign in to the Ombord inbox').waitFor();
      expect(await focusedHeading(page)).toBe('Sign in to the Ombord inbox');

      // Sign in: Tab, typing and Enter.
      expect(await tabTo(page, (focus) => focus.name === 'Work email')).toMatchObject({ tag: 'input' });
      await page.keyboard.type(STAFF.adminA);
      expect(await tabTo(page, (focus) => focus.name === 'Password')).toMatchObject({ tag: 'input' });
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await heading(page, 'Help requests').waitFor();
      expect(await focusedHeading(page)).toBe('Help requests');

      // Filters: search as typed, then the status menu with the arrow keys.
      expect(await tabTo(page, (focus) => focus.name === 'Search')).toMatchObject({ tag: 'input' });
      await page.keyboard.type('duplicate');
      await page.waitForURL((url) => url.hash === '#/requests?q=duplicate');
      await listCount(page, '1 request.');
      expect(await tabTo(page, (focus) => focus.name === 'Status')).toMatchObject({ tag: 'select' });
      await page.keyboard.press('ArrowDown');
      await page.waitForURL((url) => url.hash === '#/requests?status=new&q=duplicate');
      await listCount(page, '1 request.');
      await page.keyboard.press('ArrowUp');
      await page.waitForURL((url) => url.hash === '#/requests?q=duplicate');
      await listCount(page, '1 request.');
      const stops = await tabPath(page, (focus) => focus.name === titleOf(NORTH_QUESTION));
      // Every menu on the way, then the table (a Tab stop to scroll it), then the request.
      expect(stops.map((focus) => focus.name)).toEqual(expect.arrayContaining(['Queue', 'Team', 'CRM', 'Page', 'Sent', 'Assigned to', 'Clear filters', 'Help requests']));
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.hash === `#/requests/${ids.north}`);
      await heading(page, titleOf(NORTH_QUESTION)).waitFor();
      expect(await focusedHeading(page)).toBe(titleOf(NORTH_QUESTION));

      // The screenshot: Enter opens the dialog on its Close button, Tab stays inside, Escape closes it and focus returns.
      const thumbnail = await tabTo(page, (focus) => focus.name.endsWith('View larger'));
      expect(thumbnail.tag).toBe('button');
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Screenshot' });
      await dialog.waitFor();
      expect(await focused(page)).toMatchObject({ name: 'Close', inDialog: true, focusVisible: true });
      for (let presses = 0; presses < 3; presses++) {
        await page.keyboard.press('Tab');
        expect(await focused(page)).toMatchObject({ inDialog: true, focusVisible: true });
      }
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await focused(page)).toMatchObject({ tag: 'button', name: thumbnail.name, focusVisible: true });

      // Reply: type, Ctrl+Enter sends.
      expect(await tabTo(page, (focus) => focus.name === `Reply to ${USERS.north.name}`)).toMatchObject({ tag: 'textarea' });
      await page.keyboard.type('Open the first account, then use Merge in the menu.');
      await page.keyboard.press('Control+Enter');
      await page.getByRole('status').filter({ hasText: `Reply sent. ${USERS.north.name} will see it in the CRM.` }).waitFor();
      const conversation = page.getByRole('region', { name: 'Conversation' });
      await conversation.getByText('Open the first account, then use Merge in the menu.').waitFor();
      expect((await detailThroughApi(page, ids.north)).replies.map((reply) => reply.body)).toEqual(['Open the first account, then use Merge in the menu.']);

      // Sign out from the header, going back with Shift+Tab.
      expect(await tabTo(page, (focus) => focus.name === 'Sign out', { backwards: true })).toMatchObject({ tag: 'button' });
      await page.keyboard.press('Enter');
      await heading(page, 'Sign in to the Ombord inbox').waitFor();
      await page.getByText('You have signed out.').waitFor();
      expect((await context.cookies(inboxUrl())).map((cookie) => cookie.name)).not.toContain('ombord_staff');

      expect(await watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('has no axe-core violations on sign-in, the list, a request and the screenshot dialog, in light and dark', async () => {
    const { context, page, watch } = await openPage();
    try {
      const check = async (view: string): Promise<void> => {
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme });
          // The buttons' background fades for 120 ms: judge the colours once they have arrived.
          await page.waitForFunction(() => document.getAnimations().length === 0);
          expect(await pageAxeViolations(page), `${view}, ${colorScheme}`).toEqual([]);
        }
      };
      await page.goto(inboxUrl());
      await heading(page, 'Sign in to the Ombord inbox').waitFor();
      await check('sign-in');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Enter your work email.').waitFor();
      await check('sign-in with missing fields');

      await signIn(page, STAFF.adminA);
      await page.getByRole('link', { name: titleOf(NORTH_QUESTION), exact: true }).waitFor();
      await check('list');

      await page.getByRole('link', { name: titleOf(NORTH_QUESTION), exact: true }).click();
      await heading(page, titleOf(NORTH_QUESTION)).waitFor();
      // Settled: the staff menu is filled and the screenshot has loaded.
      await page.getByRole('option', { name: 'Ada Admin (Admin)' }).waitFor({ state: 'attached' });
      const thumbnail = page.getByRole('button', { name: /View larger$/ });
      await page.waitForFunction(() => [...document.images].every((image) => image.complete && image.naturalWidth > 0));
      await check('request');
      await thumbnail.click();
      await page.getByRole('dialog', { name: 'Screenshot' }).waitFor();
      await page.waitForFunction(() => [...document.images].every((image) => image.complete && image.naturalWidth > 0));
      await check('screenshot dialog');

      expect(await watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows hostile text as text: nothing from it becomes markup, runs or links', async () => {
    const { context, page, watch } = await openPage();
    try {
      await signIn(page, STAFF.hostileSupport);
      // The staff member's own name, in the header.
      await page.getByText(`Signed in as ${HOSTILE.staffName} (Support)`, { exact: true }).waitFor();

      const link = page.getByRole('link', { name: titleOf(HOSTILE.description), exact: true });
      await link.waitFor();
      const row = page.getByRole('row').filter({ has: link });
      expect(await row.textContent()).toContain(HOSTILE.userName);
      expect(await row.textContent()).toContain(HOSTILE.object);
      // The team the hostile user belongs to is one of the team filter's choices, as text.
      expect(await page.getByLabel('Team').locator('option').allTextContents()).toContain(HOSTILE.team);
      expect(await domTraps(page)).toEqual(cleanDom());

      await link.click();
      await heading(page, titleOf(HOSTILE.description)).waitFor();
      const region = (name: string) => page.getByRole('region', { name, exact: true });
      expect(await region('Description').locator('p').textContent()).toBe(HOSTILE.description);
      expect(await region('Requester').textContent()).toContain(HOSTILE.userName);
      expect(await region('Requester').textContent()).toContain(HOSTILE.team);
      expect(await region('What they did just before').getByRole('listitem').allTextContents()).toEqual([
        expect.stringContaining(HOSTILE.breadcrumb),
        expect.stringContaining(`javascript:window.${PWNED}='crumb'`),
      ]);
      const error = await region('Errors on the page').getByRole('listitem').textContent();
      expect(error).toContain(HOSTILE.errorMessage);
      expect(error).toContain(HOSTILE.errorSource);
      const where = await region('Where it happened').textContent();
      for (const text of [HOSTILE.object, HOSTILE.orgName, HOSTILE.url]) expect(where).toContain(text);
      await page.getByText(`Sent by ${HOSTILE.userName}`).waitFor();

      // A hostile reply from a staff member with a hostile name, and the history naming them.
      await page.getByLabel(`Reply to ${HOSTILE.userName}`).fill(HOSTILE.reply);
      await page.getByRole('button', { name: 'Send reply' }).click();
      const reply = region('Conversation').getByRole('listitem');
      await reply.waitFor();
      expect(await reply.locator('p').allTextContents()).toEqual([expect.stringContaining(HOSTILE.staffName), HOSTILE.reply]);
      await page.getByText(/^Show the history \(\d+\)$/).click();
      expect(await region('History').textContent()).toContain(`${HOSTILE.staffName} (Support)`);
      // And the enlarged screenshot, whose description names the requester.
      await page.getByRole('button', { name: /View larger$/ }).click();
      await page.getByRole('dialog', { name: 'Screenshot' }).waitFor();
      expect(await domTraps(page)).toEqual(cleanDom());
      await page.keyboard.press('Escape');

      // Reloaded from the server, as the next staff member would see it.
      await page.reload();
      await heading(page, titleOf(HOSTILE.description)).waitFor();
      await region('Conversation').getByText(HOSTILE.reply, { exact: true }).waitFor();
      expect(await domTraps(page)).toEqual(cleanDom());

      // An injected `<img src=x>` would have asked for /inbox/x.
      expect(watch.requested.filter((url) => /\/x$/.test(new URL(url).pathname))).toEqual([]);
      expect(await watch.problems()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('keeps the session cookie out of scripts and refuses replies sent by other sites’ pages', async () => {
    const { context, page } = await openPage();
    try {
      await signIn(page, STAFF.adminA);
      const cookies = (await context.cookies(inboxUrl())).filter((cookie) => cookie.name === 'ombord_staff');
      expect(cookies).toEqual([expect.objectContaining({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/inbox', domain: '127.0.0.1' })]);
      expect(await page.evaluate(() => document.cookie)).not.toContain('ombord_staff');
      const before = await detailThroughApi(page, ids.csrf);
      expect(before.replies).toEqual([]);

      const replies = `/inbox/api/requests/${ids.csrf}/replies`;
      // What each attempt got. A form's answer is the page it lands on, and Playwright sees its
      // request headers whole; a no-cors fetch's answer is opaque, and its Cookie header may be
      // missing from what Playwright reports even when the browser sent it.
      const attempts: Array<{ from: string; status: number; refusal?: string; cookie?: boolean }> = [];
      const record = async (from: string, evil: Page, response: Response): Promise<void> => {
        const request = response.request();
        if (!request.isNavigationRequest()) return void attempts.push({ from, status: response.status() });
        const error = ApiErrorSchema.parse(JSON.parse((await evil.textContent('body')) ?? '')).error;
        const cookie = ((await request.allHeaders()).cookie ?? '').includes('ombord_staff=');
        attempts.push({ from, status: response.status(), refusal: error.message.replace(/:.*/s, ''), cookie });
      };
      const isReplyPost = (response: Response) => new URL(response.url()).pathname === replies && response.request().method() === 'POST';
      // 127.0.0.1 on another port is another origin of the same site (the cookie goes along);
      // localhost is another site (SameSite=Strict keeps it back).
      for (const host of ['127.0.0.1', 'localhost']) {
        const origin = `http://${host}:${attackerPort}`;
        const evil = await context.newPage();
        try {
          for (const attack of ['form', 'fetch']) {
            const refused = evil.waitForResponse(isReplyPost);
            await evil.goto(`${origin}/${attack}?id=${ids.csrf}`);
            await record(`${attack} on ${origin}`, evil, await refused);
          }
          // A JSON fetch with credentials needs CORS, which the inbox never grants: it is stopped before it is sent.
          await evil.goto(`${origin}/json?id=${ids.csrf}`);
          await evil.waitForFunction(() => document.title !== '');
          expect(await evil.title()).toBe('rejected: TypeError');
        } finally {
          await evil.close();
        }
      }
      // The same-site form carried the session cookie: the server's origin check is what refused it.
      const refusal = 'The inbox refuses requests sent by other sites';
      expect(attempts).toEqual([
        { from: `form on http://127.0.0.1:${attackerPort}`, status: 403, refusal, cookie: true },
        { from: `fetch on http://127.0.0.1:${attackerPort}`, status: 403 },
        { from: `form on http://localhost:${attackerPort}`, status: 403, refusal, cookie: false },
        { from: `fetch on http://localhost:${attackerPort}`, status: 403 },
      ]);

      // Nothing was added, and the staff member is still signed in.
      const after = await detailThroughApi(page, ids.csrf);
      expect(after.replies).toEqual([]);
      expect(after.status).toBe('new');
      await page.reload();
      await heading(page, 'Help requests').waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows staff only their organisation’s requests, and champions only their teams’', async () => {
    const other = await openPage();
    const champion = await openPage();
    try {
      // Organisation B: its own request, none of A's; A's request by address is not found.
      await signIn(other.page, STAFF.adminB);
      await other.page.getByRole('link', { name: BELLA_REQUEST, exact: true }).waitFor();
      await listCount(other.page, '1 request.');
      await other.page.goto(inboxUrl(`#/requests/${ids.north}`));
      await heading(other.page, 'Request not found').waitFor();
      expect(await other.page.getByText(titleOf(NORTH_QUESTION)).count()).toBe(0);
      await other.page.goto(inboxUrl(`#/requests?status=any&q=${encodeURIComponent('duplicate')}`));
      await listCount(other.page, 'No requests match these filters.');

      // A champion of "north": the north member's request, not the south member's.
      await signIn(champion.page, STAFF.northChampion);
      const listed = champion.page.getByRole('table').getByRole('link');
      await champion.page.getByRole('link', { name: titleOf(NORTH_QUESTION), exact: true }).waitFor();
      expect(await listed.allTextContents()).toEqual([titleOf(NORTH_QUESTION)]);
      await champion.page.goto(inboxUrl(`#/requests/${ids.south}`));
      await heading(champion.page, 'Request not found').waitFor();
      await champion.page.goto(inboxUrl(`#/requests/${ids.north}`));
      await heading(champion.page, titleOf(NORTH_QUESTION)).waitFor();
      expect(await champion.page.getByRole('region', { name: 'Routing' }).textContent()).toContain('north');

      expect(await other.watch.problems({ notFound: ids.north })).toEqual([]);
      expect(await champion.watch.problems({ notFound: ids.south })).toEqual([]);
    } finally {
      await other.context.close();
      await champion.context.close();
    }
  });

  it('tells a staff member who keeps getting the password wrong when to try again', { timeout: 120_000 }, async () => {
    // The limit counts in fixed 15-minute windows (`hitRateLimit`): start well inside one, so all
    // the attempts land in the same window.
    const windowMs = 15 * 60_000;
    const leftMs = windowMs - (Date.now() % windowMs);
    if (leftMs < 30_000) await new Promise((resolve) => setTimeout(resolve, leftMs + 1_000));
    const { context, page } = await openPage();
    try {
      await page.goto(inboxUrl());
      await heading(page, 'Sign in to the Ombord inbox').waitFor();
      await page.getByLabel('Work email').fill(STAFF.lockedOut);
      const alert = page.getByRole('alert');
      let retryAfter: string | null = null;
      const attempt = async (password: string): Promise<number> => {
        await page.getByLabel('Password', { exact: true }).fill(password);
        const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/inbox/api/login');
        await page.getByLabel('Password', { exact: true }).press('Enter');
        const response = await answered;
        retryAfter = await response.headerValue('retry-after');
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        await page.waitForFunction(() => document.querySelector('[role="alert"]')?.textContent !== '');
        return response.status();
      };
      /** The wait the page should name: the server's Retry-After, rounded up as `i18n.until` does. */
      const tryAgainIn = (): string => {
        const seconds = Number(retryAfter);
        if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
        const minutes = Math.ceil(seconds / 60);
        return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
      };
      // The default limit: 10 failed sign-ins per email in 15 minutes.
      for (let failures = 1; failures <= 10; failures++) {
        expect(await attempt(`wrong password number ${failures}`)).toBe(401);
        expect(await alert.textContent()).toBe('The email or password is wrong. Check both and try again.');
      }
      expect(await attempt('one more wrong password')).toBe(429);
      expect(await alert.textContent()).toBe(`Too many sign-in attempts. Try again ${tryAgainIn()}.`);
      // Locked means locked: the right password does not get through either until the window ends.
      expect(await attempt(PASSWORD)).toBe(429);
      expect(await alert.textContent()).toBe(`Too many sign-in attempts. Try again ${tryAgainIn()}.`);
      await heading(page, 'Sign in to the Ombord inbox').waitFor();
    } finally {
      await context.close();
    }
  });
});

/**
 * What Chromium logs as a console error for an HTTP error answer, though normal use expects it:
 * the session probe's 401 when the page opens signed out (`GET /inbox/api/session` answers 401
 * by contract: that is how the page learns to show sign-in) and, when given, the 404 for a
 * request that is not the staff member's to see.
 */
function expectedAnswers(backendUrl: string, { notFound }: { notFound?: string }): string[] {
  const failed = (status: string, path: string) => `console: Failed to load resource: the server responded with a status of ${status} (${backendUrl}${path})`;
  return [failed('401 (Unauthorized)', '/inbox/api/session'), ...(notFound === undefined ? [] : [failed('404 (Not Found)', `/inbox/api/requests/${notFound}`)])];
}

async function focused(page: Page): Promise<Focus> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!(element instanceof HTMLElement) || element === document.body) return { tag: 'body', name: '', inDialog: false, focusVisible: false, outline: 'none' };
    const label = element.id === '' ? null : document.querySelector(`label[for="${CSS.escape(element.id)}"]`);
    const labelledBy = element.getAttribute('aria-labelledby');
    const name = element.getAttribute('aria-label') ?? label?.textContent ?? (labelledBy === null ? null : document.getElementById(labelledBy)?.textContent) ?? element.textContent ?? '';
    const style = getComputedStyle(element);
    return {
      tag: element.tagName.toLowerCase(),
      name: name.trim(),
      inDialog: element.closest('[role="dialog"]') !== null,
      focusVisible: element.matches(':focus-visible'),
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
    };
  });
}

async function focusedHeading(page: Page): Promise<string | null> {
  return page.evaluate(() => (document.activeElement?.tagName === 'H1' ? (document.activeElement.textContent ?? '') : null));
}

/** Presses Tab (or Shift+Tab) until `wanted` has focus; every stop on the way must show a focus ring. Returns the stops. */
async function tabPath(page: Page, wanted: (focus: Focus) => boolean, { backwards = false, max = 60 } = {}): Promise<Focus[]> {
  const stops: Focus[] = [];
  for (let presses = 0; presses < max; presses++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const focus = await focused(page);
    stops.push(focus);
    if (!focus.focusVisible || focus.outline.startsWith('none') || focus.outline.endsWith(' 0px')) {
      throw new Error(`Focus is not drawn on ${focus.tag} "${focus.name}" (outline ${focus.outline}); stops so far: ${stops.map((stop) => stop.name).join(' → ')}`);
    }
    if (wanted(focus)) return stops;
  }
  throw new Error(`Not reached with ${max} ${backwards ? 'Shift+Tab' : 'Tab'} presses; stops: ${stops.map((stop) => `${stop.tag} "${stop.name}"`).join(' → ')}`);
}

async function tabTo(page: Page, wanted: (focus: Focus) => boolean, options: { backwards?: boolean; max?: number } = {}): Promise<Focus> {
  const stops = await tabPath(page, wanted, options);
  const last = stops.at(-1);
  if (last === undefined) throw new Error('no Tab stop');
  return last;
}

/** Waits until the list announces `text` in its status line. */
async function listCount(page: Page, text: string): Promise<void> {
  await page.getByRole('status').filter({ hasText: text }).waitFor();
}

interface DomTraps {
  pwned: unknown;
  /** Elements with an inline event handler attribute. */
  handlers: string[];
  /** Script elements that are not the page's own bundle. */
  scripts: string[];
  /** Images that are not a request's screenshot. */
  images: string[];
  /** Elements that could load or navigate to something other than http(s) or the inbox's own hash. */
  addresses: string[];
  /** Elements the hostile payloads name, wherever they are. */
  planted: string[];
}

const cleanDom = (): DomTraps => ({ pwned: null, handlers: [], scripts: [], images: [], addresses: [], planted: [] });

/** Looks through the whole document for anything the hostile payloads could have made. */
async function domTraps(page: Page): Promise<DomTraps> {
  return page.evaluate((flag) => {
    const all = [...document.querySelectorAll('*')];
    const outer = (element: Element) => element.outerHTML.slice(0, 200);
    const screenshot = /^\/inbox\/api\/requests\/[0-9a-f-]{36}\/screenshot$/;
    const pageScript = /^\/inbox\/assets\/[^/]+\.js$/;
    return {
      pwned: (window as unknown as Record<string, unknown>)[flag] ?? null,
      handlers: all.filter((element) => [...element.attributes].some((attribute) => attribute.name.toLowerCase().startsWith('on'))).map(outer),
      scripts: [...document.scripts].filter((script) => script.src === '' || !pageScript.test(new URL(script.src).pathname)).map(outer),
      images: [...document.images].filter((image) => !screenshot.test(new URL(image.src).pathname)).map(outer),
      addresses: all
        .flatMap((element) => ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc'].filter((name) => element.hasAttribute(name)).map((name) => ({ element, value: element.getAttribute(name) ?? '' })))
        .filter(({ element, value }) => {
          if (element.tagName === 'LINK' && value === 'data:,') return false; // index.html: no favicon request
          try {
            const protocol = new URL(value, document.baseURI).protocol;
            return protocol !== 'http:' && protocol !== 'https:';
          } catch {
            return true;
          }
        })
        .map(({ element }) => outer(element)),
      planted: [...document.querySelectorAll('iframe, object, embed, svg:not(.icon), b, a[href^="javascript" i], img[src="x"]')].map(outer),
    };
  }, PWNED);
}

/** A real PNG, as the extension attaches one: a picture of a small page. */
async function pictureOfACrmPage(browser: Browser): Promise<NonNullable<SupportRequest['screenshot']>> {
  const page = await browser.newPage({ viewport: { width: 480, height: 300 } });
  try {
    await page.setContent('<h1 style="font-family:sans-serif">Account: ████████</h1><button>Merge</button>');
    return { mediaType: 'image/png', dataBase64: (await page.screenshot({ type: 'png' })).toString('base64') };
  } finally {
    await page.close();
  }
}

async function enrol(backendUrl: string, enrollmentToken: string, email: string, displayName: string): Promise<string> {
  const response = await fetch(`${backendUrl}/v1/enroll`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ enrollmentToken, user: { email, displayName }, extensionVersion: '0.1.0' }),
  });
  if (response.status !== 201) throw new Error(`POST /v1/enroll answered ${response.status}: ${await response.text()}`);
  return EnrollResponseSchema.parse(await response.json()).deviceToken;
}

async function send(backendUrl: string, deviceToken: string, request: SupportRequest): Promise<string> {
  const response = await fetch(`${backendUrl}/v1/support`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${deviceToken}` },
    body: JSON.stringify(request),
  });
  if (response.status !== 201) throw new Error(`POST /v1/support answered ${response.status}: ${await response.text()}`);
  return request.id;
}

/**
 * Another site's pages, each trying to post a reply as the signed-in staff member: `/form` submits
 * a text/plain form shaped like JSON, `/fetch` a no-cors fetch with credentials (both reach the
 * server), `/json` a JSON fetch with credentials (stopped at the CORS preflight). The outcome of
 * `/json` goes into the title.
 */
async function startAttacker(backendUrl: string): Promise<{ server: Server; port: number }> {
  const page = (body: string) => `<!doctype html><html lang="en"><title></title><body>${body}</body></html>`;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://attacker');
    const id = url.searchParams.get('id') ?? '';
    const target = JSON.stringify(`${backendUrl}/inbox/api/requests/${id}/replies`);
    const pages: Record<string, string> = {
      '/form': page(
        `<form method="POST" enctype="text/plain" action=${target}><input name='{"body":"sent by a form on another site","x":"' value='"}'></form><script>document.forms[0].submit()</script>`,
      ),
      '/fetch': page(
        `<script>fetch(${target}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ body: 'sent by a fetch on another site' }) })</script>`,
      ),
      '/json': page(
        `<script>fetch(${target}, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ body: 'sent as JSON from another site' }) }).then((r) => { document.title = 'answered ' + r.status }, (e) => { document.title = 'rejected: ' + e.name })</script>`,
      ),
    };
    const html = pages[url.pathname];
    response.writeHead(html === undefined ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}
