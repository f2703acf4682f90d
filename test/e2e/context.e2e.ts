/**
 * The `CrmContext` the background holds for a tab: right on load for each kind of page, kept up
 * to date across the CRMs' single-page navigation (pushState, popstate, replaceState, legacy hash
 * routes), reported only when it really changes, and shown by the popup.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CrmContext } from '../../lib/crm/context';
import {
  ACTIVE_PAGE,
  DYNAMICS_APP_ID,
  DYNAMICS_IDS,
  dynamics,
  LIGHTNING_SANDBOX_ORIGIN,
  lightning,
  SF_IDS,
} from './fixture-data';
import {
  backgroundContextOf,
  contextReportsOf,
  launchBrowser,
  openPopupFor,
  openTab,
  readPopupContext,
  recordMessages,
  type ExtensionBrowser,
} from './harness';

let ext: ExtensionBrowser;
let page: Page;
let tabId: number;

beforeAll(async () => {
  ext = await launchBrowser({ fixturePort: inject('fixturePort') });
  await recordMessages(ext);
  ({ page, tabId } = await openTab(ext, lightning.home));
});

afterAll(async () => {
  await ext?.close();
});

const salesforce: Partial<CrmContext> = { crm: 'salesforce', surface: 'lightning', environment: 'production', orgName: 'acme', sandboxName: null };
const dynamics365: Partial<CrmContext> = { crm: 'dynamics', surface: 'uci', orgName: 'contoso', app: DYNAMICS_APP_ID };

/** Waits until the background holds a context for the tab that matches `expected`. */
async function expectContext(expected: Partial<CrmContext>): Promise<void> {
  await expect.poll(() => backgroundContextOf(ext, tabId), { timeout: 5000 }).toMatchObject(expected);
}

describe('on load', () => {
  it.each<[string, string, Partial<CrmContext>]>([
    ['Lightning record view', lightning.record('Account', SF_IDS.acme), { ...salesforce, pageType: 'record_view', object: 'Account', recordId: SF_IDS.acme }],
    ['Lightning record edit', lightning.record('Account', SF_IDS.acme, 'edit'), { ...salesforce, pageType: 'record_edit', object: 'Account', recordId: SF_IDS.acme }],
    ['Lightning Opportunity view', lightning.record('Opportunity', SF_IDS.acmeWidgets), { ...salesforce, pageType: 'record_view', object: 'Opportunity', recordId: SF_IDS.acmeWidgets }],
    ['Lightning list view', lightning.list('Account', '__Recent'), { ...salesforce, pageType: 'list_view', object: 'Account', recordId: null, listView: '__Recent' }],
    ['Lightning object home', lightning.objectHome('Account'), { ...salesforce, pageType: 'object_home', object: 'Account', recordId: null }],
    ['Lightning new record', lightning.newRecord('Opportunity'), { ...salesforce, pageType: 'record_new', object: 'Opportunity', recordId: null }],
    ['Lightning home', lightning.home, { ...salesforce, pageType: 'home', object: null, recordId: null }],
    ['Lightning in a sandbox', `${LIGHTNING_SANDBOX_ORIGIN}/lightning/page/home`, { ...salesforce, environment: 'sandbox', orgName: 'acme', sandboxName: 'uat', pageType: 'home' }],
    ['legacy one.app record', lightning.legacy(`/sObject/${SF_IDS.globex}/view`), { ...salesforce, pageType: 'record_view', recordId: SF_IDS.globex }],
    ['Dynamics entity record', dynamics({ pagetype: 'entityrecord', etn: 'account', id: DYNAMICS_IDS.contoso }), { ...dynamics365, pageType: 'record_view', object: 'account', recordId: DYNAMICS_IDS.contoso }],
    ['Dynamics entity list', dynamics({ pagetype: 'entitylist', etn: 'account', viewid: DYNAMICS_IDS.activeAccountsView }), { ...dynamics365, pageType: 'list_view', object: 'account', recordId: null, listView: DYNAMICS_IDS.activeAccountsView }],
    ['Dynamics dashboard', dynamics({ pagetype: 'dashboard', id: DYNAMICS_IDS.salesDashboard, type: 'system' }), { ...dynamics365, pageType: 'dashboard' }],
    ['Dynamics new record', dynamics({ pagetype: 'entityrecord', etn: 'contact' }), { ...dynamics365, pageType: 'record_new', object: 'contact', recordId: null }],
  ])('%s', async (_page, url, expected) => {
    await page.goto(url);
    // The URL pins the context to this load: the previous page's context may still be stored.
    await expectContext({ ...expected, url: page.url() });
  });
});

