/**
 * Issue 5 §1, "include a screenshot", end to end in real Chromium against the real backend.
 *
 * - With the screenshot allowed (`launchBrowser({grantAllUrls: true})`: `captureVisibleTab` needs
 *   `activeTab` or `<all_urls>`, and a headless browser cannot grant `activeTab` — see the
 *   harness), on the Lightning Account record page (values in the light DOM and in open and
 *   closed shadow roots; once more under a strict CSP) and on the Dynamics account form: help
 *   opens the way the keyboard shortcut opens it (`help:open` from the background); the preview
 *   has every field value covered; the user drags one extra area on it; Send. The stored
 *   screenshot is read back from SQLite and checked pixel by pixel: every field value rectangle
 *   measured in the page (closed roots included, through CDP) is wholly the mask colour, so is
 *   the drawn area, a label is not, Ombord's own launcher is not in the picture — and the
 *   picture is the preview, pixel for pixel.
 * - Without it (the extension as built, help opened from the page's launcher): the dialog says
 *   how to include a screenshot, and the request is sent without one. The popup's "Get help with
 *   this page" opens the dialog in its tab.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { overlayAxeViolations } from './axe';
import { createOrganisationWithToken, freePort, startBackend, type RunningBackend } from './backend';
import { dynamics, DYNAMICS_IDS, lightning, LIGHTNING_ORIGIN, SF_IDS, STRICT_CSP_ORIGIN } from './fixture-data';
import {
  guidancePanel,
  helpDialog,
  launchBrowser,
  launcher,
  openPopupFor,
  openTab,
  sendToBackground,
  statusText,
  waitForContentScript,
  type ExtensionBrowser,
} from './harness';
import {
  dynamicsFieldValue,
  imageStats,
  lightningFieldValue,
  openHelpWithScreenshot,
  pngDataUrl,
  previewDataUrl,
  previewSurface,
  rectOf,
  viewportOf,
  visibleFieldValues,
  type ElementMatcher,
} from './screenshot-pixels';

const EMAIL = 'screenshot.tester@example.com';

async function enrol(ext: ExtensionBrowser, backendUrl: string, enrollmentToken: string): Promise<void> {
  const enrolled = await sendToBackground(ext, { type: 'sync:enroll', data: { backendUrl, enrollmentToken, email: EMAIL } });
  expect(enrolled).toMatchObject({ ok: true });
}

interface StoredScreenshot {
  screenshot: Buffer | null;
  screenshot_media_type: string | null;
}

/** The stored screenshot of the request with `description`, straight from SQLite (read-only). */
function storedScreenshot(dataDir: string, description: string): StoredScreenshot {
  const db = new SQLite(path.join(dataDir, 'ombord.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT screenshot, screenshot_media_type FROM support_requests WHERE description = ?').get(description) as StoredScreenshot | undefined;
    if (row === undefined) throw new Error(`No stored help request "${description}"`);
    return row;
  } finally {
    db.close();
  }
}

/** `--ob-accent` in the light scheme: the launcher button's fill. */
const LAUNCHER_BLUE = [0x0a, 0x5e, 0xc2];

let dataDir: string | undefined;
let backend: RunningBackend | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ombord-screenshot-'));
  backend = await startBackend({ dataDir, port: await freePort() });
});

