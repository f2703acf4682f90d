/**
 * Issue 5 §4, replies back in the CRM, end to end in real Chromium against the real backend.
 *
 * - The backend (`./backend.ts`) runs on SQLite in a temp `DATA_DIR`; the extension enrols with
 *   `sync:enroll` from its own page and the user sends a help request from the Lightning record
 *   page's overlay.
 * - Support answers straight in the backend's store (`openStore` + `addSupportReply` with a
 *   `support` actor, beside the running server), with markup in the text that must stay text.
 * - "Sync now" (`sync:now`): the icon's badge says 1 and its title names the new reply; the overlay
 *   shows the notice without taking focus from the CRM page.
 * - "Read" opens the thread: the reply is there as text, the badge clears, axe-core finds nothing.
 * - Answering back while the backend is down says so and keeps the text; once it is back, the same
 *   text goes through and the request is in progress on the backend. "Mark as solved" closes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MySupportRequestsSchema, type MySupportRequest } from '../../lib/api/support';
import { ENROLLMENT_KEY, EnrollmentSchema } from '../../lib/sync/settings';
import { openStore } from '../../server/store/open';
import { overlayAxeViolations } from './axe';
import { createOrganisationWithToken, freePort, startBackend, type RunningBackend } from './backend';
import { ACTIVE_PAGE, lightning, SF_IDS } from './fixture-data';
import {
  guidancePanel,
  helpDialog,
  launchBrowser,
  launcher,
  openTab,
  sendToBackground,
  statusText,
  threadDialog,
  waitForContentScript,
  type ExtensionBrowser,
} from './harness';

const ORGANISATION = 'Replies Org';
const EMAIL = 'replies.tester@example.com';
const QUESTION = 'Where do I log a call on an opportunity?';
/** Markup and a script in a staff reply: shown as these characters, never run or rendered. */
const STAFF_REPLY = 'Use the <img src=x onerror="document.title=\'pwned\'"> <b>Activity</b> tab, then "Log a Call".';
const ANSWER = 'Found it, thank you!';

interface ChromeGlobal {
  chrome: {
    storage: { local: { get(keys: string[]): Promise<Record<string, unknown>> } };
    action: { getBadgeText(details: { tabId?: number }): Promise<string>; getTitle(details: { tabId?: number }): Promise<string> };
  };
}

const notice = (page: Page): Locator => page.getByRole('status').filter({ hasText: 'Support answered your question' });

async function myRequests(backendUrl: string, deviceToken: string): Promise<MySupportRequest[]> {
  const response = await fetch(`${backendUrl}/v1/support`, { headers: { Authorization: `Bearer ${deviceToken}` } });
  if (response.status !== 200) throw new Error(`GET /v1/support answered ${response.status}: ${await response.text()}`);
  return MySupportRequestsSchema.parse(await response.json()).requests;
}

async function onlyRequest(backendUrl: string, deviceToken: string): Promise<MySupportRequest> {
  const requests = await myRequests(backendUrl, deviceToken);
  if (requests.length !== 1 || requests[0] === undefined) throw new Error(`Expected one help request, found ${requests.length}`);
  return requests[0];
}

/** The focused element's accessible label or text, looking into open shadow roots (the overlay's). */
async function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? '';
  });
}

