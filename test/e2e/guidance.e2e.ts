/**
 * Guidance in real Chromium with the starter packs: a tip on a field inside a closed shadow
 * root and one inside the edit modal, dismiss and snooze that hold across reloads and tabs,
 * minutes saved after an adoption, a tour across SPA navigation advanced by the user's own
 * clicks and input, the overlay under a strict Content-Security-Policy, and axe-core.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LocateReport } from '../../lib/crm/locate';
import { overlayAxeViolations } from './axe';
import { ACTIVE_PAGE, lightning, SF_IDS, STRICT_CSP_ORIGIN } from './fixture-data';
import {
  guidancePanel,
  isTabMessageError,
  launcher,
  launchBrowser,
  messagesOf,
  openTab,
  recordMessages,
  sendToTab,
  waitForContentScript,
  type ExtensionBrowser,
} from './harness';

const salesforcePack = JSON.parse(readFileSync(new URL('../../content/packs/salesforce-lightning.json', import.meta.url), 'utf8')) as {
  items: Array<{ id: string; kind: string; title: { en: string }; wiifm?: { minutesSaved: number } }>;
};
const title = (id: string): string => {
  const item = salesforcePack.items.find((candidate) => candidate.id === id);
  if (!item) throw new Error(`The Salesforce starter pack has no item ${id}`);
  return item.title.en;
};

let ext: ExtensionBrowser;

beforeAll(async () => {
  ext = await launchBrowser({ fixturePort: inject('fixturePort') });
});
afterAll(async () => {
  await ext?.close();
});

/** Playwright's role locators pierce the overlay's open shadow root, as assistive technology does. */
const beacon = (page: Page, itemId: string): Locator => page.getByRole('button', { name: `Tip: ${title(itemId)}` });

async function open(url: string): Promise<{ page: Page; tabId: number }> {
  const tab = await openTab(ext, url);
  await waitForContentScript(ext, tab.tabId);
  await launcher(tab.page).waitFor();
  return tab;
}

async function located(tabId: number, strategies: unknown[]): Promise<Extract<LocateReport, { ok: true }>> {
  const answer = await sendToTab(ext, tabId, { type: 'anchor:locate', data: { target: { strategies } as never, timeoutMs: 3000 } });
  if (isTabMessageError(answer) || !answer.ok) throw new Error(`anchor not found: ${JSON.stringify(answer)}`);
  return answer;
}

