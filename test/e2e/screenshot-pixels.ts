/**
 * Checks a help screenshot pixel by pixel against the CRM page it was taken of (the
 * support-screenshot and support-inbox e2e tests).
 *
 * - Measuring the page: the viewport rectangles of its field values. Through CDP
 *   (`DOM.getDocument` with `pierce`, then `getBoundingClientRect` on each node) because CRM pages
 *   keep values in closed shadow roots, which no script of the page and no Playwright locator can
 *   reach — and a value the test cannot find is a value it cannot prove masked.
 * - Reading an image (the preview canvas, the PNG the backend stored, the one the inbox serves):
 *   decoded on a canvas in a browser page, with a hash of all its pixels and, per region, how many
 *   pixels it has and how many are exactly one colour (the mask's unless told otherwise). Exact
 *   counts make "wholly masked", "readable" and "the same picture" checkable without tolerance.
 */
import type { BrowserContext, CDPSession, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { MASK_RGB } from '../../lib/support/screenshot';
import { helpDialog, isTabMessageError, sendToTab, type ExtensionBrowser } from './harness';

/** A rectangle in the CRM page's viewport, in CSS pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A field value as measured: where it is and what it says (for assertion messages). */
export type FieldValueRect = Rect & { text: string };

export interface Viewport {
  width: number;
  height: number;
}

/** Picks elements of the pierced DOM tree by tag name and attributes (`attribute` is `''` when absent). */
export type ElementMatcher = (localName: string, attribute: (name: string) => string) => boolean;

// ---- Measuring the page ----

interface CdpNode {
  nodeId: number;
  localName?: string;
  attributes?: string[];
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
  contentDocument?: CdpNode;
}

const hasClass = (attribute: (name: string) => string, name: string): boolean => attribute('class').split(/\s+/).includes(name);

/** Lightning: record layout values, highlights values, formatted outputs (the record's name), lookups and record links. */
export const lightningFieldValue: ElementMatcher = (localName, attribute) =>
  (localName === 'span' && hasClass(attribute, 'test-id__field-value')) ||
  (localName === 'p' && hasClass(attribute, 'fieldComponent')) ||
  localName.startsWith('lightning-formatted-') ||
  localName === 'force-lookup' ||
  (localName === 'a' && attribute('data-recordid') !== '');

/** Unified Interface: field controls (inputs, selects, textareas), selected lookup records, the record's name. */
export const dynamicsFieldValue: ElementMatcher = (localName, attribute) =>
  (['input', 'select', 'textarea'].includes(localName) && attribute('data-id').includes('.fieldControl')) ||
  attribute('data-id').endsWith('_selected_tag') ||
  attribute('data-id') === 'header_title';

/**
 * The viewport rectangles of every element `matches` picks, in the whole DOM — open and closed
 * shadow roots and frames included: CDP's pierced DOM tree, then `getBoundingClientRect` on each
 * node. Only elements with text (or a value) and a box count.
 */
export async function fieldValueRects(cdp: CDPSession, matches: ElementMatcher): Promise<FieldValueRect[]> {
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
  const found: number[] = [];
  const walk = (node: CdpNode): void => {
    const attributes = node.attributes ?? [];
    const attribute = (name: string): string => {
      const index = attributes.indexOf(name);
      return index >= 0 && index % 2 === 0 ? (attributes[index + 1] ?? '') : '';
    };
    if (node.localName && matches(node.localName, attribute)) found.push(node.nodeId);
    for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? []), ...(node.contentDocument ? [node.contentDocument] : [])]) walk(child);
  };
  walk(root);
  const rects: FieldValueRect[] = [];
  for (const nodeId of found) {
    const { object } = (await cdp.send('DOM.resolveNode', { nodeId })) as { object: { objectId?: string } };
    if (object.objectId === undefined) continue;
    const { result } = (await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      functionDeclaration:
        'function () { const box = this.getBoundingClientRect(); return { x: box.x, y: box.y, width: box.width, height: box.height, text: (this.value ?? this.textContent ?? "").trim() }; }',
      returnByValue: true,
    })) as { result: { value: FieldValueRect } };
    const rect = result.value;
    if (rect.width > 0 && rect.height > 0 && rect.text !== '') rects.push(rect);
  }
  return rects;
}

/** The page's viewport (`innerWidth` × `innerHeight`): what a capture of the visible tab covers. */
export async function viewportOf(page: Page): Promise<Viewport> {
  return page.evaluate(() => ({ width: innerWidth, height: innerHeight }));
}

/** Whether any part of `rect` is inside `viewport`. */
export const visibleIn =
  (viewport: Viewport) =>
  (rect: Rect): boolean =>
    rect.x < viewport.width && rect.y < viewport.height && rect.x + rect.width > 0 && rect.y + rect.height > 0;