describe('replies from support, end to end', () => {
  let dataDir: string | undefined;
  let backend: RunningBackend | undefined;
  let ext: ExtensionBrowser | undefined;
  let organisationId = '';
  let enrollmentToken = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ombord-replies-'));
    ({ organisationId, token: enrollmentToken } = await createOrganisationWithToken(dataDir, ORGANISATION));
    backend = await startBackend({ dataDir, port: await freePort() });
    ext = await launchBrowser({ fixturePort: inject('fixturePort') });
  });

  afterAll(async () => {
    await ext?.close().catch(() => undefined);
    await backend?.kill('SIGKILL').catch(() => undefined);
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a staff reply as a badge and a notice, and the user reads, answers back and marks it solved', { timeout: 120_000 }, async () => {
    if (ext === undefined || backend === undefined || dataDir === undefined) throw new Error('beforeAll did not finish');
    const server = backend;
    const browser = ext;
    const extensionPage = browser.extensionPage;
    const badgeText = (tabId?: number): Promise<string> =>
      browser.serviceWorker.evaluate((id) => (globalThis as unknown as ChromeGlobal).chrome.action.getBadgeText(id === undefined ? {} : { tabId: id }), tabId);
    const title = (tabId?: number): Promise<string> =>
      browser.serviceWorker.evaluate((id) => (globalThis as unknown as ChromeGlobal).chrome.action.getTitle(id === undefined ? {} : { tabId: id }), tabId);
    try {
      const enrolled = await sendToBackground(browser, { type: 'sync:enroll', data: { backendUrl: server.url, enrollmentToken, email: EMAIL } });
      expect(enrolled).toEqual({ ok: true, enrolledAs: { email: EMAIL, organisation: ORGANISATION } });
      const stored = await extensionPage.evaluate((key) => (globalThis as unknown as ChromeGlobal).chrome.storage.local.get([key]), ENROLLMENT_KEY);
      const { deviceToken } = EnrollmentSchema.parse(stored[ENROLLMENT_KEY]);

      // 1. A help request from the record page's overlay.
      const { page, tabId } = await openTab(browser, lightning.record('Opportunity', SF_IDS.acmeWidgets));
      await waitForContentScript(browser, tabId);
      await launcher(page).click();
      await guidancePanel(page).getByRole('button', { name: 'Get help' }).click();
      const help = helpDialog(page);
      await help.getByRole('textbox', { name: 'Describe it' }).fill(QUESTION);
      await help.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => statusText(help), { timeout: 10_000 }).toBe('Sent. Your CRM team will get back to you.');
      await help.getByRole('button', { name: 'Close' }).click();
      if (await guidancePanel(page).isVisible()) await guidancePanel(page).getByRole('button', { name: 'Close' }).click();
      const asked = await onlyRequest(server.url, deviceToken);
      expect(asked).toMatchObject({ description: QUESTION, status: 'new', replies: [] });
      expect(await badgeText()).toBe('');

      // The user goes back to work in the CRM.
      const details = page.locator(ACTIVE_PAGE).getByRole('tab', { name: 'Details' });
      await details.click();
      await details.focus();
      expect(await focusedLabel(page)).toBe('Details');

      // 2. Support answers in the backend; the next sync brings it.
      const store = openStore({ kind: 'sqlite', file: path.join(dataDir, 'ombord.db') });
      try {
        const replied = await store.addSupportReply(organisationId, asked.id, { userId: null, displayName: 'Siri Support', role: 'support' }, STAFF_REPLY);
        expect(replied).toMatchObject({ ok: true, request: { status: 'answered' } });
      } finally {
        await store.close();
      }
      await sendToBackground(browser, { type: 'sync:now', data: {} });

      // 3. The icon and the overlay say so; the notice does not take focus.
      await expect.poll(() => badgeText(), { timeout: 10_000 }).toBe('1');
      expect(await title()).toBe('Ombord — 1 new reply from support');
      expect(await title(tabId)).toMatch(/^Ombord · .+ — 1 new reply from support$/);
      await expect.poll(() => notice(page).isVisible(), { timeout: 10_000 }).toBe(true);
      expect(((await notice(page).textContent()) ?? '').trim()).toContain(`Support answered your question: ‘${QUESTION}’`);
      expect(await focusedLabel(page), 'the notice leaves focus in the CRM').toBe('Details');
      expect(await launcher(page).textContent()).toBe('1');

      // 4. Read: the reply, as text; the badge clears; axe-clean with the dialog open.
      await notice(page).getByRole('button', { name: 'Read' }).click();
      const dialog = threadDialog(page);
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.getByText('Status: Answered').isVisible()).toBe(true);
      const reply = dialog.getByRole('list', { name: 'Replies' }).getByRole('listitem');
      expect(await reply.count()).toBe(1);
      expect(await reply.textContent()).toContain('Siri Support (Support)');
      expect(await dialog.getByText(STAFF_REPLY, { exact: true }).isVisible()).toBe(true);
      expect(await dialog.locator('img, b').count(), 'the reply is not rendered as markup').toBe(0);
      expect(await page.title()).not.toBe('pwned');
      await expect.poll(() => badgeText(), { timeout: 10_000 }).toBe('');
      await expect.poll(() => title()).toBe('Ombord');
      expect(await notice(page).count()).toBe(0);
      expect(await overlayAxeViolations(page), 'axe-core on the open thread').toEqual([]);

      // 5. Answering back with the backend down keeps the text; once it is back, it goes through.
      await server.kill('SIGTERM');
      const box = dialog.getByRole('textbox', { name: 'Answer back' });
      await box.fill(ANSWER);
      await dialog.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => statusText(dialog), { timeout: 30_000 }).toBe(
        "Not sent: Ombord cannot reach your organisation's server right now. Your text is kept here; try again in a moment.",
      );
      expect(await box.inputValue()).toBe(ANSWER);
      await server.restart();
      await dialog.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => statusText(dialog), { timeout: 10_000 }).toBe('Sent. Status: Support is working on it.');
      expect(await box.inputValue()).toBe('');
      const answered = await onlyRequest(server.url, deviceToken);
      expect(answered.status).toBe('in_progress');
      expect(answered.replies.map((item) => [item.author.role, item.body])).toEqual([
        ['support', STAFF_REPLY],
        ['user', ANSWER],
      ]);
      await expect.poll(() => reply.count(), { timeout: 10_000 }).toBe(2);

      // 6. Mark as solved: closed on the backend, confirmed in the dialog.
      await dialog.getByRole('button', { name: 'Mark as solved' }).click();
      await expect.poll(() => statusText(dialog), { timeout: 10_000 }).toBe('Marked as solved. Status: Solved and closed.');
      expect((await onlyRequest(server.url, deviceToken)).status).toBe('closed');
      expect(await dialog.getByRole('textbox').count()).toBe(0);
      expect(await focusedLabel(page)).toBe('Close');

      // 7. Esc closes it; focus goes back to the launcher (the notice it was opened from is gone).
      await page.keyboard.press('Escape');
      await expect.poll(() => threadDialog(page).count()).toBe(0);
      expect(await focusedLabel(page)).toBe('Ombord guidance');
      expect(await badgeText()).toBe('');
      await page.close();

      // 8. A service worker that starts afresh puts the badge back from storage, whatever the
      // icon showed before (here a stale "x").
      const reopened = openStore({ kind: 'sqlite', file: path.join(dataDir, 'ombord.db') });
      try {
        const staff = { userId: null, displayName: 'Siri Support', role: 'support' } as const;
        expect(await reopened.setSupportStatus(organisationId, asked.id, 'in_progress', staff)).toMatchObject({ ok: true });
        expect(await reopened.addSupportReply(organisationId, asked.id, staff, 'Reopened: one more thing to check.')).toMatchObject({ ok: true });
      } finally {
        await reopened.close();
      }
      await sendToBackground(browser, { type: 'sync:now', data: {} });
      await expect.poll(() => badgeText(), { timeout: 10_000 }).toBe('1');
      await browser.serviceWorker.evaluate(() => {
        const scope = globalThis as unknown as { ombordE2eOldWorker?: boolean; chrome: { action: { setBadgeText(details: { text: string }): Promise<void> } } };
        scope.ombordE2eOldWorker = true;
        return scope.chrome.action.setBadgeText({ text: 'x' });
      });
      const devtools = await browser.context.newCDPSession(extensionPage);
      await devtools.send('ServiceWorker.enable');
      await devtools.send('ServiceWorker.stopAllWorkers');
      // A message wakes a new worker (Playwright keeps the same handle for it).
      await sendToBackground(browser, { type: 'sync:status', data: {} });
      expect(await browser.serviceWorker.evaluate(() => (globalThis as { ombordE2eOldWorker?: boolean }).ombordE2eOldWorker ?? false), 'a new worker').toBe(false);
      await expect.poll(() => badgeText(), { timeout: 10_000 }).toBe('1');
      expect(await title()).toBe('Ombord — 1 new reply from support');
    } catch (error) {
      console.error(`[support-replies] backend log tail:\n${server.logTail()}`);
      throw error;
    }
  });
});