afterAll(async () => {
  await backend?.kill('SIGKILL').catch(() => undefined);
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

interface Scenario {
  name: string;
  url: string;
  /** Resolves when the page's fields are on screen. */
  ready: (page: Page) => Promise<void>;
  isValue: ElementMatcher;
  /** The smallest number of field values the page must show, so an empty measurement cannot pass. */
  minValues: number;
  /** A label that must stay readable. */
  label: (page: Page) => Locator;
  /** What the user hides by hand: a section title no automatic mask covers. */
  drawOver: (page: Page) => Locator;
}

const lightningAccount = (name: string, url: string): Scenario => ({
  name,
  url,
  ready: async (page) => {
    await page.locator('records-record-layout-item[field-label="Phone"]').first().waitFor();
  },
  isValue: lightningFieldValue,
  minValues: 8,
  label: (page) => page.locator('records-record-layout-item[field-label="Phone"] span.test-id__field-label').first(),
  drawOver: (page) => page.locator('.test-id__section-header-title', { hasText: 'Account Information' }).first(),
});

const SCENARIOS: Scenario[] = [
  lightningAccount('Lightning Account record (light DOM, open and closed shadow roots)', lightning.record('Account', SF_IDS.acme)),
  // The preview is a canvas, not an <img src>: nothing a page's policy could block.
  lightningAccount(
    'Lightning Account record under a strict Content-Security-Policy',
    lightning.record('Account', SF_IDS.initech).replace(LIGHTNING_ORIGIN, STRICT_CSP_ORIGIN),
  ),
  {
    name: 'Dynamics account form',
    url: dynamics({ pagetype: 'entityrecord', etn: 'account', id: DYNAMICS_IDS.fabrikam }),
    ready: async (page) => {
      await page.locator('[data-id="telephone1.fieldControl-phone-text-input"]').waitFor();
    },
    isValue: dynamicsFieldValue,
    minValues: 6,
    label: (page) => page.locator('label[id$="-telephone1-field-label"]'),
    drawOver: (page) => page.locator('h2.section-title').first(),
  },
];

describe('a help screenshot, with the screenshot allowed', () => {
  let ext: ExtensionBrowser | undefined;

  beforeAll(async () => {
    if (dataDir === undefined || backend === undefined) throw new Error('The backend did not start');
    const { token } = await createOrganisationWithToken(dataDir, 'Screenshot Org');
    ext = await launchBrowser({ fixturePort: inject('fixturePort'), grantAllUrls: true });
    await enrol(ext, backend.url, token);
  });

  afterAll(async () => {
    await ext?.close().catch(() => undefined);
  });

  it.each(SCENARIOS)('$name: field values are covered in the preview and in what the backend stores', { timeout: 90_000 }, async (scenario) => {
    if (ext === undefined || dataDir === undefined || backend === undefined) throw new Error('beforeAll did not finish');
    const description = `Screenshot test: ${scenario.name}`;
    const { page, tabId } = await openTab(ext, scenario.url);
    try {
      await waitForContentScript(ext, tabId);
      await launcher(page).waitFor();
      await scenario.ready(page);

      // 1. Measure the page as the user sees it: every field value, a label, what to draw over, the launcher.
      const viewport = await viewportOf(page);
      const values = await visibleFieldValues(ext.context, page, viewport, scenario.isValue);
      expect(values.length, `field values on screen: ${JSON.stringify(values.map((value) => value.text))}`).toBeGreaterThanOrEqual(scenario.minValues);
      const label = await rectOf(scenario.label(page));
      const target = await rectOf(scenario.drawOver(page));
      const launcherBox = await rectOf(launcher(page));

      // 2. Open help as the keyboard shortcut does: the background sends `help:open` to the tab.
      const dialog = await openHelpWithScreenshot(ext, page, tabId);
      expect(await dialog.getByRole('checkbox', { name: 'Show field values' }).isChecked()).toBe(false);
      expect(await dialog.getByText('Field values are hidden.').isVisible()).toBe(true);
      const surface = previewSurface(dialog);

      // The preview already hides every value.
      const first = await imageStats(ext.extensionPage, await previewDataUrl(page), viewport, [...values, label]);
      expect(first.width / viewport.width).toBeCloseTo(first.height / viewport.height, 2);
      first.regions.slice(0, values.length).forEach((region, index) => {
        expect(region.matching, `preview: "${values[index]?.text}" is covered`).toBe(region.pixels);
      });

      // 3. Draw one more area over the section title, a few pixels around it.
      await surface.scrollIntoViewIfNeeded();
      const box = await rectOf(surface);
      const toScreen = (x: number, y: number) => ({ x: box.x + (x / viewport.width) * box.width, y: box.y + (y / viewport.height) * box.height });
      const from = toScreen(target.x - 6, target.y - 6);
      const to = toScreen(target.x + target.width + 6, target.y + target.height + 6);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 5 });
      await page.mouse.up();
      await dialog.getByRole('button', { name: 'Remove Hidden area 1' }).waitFor();
      await expect
        .poll(async () => (await imageStats(ext!.extensionPage, await previewDataUrl(page), viewport, [target])).regions[0]?.matching, { timeout: 10_000 })
        .toBeGreaterThan(0);
      expect(await overlayAxeViolations(page), 'axe-core on the help dialog with its screenshot').toEqual([]);

      // 4. Send, keeping the preview as it was when the user pressed Send.
      await dialog.getByRole('textbox', { name: 'Describe it' }).fill(description);
      await expect.poll(() => surface.getAttribute('aria-busy')).toBe('false');
      const preview = await previewDataUrl(page);
      await dialog.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => statusText(dialog), { timeout: 15_000 }).toBe('Sent. Your CRM team will get back to you.');

      // 5. What the backend stored, pixel by pixel.
      const stored = storedScreenshot(dataDir, description);
      expect(stored.screenshot_media_type).toBe('image/png');
      expect(stored.screenshot).not.toBeNull();
      const storedPng = pngDataUrl(stored.screenshot as Buffer);
      const image = await imageStats(ext.extensionPage, storedPng, viewport, [...values, target, label]);
      expect(image.width).toBe(first.width);
      values.forEach((value, index) => {
        const region = image.regions[index];
        expect(region?.pixels, `"${value.text}" is on the image`).toBeGreaterThan(0);
        expect(region?.matching, `"${value.text}" at ${JSON.stringify(value)} is wholly covered`).toBe(region?.pixels);
      });
      const [drawn, labelStats] = image.regions.slice(values.length);
      expect(drawn?.matching, 'the area the user drew is wholly covered').toBe(drawn?.pixels);
      expect(labelStats?.matching, 'the label is readable').toBe(0);
      // Ombord hid itself for the capture: not one pixel of its launcher's blue where the launcher is.
      const [launcherStats] = (await imageStats(ext.extensionPage, storedPng, viewport, [launcherBox], LAUNCHER_BLUE)).regions;
      expect(launcherStats?.pixels).toBeGreaterThan(0);
      expect(launcherStats?.matching, "Ombord's launcher is not in the screenshot").toBe(0);
      // What was sent is what the preview showed, pixel for pixel.
      expect((await imageStats(ext.extensionPage, preview, viewport, [])).hash, 'the stored image is the preview').toBe(image.hash);
    } finally {
      await page.close();
    }
  });
});