describe('after single-page navigation', () => {
  it('follows Lightning clicks (pushState), back and forward (popstate) and list view changes (replaceState)', async () => {
    await page.goto(lightning.home);
    await expectContext({ pageType: 'home', url: page.url() });

    await page.click('one-app-nav-bar-item-root[data-id="Account"] a');
    await expectContext({ pageType: 'object_home', object: 'Account' });

    await page.click(`${ACTIVE_PAGE} a[data-recordid="${SF_IDS.globex}"]`);
    await expectContext({ pageType: 'record_view', object: 'Account', recordId: SF_IDS.globex });

    await page.goBack();
    await expectContext({ pageType: 'object_home', object: 'Account', recordId: null });
    await page.goForward();
    await expectContext({ pageType: 'record_view', recordId: SF_IDS.globex });

    await page.click(`${ACTIVE_PAGE} li[data-target-selection-name="sfdc:StandardButton.Account.Edit"] button`);
    await expectContext({ pageType: 'record_edit', recordId: SF_IDS.globex });
    await page.keyboard.press('Escape');
    await expectContext({ pageType: 'record_view', recordId: SF_IDS.globex });

    await page.click('one-app-nav-bar-item-root[data-id="Account"] a');
    await page.click(`${ACTIVE_PAGE} button[title^="Select a List View"]`);
    await page.click(`${ACTIVE_PAGE} a[role="option"][data-filter-name="AllAccounts"]`);
    await expectContext({ pageType: 'list_view', object: 'Account', listView: 'AllAccounts' });

    const entries = await page.evaluate(() => history.length);
    await page.click(`${ACTIVE_PAGE} button[title^="Select a List View"]`);
    await page.click(`${ACTIVE_PAGE} a[role="option"][data-filter-name="MyAccounts"]`);
    await expectContext({ pageType: 'list_view', object: 'Account', listView: 'MyAccounts' });
    expect(await page.evaluate(() => history.length), 'the list view change replaced the history entry').toBe(entries);
  });

  it('follows legacy one.app hash routes (hashchange)', async () => {
    await page.goto(lightning.legacy('/sObject/Account/home'));
    await expectContext({ pageType: 'object_home', object: 'Account', url: page.url() });

    await page.click(`${ACTIVE_PAGE} a[data-recordid="${SF_IDS.acme}"]`);
    expect(new URL(page.url()).hash).toBe(`#/sObject/${SF_IDS.acme}/view`);
    await expectContext({ pageType: 'record_view', object: 'Account', recordId: SF_IDS.acme });

    await page.click('one-app-nav-bar-item-root[data-id="home"] a');
    await expectContext({ pageType: 'home', object: null, recordId: null });
    await page.goBack();
    await expectContext({ pageType: 'record_view', recordId: SF_IDS.acme });
  });

  it('follows Dynamics site map, grid and command bar navigation', async () => {
    await page.goto(dynamics({ pagetype: 'dashboard', id: DYNAMICS_IDS.salesDashboard, type: 'system' }));
    await expectContext({ crm: 'dynamics', pageType: 'dashboard', url: page.url() });

    await page.click('[data-id="navbar-container"] li[data-id*="sitemap-entity-account"]');
    await expectContext({ pageType: 'list_view', object: 'account' });

    await page.click(`[data-id="data-set-body-container"] [role="row"][row-id="${DYNAMICS_IDS.contoso}"] a`);
    await expectContext({ pageType: 'record_view', object: 'account', recordId: DYNAMICS_IDS.contoso });

    await page.goBack();
    await expectContext({ pageType: 'list_view', object: 'account', recordId: null });

    await page.click('button[id^="ViewSelector_"]');
    await page.click(`li[role="option"][data-viewid="${DYNAMICS_IDS.activeAccountsView}"]`);
    await expectContext({ pageType: 'list_view', listView: DYNAMICS_IDS.activeAccountsView });

    await page.click('ul[data-lp-id="commandbar-HomePageGrid:account"] button[aria-label="New"]');
    await expectContext({ pageType: 'record_new', object: 'account', recordId: null });
  });
});

describe('reports', () => {
  it('only distinct changes', async () => {
    const { page: listPage, tabId: listTab } = await openTab(ext, lightning.list('Account', '__Recent'));
    await expect.poll(() => contextReportsOf(ext, listTab)).toHaveLength(1);

    // Same place, new history state: Aura's state-only replaceState (Refresh) and a click on the
    // current nav item (pushState of the same URL). Waiting well past the content script's
    // debounce gives any report about them time to arrive before the next, real, change.
    await listPage.click(`${ACTIVE_PAGE} button[name="refreshButton"]`);
    await listPage.waitForTimeout(600);
    await listPage.click('one-app-nav-bar-item-root[data-id="Account"] a');
    await expect.poll(() => contextReportsOf(ext, listTab)).toHaveLength(2);
    await listPage.click('one-app-nav-bar-item-root[data-id="Account"] a');
    await listPage.waitForTimeout(600);
    await listPage.click('one-app-nav-bar-item-root[data-id="home"] a');

    await expect.poll(async () => (await contextReportsOf(ext, listTab)).length).toBeGreaterThanOrEqual(3);
    const reports = await contextReportsOf(ext, listTab);
    expect(reports.map((context) => context?.pageType)).toEqual(['list_view', 'object_home', 'home']);
    await listPage.close();
  });
});

describe('the popup', () => {
  it("shows the tab's context", async () => {
    await page.goto(lightning.record('Account', SF_IDS.globex));
    await expectContext({ recordId: SF_IDS.globex, url: page.url() });
    const popup = await openPopupFor(ext, tabId);
    expect(await readPopupContext(popup)).toEqual({
      crm: 'salesforce',
      environment: 'production',
      pageType: 'record_view',
      object: 'Account',
      recordId: SF_IDS.globex,
      surface: 'lightning',
      orgName: 'acme',
    });

    await page.goto(dynamics({ pagetype: 'entitylist', etn: 'account' }));
    await expectContext({ crm: 'dynamics', url: page.url() });
    await popup.reload();
    expect(await readPopupContext(popup)).toEqual({
      crm: 'dynamics',
      environment: 'unknown',
      pageType: 'list_view',
      object: 'account',
      recordId: null,
      surface: 'uci',
      orgName: 'contoso',
    });
    await popup.close();
  });
});
