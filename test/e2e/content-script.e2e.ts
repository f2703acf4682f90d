/**
 * Where the content script runs: on Lightning and Dynamics hosts (as the manifest's real `matches`
 * decide), and nowhere else — not on other sites, Experience Cloud sites, look-alike hosts or
 * Salesforce's own non-org hosts, however much the page looks like a CRM.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DYNAMICS_IDS, dynamics, LIGHTNING_SANDBOX_ORIGIN, lightning, SF_IDS } from './fixture-data';
import {
  backgroundContextOf,
  isTabMessageError,
  launchBrowser,
  openTab,
  sendToTab,
  waitForContentScript,
  type ExtensionBrowser,
} from './harness';

let ext: ExtensionBrowser;

beforeAll(async () => {
  ext = await launchBrowser({ fixturePort: inject('fixturePort') });
});

afterAll(async () => {
  await ext?.close();
});

/** How long a tab must stay without a content script: many times what injection takes on the CRM pages. */
const ABSENCE_CHECK_MS = 1000;

describe('the content script', () => {
  it.each([
    ['a Lightning record page', lightning.record('Account', SF_IDS.acme)],
    ['a Lightning sandbox', `${LIGHTNING_SANDBOX_ORIGIN}/lightning/page/home`],
    ['legacy one.app', lightning.legacy('/home')],
    ['Dynamics 365 (regional host)', dynamics({ pagetype: 'entitylist', etn: 'account' })],
    ['Dynamics 365 (app path)', `https://contoso.crm.dynamics.com/apps/sales/main.aspx?pagetype=entityrecord&etn=account&id=${DYNAMICS_IDS.contoso}`],
  ])('runs on %s', async (_place, url) => {
    const { page, tabId } = await openTab(ext, url);
    await waitForContentScript(ext, tabId);
    await expect.poll(() => backgroundContextOf(ext, tabId)).not.toBeNull();
    await page.close();
  });

  it.each([
    ['a non-CRM site', 'https://www.example.org/', 'main h1'],
    ['an Experience Cloud site', 'https://acme.my.site.com/s/', '[data-target-selection-name]'],
    ['a look-alike host', 'https://acme.lightning.force.com.phish.example/', '#oneHeader'],
    ["Salesforce's login host", 'https://login.salesforce.com/', '#oneHeader'],
  ])('does not run on %s', async (_place, url, shownMarker) => {
    const { page, tabId } = await openTab(ext, url);
    // The page did render (a CRM look-alike, for most of these)…
    await page.locator(shownMarker).first().waitFor();
    // …and no content script answers in it, for a while.
    const deadline = Date.now() + ABSENCE_CHECK_MS;
    while (Date.now() < deadline) {
      const answer = await sendToTab(ext, tabId, {
        type: 'anchor:locate',
        data: { target: { strategies: [{ kind: 'css', selector: 'body' }] }, timeoutMs: 0 },
      });
      expect(isTabMessageError(answer) ? answer.error : answer).toMatch(/Receiving end does not exist/);
      await page.waitForTimeout(100);
    }
    expect(await backgroundContextOf(ext, tabId)).toBeNull();
    await page.close();
  });
});
