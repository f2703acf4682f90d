// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { SUPPORT_SCREENSHOT_MAX_BYTES } from '../api/support';
import type { PageMasks } from './mask';
import {
  bytesFromDataUrl,
  bytesToBase64,
  capturePage,
  captureSenderTab,
  composeScreenshot,
  createComposer,
  hideForCapture,
  MASK_COLOUR,
  toImageRect,
  type CaptureOutcome,
  type CaptureTab,
  type ComposeCanvas,
  type ComposeGraphics,
} from './screenshot';

/**
 * happy-dom draws nothing, so the canvas is a recording fake: what was drawn where, in which
 * colour, and blobs of a size chosen per encoding. The pixels themselves are checked in real
 * Chromium by test/e2e/support-screenshot.e2e.ts.
 */
type Operation =
  | { op: 'drawImage'; canvas: number; source: unknown; width: number; height: number }
  | { op: 'fillRect'; canvas: number; colour: unknown; x: number; y: number; width: number; height: number };

interface FakeImage {
  kind: 'image';
  from: Blob;
  close(): void;
}

function fakeGraphics(options: { image: { width: number; height: number }; sizeOf?: (type: string, quality: number | undefined, width: number) => number }) {
  const operations: Operation[] = [];
  const canvases: ComposeCanvas[] = [];
  const decoded: Blob[] = [];
  /** The decoded images freed, as `ImageBitmap.close()` frees them. */
  const closed: FakeImage[] = [];
  const sizeOf = options.sizeOf ?? (() => 1000);
  const graphics: ComposeGraphics = {
    async decode(blob) {
      decoded.push(blob);
      const image: FakeImage = { kind: 'image', from: blob, close: () => closed.push(image) };
      return { ...options.image, image: image as unknown as CanvasImageSource, close: () => image.close() };
    },
    createCanvas(width, height) {
      const index = canvases.length;
      const context = {
        fillStyle: '' as unknown,
        fillRect(x: number, y: number, w: number, h: number) {
          operations.push({ op: 'fillRect', canvas: index, colour: this.fillStyle, x, y, width: w, height: h });
        },
        drawImage(source: unknown, _x: number, _y: number, w: number, h: number) {
          operations.push({ op: 'drawImage', canvas: index, source, width: w, height: h });
        },
      };
      const canvas: ComposeCanvas = {
        width,
        height,
        getContext: () => context,
        async convertToBlob({ type, quality }) {
          return new Blob([new Uint8Array(sizeOf(type, quality, width)).fill(index + 1)], { type });
        },
      };
      canvases.push(canvas);
      return canvas;
    },
  };
  return { graphics, operations, canvases, decoded, closed };
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Lets every pending promise callback run. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
const captured = (size: { width: number; height: number }) => ({ ...size, image: { kind: 'image' } as unknown as CanvasImageSource });

describe('toImageRect', () => {
  it('scales by the image over the viewport (2 on a high-density screen) and rounds outwards', () => {
    expect(toImageRect({ x: 10.3, y: 5.5, width: 20, height: 10 }, { width: 1280, height: 720 }, { width: 2560, height: 1440 })).toEqual({
      x: 20,
      y: 11,
      width: 41,
      height: 20,
    });
  });

  it('follows browser zoom, where the ratio is not a whole number', () => {
    // 125 % zoom: an 800 CSS px wide viewport on 1000 device pixels.
    expect(toImageRect({ x: 100, y: 100, width: 10, height: 10 }, { width: 800, height: 600 }, { width: 1000, height: 750 })).toEqual({
      x: 125,
      y: 125,
      width: 13,
      height: 13,
    });
  });

  it('clips to the image and drops what is outside it', () => {
    const viewport = { width: 100, height: 100 };
    const image = { width: 100, height: 100 };
    expect(toImageRect({ x: -5, y: 90, width: 20, height: 20 }, viewport, image)).toEqual({ x: 0, y: 90, width: 15, height: 10 });
    expect(toImageRect({ x: 120, y: 0, width: 20, height: 20 }, viewport, image)).toBeNull();
  });
});

describe('composeScreenshot', () => {
  it('draws the capture, then fills every mask opaque at device pixels, and encodes a PNG that fits', async () => {
    const { graphics, operations, decoded } = fakeGraphics({ image: { width: 2560, height: 1440 } });
    const result = await composeScreenshot(
      { source: captured({ width: 2560, height: 1440 }), viewport: { width: 1280, height: 720 }, masks: [{ x: 10, y: 10, width: 100, height: 20 }, { x: 1270, y: 700, width: 50, height: 50 }] },
      graphics,
    );
    expect(operations).toEqual([
      { op: 'drawImage', canvas: 0, source: expect.objectContaining({ kind: 'image' }), width: 2560, height: 1440 },
      { op: 'fillRect', canvas: 0, colour: MASK_COLOUR, x: 20, y: 20, width: 200, height: 40 },
      { op: 'fillRect', canvas: 0, colour: MASK_COLOUR, x: 2540, y: 1400, width: 20, height: 40 },
    ]);
    expect(result).toMatchObject({ mediaType: 'image/png', width: 2560, height: 1440 });
    expect(result.bytes).toEqual(new Uint8Array(1000).fill(1));
    expect(result.dataBase64).toBe(bytesToBase64(result.bytes));
    // The preview is the encoded bytes decoded again, not the canvas: it shows what is sent.
    expect(decoded.at(-1)?.type).toBe('image/png');
    expect(await decoded.at(-1)?.arrayBuffer()).toEqual(result.bytes.buffer);
  });

  it('falls back to JPEG when the PNG is too large', async () => {
    const { graphics } = fakeGraphics({
      image: { width: 1000, height: 500 },
      sizeOf: (type, quality) => (type === 'image/png' || quality === 0.9 ? SUPPORT_SCREENSHOT_MAX_BYTES + 1 : 2000),
    });
    const result = await composeScreenshot({ source: captured({ width: 1000, height: 500 }), viewport: { width: 1000, height: 500 }, masks: [] }, graphics);
    expect(result).toMatchObject({ mediaType: 'image/jpeg', width: 1000, height: 500 });
    expect(result.bytes.length).toBe(2000);
  });

  it('scales the already masked image down until it fits', async () => {
    const { graphics, operations, canvases } = fakeGraphics({
      image: { width: 1000, height: 500 },
      sizeOf: (type, _quality, width) => (type === 'image/jpeg' && width <= 600 ? 3000 : 5000),
    });
    const input = { source: captured({ width: 1000, height: 500 }), viewport: { width: 1000, height: 500 }, masks: [{ x: 0, y: 0, width: 10, height: 10 }], maxBytes: 3000 };
    const result = await composeScreenshot(input, graphics);
    // 1000 → 750 → 563: each smaller copy is drawn from the masked full-size canvas.
    expect(result).toMatchObject({ mediaType: 'image/jpeg', width: 563, height: 281 });
    const copies = operations.filter((operation) => operation.op === 'drawImage' && operation.canvas > 0);
    expect(copies.map((copy) => copy.op === 'drawImage' && copy.source)).toEqual([canvases[0], canvases[0]]);
    const masked = operations.findIndex((operation) => operation.op === 'fillRect');
    expect(masked).toBeLessThan(operations.findIndex((operation) => operation.op === 'drawImage' && operation.canvas > 0));
  });

  it('gives up in words when even a tenth of the image is too large', async () => {
    const { graphics } = fakeGraphics({ image: { width: 1000, height: 500 }, sizeOf: () => 1_000_000 });
    await expect(composeScreenshot({ source: captured({ width: 1000, height: 500 }), viewport: { width: 1000, height: 500 }, masks: [], maxBytes: 10 }, graphics)).rejects.toThrow(
      'The screenshot stays larger than 10 bytes even at a tenth of its size',
    );
  });
});

describe('createComposer', () => {
  const viewport = { width: 1000, height: 500 };
  const mask = { x: 0, y: 0, width: 10, height: 10 };
  /** The decodes of the capture itself: the PNG's 8 bytes, not an encoded composition. */
  const decodesOfCapture = (decoded: Blob[]) => decoded.filter((blob) => blob.size === PNG.length).length;

  it('decodes the capture once for every composition', async () => {
    const { graphics, decoded, closed } = fakeGraphics({ image: { width: 1000, height: 500 } });
    const composer = createComposer(PNG, viewport, graphics);
    await composer.compose([]);
    await composer.compose([mask]);
    await composer.compose([mask, mask]);
    expect(decodesOfCapture(decoded)).toBe(1);
    // Each composition's preview is its own decode of the encoded bytes; nothing freed yet.
    expect(decoded).toHaveLength(4);
    expect(closed).toEqual([]);
  });

  it('frees the preview of a composition a later one overtook, and hands it out as none', async () => {
    const { graphics, closed } = fakeGraphics({ image: { width: 1000, height: 500 } });
    const composer = createComposer(PNG, viewport, graphics);
    const [overtaken, latest] = await Promise.all([composer.compose([]), composer.compose([mask])]);
    expect(overtaken.preview).toBeNull();
    expect(latest.preview).not.toBeNull();
    expect(closed).toHaveLength(1);
    expect(closed).not.toContain(latest.preview);
  });

  it('frees the decoded capture and the previews on release, waiting for a composition still under way', async () => {
    const { graphics, decoded, closed } = fakeGraphics({ image: { width: 1000, height: 500 } });
    const composer = createComposer(PNG, viewport, graphics);
    const shown = await composer.compose([]);
    const underWay = composer.compose([mask]);
    composer.release();
    expect(closed).toEqual([shown.preview]);
    expect((await underWay).preview).toBeNull();
    await settled();
    const capture = closed.find((image) => image.from.size === PNG.length);
    expect(capture?.from).toBe(decoded[0]);
    // The capture, the shown preview and the one finished after release: all three freed.
    expect(closed).toHaveLength(3);
  });

  it('decodes the capture again for a composition asked for after release', async () => {
    const { graphics, decoded, closed } = fakeGraphics({ image: { width: 1000, height: 500 } });
    const composer = createComposer(PNG, viewport, graphics);
    await composer.compose([]);
    composer.release();
    const again = await composer.compose([mask]);
    expect(again.preview).not.toBeNull();
    expect(closed).not.toContain(again.preview);
    expect(decodesOfCapture(decoded)).toBe(2);
  });
});

describe('capturePage', () => {
  const viewport = { width: 1280, height: 720 };
  const at = (x: number): PageMasks => ({ viewport, rects: [{ x, y: 0, width: 10, height: 10 }] });
  const dataUrl = `data:image/png;base64,${bytesToBase64(PNG)}`;

  function ports(outcome: CaptureOutcome | Error, masks: PageMasks[] = [at(0), at(50)]) {
    const log: string[] = [];
    let calls = 0;
    return {
      log,
      ports: {
        hideOverlay: () => {
          log.push('hide');
          return () => log.push('show');
        },
        painted: async () => {
          log.push('painted');
        },
        collectMasks: () => {
          log.push('masks');
          return masks[calls++] ?? at(0);
        },
        requestCapture: async () => {
          log.push('capture');
          if (outcome instanceof Error) throw outcome;
          return outcome;
        },
        graphics: fakeGraphics({ image: { width: 1280, height: 720 } }).graphics,
      },
    };
  }

  it('hides the overlay, notes the values before and after the capture, and shows the overlay again', async () => {
    const { log, ports: capturePorts } = ports({ ok: true, dataUrl });
    const capture = await capturePage(capturePorts);
    expect(log).toEqual(['hide', 'painted', 'masks', 'capture', 'masks', 'show']);
    expect(capture.status).toBe('captured');
    if (capture.status !== 'captured') return;
    expect(capture.viewport).toEqual(viewport);
    // A value that moved during the capture is covered at both places.
    expect(capture.fieldMasks).toEqual([at(0).rects[0], at(50).rects[0]]);
    expect((await capture.compose(capture.fieldMasks)).mediaType).toBe('image/png');
  });

  it('decodes the capture once however often the dialog composes, and frees it with the previews on release', async () => {
    const fake = fakeGraphics({ image: { width: 1280, height: 720 } });
    const capture = await capturePage({ ...ports({ ok: true, dataUrl }).ports, graphics: fake.graphics });
    if (capture.status !== 'captured') throw new Error(capture.message);
    const first = await capture.compose([]);
    const second = await capture.compose(capture.fieldMasks);
    expect(fake.decoded.filter((blob) => blob.size === PNG.length)).toHaveLength(1);
    capture.release();
    await settled();
    expect(fake.closed).toHaveLength(3);
    expect(fake.closed).toEqual(expect.arrayContaining([first.preview, second.preview, expect.objectContaining({ from: fake.decoded[0] })]));
  });

  it('passes a refusal on in words, and shows the overlay again when asking fails', async () => {
    const refused = await capturePage(ports({ ok: false, reason: 'permission', message: "Either the '<all_urls>' or 'activeTab' permission is required." }).ports);
    expect(refused).toEqual({ status: 'refused', reason: 'permission', message: "Either the '<all_urls>' or 'activeTab' permission is required." });
    const failing = ports(new Error('Could not establish connection. Receiving end does not exist.'));
    expect(await capturePage(failing.ports)).toEqual({
      status: 'refused',
      reason: 'unavailable',
      message: 'The screenshot could not be taken: Could not establish connection. Receiving end does not exist.',
    });
    expect(failing.log.at(-1)).toBe('show');
  });

  it('refuses a capture whose viewport changed meanwhile, or that is not a PNG', async () => {
    const resized = await capturePage(ports({ ok: true, dataUrl }, [at(0), { viewport: { width: 800, height: 600 }, rects: [] }]).ports);
    expect(resized).toMatchObject({ status: 'refused', message: 'The window changed size while the screenshot was taken' });
    const jpeg = await capturePage(ports({ ok: true, dataUrl: 'data:image/jpeg;base64,/9j/' }).ports);
    expect(jpeg).toMatchObject({ status: 'refused', reason: 'unavailable', message: expect.stringContaining('not a base64 image/png data URL') });
  });
});

describe('captureSenderTab', () => {
  function tabs(states: CaptureTab[], capture: () => Promise<string> = async () => 'data:image/png;base64,AAAA') {
    const get = vi.fn(async () => states.shift() ?? { active: false });
    const captureVisibleTab = vi.fn(capture);
    return { get, captureVisibleTab };
  }

  it("captures the sender's window while the sender is its active tab", async () => {
    const api = tabs([{ id: 7, windowId: 3, active: true }, { id: 7, windowId: 3, active: true }]);
    expect(await captureSenderTab(api, 7)).toEqual({ ok: true, dataUrl: 'data:image/png;base64,AAAA' });
    expect(api.captureVisibleTab).toHaveBeenCalledWith(3, { format: 'png' });
  });

  it('never captures for a tab in the background, or for no tab', async () => {
    const api = tabs([{ id: 7, windowId: 3, active: false }]);
    expect(await captureSenderTab(api, 7)).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(await captureSenderTab(api, undefined)).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(api.captureVisibleTab).not.toHaveBeenCalled();
  });

  it('discards the image when the user switched tabs during the capture', async () => {
    const api = tabs([{ id: 7, windowId: 3, active: true }, { id: 7, windowId: 3, active: false }]);
    expect(await captureSenderTab(api, 7)).toMatchObject({ ok: false, reason: 'unavailable', message: expect.stringContaining('not in front') });
  });

  it('tells a missing activeTab grant from other failures', async () => {
    const denied = tabs([{ id: 7, windowId: 3, active: true }], () => Promise.reject(new Error("Either the '<all_urls>' or 'activeTab' permission is required.")));
    expect(await captureSenderTab(denied, 7)).toMatchObject({ ok: false, reason: 'permission' });
    const other = tabs([{ id: 7, windowId: 3, active: true }], () => Promise.reject(new Error('Cannot access contents of url "chrome://newtab/"')));
    expect(await captureSenderTab(other, 7)).toMatchObject({ ok: false, reason: 'unavailable' });
  });
});

describe('bytes', () => {
  it('round-trips through base64 and data URLs, past one chunk', () => {
    const bytes = new Uint8Array(100_000).map((_, index) => (index * 31) % 256);
    const base64 = bytesToBase64(bytes);
    expect(base64).toBe(Buffer.from(bytes).toString('base64'));
    expect(bytesFromDataUrl(`data:image/png;base64,${base64}`, 'image/png')).toEqual(bytes);
  });
});

describe('hideForCapture', () => {
  it("hides what is in the overlay's shadow root, over the host's forced styles, and restores it and the focus", () => {
    const host = document.createElement('ombord-overlay');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    // WXT's shadow root holds one <html> element; any top element will do here.
    root.innerHTML = '<div><button>Get help</button></div>';
    const inner = root.firstElementChild as HTMLElement;
    inner.style.setProperty('visibility', 'visible');
    const button = root.querySelector('button') as HTMLButtonElement;
    button.focus();
    const show = hideForCapture(root);
    expect(inner.style.getPropertyValue('visibility')).toBe('hidden');
    expect(inner.style.getPropertyPriority('visibility')).toBe('important');
    // As a browser may do with a focused element that stops being shown.
    button.blur();
    show();
    expect(inner.style.getPropertyValue('visibility')).toBe('visible');
    expect(inner.style.getPropertyPriority('visibility')).toBe('');
    expect(root.activeElement).toBe(button);
  });
});
