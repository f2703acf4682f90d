/**
 * `anchor:locate` in real pages: the content script finds anchors in the light DOM, in open and
 * closed shadow roots, only in Lightning's active cached page, inside the edit modal, on Dynamics
 * forms, after a late render — and reports what it tried when nothing matches.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AnchorStrategy, LocateReport } from '../../lib/crm/locate';
import { ACTIVE_PAGE, DYNAMICS_IDS, dynamics, lightning, SF_IDS } from './fixture-data';
import { isTabMessageError, launchBrowser, openTab, sendToTab, waitForContentScript, type ExtensionBrowser } from './harness';

type Found = Extract<LocateReport, { ok: true }>;
interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

let ext: ExtensionBrowser;
let salesforce: { page: Page; tabId: number };
let dynamicsForm: { page: Page; tabId: number };

beforeAll(async () => {
  ext = await launchBrowser({ fixturePort: inject('fixturePort') });
  // Acme first, then Globex by clicking through the app: Acme's page stays cached, inactive.
  salesforce = await openTab(ext, lightning.record('Account', SF_IDS.acme));
  const { page } = salesforce;
  await page.click('one-app-nav-bar-item-root[data-id="Account"] a');
  await page.click(`${ACTIVE_PAGE} a[data-recordid="${SF_IDS.globex}"]`);
  await page.locator(`${ACTIVE_PAGE} h1`, { hasText: 'Globex Industries' }).waitFor();
  await waitForContentScript(ext, salesforce.tabId);

  dynamicsForm = await openTab(ext, dynamics({ pagetype: 'entityrecord', etn: 'account', id: DYNAMICS_IDS.contoso }));
  await waitForContentScript(ext, dynamicsForm.tabId);
});

/** Each describe works in the foreground tab: background tabs get no animation frames. */
const inForeground = (tab: () => { page: Page }) => () => tab().page.bringToFront();

afterAll(async () => {
  await ext?.close();
});

async function locate(tabId: number, strategies: AnchorStrategy[], timeoutMs = 3000): Promise<LocateReport> {
  const answer = await sendToTab(ext, tabId, { type: 'anchor:locate', data: { target: { strategies }, timeoutMs } });
  if (isTabMessageError(answer)) throw new Error(`anchor:locate got no answer: ${answer.error}`);
  return answer;
}

function expectFound(report: LocateReport): Found {
  if (!report.ok) throw new Error(`Expected the anchor to be found, got ${JSON.stringify(report)}`);
  return report;
}

/** The found element's centre lies in `rect` (the same element, or the container it must be in) and it has a size. */
function expectWithin(found: Found, rect: Rect | null): void {
  const { x, y, width, height } = found.element.rect;
  expect(width * height, 'the found element has a non-zero size').toBeGreaterThan(0);
  expect(rect, 'the expected element exists on the page').not.toBeNull();
  if (rect === null) return;
  const centre = { x: x + width / 2, y: y + height / 2 };
  expect(centre.x).toBeGreaterThanOrEqual(rect.x);
  expect(centre.x).toBeLessThanOrEqual(rect.x + rect.width);
  expect(centre.y).toBeGreaterThanOrEqual(rect.y);
  expect(centre.y).toBeLessThanOrEqual(rect.y + rect.height);
}

/**
 * The first match of `selector` under `scope`, searched as the page's own scripts can: the light
 * DOM and open shadow roots (closed ones stay invisible).
 */
async function rectOf(page: Page, scope: string, selector: string): Promise<Rect | null> {
  return page.evaluate(
    ({ scope: scopeSelector, selector: wanted }) => {
      const start = document.querySelector(scopeSelector);
      const trees: ParentNode[] = start ? [start] : [];
      for (let i = 0; i < trees.length; i += 1) {
        const tree = trees[i];
        if (!tree) continue;
        const match = tree.querySelector(wanted);
        if (match) {
          const { x, y, width, height } = match.getBoundingClientRect();
          return { x, y, width, height };
        }
        for (const element of tree.querySelectorAll('*')) if (element.shadowRoot) trees.push(element.shadowRoot);
      }
      return null;
    },
    { scope, selector },
  );
}

const field = (object: string, name: string): AnchorStrategy => ({ kind: 'salesforceField', object, field: name });
const selectionName = (object: string, name: string): string => `[data-target-selection-name="sfdc:RecordField.${object}.${name}"]`;

