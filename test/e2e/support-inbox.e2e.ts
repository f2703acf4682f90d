/**
 * Issue 5 §5, "Proof": a help request from the CRM to the staff inbox and a reply back, end to
 * end in real Chromium against the real backend, with the inbox page driven as a support person
 * drives it.
 *
 * - Setup as an operator does it: the backend (`./backend.ts`) on SQLite in a temp `DATA_DIR`, an
 *   organisation, an enrollment token and a support account from the admin CLI. The extension,
 *   allowed to take screenshots (`grantAllUrls`, see the harness), enrols from its own page.
 * - On the Lightning Account record page the user clicks two record tabs (the breadcrumbs), opens
 *   help as the keyboard shortcut does, sees the preview with every field value masked, picks
 *   "A problem", writes a description with markup and a script in it, and sends with one click.
 * - In a second tab the support person opens `/inbox/`, signs in with the keyboard, finds the
 *   request in the open requests and opens it: the description as text (no element, no script
 *   from it), kind, requester, CRM, page type, object, record id, a link back to the Lightning
 *   record, the breadcrumbs, browser and OS, the screenshot shown. The screenshot as the inbox
 *   serves it is decoded in the inbox page: every field value rectangle measured on the CRM page
 *   is wholly the mask colour, a label is not, and it is the preview the user saw, pixel for
 *   pixel. They reply with the keyboard; the request is answered. axe-core finds nothing.
 * - Back in the CRM, "Sync now": the overlay's notice, the thread, the reply in it.
 * - With the backend down, a second request is "saved, sent later"; once the backend is back and
 *   the extension syncs, the inbox lists it and it opens with its context and screenshot.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pageAxeViolations } from './axe';
import { createOrganisationWithToken, freePort, runAdmin, startBackend, type RunningBackend } from './backend';
import { ACTIVE_PAGE, lightning, SF_IDS } from './fixture-data';
import { helpDialog, launchBrowser, openTab, sendToBackground, statusText, threadDialog, waitForContentScript, type ExtensionBrowser } from './harness';
import { imageStats, lightningFieldValue, openHelpWithScreenshot, previewDataUrl, rectOf, viewportOf, visibleFieldValues } from './screenshot-pixels';

const ORGANISATION = 'Inbox Proof Org';
/** The requester: enrolled with an email only, so the inbox names them by it. */
const EMAIL = 'kari.nordmann@example.com';
const STAFF_EMAIL = 'siri.support@example.com';
const STAFF_NAME = 'Siri Support';
const STAFF_PASSWORD = 'correct horse battery staple';
const RECORD_URL = lightning.record('Account', SF_IDS.acme);
/** Markup and a script from the requester's browser: the inbox must show these characters and run nothing. */
const DESCRIPTION = 'Save fails <img src=x onerror="window.__pwned=1">';
const STAFF_REPLY = 'Use Log a Call from the record';
const OFFLINE_DESCRIPTION = 'Written while the server was down: where is the Log a Call button?';

// ---- The CRM page and the overlay ----

const repliesNotice = (page: Page): Locator => page.getByRole('status').filter({ hasText: 'Support answered your' });

// ---- The inbox page ----

const isFocused = (locator: Locator): Promise<boolean> => locator.evaluate((element) => element === document.activeElement);

/** Presses Tab until `target` has focus, as a keyboard user would reach it. */
async function tabTo(page: Page, target: Locator, maxPresses = 40): Promise<void> {
  for (let presses = 0; presses < maxPresses; presses += 1) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  if (!(await isFocused(target))) throw new Error(`${target} is not reachable within ${maxPresses} presses of Tab`);
}

/** Sign-in with the keyboard only: the view's heading has focus, Tab to each field, Enter submits. */
async function signIn(inbox: Page): Promise<void> {
  const heading = inbox.getByRole('heading', { level: 1, name: 'Sign in to the Ombord inbox' });
  await expect.poll(() => heading.isVisible(), { timeout: 10_000 }).toBe(true);
  await expect.poll(() => isFocused(heading), { message: 'the sign-in heading takes focus' }).toBe(true);
  await inbox.keyboard.press('Tab');
  expect(await isFocused(inbox.getByLabel('Work email')), 'Tab from the heading reaches the email field').toBe(true);
  await inbox.keyboard.type(STAFF_EMAIL);
  await inbox.keyboard.press('Tab');
  expect(await isFocused(inbox.getByLabel('Password')), 'Tab reaches the password field').toBe(true);
  await inbox.keyboard.type(STAFF_PASSWORD);
  await inbox.keyboard.press('Enter');
}