function centre(box: { x: number; y: number; width: number; height: number }) {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The beacon sits on its anchor's top-right corner: its centre within a few pixels of it. */
async function expectOnCorner(marker: Locator, anchor: { x: number; y: number; width: number; height: number }) {
  const box = await marker.boundingBox();
  expect(box, 'the beacon is rendered').not.toBeNull();
  const { x, y } = centre(box!);
  expect(Math.abs(x - (anchor.x + anchor.width))).toBeLessThanOrEqual(4);
  expect(Math.abs(y - anchor.y)).toBeLessThanOrEqual(4);
}

async function minutesSentence(page: Page): Promise<string> {
  await launcher(page).click();
  const text = (await guidancePanel(page).locator('.ob-minutes').textContent()) ?? '';
  await page.keyboard.press('Escape');
  await expect.poll(() => guidancePanel(page).isVisible()).toBe(false);
  return text;
}

describe('tips', () => {
  it('shows a tip on a field inside a closed shadow root, at the field', async () => {
    const { page, tabId } = await open(lightning.record('Account', SF_IDS.acme));
    const industry = await located(tabId, [{ kind: 'salesforceField', object: 'Account', field: 'Industry' }]);
    expect(industry.element.inShadowRoot).toBe('closed');
    await beacon(page, 'account-industry').waitFor();
    await expectOnCorner(beacon(page, 'account-industry'), industry.element.rect);

    await beacon(page, 'account-industry').hover();
    const card = page.getByRole('dialog', { name: title('account-industry') });
    await expect.poll(() => card.isVisible()).toBe(true);
    expect(await card.textContent()).toContain('Saves about 1 min each time');
    await page.close();
  });

  it('shows a tip whose anchor is on a tab not opened yet as soon as the user opens it, however late', async () => {
    const { page, tabId } = await open(lightning.record('Account', SF_IDS.acme));
    await beacon(page, 'account-industry').waitFor();
    // The Chatter publisher is in the page, on the hidden Chatter tab: its beacon is placed, not shown.
    const pinned = page.locator(`.ob-beacon[aria-label="${`Tip: ${title('chatter-mention')}`}"]`);
    await expect.poll(() => pinned.count()).toBe(1);
    expect(await pinned.isVisible()).toBe(false);
    // Longer than a tip's anchor is waited for (8 s), so no search can be what shows it.
    await page.waitForTimeout(8500);
    await page.locator(`${ACTIVE_PAGE} a[role="tab"][data-tab-value="chatterTab"]`).click();
    await beacon(page, 'chatter-mention').waitFor({ timeout: 2000 });
    const post = await located(tabId, [{ kind: 'selectionName', value: 'sfdc:QuickAction.FeedItem.TextPost' }]);
    await expectOnCorner(beacon(page, 'chatter-mention'), post.element.rect);
    await page.close();
  });

  it('follows its anchor when the page shifts, also after the user has been to another page and back', async () => {
    const { page, tabId } = await open(lightning.record('Account', SF_IDS.acme));
    const marker = beacon(page, 'account-industry');
    await marker.waitFor();
    // Away to the Opportunity and back by the app's own links: Lightning keeps the Account page, hidden meanwhile.
    for (const id of [SF_IDS.acmeWidgets, SF_IDS.acme]) {
      await page.locator(`${ACTIVE_PAGE} a[data-recordid="${id}"]`).first().click();
      await expect.poll(() => page.locator(`${ACTIVE_PAGE} [record-id="${id}"]`).count()).toBeGreaterThan(0);
    }
    await marker.waitFor();
    const before = await located(tabId, [{ kind: 'salesforceField', object: 'Account', field: 'Industry' }]);
    // Content above the layout grows (a banner, a related list loading): the field moves down, at the same size.
    await page.evaluate((selector) => {
      const banner = document.createElement('div');
      banner.style.height = '120px';
      document.querySelector(`${selector} .record-main`)?.prepend(banner);
    }, ACTIVE_PAGE);
    const after = await located(tabId, [{ kind: 'salesforceField', object: 'Account', field: 'Industry' }]);
    expect(after.element.rect.y - before.element.rect.y).toBeCloseTo(120, 0);
    await expect.poll(async () => centre((await marker.boundingBox())!).y, { timeout: 2000 }).toBeCloseTo(after.element.rect.y, -1);
    await expectOnCorner(marker, after.element.rect);
    await page.close();
  });

  it('hides its dot while the anchor is clipped away, and shows it again at the anchor', async () => {
    const { page, tabId } = await open(lightning.record('Account', SF_IDS.acme));
    const marker = beacon(page, 'account-industry');
    await marker.waitFor();
    const industry = [{ kind: 'salesforceField' as const, object: 'Account', field: 'Industry' }];
    const before = await located(tabId, industry);
    // The layout's container clips everything in it away; the field neither moves nor changes size.
    const clip = (on: boolean) =>
      page.evaluate(
        ({ selector, on }) => {
          const main = document.querySelector<HTMLElement>(`${selector} .record-main`);
          if (main) main.style.cssText = on ? 'height: 0; overflow: hidden' : '';
        },
        { selector: ACTIVE_PAGE, on },
      );
    await clip(true);
    expect((await located(tabId, industry)).element.rect).toEqual(before.element.rect);
    await expect.poll(() => marker.isVisible(), { timeout: 2000 }).toBe(false);
    await clip(false);
    await expect.poll(() => marker.isVisible(), { timeout: 2000 }).toBe(true);
    await expectOnCorner(marker, before.element.rect);
    await page.close();
  });

  it('shows a tip inside the edit modal, above the modal and usable', async () => {
    const { page, tabId } = await open(lightning.record('Opportunity', SF_IDS.acmeWidgets, 'edit'));
    const dialog = page.locator('section[role="dialog"][aria-modal="true"]');
    await dialog.waitFor();
    const closeDate = await located(tabId, [{ kind: 'salesforceField', object: 'Opportunity', field: 'CloseDate' }]);
    expect(closeDate.element.tagName).toBe('input');
    const marker = beacon(page, 'opportunity-close-date');
    await marker.waitFor();
    await expectOnCorner(marker, closeDate.element.rect);
    const modalBox = await dialog.boundingBox();
    const { x, y } = centre((await marker.boundingBox())!);
    expect(x).toBeGreaterThan(modalBox!.x);
    expect(x).toBeLessThan(modalBox!.x + modalBox!.width);
    expect(y).toBeGreaterThan(modalBox!.y);
    // Clickable, i.e. not under the modal or its backdrop: the top element at its centre is our overlay.
    expect(await page.evaluate(({ px, py }) => document.elementFromPoint(px, py)?.localName, { px: x, py: y })).toBe('ombord-overlay');
    await marker.click();
    await expect.poll(() => page.getByRole('dialog', { name: title('opportunity-close-date') }).isVisible()).toBe(true);
    await page.close();
  });

  it('"Don’t show again" and "Snooze" hold across a reload and in other tabs', async () => {
    await recordMessages(ext);
    const url = lightning.record('Account', SF_IDS.globex);
    // A tab that is open already follows along.
    const watching = await open(lightning.record('Account', SF_IDS.acme));
    await beacon(watching.page, 'account-industry').waitFor();
    const { page, tabId } = await open(url);
    await beacon(page, 'account-industry').hover();
    await page.getByRole('button', { name: "Don't show again" }).click();
    await expect.poll(() => beacon(page, 'account-industry').count()).toBe(0);
    await beacon(page, 'account-inline-edit').hover();
    await page.getByRole('button', { name: 'Snooze for a day' }).click();
    await expect.poll(() => beacon(page, 'account-inline-edit').count()).toBe(0);
    await expect.poll(() => beacon(watching.page, 'account-industry').count()).toBe(0);
    await expect.poll(() => beacon(watching.page, 'account-inline-edit').count()).toBe(0);
    expect((await messagesOf(ext, watching.tabId, 'progress:all')).length).toBeGreaterThan(0);
    // The tab that recorded the dismissal has it: it does not ask for the whole history again.
    expect(await messagesOf(ext, tabId, 'progress:record')).not.toHaveLength(0);
    expect(await messagesOf(ext, tabId, 'progress:all')).toHaveLength(0);
    await watching.page.close();

    await page.reload();
    await launcher(page).waitFor();
    await beacon(page, 'global-search').waitFor();
    expect(await beacon(page, 'account-industry').count()).toBe(0);
    expect(await beacon(page, 'account-inline-edit').count()).toBe(0);

    const other = await open(lightning.record('Account', SF_IDS.initech));
    await beacon(other.page, 'global-search').waitFor();
    expect(await beacon(other.page, 'account-industry').count()).toBe(0);
    expect(await beacon(other.page, 'account-inline-edit').count()).toBe(0);
    await other.page.close();
    await page.close();
  });

  it('counts the minutes saved when the user does what a tip promotes', async () => {
    const { page } = await open(lightning.record('Opportunity', SF_IDS.acmeWidgets));
    const before = await minutesSentence(page);
    await beacon(page, 'opportunity-mark-stage-complete').waitFor();
    await page.locator(ACTIVE_PAGE).getByRole('button', { name: 'Mark Stage as Complete' }).click();
    await expect.poll(() => minutesSentence(page)).not.toBe(before);
    expect(await minutesSentence(page)).toMatch(/You saved (0\.5 minutes|\d+(\.\d)? minutes|1 minute) this week/);
    await page.close();
  });
});

describe('a tour', () => {
  it('crosses SPA navigation and advances on the user’s clicks and input, then ticks off the checklist', async () => {
    const { page } = await open(lightning.home);
    const popover = page.getByRole('dialog', { name: /./ }).filter({ has: page.getByRole('progressbar') });
    const progress = () => popover.getByRole('progressbar').textContent();

    await launcher(page).click();
    await page.getByRole('button', { name: /Start .*Update an opportunity/i }).click();
    await expect.poll(progress).toMatch(/^1 of 6/);

    // Step 1 navigates: the user opens Opportunities from the navigation bar (pushState).
    await page.click('one-app-nav-bar-item-root[data-id="Opportunity"] a');
    await expect.poll(progress).toMatch(/^2 of 6/);
    // Step 2 navigates again: the user opens a record from the list.
    await page.click(`${ACTIVE_PAGE} a[data-recordid="${SF_IDS.acmeWidgets}"]`);
    await expect.poll(progress).toMatch(/^3 of 6/);
    // Step 3: the user clicks Edit (the URL becomes /edit and the modal opens).
    await page.locator(`${ACTIVE_PAGE} li[data-target-selection-name="sfdc:StandardButton.Opportunity.Edit"] button`).click();
    await expect.poll(progress).toMatch(/^4 of 6/);
    // Steps 4 and 5 advance on the user's input, once typing settles.
    const modal = page.locator('section[role="dialog"][aria-modal="true"]');
    await modal.locator('select[name="StageName"]').selectOption('Proposal/Price Quote');
    await expect.poll(progress, { timeout: 5000 }).toMatch(/^5 of 6/);
    await modal.locator('input[name="CloseDate"]').fill('2026-12-31');
    await expect.poll(progress, { timeout: 5000 }).toMatch(/^6 of 6/);
    // Step 6: Save. The tour completes and the checklist task is done.
    await modal.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => popover.count()).toBe(0);

    await launcher(page).click();
    const task = guidancePanel(page).getByRole('listitem').filter({ hasText: /opportunity/i }).first();
    await expect.poll(() => task.locator('input[type="checkbox"]').isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await page.close();
  });
});

describe('the overlay', () => {
  it('has its guidance asked for once per page load, before the page is parsed', async () => {
    await recordMessages(ext);
    // The launcher shows once the overlay has its guidance.
    const { page, tabId } = await open(lightning.record('Account', SF_IDS.acme));
    const asked = await messagesOf(ext, tabId, 'guidance:load');
    const parsedAt = await page.evaluate(() => {
      const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
      return performance.timeOrigin + (navigation?.domContentLoadedEventStart ?? Number.NaN);
    });
    // One question, from the document_start script, which the CRM content script's answer came from.
    expect(asked).toHaveLength(1);
    expect(asked[0]?.at).toBeLessThan(parsedAt);
    await page.close();
  });

  it('posts nothing to the CRM page: its message listeners hear no Ombord message', async () => {
    const page = await ext.context.newPage();
    await page.addInitScript(() => {
      const heard: unknown[] = [];
      Object.assign(window, { heardMessages: heard });
      window.addEventListener('message', (event) => heard.push(event.data));
    });
    await page.goto(lightning.record('Account', SF_IDS.acme));
    await launcher(page).waitFor();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await page.evaluate(() => (window as unknown as { heardMessages: unknown[] }).heardMessages)).toEqual([]);
    await page.close();
  });

  it('works on a page with a strict Content-Security-Policy', async () => {
    const url = `${STRICT_CSP_ORIGIN}/lightning/r/Account/${SF_IDS.acme}/view`;
    const { page } = await open(url);
    const response = await page.reload();
    expect(response?.headers()['content-security-policy']).toContain("style-src 'self'");
    await launcher(page).waitFor();
    const marker = beacon(page, 'global-search');
    await marker.waitFor();
    // Styled: our stylesheet applied inside the shadow root despite the page's policy.
    const styles = await launcher(page).evaluate((button) => {
      const corner = button.closest('.ob-launcher');
      return {
        position: corner ? getComputedStyle(corner).position : null,
        radius: getComputedStyle(button).borderRadius,
      };
    });
    expect(styles.position).toBe('fixed');
    expect(styles.radius).not.toBe('0px');
    await launcher(page).click();
    await expect.poll(() => guidancePanel(page).isVisible()).toBe(true);
    await page.close();
  });

  it('is operable from the keyboard: the launcher opens with Enter, Esc closes and focus returns', async () => {
    const { page } = await open(lightning.record('Account', SF_IDS.acme));
    await launcher(page).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => guidancePanel(page).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => guidancePanel(page).isVisible()).toBe(false);
    expect(await launcher(page).evaluate((button) => button.getRootNode() instanceof ShadowRoot && (button.getRootNode() as ShadowRoot).activeElement === button)).toBe(true);
    await page.close();
  });

  it('passes axe-core with a tip card and the launcher panel open', async () => {
    const { page } = await open(lightning.record('Account', SF_IDS.acme));
    await beacon(page, 'global-search').hover();
    await launcher(page).click();
    await expect.poll(() => guidancePanel(page).isVisible()).toBe(true);
    const violations = await overlayAxeViolations(page);
    expect(violations).toEqual([]);
    await page.close();
  });
});