describe('on a Lightning record page', () => {
  beforeAll(inForeground(() => salesforce));

  it('finds a field in the light DOM', async () => {
    const found = expectFound(await locate(salesforce.tabId, [field('Account', 'Phone')]));
    expect(found.strategyIndex).toBe(0);
    expect(found.element.inShadowRoot).toBe('none');
    expect(found.element.attributes['data-target-selection-name']).toBe('sfdc:RecordField.Account.Phone');
    expectWithin(found, await rectOf(salesforce.page, ACTIVE_PAGE, selectionName('Account', 'Phone')));
  });

  it("finds the active page's copy of a field that a cached, inactive page also holds", async () => {
    const { page } = salesforce;
    expect(await page.locator(selectionName('Account', 'Phone')).count(), 'Acme and Globex pages both in the DOM').toBe(2);
    expect(await page.locator(`div.windowViewMode-normal:not(.active) ${selectionName('Account', 'Phone')}`).count()).toBe(1);
    const found = expectFound(await locate(salesforce.tabId, [field('Account', 'AccountNumber')]));
    expectWithin(found, await rectOf(page, ACTIVE_PAGE, selectionName('Account', 'AccountNumber')));
  });

  it('finds a field inside open shadow roots', async () => {
    const found = expectFound(await locate(salesforce.tabId, [field('Account', 'Fax')]));
    expect(found.element.inShadowRoot).toBe('open');
    expectWithin(found, await rectOf(salesforce.page, ACTIVE_PAGE, selectionName('Account', 'Fax')));
    expectFound(await locate(salesforce.tabId, [field('Account', 'NumberOfEmployees')]));
  });

  it('finds a field inside closed shadow roots', async () => {
    const { page } = salesforce;
    // The page's own scripts cannot reach it: the fixture keeps its closed roots private.
    expect(await rectOf(page, ACTIVE_PAGE, selectionName('Account', 'Industry'))).toBeNull();
    const closedSection = await page.evaluate((scope) => {
      const host = [...document.querySelectorAll(`${scope} records-record-layout-section`)].find(
        (section) => section.shadowRoot === null && section.childElementCount === 0,
      );
      if (!host) return null;
      const { x, y, width, height } = host.getBoundingClientRect();
      return { x, y, width, height };
    }, ACTIVE_PAGE);

    const found = expectFound(await locate(salesforce.tabId, [field('Account', 'Industry')]));
    expect(found.element.inShadowRoot).toBe('closed');
    expect(found.element.attributes['data-target-selection-name']).toBe('sfdc:RecordField.Account.Industry');
    expectWithin(found, closedSection);
    expect(expectFound(await locate(salesforce.tabId, [field('Account', 'Website')])).element.inShadowRoot).toBe('closed');
  });

  it('finds an action button and falls back to later strategies', async () => {
    const button = expectFound(await locate(salesforce.tabId, [{ kind: 'salesforceButton', object: 'Account', action: 'Edit' }]));
    expectWithin(button, await rectOf(salesforce.page, ACTIVE_PAGE, 'li[data-target-selection-name="sfdc:StandardButton.Account.Edit"]'));

    const byLabel = expectFound(
      await locate(salesforce.tabId, [{ kind: 'css', selector: '#not-on-this-page' }, { kind: 'label', text: 'Account Number' }]),
    );
    expect(byLabel.strategyIndex).toBe(1);
    expectWithin(byLabel, await rectOf(salesforce.page, ACTIVE_PAGE, 'records-record-layout-item[field-label="Account Number"]'));
  });

  it('finds fields in the edit modal', async () => {
    const { page } = salesforce;
    await page.click(`${ACTIVE_PAGE} li[data-target-selection-name="sfdc:StandardButton.Account.Edit"] button`);
    const dialog = 'div.uiModal section[role="dialog"][aria-modal="true"]';
    await page.locator(dialog).waitFor();
    try {
      // The record page behind the modal holds a Phone field too; with the modal open, the modal's is the one to point at.
      const phone = expectFound(await locate(salesforce.tabId, [field('Account', 'Phone')]));
      expect(phone.element, 'the Phone input in the edit modal').toMatchObject({ tagName: 'input', attributes: { name: 'Phone' } });
      expectWithin(phone, await rectOf(page, dialog, 'input[name="Phone"]'));

      const save = expectFound(await locate(salesforce.tabId, [{ kind: 'role', role: 'button', name: 'Save' }]));
      expect(save.element.attributes.name).toBe('SaveEdit');
      expectWithin(save, await rectOf(page, dialog, 'button[name="SaveEdit"]'));
    } finally {
      await page.keyboard.press('Escape');
      await page.locator(dialog).waitFor({ state: 'detached' });
    }
  });

  it("reports what it tried when the anchor isn't there, after its timeout", async () => {
    const strategies: AnchorStrategy[] = [field('Account', 'NoSuchField__c'), { kind: 'css', selector: '#not-on-this-page' }];
    const started = Date.now();
    const report = await locate(salesforce.tabId, strategies, 800);
    const elapsed = Date.now() - started;
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect(report.reason).toBe('not_found');
    expect(report.tried.map((tried) => tried.strategy)).toEqual(strategies);
    expect(report.message).not.toBe('');
    expect(elapsed).toBeGreaterThanOrEqual(800);
    expect(elapsed).toBeLessThan(800 + 2500);
  });

  it('waits for a field that renders late', async () => {
    const { page } = salesforce;
    // Opportunity pages render their detail layout 1.5 s after the page (spinner first).
    await page.click(`${ACTIVE_PAGE} a[data-recordid="${SF_IDS.globexRenewal}"]`);
    expect(await page.locator(selectionName('Opportunity', 'Amount')).count(), 'not rendered yet').toBe(0);
    const found = expectFound(await locate(salesforce.tabId, [field('Opportunity', 'Amount')], 5000));
    expectWithin(found, await rectOf(page, ACTIVE_PAGE, selectionName('Opportunity', 'Amount')));
  });
});

describe('on a Dynamics 365 form', () => {
  beforeAll(inForeground(() => dynamicsForm));

  it('finds a column by its logical name', async () => {
    const found = expectFound(await locate(dynamicsForm.tabId, [{ kind: 'dynamicsField', name: 'telephone1' }]));
    expect(found.element.attributes['data-id']).toBe('telephone1-FieldSectionItemContainer');
    expectWithin(found, await rectOf(dynamicsForm.page, 'body', '[data-id="telephone1-FieldSectionItemContainer"]'));
  });

  it('finds a command bar button by role and name', async () => {
    const found = expectFound(await locate(dynamicsForm.tabId, [{ kind: 'role', role: 'menuitem', name: 'Save' }]));
    expect(found.element.attributes['data-id']).toBe('account|NoRelationship|Form|Mscrm.SavePrimary');
    expectWithin(found, await rectOf(dynamicsForm.page, 'body', 'ul[data-lp-id="commandbar-Form:account"] button[aria-label="Save"]'));
  });
});
