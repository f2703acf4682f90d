/**
 * The guidance session the overlay's panels (launcher, tour, announcement) draw, across the
 * sessions the content script starts: one per place the user settles on. It stays the same
 * object, hands the user's choices to the session of the moment, and gives the panels a new
 * snapshot only when what they show differs. A new session as a prop made React render the whole
 * overlay again at every navigation, mostly for the same launcher (bench (b): ~2.5 ms per settle,
 * at the moment the CRM has just drawn a new page).
 */
import type { GuidanceSession, OverlayPanels } from './session';

/** What the overlay's React part needs from a session. */
export type OverlaySession = Pick<
  GuidanceSession,
  'subscribe' | 'getPanels' | 'tipSnoozed' | 'tipDismissed' | 'announcementGotIt' | 'announcementLater' | 'startTour' | 'tourNext' | 'tourBack' | 'tourClose'
>;

const NO_PANELS: OverlayPanels = { tour: null, announcement: null, launcher: { minutesSavedThisWeek: 0, checklists: [], tours: [] } };

export class CurrentSession implements OverlaySession {
  private session: OverlaySession | null = null;
  private stopListening: () => void = () => undefined;
  private readonly listeners = new Set<() => void>();
  /** The session's panels last compared, and the snapshot given out for them. */
  private compared: OverlayPanels = NO_PANELS;
  private snapshot: OverlayPanels = NO_PANELS;

  /** Follows `session` from now on (null: none, the panels are empty). */
  switchTo(session: OverlaySession | null): void {
    if (session === this.session) return;
    this.stopListening();
    this.session = session;
    this.stopListening = session?.subscribe(() => this.notify()) ?? (() => undefined);
    this.notify();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The same object for as long as the panels show the same, from one session to the next. */
  getPanels = (): OverlayPanels => {
    const panels = this.session?.getPanels() ?? NO_PANELS;
    if (panels !== this.compared) {
      this.compared = panels;
      if (!samePlainData(this.snapshot, panels)) this.snapshot = panels;
    }
    return this.snapshot;
  };

  tipSnoozed(key: string): void {
    this.session?.tipSnoozed(key);
  }

  tipDismissed(key: string): void {
    this.session?.tipDismissed(key);
  }

  announcementGotIt(): void {
    this.session?.announcementGotIt();
  }

  announcementLater(): void {
    this.session?.announcementLater();
  }

  startTour(tourId: string): void {
    this.session?.startTour(tourId);
  }

  tourNext(): void {
    this.session?.tourNext();
  }

  tourBack(): void {
    this.session?.tourBack();
  }

  tourClose(): void {
    this.session?.tourClose();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * Whether two values hold the same data: arrays and plain objects compared member by member,
 * anything else (an anchor element, a function) by identity, so a tour that moved to another
 * anchor is a change even where a generic deep equality would see two equal empty objects.
 */
export function samePlainData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((value, i) => samePlainData(value, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && samePlainData(a[key], b[key]));
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
