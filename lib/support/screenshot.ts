/**
 * The help request's screenshot: taken by the background worker (`captureVisibleTab`, only of
 * the asking tab while it is in front), masked in the content script before anything leaves
 * the browser, and encoded to fit the wire contract (≤ 4 MB decoded, PNG or JPEG).
 *
 * The flow: `capturePage` hides Ombord's overlay, notes where field values are (`./mask`),
 * has the background capture the tab, notes the values again (so a value that moved during
 * the capture is covered at both places) and shows the overlay again. `composeScreenshot`
 * then paints every mask opaque into the full-resolution image — before any scaling or lossy
 * encoding, so nothing of a value survives in the bytes — and encodes what the dialog both
 * previews and sends. The capture is decoded once (`createComposer`) for all the compositions
 * the dialog asks for, and freed with the previews when it closes.
 */
import type { SupportScreenshot } from '../api/support';
import { SUPPORT_SCREENSHOT_MAX_BYTES } from '../api/support-limits';
import { deepActiveElement } from '../dom/active-element';
import { withoutContained, type MaskRect, type PageMasks, type Viewport } from './mask';

/** The masks' colour: opaque, and one the e2e test looks for pixel by pixel. */
export const MASK_COLOUR = '#3b4049';
export const MASK_RGB = [0x3b, 0x40, 0x49] as const;

/** The background's answer to `support:capture`. */
export type CaptureOutcome =
  | { ok: true; dataUrl: string }
  /**
   * `permission`: the browser refused for lack of `activeTab` (help was opened from the page, not
   * from the shortcut or the toolbar); `unavailable`: anything else (the tab left the front, …).
   */
  | { ok: false; reason: 'permission' | 'unavailable'; message: string };

export type ScreenshotMediaType = SupportScreenshot['mediaType'];

export interface ComposedScreenshot extends SupportScreenshot {
  bytes: Uint8Array;
  width: number;
  height: number;
  /**
   * The encoded bytes decoded again: the preview shows exactly what is sent. Full size, so its
   * holder frees it (`closePreview`) once it is no longer shown; null for a composition a later
   * one overtook, which nobody shows.
   */
  preview: CanvasImageSource | null;
}

/** Makes the dialog's screenshots of one capture. */
export interface ScreenshotComposer {
  /** The masked image: `masks` (the field masks, the user's own, or both) painted opaque. */
  compose(masks: readonly MaskRect[]): Promise<ComposedScreenshot>;
  /** Frees the decoded capture and the previews not freed yet; the dialog calls it as it closes. */
  release(): void;
}

/** What the help dialog gets when it opens. */
export type HelpCapture =
  | ({
      status: 'captured';
      viewport: Viewport;
      /** Field values found on the page, in viewport CSS pixels. */
      fieldMasks: readonly MaskRect[];
    } & ScreenshotComposer)
  | { status: 'refused'; reason: 'permission' | 'unavailable'; message: string };

// ---- Drawing surface (OffscreenCanvas and createImageBitmap in the browser; fakes in tests) ----

export interface ComposeContext {
  fillStyle: unknown;
  fillRect(x: number, y: number, width: number, height: number): void;
  drawImage(image: CanvasImageSource, dx: number, dy: number, dw: number, dh: number): void;
}

export interface ComposeCanvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): ComposeContext | null;
  convertToBlob(options: { type: string; quality?: number }): Promise<Blob>;
}

export interface DecodedImage {
  width: number;
  height: number;
  image: CanvasImageSource;
  close(): void;
}

export interface ComposeGraphics {
  decode(blob: Blob): Promise<DecodedImage>;
  createCanvas(width: number, height: number): ComposeCanvas;
}

export const browserGraphics: ComposeGraphics = {
  async decode(blob) {
    const bitmap = await createImageBitmap(blob);
    return { width: bitmap.width, height: bitmap.height, image: bitmap, close: () => bitmap.close() };
  },
  createCanvas: (width, height) => new OffscreenCanvas(width, height) as unknown as ComposeCanvas,
};

// ---- Composition ----

