/**
 * Issue 5, first step: a help request end to end in real Chromium, against the real backend.
 *
 * - The backend is `node --import tsx server/main.ts` (`./backend.ts`) on a free port with SQLite
 *   in a temp `DATA_DIR`; the organisation and enrollment token come from the admin CLI, and the
 *   extension enrols with `sync:enroll` from its own page, as the options page does.
 * - On a Lightning Opportunity record page (with a query value that must not leave the browser),
 *   the page throws in its own (MAIN) world and rejects a promise nobody handles, and the user
 *   clicks two record tabs: the breadcrumbs. Launcher → "Get help" → "A problem", a description,
 *   "What we send with it" lists the page, object, record id and the error; axe-core finds nothing
 *   in the open dialog; Send; the dialog says it was sent.
 * - Read back: `GET /v1/support` with the device token (kind, description) and the stored row in
 *   SQLite, read-only (`GET` does not return the context): object, record id, redacted URL,
 *   label-only breadcrumbs, the page error — and none of the record's field values.
 * - Backend down: a second request is "saved, sent later"; after a restart on the same port and
 *   data it arrives exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MySupportRequestsSchema, SupportContextSchema, type MySupportRequest, type SupportContext } from '../../lib/api/support';
import { ENROLLMENT_KEY, EnrollmentSchema } from '../../lib/sync/settings';
import { overlayAxeViolations } from './axe';
import { createOrganisationWithToken, freePort, startBackend, type RunningBackend } from './backend';
import { ACTIVE_PAGE, LIGHTNING_ORIGIN, lightning, SF_IDS } from './fixture-data';
import {
  guidancePanel,
  helpDialog,
  launchBrowser,
  launcher,
  openTab,
  sendToBackground,
  statusText,
  waitForContentScript,
  type ExtensionBrowser,
} from './harness';

const ORGANISATION = 'Support Org';
const EMAIL = 'support.tester@example.com';
/** A query value on the page address: only `[redacted]` may reach the backend. */
const SECRET_QUERY = 'c__note=topsecret4711';
const RECORD_URL = `${lightning.record('Opportunity', SF_IDS.acmeWidgets)}?${SECRET_QUERY}`;
const FIRST_DESCRIPTION = 'The stage path breaks when I open the Activity tab.';
const SECOND_DESCRIPTION = 'Written while the backend was down: please send it later.';

interface ChromeGlobal {
  chrome: {
    storage: { local: { get(keys: string[]): Promise<Record<string, unknown>> } };
  };
}

/** Launcher → "Get help": the dialog, open (the launcher toggles its panel, which may still be open). */
async function openHelp(page: Page): Promise<Locator> {
  if (!(await guidancePanel(page).isVisible())) await launcher(page).click();
  await expect.poll(() => guidancePanel(page).isVisible()).toBe(true);
  await guidancePanel(page).getByRole('button', { name: 'Get help' }).click();
  const dialog = helpDialog(page);
  await expect.poll(() => dialog.isVisible()).toBe(true);
  return dialog;
}

interface StoredRow {
  id: string;
  kind: string;
  description: string;
  context: string;
}

/** The organisation's support rows, straight from SQLite (read-only, beside a running or killed server). */
function storedRows(dataDir: string, organisationId: string): StoredRow[] {
  const db = new SQLite(path.join(dataDir, 'ombord.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT id, kind, description, context FROM support_requests WHERE organisation_id = ? ORDER BY created_at')
      .all(organisationId) as StoredRow[];
  } finally {
    db.close();
  }
}

async function myRequests(backendUrl: string, deviceToken: string): Promise<MySupportRequest[]> {
  const response = await fetch(`${backendUrl}/v1/support`, { headers: { Authorization: `Bearer ${deviceToken}` } });
  if (response.status !== 200) throw new Error(`GET /v1/support answered ${response.status}: ${await response.text()}`);
  return MySupportRequestsSchema.parse(await response.json()).requests;
}