/** The list of open requests, loaded: its count announcement once it is no longer "Loading…". */
async function listAnnouncement(inbox: Page): Promise<string> {
  await inbox.getByRole('heading', { level: 1, name: 'Help requests' }).waitFor({ timeout: 10_000 });
  const status = inbox.getByRole('status');
  await expect.poll(async () => ((await status.textContent()) ?? '').trim(), { timeout: 10_000 }).not.toMatch(/^(Loading requests…)?$/);
  return ((await status.textContent()) ?? '').trim();
}

/** A fact section's terms and descriptions (`<dt>` → `<dd>` text). */
async function factsIn(section: Locator): Promise<Record<string, string>> {
  return section.locator('dl').evaluate((list) => {
    const facts: Record<string, string> = {};
    for (const term of list.querySelectorAll('dt')) facts[(term.textContent ?? '').trim()] = (term.nextElementSibling?.textContent ?? '').trim();
    return facts;
  });
}

/** The detail view of the request titled `title`, opened from the list; resolves once it is loaded. */
async function openFromList(inbox: Page, title: string): Promise<{ id: string; heading: Locator }> {
  await inbox.getByRole('link', { name: title, exact: true }).click();
  const heading = inbox.getByRole('heading', { level: 1, name: title, exact: true });
  await heading.waitFor({ timeout: 10_000 });
  const id = /^#\/requests\/([0-9a-f-]{36})$/.exec(new URL(inbox.url()).hash)?.[1];
  if (id === undefined) throw new Error(`No request id in the detail view's address ${inbox.url()}`);
  return { id, heading };
}

/** Waits for the screenshot on the detail view to load; its natural width. */
async function loadedScreenshotWidth(inbox: Page): Promise<number> {
  const image = inbox.getByRole('region', { name: 'Screenshot' }).getByAltText(`The CRM page as ${EMAIL} saw it, with field values masked`);
  await expect
    .poll(() => image.evaluate((element: HTMLImageElement) => (element.complete ? element.naturalWidth : 0)), { timeout: 10_000, message: 'the screenshot loads' })
    .toBeGreaterThan(0);
  return image.evaluate((element: HTMLImageElement) => element.naturalWidth);
}

const pwned = (page: Page): Promise<unknown> => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