export interface ComposeInput {
  /** The capture `captureVisibleTab` returned, decoded; still the caller's to close. */
  source: Pick<DecodedImage, 'width' | 'height' | 'image'>;
  /** The viewport (CSS pixels) the image shows and the masks are relative to. */
  viewport: Viewport;
  masks: readonly MaskRect[];
  maxBytes?: number;
}

/** JPEG qualities tried, best first, when a PNG would be too large; then the image is scaled down. */
const JPEG_QUALITIES = [0.9, 0.75];
const DOWNSCALE_STEP = 0.75;
const SMALLEST_SCALE = 0.1;

/**
 * A mask in viewport CSS pixels as whole image pixels, rounded outwards so a partly covered
 * pixel is covered, and clipped to the image; null when nothing of it is on the image.
 *
 * The scale is the image's own size over the viewport's, not `devicePixelRatio`: that is the
 * same number on an unzoomed page, and stays right under browser zoom (which changes both).
 */
export function toImageRect(mask: MaskRect, viewport: Viewport, image: { width: number; height: number }): MaskRect | null {
  const scaleX = image.width / viewport.width;
  const scaleY = image.height / viewport.height;
  const left = Math.max(0, Math.floor(mask.x * scaleX));
  const top = Math.max(0, Math.floor(mask.y * scaleY));
  const right = Math.min(image.width, Math.ceil((mask.x + mask.width) * scaleX));
  const bottom = Math.min(image.height, Math.ceil((mask.y + mask.height) * scaleY));
  return right > left && bottom > top ? { x: left, y: top, width: right - left, height: bottom - top } : null;
}

export async function composeScreenshot(input: ComposeInput, graphics: ComposeGraphics = browserGraphics): Promise<ComposedScreenshot> {
  const { viewport, masks, maxBytes = SUPPORT_SCREENSHOT_MAX_BYTES } = input;
  if (!(viewport.width > 0 && viewport.height > 0)) throw new Error(`The page's viewport has no size (${viewport.width}×${viewport.height})`);
  const { width, height, image } = input.source;
  const canvas = graphics.createCanvas(width, height);
  const context = contextOf(canvas);
  context.drawImage(image, 0, 0, width, height);
  context.fillStyle = MASK_COLOUR;
  for (const mask of masks) {
    const rect = toImageRect(mask, viewport, { width, height });
    if (rect !== null) context.fillRect(rect.x, rect.y, rect.width, rect.height);
  }

  const encoded = await encodeWithin(canvas, maxBytes, graphics);
  const bytes = new Uint8Array(await encoded.blob.arrayBuffer());
  const preview = await graphics.decode(encoded.blob).then((decoded) => decoded.image);
  return { mediaType: encoded.mediaType, dataBase64: bytesToBase64(bytes), bytes, width: encoded.width, height: encoded.height, preview };
}

/**
 * Composes the screenshots of one capture from its PNG, decoded once on first use and kept for
 * the later compositions until `release`. A composition that a later call overtook comes back
 * with its preview already freed (the dialog shows only the latest); so does one under way at
 * `release`, and the decoded capture is freed once those are done. A composition asked for after
 * `release` decodes the capture again.
 */
