/** Small pieces every inbox view uses: the view heading that takes focus, the page title, a clock, icons. */
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { SupportStatus } from '../../../lib/api/support';
import { useI18n } from './i18n';
import { STATUS_LABELS } from './labels';

/**
 * The view's one `<h1>`. It takes focus when it mounts, so a screen reader announces the new view
 * and Tab continues from the top of it; it is not a Tab stop itself (`tabIndex={-1}`).
 */
export function ViewHeading({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1} className={className === undefined ? 'view-heading' : `view-heading ${className}`}>
      {children}
    </h1>
  );
}

/**
 * "<what> · Ombord inbox" in the tab strip and the history menu. Set in the same commit as the view
 * (a layout effect, like {@link ViewHeading}'s focus), so the title never names the previous view.
 */
export function useDocumentTitle(what: string): void {
  const { t } = useI18n();
  useLayoutEffect(() => {
    document.title = what === '' ? t('appTitle') : `${what} · ${t('appTitle')}`;
  }, [what, t]);
}

/** The current time, moving on every `intervalMs`, so "3h ago" does not go stale on a page left open all day. */
export function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function StatusBadge({ status }: { status: SupportStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge--${status}`}>{t(STATUS_LABELS[status])}</span>;
}

/** A relative time with the exact one in `title` and a machine-readable `dateTime`. */
export function Ago({ at, now }: { at: string; now: number }) {
  const { dateTime, relative } = useI18n();
  return (
    <time dateTime={at} title={dateTime(at)}>
      {relative(at, now)}
    </time>
  );
}

export function CameraIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M5.5 2.5 4.6 4H2.5A1.5 1.5 0 0 0 1 5.5v7A1.5 1.5 0 0 0 2.5 14h11a1.5 1.5 0 0 0 1.5-1.5v-7A1.5 1.5 0 0 0 13.5 4h-2.1l-.9-1.5zM8 6a3 3 0 1 1 0 6 3 3 0 0 1 0-6m0 1.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3" />
    </svg>
  );
}

export function ReplyIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M2.5 2h11A1.5 1.5 0 0 1 15 3.5v7a1.5 1.5 0 0 1-1.5 1.5H8.2L5 14.6V12H2.5A1.5 1.5 0 0 1 1 10.5v-7A1.5 1.5 0 0 1 2.5 2" />
    </svg>
  );
}