describe('a help request without the screenshot allowed', () => {
  let ext: ExtensionBrowser | undefined;

  beforeAll(async () => {
    if (dataDir === undefined || backend === undefined) throw new Error('The backend did not start');
    const { token } = await createOrganisationWithToken(dataDir, 'No Screenshot Org');
    ext = await launchBrowser({ fixturePort: inject('fixturePort') });
    await enrol(ext, backend.url, token);
  });

  afterAll(async () => {
    await ext?.close().catch(() => undefined);
  });

  it('says how to include a screenshot, sends without one, and the popup opens help in its tab', { timeout: 90_000 }, async () => {
    if (ext === undefined || dataDir === undefined) throw new Error('beforeAll did not finish');
    const description = 'Sent from the launcher, where the browser allows no screenshot';
    const { page, tabId } = await openTab(ext, lightning.record('Account', SF_IDS.globex));
    await waitForContentScript(ext, tabId);

    // The page's own launcher grants no activeTab: the browser refuses the capture.
    await launcher(page).click();
    await guidancePanel(page).getByRole('button', { name: 'Get help' }).click();
    const dialog = helpDialog(page);
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
    const hint = 'To include a screenshot, open help with Alt+Shift+H or the Ombord button in the browser toolbar. You can send without one.';
    expect(await dialog.getByText(hint).isVisible()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: 'Include a screenshot' }).count()).toBe(0);
    expect(await overlayAxeViolations(page), 'axe-core on the help dialog without a screenshot').toEqual([]);
    await dialog.getByRole('textbox', { name: 'Describe it' }).fill(description);
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => statusText(dialog), { timeout: 15_000 }).toBe('Sent. Your CRM team will get back to you.');
    expect(storedScreenshot(dataDir, description)).toEqual({ screenshot: null, screenshot_media_type: null });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => helpDialog(page).count()).toBe(0);

    // The popup's button opens the dialog in the tab it describes.
    const popup = await openPopupFor(ext, tabId);
    await popup.getByRole('button', { name: 'Get help with this page' }).click();
    await expect.poll(() => helpDialog(page).isVisible(), { timeout: 10_000 }).toBe(true);
    if (!popup.isClosed()) await popup.close();
    await page.close();
  });
});