export function createComposer(png: Uint8Array, viewport: Viewport, graphics: ComposeGraphics = browserGraphics): ScreenshotComposer {
  let decoded: Promise<DecodedImage> | null = null;
  let latestCall = 0;
  /** Moves on at each `release`: what was asked for before is freed as it finishes. */
  let generation = 0;
  const underWay = new Set<Promise<unknown>>();
  /** Previews handed out and not freed here; the dialog may have freed some already (closing twice is harmless). */
  const previews = new Set<CanvasImageSource>();

  async function compose(masks: readonly MaskRect[]): Promise<ComposedScreenshot> {
    latestCall += 1;
    const call = latestCall;
    const asOf = generation;
    decoded ??= graphics.decode(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
    const composed = await composeScreenshot({ source: await decoded, viewport, masks }, graphics);
    if (call === latestCall && asOf === generation) {
      if (composed.preview !== null) previews.add(composed.preview);
      return composed;
    }
    closePreview(composed.preview);
    return { ...composed, preview: null };
  }

  return {
    compose(masks) {
      const composition = compose(masks);
      underWay.add(composition);
      const done = () => underWay.delete(composition);
      composition.then(done, done);
      return composition;
    },
    release() {
      generation += 1;
      for (const preview of previews) closePreview(preview);
      previews.clear();
      const source = decoded;
      decoded = null;
      if (source === null) return;
      void Promise.allSettled([...underWay])
        .then(() => source)
        .then((image) => image.close(), () => undefined);
    },
  };
}

/** Frees a preview bitmap now rather than at some garbage collection: each one is the full screenshot. */
export function closePreview(preview: CanvasImageSource | null): void {
  if (preview !== null && 'close' in preview) preview.close();
}

/** PNG if it fits; else JPEG at falling quality; else JPEG of ever smaller copies of the (already masked) image. */
async function encodeWithin(
  canvas: ComposeCanvas,
  maxBytes: number,
  graphics: ComposeGraphics,
): Promise<{ blob: Blob; mediaType: ScreenshotMediaType; width: number; height: number }> {
  const png = await canvas.convertToBlob({ type: 'image/png' });
  if (png.size <= maxBytes) return { blob: png, mediaType: 'image/png', width: canvas.width, height: canvas.height };
  for (const quality of JPEG_QUALITIES) {
    const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    if (jpeg.size <= maxBytes) return { blob: jpeg, mediaType: 'image/jpeg', width: canvas.width, height: canvas.height };
  }
  const lowest = JPEG_QUALITIES.at(-1);
  for (let scale = DOWNSCALE_STEP; scale >= SMALLEST_SCALE; scale *= DOWNSCALE_STEP) {
    const width = Math.max(1, Math.round(canvas.width * scale));
    const height = Math.max(1, Math.round(canvas.height * scale));
    const smaller = graphics.createCanvas(width, height);
    contextOf(smaller).drawImage(canvas as unknown as CanvasImageSource, 0, 0, width, height);
    const jpeg = await smaller.convertToBlob({ type: 'image/jpeg', quality: lowest });
    if (jpeg.size <= maxBytes) return { blob: jpeg, mediaType: 'image/jpeg', width, height };
  }
  throw new Error(`The screenshot stays larger than ${maxBytes} bytes even at a tenth of its size`);
}

function contextOf(canvas: ComposeCanvas): ComposeContext {
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('The browser gave no 2D canvas to draw the screenshot on');
  return context;
}

// ---- Capture in the content script ----

export interface CapturePorts {
  /** Hides Ombord's overlay (`hideForCapture`); returns what shows it again. */
  hideOverlay(): () => void;
  /** Resolves once the page has painted a frame since the overlay was hidden. */
  painted(): Promise<void>;
  collectMasks(): PageMasks;
  /** `support:capture` to the background. */
  requestCapture(): Promise<CaptureOutcome>;
  graphics?: ComposeGraphics;
}

/**
 * Hides Ombord's overlay for the capture: every top element of its shadow root gets an inline
 * `visibility: hidden !important`. Not the host: WXT resets it with `:host{all:initial
 * !important}` inside the shadow root, and an important declaration of the shadow tree beats
 * any important one from outside — the host's inline style included. Focus, if the hiding took
 * it away, goes back where it was.
 */
export function hideForCapture(root: ShadowRoot | null): () => void {
  if (root === null) return () => undefined;
  const focused = deepActiveElement(root.ownerDocument);
  const restores = [...root.children].map((element) => {
    const { style } = element as HTMLElement;
    if (style === undefined) return () => undefined;
    const value = style.getPropertyValue('visibility');
    const priority = style.getPropertyPriority('visibility');
    style.setProperty('visibility', 'hidden', 'important');
    return () => {
      if (value === '') style.removeProperty('visibility');
      else style.setProperty('visibility', value, priority);
    };
  });
  return () => {
    for (const restore of restores) restore();
    const now = deepActiveElement(root.ownerDocument);
    if (focused !== null && focused.isConnected && (now === null || now === root.ownerDocument.body)) {
      (focused as HTMLElement).focus?.({ preventScroll: true });
    }
  };
}

/**
 * Resolves after the next frame has been painted (a second animation frame starts only after
 * the first one's paint), or after `timeoutMs` where no frames come (a tab in the background).
 */
export function afterNextPaint(window: Window, timeoutMs = 250): Promise<void> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(resolve, timeoutMs);
    window.requestAnimationFrame(() =>
      window.requestAnimationFrame(() => {
        window.clearTimeout(timer);
        resolve();
      }),
    );
  });
}

