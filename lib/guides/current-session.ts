/**
 * The guidance session the overlay's panels (launcher, tour, announcement) draw, across the
 * sessions the content script starts: one per place the user settles on. It stays the same
 * object, hands the user's choices to the session of the moment, and gives the panels a new
 * snapshot only when what they show differs. A new session as a prop made React render the whole
 * overlay again at every navigation, mostly for the same launcher (bench (b): ~2.5 ms per settle,
 * at the moment the CRM has just drawn a new page).
 */
import type { GuidanceSession, LauncherView, OverlayPanels } from './session';

/** The user's choices in the overlay's panels, handed to a session. */
export type OverlayActions = Pick<
  GuidanceSession,
  'tipSnoozed' | 'tipDismissed' | 'announcementGotIt' | 'announcementLater' | 'startTour' | 'tourNext' | 'tourBack' | 'tourClose'
>;

/** What a `CurrentSession` follows of a session. */
export type OverlaySession = OverlayActions & Pick<GuidanceSession, 'subscribe' | 'getPanels'>;

/** The panels that show on the page itself: a tour step and an announcement. */
export type OverlayCards = Pick<OverlayPanels, 'tour' | 'announcement'>;

/**
 * What the overlay's React part reads, each part a snapshot of its own: the launcher's content is
 * read only while its panel is open, so a page with other tours or checklists draws nothing while
 * the panel is closed.
 */
export interface OverlayPanelsSource extends OverlayActions {
  subscribe(listener: () => void): () => void;
  getCards(): OverlayCards;
  getLauncher(): LauncherView;
}

const NO_PANELS: OverlayPanels = { tour: null, announcement: null, launcher: { minutesSavedThisWeek: 0, checklists: [], tours: [] } };

export class CurrentSession implements OverlayPanelsSource {
  private session: OverlaySession | null = null;
  private stopListening: () => void = () => undefined;
  private readonly listeners = new Set<() => void>();
  /** The session's panels last compared with the snapshots given out. */
  private compared: OverlayPanels = NO_PANELS;
  private cards: OverlayCards = { tour: NO_PANELS.tour, announcement: NO_PANELS.announcement };
  private launcher: LauncherView = NO_PANELS.launcher;

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

  /** The same object for as long as the tour step and the announcement show the same, from one session to the next. */
  getCards = (): OverlayCards => {
    this.compare();
    return this.cards;
  };

  /** The same object for as long as the launcher's content is the same. */
  getLauncher = (): LauncherView => {
    this.compare();
    return this.launcher;
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

  /** Takes the session's panels where they differ from the snapshots given out. */
  private compare(): void {
    const panels = this.session?.getPanels() ?? NO_PANELS;
    if (panels === this.compared) return;
    this.compared = panels;
    const { tour, announcement, launcher } = panels;
    if (!samePlainData(this.cards, { tour, announcement })) this.cards = { tour, announcement };
    if (!samePlainData(this.launcher, launcher)) this.launcher = launcher;
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