async function waitUntil(what: string, timeoutMs: number, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a help request, end to end', () => {
  let dataDir: string | undefined;
  let backend: RunningBackend | undefined;
  let ext: ExtensionBrowser | undefined;
  let organisationId = '';
  let enrollmentToken = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ombord-support-'));
    ({ organisationId, token: enrollmentToken } = await createOrganisationWithToken(dataDir, ORGANISATION));
    backend = await startBackend({ dataDir, port: await freePort() });
    ext = await launchBrowser({ fixturePort: inject('fixturePort') });
  });

  afterAll(async () => {
    await ext?.close().catch(() => undefined);
    await backend?.kill('SIGKILL').catch(() => undefined);
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('carries the context without field values, and one sent offline arrives once', { timeout: 90_000 }, async () => {
    if (ext === undefined || backend === undefined || dataDir === undefined) throw new Error('beforeAll did not finish');
    const server = backend;
    const directory = dataDir;
    const extensionPage = ext.extensionPage;
    try {
      const enrolled = await sendToBackground(ext, { type: 'sync:enroll', data: { backendUrl: server.url, enrollmentToken, email: EMAIL } });
      expect(enrolled).toEqual({ ok: true, enrolledAs: { email: EMAIL, organisation: ORGANISATION } });
      const stored = await extensionPage.evaluate((key) => (globalThis as unknown as ChromeGlobal).chrome.storage.local.get([key]), ENROLLMENT_KEY);
      const { deviceToken } = EnrollmentSchema.parse(stored[ENROLLMENT_KEY]);

      // The record page, with two field values on screen that must never be sent.
      const { page, tabId } = await openTab(ext, RECORD_URL);
      await waitForContentScript(ext, tabId);
      await launcher(page).waitFor();
      const record = page.locator(ACTIVE_PAGE);
      const nextStep = 'Send proposal';
      const amount = ((await record.locator('records-record-layout-item[field-label="Amount"] lightning-formatted-number').textContent()) ?? '').trim();
      expect(amount, 'the Amount is shown as currency').toMatch(/48,000/);
      expect(await record.textContent(), 'the Next Step is on screen').toContain(nextStep);

      // Page errors in the page's own world, and clicks on labelled controls.
      await page.evaluate(() => {
        setTimeout(() => {
          throw new Error('fixture boom');
        });
        void Promise.reject(new Error('fixture rejection'));
      });
      await record.getByRole('tab', { name: 'Activity' }).click();
      await record.getByRole('tab', { name: 'Details' }).click();
      // Clicks through shadow roots, as Chromium dispatches them: inside an open root, on a node
      // slotted into a button of one, and inside a closed root, which the page's document (and so
      // the breadcrumbs) sees as a click on its host.
      await page.evaluate(() => {
        const host = (html: string, mode: ShadowRootMode, light = '') => {
          const element = document.createElement('div');
          element.innerHTML = light;
          document.body.append(element);
          const root = element.attachShadow({ mode });
          root.innerHTML = html;
          return { element, root };
        };
        const open = host('<div><button>Follow</button></div>', 'open');
        const slotting = host('<button aria-label="Save record"><slot></slot></button>', 'open', '<span>Save</span>');
        const closed = host('<button>Delete</button>', 'closed');
        for (const target of [open.root.querySelector('button'), slotting.element.querySelector('span'), closed.root.querySelector('button')]) target?.click();
        for (const { element } of [open, slotting, closed]) element.remove();
      });

      // 1. The dialog: a problem, a description, what goes with it; axe; Send.
      const dialog = await openHelp(page);
      await dialog.getByRole('radio', { name: 'A problem' }).check();
      await dialog.getByRole('textbox', { name: 'Describe it' }).fill(FIRST_DESCRIPTION);
      await dialog.locator('summary', { hasText: 'What we send with it' }).click();
      const facts = dialog.locator('dl');
      await expect.poll(() => facts.isVisible()).toBe(true);
      const listed = (await facts.textContent()) ?? '';
      expect(listed).toContain('Opportunity');
      expect(listed).toContain(SF_IDS.acmeWidgets);
      expect(listed).toContain('fixture boom');
      expect(listed).toContain('fixture rejection');
      expect(listed).toContain('Activity');
      expect(await overlayAxeViolations(page), 'axe-core on the open help dialog').toEqual([]);
      await dialog.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => statusText(dialog), { timeout: 10_000 }).toBe('Sent. Your CRM team will get back to you.');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => helpDialog(page).count()).toBe(0);

      // 2. Read back through the API and the database.
      const listedByApi = await myRequests(server.url, deviceToken);
      expect(listedByApi).toHaveLength(1);
      const first = listedByApi[0] as MySupportRequest;
      expect(first).toMatchObject({ kind: 'problem', description: FIRST_DESCRIPTION, status: 'new' });
      const rows = storedRows(directory, organisationId);
      expect(rows.map((row) => row.id)).toEqual([first.id]);
      const row = rows[0] as StoredRow;
      const context: SupportContext = SupportContextSchema.parse(JSON.parse(row.context));
      expect(context.crm).toMatchObject({ crm: 'salesforce', pageType: 'record_view', object: 'Opportunity', recordId: SF_IDS.acmeWidgets });
      expect(context.crm.url).toBe(`${LIGHTNING_ORIGIN}/lightning/r/Opportunity/${SF_IDS.acmeWidgets}/view?c__note=[redacted]`);
      const crumbs = context.breadcrumbs;
      expect(crumbs.every((crumb) => Object.keys(crumb).sort().join() === 'at,kind,label'), 'breadcrumbs are labels only').toBe(true);
      expect(crumbs.filter((crumb) => crumb.kind === 'click').map((crumb) => crumb.label)).toEqual(['Activity', 'Details', 'Follow', 'Save record']);
      expect(crumbs.some((crumb) => crumb.kind === 'navigation' && crumb.label === 'record_view Opportunity')).toBe(true);
      expect(context.errors.map((error) => `${error.kind}: ${error.message}`)).toEqual(
        expect.arrayContaining(['error: Error: fixture boom', 'unhandledrejection: Error: fixture rejection']),
      );
      const everything = JSON.stringify(row);
      for (const value of [nextStep, amount, '48000', 'Acme - 200 Widgets', 'topsecret4711']) {
        expect(everything, `"${value}" from the page must not be stored`).not.toContain(value);
      }

      // 3. Backend down: the second request is kept and sent later, exactly once.
      await server.kill('SIGTERM');
      const offline = await openHelp(page);
      await offline.getByRole('textbox', { name: 'Describe it' }).fill(SECOND_DESCRIPTION);
      await offline.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => statusText(offline), { timeout: 15_000 }).toBe('Saved — it will be sent when you are back online.');
      await offline.getByRole('button', { name: 'Close' }).click();
      expect(storedRows(directory, organisationId)).toHaveLength(1);

      await server.restart();
      const arrived = (): boolean => storedRows(directory, organisationId).some((stored) => stored.description === SECOND_DESCRIPTION);
      await sendToBackground(ext, { type: 'sync:now', data: {} });
      await waitUntil('the help request written offline to arrive', 10_000, arrived);

      const after = await myRequests(server.url, deviceToken);
      expect(after.filter((request) => request.description === SECOND_DESCRIPTION), 'the offline request arrived once').toHaveLength(1);
      expect(after).toHaveLength(2);
      const finalRows = storedRows(directory, organisationId);
      expect(finalRows).toHaveLength(2);
      expect(new Set(finalRows.map((stored) => stored.id)).size).toBe(2);
      expect(finalRows[1]?.kind).toBe('question');
      await page.close();
    } catch (error) {
      console.error(`[support] backend log tail:\n${server.logTail()}`);
      throw error;
    }
  });
});