/** The field values `isValue` picks on `page` that are at least partly on screen, measured over a CDP session of its own. */
export async function visibleFieldValues(context: BrowserContext, page: Page, viewport: Viewport, isValue: ElementMatcher): Promise<FieldValueRect[]> {
  const cdp = await context.newCDPSession(page);
  try {
    return (await fieldValueRects(cdp, isValue)).filter(visibleIn(viewport));
  } finally {
    await cdp.detach();
  }
}

/** `locator`'s box in the viewport; throws when it has none. */
export async function rectOf(locator: Locator): Promise<Rect> {
  const box = await locator.boundingBox();
  if (box === null) throw new Error(`${locator} has no box`);
  return box;
}

// ---- The preview in the help dialog ----

/** The screenshot preview (a canvas) in the help dialog. */
export const previewSurface = (dialog: Locator): Locator => dialog.getByRole('application', { name: 'Screenshot preview' });

/**
 * Opens help the way the keyboard shortcut does (`help:open` from the background), checks that a
 * screenshot goes with it, and waits until the preview is drawn (no longer `aria-busy`).
 */
export async function openHelpWithScreenshot(ext: ExtensionBrowser, page: Page, tabId: number): Promise<Locator> {
  const opened = await sendToTab(ext, tabId, { type: 'help:open', data: {} });
  expect(isTabMessageError(opened), JSON.stringify(opened)).toBe(false);
  const dialog = helpDialog(page);
  await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
  expect(await dialog.getByRole('checkbox', { name: 'Include a screenshot' }).isChecked(), 'a screenshot goes with it').toBe(true);
  await expect.poll(() => previewSurface(dialog).getAttribute('aria-busy'), { timeout: 10_000 }).toBe('false');
  return dialog;
}

/** The preview canvas inside Ombord's (open) shadow root, as a PNG data URL. */
export async function previewDataUrl(page: Page): Promise<string> {
  return page.evaluate(() => {
    const canvas = document.querySelector('ombord-overlay')?.shadowRoot?.querySelector('canvas');
    if (!canvas) throw new Error('No preview canvas in the overlay');
    return canvas.toDataURL('image/png');
  });
}

/** PNG bytes (e.g. as the backend stored them) as a data URL, for `imageStats`. */
export const pngDataUrl = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;

// ---- Reading pixels ----

export interface RegionStats {
  pixels: number;
  /** Pixels exactly of the colour asked for (opaque). */
  matching: number;
}

export interface ImageStats {
  /** HTTP status of fetching the image (200 for a data URL). */
  status: number;
  contentType: string;
  width: number;
  height: number;
  /** FNV-1a of the RGBA pixels: equal hashes, equal pictures. */
  hash: number;
  /** One per region asked for, in order; none when the fetch was not OK. */
  regions: RegionStats[];
}

/**
 * Fetches the image at `url` in `page` (a data URL, or an address the page may fetch with its
 * cookies), decodes it on a canvas and counts, per region (viewport CSS pixels of the CRM page,
 * scaled by the image's size over `viewport`), its pixels and those exactly of `colour`. When the
 * fetch answers with an error status, the stats say so (`status`) and hold no pixels.
 */
export async function imageStats(page: Page, url: string, viewport: Viewport, regions: Rect[], colour: readonly number[] = MASK_RGB): Promise<ImageStats> {
  return page.evaluate(
    async ({ url: address, viewport: view, regions: wanted, colour: rgb }) => {
      const response = await fetch(address);
      const contentType = response.headers.get('content-type') ?? '';
      if (!response.ok) return { status: response.status, contentType, width: 0, height: 0, hash: 0, regions: [] };
      const bitmap = await createImageBitmap(await response.blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      if (context === null) throw new Error('no 2D context');
      context.drawImage(bitmap, 0, 0);
      const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let hash = 0x811c9dc5;
      for (const byte of pixels) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
      const scaleX = bitmap.width / view.width;
      const scaleY = bitmap.height / view.height;
      const stats = wanted.map((region) => {
        const left = Math.max(0, Math.floor(region.x * scaleX));
        const top = Math.max(0, Math.floor(region.y * scaleY));
        const right = Math.min(bitmap.width, Math.ceil((region.x + region.width) * scaleX));
        const bottom = Math.min(bitmap.height, Math.ceil((region.y + region.height) * scaleY));
        let count = 0;
        let matched = 0;
        for (let y = top; y < bottom; y += 1) {
          for (let x = left; x < right; x += 1) {
            const at = (y * bitmap.width + x) * 4;
            count += 1;
            if (pixels[at] === rgb[0] && pixels[at + 1] === rgb[1] && pixels[at + 2] === rgb[2] && pixels[at + 3] === 255) matched += 1;
          }
        }
        return { pixels: count, matching: matched };
      });
      return { status: response.status, contentType, width: bitmap.width, height: bitmap.height, hash, regions: stats };
    },
    { url, viewport, regions, colour: [...colour] },
  );
}
