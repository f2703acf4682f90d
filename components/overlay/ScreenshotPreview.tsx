/**
 * The help dialog's screenshot: "Include a screenshot", a preview of exactly the image that is
 * sent (drawn into a `<canvas>` from the encoded bytes, so a page's strict CSP cannot block it
 * as it could an `<img src>`), areas the user hides by dragging on the preview (or with the
 * keyboard), and an explicit, off-by-default "Show field values".
 *
 * `useHelpScreenshot` keeps the choices and re-composes the image on every change;
 * `ScreenshotField` shows them. The dialog sends what `toSend()` resolves to.
 */
import {
  useCallback,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
} from 'react';
import type { SupportScreenshot } from '@/lib/api/support';
import type { Translate } from '@/lib/i18n';
import type { MaskRect, Viewport } from '@/lib/support/mask';
import type { ComposedScreenshot, HelpCapture } from '@/lib/support/screenshot';
import { focusQuietly } from './focus';

export interface HelpScreenshot {
  capture: HelpCapture | null;
  /** Whether the screenshot goes with the request. */
  include: boolean;
  setInclude(include: boolean): void;
  /** The user's explicit choice to send field values; off until they turn it on. */
  showValues: boolean;
  setShowValues(show: boolean): void;
  /** Areas the user hid, in the page's viewport CSS pixels. */
  drawn: readonly MaskRect[];
  addArea(area: MaskRect): void;
  removeArea(index: number): void;
  /** The image as it stands (what the preview shows); null until the first one is ready. */
  composed: ComposedScreenshot | null;
  composing: boolean;
  failed: boolean;
  /** The screenshot to send, once the latest choices are composed; undefined when none goes. */
  toSend(): Promise<SupportScreenshot | undefined>;
}

export function useHelpScreenshot(capture: HelpCapture | null): HelpScreenshot {
  const captured = capture?.status === 'captured' ? capture : null;
  const [include, setInclude] = useState(captured !== null);
  const [showValues, setShowValues] = useState(false);
  const [drawn, setDrawn] = useState<readonly MaskRect[]>([]);
  const [composed, setComposed] = useState<ComposedScreenshot | null>(null);
  const [composing, setComposing] = useState(false);
  const [failed, setFailed] = useState(false);
  const latest = useRef<Promise<ComposedScreenshot | null>>(Promise.resolve(null));

  // A layout effect: it runs as the change commits, before any later click on Send can ask.
  useLayoutEffect(() => {
    if (captured === null || !include) {
      latest.current = Promise.resolve(null);
      return;
    }
    let current = true;
    setComposing(true);
    const masks = showValues ? drawn : [...captured.fieldMasks, ...drawn];
    const composition = captured.compose(masks).then(
      (result) => {
        if (current) {
          setComposed(result);
          setComposing(false);
        }
        return result;
      },
      (error: unknown) => {
        console.error('[Ombord] the help screenshot could not be prepared', error);
        if (current) {
          setFailed(true);
          setInclude(false);
          setComposing(false);
        }
        return null;
      },
    );
    latest.current = composition;
    return () => {
      current = false;
    };
  }, [captured, include, showValues, drawn]);

  const toSend = useCallback(async (): Promise<SupportScreenshot | undefined> => {
    const result = await latest.current;
    return result === null ? undefined : { mediaType: result.mediaType, dataBase64: result.dataBase64 };
  }, []);

  return {
    capture,
    include,
    setInclude,
    showValues,
    setShowValues,
    drawn,
    addArea: (area) => setDrawn((areas) => [...areas, area]),
    removeArea: (index) => setDrawn((areas) => areas.filter((_, at) => at !== index)),
    composed,
    composing,
    failed,
    toSend,
  };
}

/** Arrow keys move the keyboard cursor this many page pixels; with Shift, `BIG_STEP`. */
const STEP = 10;
const BIG_STEP = 50;
/** A pointer that moved less than this (screen pixels) clicked rather than dragged. */
const DRAG_THRESHOLD = 4;

interface Point {
  x: number;
  y: number;
}