export async function capturePage(ports: CapturePorts): Promise<HelpCapture> {
  const show = ports.hideOverlay();
  let before: PageMasks;
  let after: PageMasks;
  let outcome: CaptureOutcome;
  try {
    await ports.painted();
    before = ports.collectMasks();
    outcome = await ports.requestCapture();
    after = ports.collectMasks();
  } catch (error) {
    return { status: 'refused', reason: 'unavailable', message: `The screenshot could not be taken: ${messageOf(error)}` };
  } finally {
    show();
  }
  if (!outcome.ok) return { status: 'refused', reason: outcome.reason, message: outcome.message };
  if (before.viewport.width !== after.viewport.width || before.viewport.height !== after.viewport.height) {
    return { status: 'refused', reason: 'unavailable', message: 'The window changed size while the screenshot was taken' };
  }
  let png: Uint8Array;
  try {
    png = bytesFromDataUrl(outcome.dataUrl, 'image/png');
  } catch (error) {
    return { status: 'refused', reason: 'unavailable', message: messageOf(error) };
  }
  const { viewport } = after;
  return {
    status: 'captured',
    viewport,
    fieldMasks: withoutContained([...before.rects, ...after.rects]),
    ...createComposer(png, viewport, ports.graphics),
  };
}

// ---- Capture in the background ----

export interface CaptureTab {
  id?: number;
  windowId?: number;
  active: boolean;
}

export interface CaptureTabsApi {
  get(tabId: number): Promise<CaptureTab>;
  captureVisibleTab(windowId: number, options: { format: 'png' }): Promise<string>;
}

/**
 * Captures the asking tab, and only while it is the active tab of its window: what is in front
 * is then that tab's page, never another site's. Checked again after the capture, so a switch
 * of tabs during it discards the image.
 */
export async function captureSenderTab(tabs: CaptureTabsApi, tabId: number | undefined): Promise<CaptureOutcome> {
  if (tabId === undefined) return { ok: false, reason: 'unavailable', message: 'Only a page in a tab can ask for a screenshot of itself' };
  try {
    const tab = await tabs.get(tabId);
    if (!tab.active || tab.windowId === undefined) return notInFront();
    const dataUrl = await tabs.captureVisibleTab(tab.windowId, { format: 'png' });
    const after = await tabs.get(tabId);
    if (!after.active || after.windowId !== tab.windowId) return notInFront();
    return { ok: true, dataUrl };
  } catch (error) {
    const message = messageOf(error);
    // Chrome: "Either the '<all_urls>' or 'activeTab' permission is required."; Firefox: "Missing activeTab permission".
    return { ok: false, reason: /permission/i.test(message) ? 'permission' : 'unavailable', message };
  }
}

function notInFront(): CaptureOutcome {
  return { ok: false, reason: 'unavailable', message: 'The tab was not in front of its window, so a screenshot would show something else' };
}

// ---- Bytes ----

/** The bytes of a `data:<mediaType>;base64,` URL; throws for anything else. */
export function bytesFromDataUrl(dataUrl: string, mediaType: string): Uint8Array {
  const prefix = `data:${mediaType};base64,`;
  if (!dataUrl.startsWith(prefix)) throw new Error(`The capture is not a base64 ${mediaType} data URL (it starts "${dataUrl.slice(0, 30)}")`);
  const binary = atob(dataUrl.slice(prefix.length));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Standard base64 with padding, in chunks: one `String.fromCharCode` call per megabyte would overflow the stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = '';
  for (let start = 0; start < bytes.length; start += CHUNK) binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK));
  return btoa(binary);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