describe('a help request from the CRM to the staff inbox and back', () => {
  let dataDir: string | undefined;
  let backend: RunningBackend | undefined;
  let ext: ExtensionBrowser | undefined;
  let enrollmentToken = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ombord-inbox-proof-'));
    const { organisationId, token } = await createOrganisationWithToken(dataDir, ORGANISATION);
    enrollmentToken = token;
    await runAdmin(dataDir, ['staff', 'create', '--org', organisationId, '--email', STAFF_EMAIL, '--role', 'support', '--name', STAFF_NAME], {
      OMBORD_STAFF_PASSWORD: STAFF_PASSWORD,
    });
    backend = await startBackend({ dataDir, port: await freePort() });
    ext = await launchBrowser({ fixturePort: inject('fixturePort'), grantAllUrls: true });
  });

  afterAll(async () => {
    await ext?.close().catch(() => undefined);
    await backend?.kill('SIGKILL').catch(() => undefined);
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('reaches support with its context and masked screenshot, the reply reaches the overlay, and one sent offline arrives later', { timeout: 180_000 }, async () => {
    if (ext === undefined || backend === undefined) throw new Error('beforeAll did not finish');
    const browser = ext;
    const server = backend;
    try {
      const enrolled = await sendToBackground(browser, { type: 'sync:enroll', data: { backendUrl: server.url, enrollmentToken, email: EMAIL } });
      expect(enrolled).toEqual({ ok: true, enrolledAs: { email: EMAIL, organisation: ORGANISATION } });

      // 1. On the Account record page: two clicks in the record (the breadcrumbs), then measure
      // every field value and a label as the user sees them.
      const { page, tabId } = await openTab(browser, RECORD_URL);
      await waitForContentScript(browser, tabId);
      const record = page.locator(ACTIVE_PAGE);
      await record.getByRole('tab', { name: 'Activity' }).click();
      await record.getByRole('tab', { name: 'Details' }).click();
      const phoneLabel = record.locator('records-record-layout-item[field-label="Phone"] span.test-id__field-label').first();
      await phoneLabel.waitFor();
      const viewport = await viewportOf(page);
      const values = await visibleFieldValues(browser.context, page, viewport, lightningFieldValue);
      expect(values.length, `field values on screen: ${JSON.stringify(values.map((value) => value.text))}`).toBeGreaterThanOrEqual(8);
      const label = await rectOf(phoneLabel);

      // 2. Help, as the keyboard shortcut opens it: the preview hides every value. A problem, a
      // description with markup in it, one click on Send.
      const dialog = await openHelpWithScreenshot(browser, page, tabId);
      expect(await dialog.getByRole('checkbox', { name: 'Show field values' }).isChecked()).toBe(false);
      expect(await dialog.getByText('Field values are hidden.').isVisible()).toBe(true);
      const preview = await previewDataUrl(page);
      const previewStats = await imageStats(browser.extensionPage, preview, viewport, [...values, label]);
      values.forEach((value, index) => {
        expect(previewStats.regions[index]?.matching, `preview: "${value.text}" is masked`).toBe(previewStats.regions[index]?.pixels);
      });
      await dialog.getByRole('radio', { name: 'A problem' }).check();
      await dialog.getByRole('textbox', { name: 'Describe it' }).fill(DESCRIPTION);
      await dialog.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => statusText(dialog), { timeout: 15_000 }).toBe('Sent. Your CRM team will get back to you.');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => helpDialog(page).count()).toBe(0);

      // 3. Support opens the inbox in a new tab and signs in with the keyboard.
      const inbox = await browser.context.newPage();
      await inbox.goto(`${server.url}/inbox/`);
      await signIn(inbox);
      expect(await listAnnouncement(inbox), 'the open requests, by default').toBe('1 request.');
      expect(await inbox.getByLabel('Status').inputValue()).toBe('open');
      const row = inbox.getByRole('row').filter({ has: inbox.getByRole('link', { name: DESCRIPTION, exact: true }) });
      const rowText = (await row.textContent()) ?? '';
      for (const shown of ['Problem', EMAIL, 'Record', 'Account · Salesforce', 'New', 'Has a screenshot']) expect(rowText, `the row shows "${shown}"`).toContain(shown);

      // 4. The request, with everything that came with it.
      const { id } = await openFromList(inbox, DESCRIPTION);
      const description = inbox.getByRole('region', { name: 'Description' });
      expect(((await description.getByRole('paragraph').textContent()) ?? '').trim(), 'the description, literally').toBe(DESCRIPTION);
      expect(await description.locator('img').count(), 'no element made from the description').toBe(0);
      expect(await inbox.locator('img[src="x"]').count()).toBe(0);
      expect(await pwned(inbox), 'no script from the description ran').toBeUndefined();
      const meta = ((await inbox.locator('.detail__meta').textContent()) ?? '').trim();
      expect(meta).toContain('Problem');
      expect(meta).toContain(`Sent by ${EMAIL}`);
      expect(await factsIn(inbox.getByRole('region', { name: 'Requester' }))).toMatchObject({ Name: EMAIL, Email: EMAIL });
      const where = inbox.getByRole('region', { name: 'Where it happened' });
      expect(await factsIn(where)).toMatchObject({
        CRM: 'Salesforce, Lightning Experience',
        Page: 'Record',
        Object: 'Account',
        'Record id': SF_IDS.acme,
        'Address (redacted)': RECORD_URL,
      });
      expect(await where.getByRole('link', { name: 'The record in Salesforce (opens in a new tab)' }).getAttribute('href'), 'a link back to the record').toBe(RECORD_URL);
      expect(await where.getByRole('link', { name: 'The page in Salesforce (opens in a new tab)' }).getAttribute('href')).toBe(RECORD_URL);
      const trail = await inbox
        .getByRole('region', { name: 'What they did just before' })
        .getByRole('listitem')
        .evaluateAll((items) => items.map((item) => `${item.querySelector('.trail__kind')?.textContent ?? ''} ${item.querySelector('.trail__label')?.textContent ?? ''}`));
      expect(trail, 'the breadcrumbs').toEqual(expect.arrayContaining(['Went to record_view Account', 'Clicked Activity', 'Clicked Details']));
      expect(trail.indexOf('Clicked Activity')).toBeLessThan(trail.indexOf('Clicked Details'));
      const device = await factsIn(inbox.getByRole('region', { name: 'Browser and device' }));
      expect(device.Browser).toMatch(/^Chrome \d+$/);
      expect(device['Operating system']).toBe('Linux');

      // The screenshot as the inbox shows and serves it: every value masked, the label readable,
      // the very picture the preview showed.
      const shownWidth = await loadedScreenshotWidth(inbox);
      const served = await imageStats(inbox, `/inbox/api/requests/${id}/screenshot`, viewport, [...values, label]);
      expect(served.status, `GET /inbox/api/requests/${id}/screenshot`).toBe(200);
      expect(served.contentType).toBe('image/png');
      expect(served.width).toBe(shownWidth);
      values.forEach((value, index) => {
        const region = served.regions[index];
        expect(region?.pixels, `"${value.text}" is on the image`).toBeGreaterThan(0);
        expect(region?.matching, `"${value.text}" at ${JSON.stringify(value)} is wholly masked`).toBe(region?.pixels);
      });
      const labelStats = served.regions[values.length];
      expect(labelStats?.pixels).toBeGreaterThan(0);
      expect(labelStats?.matching, 'the Phone label is readable').toBe(0);
      expect(served.hash, 'the inbox shows what the preview showed').toBe(previewStats.hash);

      // 5. A reply with the keyboard (Tab to the box, Ctrl+Enter sends); the request is answered.
      const replyBox = inbox.getByRole('textbox', { name: `Reply to ${EMAIL}` });
      await tabTo(inbox, replyBox);
      await inbox.keyboard.type(STAFF_REPLY);
      await inbox.keyboard.press('Control+Enter');
      const announcement = inbox.getByRole('status');
      await expect.poll(async () => ((await announcement.textContent()) ?? '').trim(), { timeout: 10_000 }).toBe(`Reply sent. ${EMAIL} will see it in the CRM.`);
      expect(((await inbox.getByRole('group', { name: 'Status' }).textContent()) ?? '').trim()).toContain('Answered');
      const conversation = inbox.getByRole('region', { name: 'Conversation' });
      expect(await conversation.getByRole('listitem').count()).toBe(1);
      expect((await conversation.getByRole('listitem').textContent()) ?? '').toContain(STAFF_REPLY);
      expect(await replyBox.inputValue(), 'the box is empty again').toBe('');
      expect(await pageAxeViolations(inbox), 'axe-core on the request in the inbox').toEqual([]);

      // 6. Back in the CRM: after a sync the overlay says support answered; the thread has the reply.
      await page.bringToFront();
      await sendToBackground(browser, { type: 'sync:now', data: {} });
      const notice = repliesNotice(page);
      await expect.poll(() => notice.isVisible(), { timeout: 10_000 }).toBe(true);
      expect(((await notice.textContent()) ?? '').trim()).toContain(`Support answered your problem report: ‘${DESCRIPTION}’`);
      await notice.getByRole('button', { name: 'Read' }).click();
      const thread = threadDialog(page);
      await expect.poll(() => thread.isVisible()).toBe(true);
      const replies = thread.getByRole('list', { name: 'Replies' }).getByRole('listitem');
      expect(await replies.count()).toBe(1);
      expect(await replies.textContent()).toContain(`${STAFF_NAME} (Support)`);
      expect(await thread.getByText(STAFF_REPLY, { exact: true }).isVisible()).toBe(true);
      expect(await pwned(page), 'nothing ran in the CRM page either').toBeUndefined();
      await page.keyboard.press('Escape');
      await expect.poll(() => threadDialog(page).count()).toBe(0);

      // 7. The backend is down when the user asks again: kept, and said so.
      await server.kill();
      const offline = await openHelpWithScreenshot(browser, page, tabId);
      await offline.getByRole('textbox', { name: 'Describe it' }).fill(OFFLINE_DESCRIPTION);
      await offline.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => statusText(offline), { timeout: 15_000 }).toBe('Saved — it will be sent when you are back online.');
      await offline.getByRole('button', { name: 'Close' }).click();

      // 8. The backend returns and the extension syncs: the inbox lists it, with its context.
      await server.restart();
      await sendToBackground(browser, { type: 'sync:now', data: {} });
      await inbox.bringToFront();
      // A fresh load of the inbox, as a support person coming back to it would do.
      await inbox.goto(`${server.url}/inbox/`);
      expect(await listAnnouncement(inbox), 'the session outlived the restart; both requests are open').toBe('2 requests.');
      await openFromList(inbox, OFFLINE_DESCRIPTION);
      expect(((await inbox.getByRole('region', { name: 'Description' }).getByRole('paragraph').textContent()) ?? '').trim()).toBe(OFFLINE_DESCRIPTION);
      expect(((await inbox.locator('.detail__meta').textContent()) ?? '').trim()).toContain('Question');
      expect(await factsIn(inbox.getByRole('region', { name: 'Where it happened' }))).toMatchObject({
        CRM: 'Salesforce, Lightning Experience',
        Page: 'Record',
        Object: 'Account',
        'Record id': SF_IDS.acme,
      });
      expect(await loadedScreenshotWidth(inbox), 'its screenshot waited with it').toBeGreaterThan(0);
      await inbox.close();
      await page.close();
    } catch (error) {
      console.error(`[support-inbox] backend log tail:\n${server.logTail()}`);
      throw error;
    }
  });
});