export function ScreenshotField({ t, shot }: { t: Translate; shot: HelpScreenshot }) {
  const { capture } = shot;
  const includeId = useId();
  const showValuesId = useId();
  const warningId = useId();
  if (capture === null) return null;
  if (capture.status === 'refused') {
    return (
      <p className="ob-muted ob-shot__refused">{t(capture.reason === 'permission' ? 'helpScreenshotNeedsInvoke' : 'helpScreenshotUnavailable')}</p>
    );
  }
  return (
    <div className="ob-shot">
      <div className="ob-shot__option">
        <input id={includeId} type="checkbox" checked={shot.include} onChange={(event) => shot.setInclude(event.target.checked)} />
        <label htmlFor={includeId}>{t('helpScreenshotInclude')}</label>
      </div>
      {shot.failed && <p className="ob-help__error">{t('helpScreenshotFailed')}</p>}
      {shot.include && (
        <>
          <ScreenshotPreview t={t} shot={shot} viewport={capture.viewport} />
          {!shot.showValues && <p className="ob-shot__note">{t('helpScreenshotValuesHidden')}</p>}
          <div className="ob-shot__option">
            <input
              id={showValuesId}
              type="checkbox"
              checked={shot.showValues}
              aria-describedby={shot.showValues ? warningId : undefined}
              onChange={(event) => shot.setShowValues(event.target.checked)}
            />
            <label htmlFor={showValuesId}>{t('helpScreenshotShowValues')}</label>
          </div>
          {shot.showValues && (
            <p id={warningId} role="alert" className="ob-shot__warning">
              {t('helpScreenshotValuesWarning')}
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** The picture, drawing on it, and the list of hidden areas. */
function ScreenshotPreview({ t, shot, viewport }: { t: Translate; shot: HelpScreenshot; viewport: Viewport }) {
  const hintId = useId();
  const listHeadingId = useId();
  const itemPrefix = useId();
  const surfaceRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ start: Point; end: Point; client: Point } | null>(null);
  const [corner, setCorner] = useState<Point | null>(null);
  const [cursor, setCursor] = useState<Point>({ x: viewport.width / 2, y: viewport.height / 2 });
  const [announcement, setAnnouncement] = useState('');
  const { composed, drawn } = shot;

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || !composed?.preview) return;
    context.drawImage(composed.preview, 0, 0, canvas.width, canvas.height);
  }, [composed]);

  const hide = (from: Point, to: Point) => {
    const area = areaBetween(from, to);
    if (area === null) return;
    shot.addArea(area);
    setAnnouncement(t('helpScreenshotAreaAdded', String(drawn.length + 1)));
  };

  /** The pointer's place on the page the picture shows, in the page's CSS pixels. */
  const toPage = (event: { clientX: number; clientY: number }): Point => {
    const box = surfaceRef.current?.getBoundingClientRect();
    if (!box || box.width === 0 || box.height === 0) return { x: 0, y: 0 };
    return {
      x: clamp((event.clientX - box.left) / box.width, 0, 1) * viewport.width,
      y: clamp((event.clientY - box.top) / box.height, 0, 1) * viewport.height,
    };
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    focusQuietly(surfaceRef.current);
    try {
      event.currentTarget.setPointerCapture?.(event.pointerId);
    } catch {
      // Capture only keeps a drag that leaves the picture; drawing works without it.
    }
    const point = toPage(event);
    setDrag({ start: point, end: point, client: { x: event.clientX, y: event.clientY } });
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (drag !== null) setDrag({ ...drag, end: toPage(event) });
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (drag === null) return;
    const end = toPage(event);
    const moved = Math.hypot(event.clientX - drag.client.x, event.clientY - drag.client.y) >= DRAG_THRESHOLD;
    setDrag(null);
    if (moved) {
      hide(drag.start, end);
      setCorner(null);
    } else if (corner !== null) {
      // Two clicks, one at each corner: the same as a drag, for those who cannot drag.
      hide(corner, end);
      setCorner(null);
    } else {
      setCorner(end);
      setCursor(end);
      setAnnouncement(t('helpScreenshotCornerSet'));
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? BIG_STEP : STEP;
    const moves: Record<string, Point> = { ArrowLeft: { x: -step, y: 0 }, ArrowRight: { x: step, y: 0 }, ArrowUp: { x: 0, y: -step }, ArrowDown: { x: 0, y: step } };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      setCursor({ x: clamp(cursor.x + move.x, 0, viewport.width), y: clamp(cursor.y + move.y, 0, viewport.height) });
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (corner === null) {
        setCorner(cursor);
        setAnnouncement(t('helpScreenshotCornerSet'));
      } else {
        hide(corner, cursor);
        setCorner(null);
      }
    } else if (event.key === 'Escape' && corner !== null) {
      // Esc first drops a started area; only the next one closes the dialog.
      event.stopPropagation();
      setCorner(null);
      setAnnouncement(t('helpScreenshotCornerCleared'));
    }
  };

  const remove = (index: number) => {
    shot.removeArea(index);
    setAnnouncement(t('helpScreenshotAreaRemoved', String(index + 1)));
    focusQuietly(surfaceRef.current);
  };

  const pending = drag !== null ? areaBetween(drag.start, drag.end) : corner !== null ? areaBetween(corner, cursor) : null;
  const width = composed?.width ?? Math.round(viewport.width);
  const height = composed?.height ?? Math.round(viewport.height);
  return (
    <>
      <div
        ref={surfaceRef}
        className="ob-shot__surface"
        role="application"
        tabIndex={0}
        aria-label={t('helpScreenshotPreviewLabel')}
        aria-describedby={hintId}
        aria-busy={shot.composing}
        data-corner={corner !== null}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => setDrag(null)}
        onKeyDown={onKeyDown}
      >
        <canvas ref={canvasRef} className="ob-shot__canvas" width={width} height={height} aria-hidden="true" />
        {pending !== null && <span className="ob-shot__pending" style={percentBox(pending, viewport)} aria-hidden="true" />}
        <span className="ob-shot__cursor" style={percentPoint(cursor, viewport)} aria-hidden="true" />
      </div>
      <p id={hintId} className="ob-muted">
        {shot.composing ? `${t('helpScreenshotPreparing')} ` : ''}
        {t('helpScreenshotDrawHint')}
      </p>
      <div className="ob-shot__live" aria-live="polite">
        {announcement}
      </div>
      {drawn.length > 0 && (
        <section className="ob-shot__areas" aria-labelledby={listHeadingId}>
          <h3 id={listHeadingId} className="ob-subheading">
            {t('helpScreenshotAreasHeading')}
          </h3>
          <ul className="ob-shot__list">
            {drawn.map((_, index) => {
              const labelId = `${itemPrefix}-label-${index}`;
              const buttonId = `${itemPrefix}-button-${index}`;
              return (
                <li key={index} className="ob-shot__area">
                  <span id={labelId}>{t('helpScreenshotArea', String(index + 1))}</span>
                  {/* Named "Remove Hidden area N": a list of bare "Remove" buttons says nothing out of context. */}
                  <button id={buttonId} type="button" className="ob-button" aria-labelledby={`${buttonId} ${labelId}`} onClick={() => remove(index)}>
                    {t('helpScreenshotRemove')}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </>
  );
}

/** The rectangle two corners span; null when it has no area. */
export function areaBetween(a: Point, b: Point): MaskRect | null {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  const width = Math.abs(a.x - b.x);
  const height = Math.abs(a.y - b.y);
  return width >= 1 && height >= 1 ? { x, y, width, height } : null;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function percentBox(area: MaskRect, viewport: Viewport) {
  return {
    left: `${(area.x / viewport.width) * 100}%`,
    top: `${(area.y / viewport.height) * 100}%`,
    width: `${(area.width / viewport.width) * 100}%`,
    height: `${(area.height / viewport.height) * 100}%`,
  };
}

function percentPoint(point: Point, viewport: Viewport) {
  return { left: `${(point.x / viewport.width) * 100}%`, top: `${(point.y / viewport.height) * 100}%` };
}
