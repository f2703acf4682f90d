/**
 * The tips' beacons: dots next to CRM elements, each a button that opens its tip's card. A tip's
 * dot pulses a few times when it first shows in the page, not when it shows again (the user came
 * back, the CRM re-rendered its anchor): a running animation costs the CRM a style pass a frame.
 * Drawn, moved and operated by plain DOM code, not React: the content script shows them in the
 * task that finds their anchors, before React is loaded (bench (a), time to the first tip), and
 * a beacon that follows its anchor through the CRM's re-renders never costs a render (bench (b)).
 * React draws only the open cards (`BeaconCards`), into the beacon's group.
 *
 * Hover or keyboard focus opens the card; a click pins it open (or closes a pinned one), so
 * Enter/Space toggle it from the keyboard; Esc closes it and keeps focus on the dot. A beacon
 * whose anchor is gone is hidden; one whose anchor is clipped or scrolled away is invisible and
 * its card closes.
 */
import type { TipView } from '@/lib/guides/session';
import type { Translate } from '@/lib/i18n';
import { deepActiveElement } from '@/lib/dom/active-element';
import { isAnchorGone, pinToAnchor, type PinOptions } from './pin';

/** Why a card is open: hover and focus are passing, a click pins it. */
export type OpenReason = 'hover' | 'focus' | 'pinned';

/** Time to move the pointer from the dot to the card before a hover-opened card closes. */
const HOVER_CLOSE_DELAY_MS = 300;

/** The beacon button's size in CSS pixels (overlay.css `.ob-beacon`). */
const BEACON_SIZE = 24;
/**
 * Centred on the anchor's top-right corner, like a badge: it marks the element without covering
 * the controls next to it, whatever the layout around it.
 */
const BEACON_PLACEMENT: PinOptions = { placement: 'top-end', gap: -BEACON_SIZE / 2, along: BEACON_SIZE / 2, size: BEACON_SIZE };

/** An open card, for `BeaconCards` to draw. */
export interface OpenBeacon {
  tip: TipView;
  /** The dot: the card points at it. */
  beacon: HTMLButtonElement;
  /** Where the card goes, after the dot: moving the pointer onto it keeps a hover open. */
  group: HTMLElement;
  /** The card's id, which the dot's `aria-controls` names. */
  cardId: string;
}

export interface BeaconLayerOptions {
  t: Translate;
  /** Each time a tip's card opens (for the `seen` event). */
  onOpen: (key: string) => void;
}

interface Entry {
  tip: TipView;
  group: HTMLDivElement;
  beacon: HTMLButtonElement;
  cardId: string;
  open: OpenReason | null;
  closeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Focus the layer gives back to the dot must not open the card again. */
  refocusing: boolean;
  /** Stops following the anchor and the dot's listeners. */
  stop: AbortController;
  unpin: () => void;
  /** Whether the dot was ever shown: one shown again (after a pause, on a new anchor) does not pulse again. */
  placed: boolean;
  /** Whether its anchor was clipped away when the dot was last placed; null before its first placement. */
  clipped: boolean | null;
}

let nextCardId = 0;

/**
 * How many dots of tips no longer in view are kept, hidden, for when their page shows again:
 * Lightning keeps the pages the user visited, and switching back to one would otherwise build and
 * remove its dots again at every navigation (bench (b), at each settle).
 */
const KEPT_MAX = 24;

export class BeaconLayer {
  private readonly entries = new Map<string, Entry>();
  /** Dots of tips that left the view, hidden and unpinned, by tip key: the oldest first. */
  private readonly kept = new Map<string, Entry>();
  /** Tips whose dot has pulsed in this page. */
  private readonly pulsed = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private openBeacons: readonly OpenBeacon[] = [];
  /** While the user navigates: every dot hidden, no anchor followed (`pause`). */
  private paused = false;
  /** Dots shown by the change under way, pinned once all of its DOM writes are done (`pinShown`). */
  private toPin: Array<{ entry: Entry; measureNow: boolean }> = [];
  /** Whether any dot was pinned in this page: only the first view's new dots measure at once. */
  private pinnedAny = false;

  constructor(
    /** An element of the overlay's shadow root that holds only the beacons. */
    private readonly container: HTMLElement,
    private readonly options: BeaconLayerOptions,
  ) {}

  /**
   * Shows these tips' beacons, in this order: a tip already shown keeps its beacon (and an open
   * card), one with a new anchor moves to it, and the beacons of tips not listed go (kept hidden
   * for a while, and shown again if their tips come back).
   */
  sync(tips: readonly TipView[]): void {
    const wanted = new Set(tips.map((tip) => tip.key));
    for (const [key, entry] of this.entries) {
      if (!wanted.has(key)) this.keep(key, entry);
    }
    for (const tip of tips) {
      const entry = this.entries.get(tip.key);
      if (entry === undefined) this.add(tip);
      else if (entry.tip !== tip) this.update(entry, tip);
    }
    this.pinShown();
    this.publish();
  }

  /** Closes a card; `refocus` puts focus back on its dot (Esc or a choice made in the card). */
  close(key: string, { refocus }: { refocus: boolean }): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    clearTimeout(entry.closeTimer);
    this.setOpen(entry, null);
    if (refocus) {
      entry.refocusing = true;
      entry.beacon.focus({ preventScroll: true });
      entry.refocusing = false;
    }
  }

  /** Whether focus is inside a beacon's group (the dot or its card). */
  hasFocus(key: string): boolean {
    const entry = this.entries.get(key);
    const active = entry ? deepActiveElement(entry.group.ownerDocument) : null;
    return entry !== undefined && active !== null && entry.group.contains(active);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The open cards; the same array until one opens or closes. */
  getOpen = (): readonly OpenBeacon[] => this.openBeacons;

  /**
   * Hides every dot and stops following their anchors while the user navigates: the page on
   * screen is about to be another's, and the guidance for where the user lands comes when the
   * navigation settles. On Lightning each navigation switches between cached pages, hiding one
   * and showing another; dots that followed their anchors through every switch cost the CRM a
   * callback and a style change a frame while the user clicked through (bench (b), DOM churn).
   * Open cards close. `resume` shows the dots again, at the anchors their tips have by then.
   */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const entry of this.entries.values()) this.hide(entry);
  }

  /**
   * Shows the dots again after `pause`, each pinned to its tip's anchor of now and placed after
   * the next layout, in the frame that shows them: the navigation has just changed the page, and
   * measuring at once would lay it out an extra time (bench (b), at each settle).
   */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const entry of this.entries.values()) this.show(entry, entry.tip, { measureNow: false });
    this.pinShown();
  }

  /** Removes every beacon (the page was left, or the extension updated). */
  clear(): void {
    for (const [key, entry] of this.entries) this.remove(key, entry);
    for (const entry of this.kept.values()) this.discard(entry);
    this.kept.clear();
    this.publish();
  }

  private add(tip: TipView): void {
    const kept = this.kept.get(tip.key);
    if (kept !== undefined) {
      // Its page is shown again: the same dot, after the others shown (the order of the view).
      this.kept.delete(tip.key);
      kept.tip = tip;
      this.entries.set(tip.key, kept);
      this.container.append(kept.group);
      this.show(kept, tip, { measureNow: !this.pinnedAny });
      return;
    }
    const doc = this.container.ownerDocument;
    const group = doc.createElement('div');
    group.className = 'ob-beacon-group';
    const beacon = doc.createElement('button');
    beacon.type = 'button';
    beacon.className = this.pulsed.has(tip.key) ? 'ob-root ob-beacon ob-beacon--settled' : 'ob-root ob-beacon';
    this.pulsed.add(tip.key);
    beacon.setAttribute('aria-haspopup', 'dialog');
    beacon.setAttribute('aria-expanded', 'false');
    // Pinned at 0, 0 and moved with a transform.
    beacon.style.position = 'fixed';
    beacon.style.left = '0';
    beacon.style.top = '0';
    const dot = doc.createElement('span');
    dot.className = 'ob-beacon__dot';
    dot.setAttribute('aria-hidden', 'true');
    beacon.append(dot);
    group.append(beacon);
    const entry: Entry = {
      tip,
      group,
      beacon,
      cardId: `ob-tip-card-${++nextCardId}`,
      open: null,
      closeTimer: undefined,
      refocusing: false,
      stop: new AbortController(),
      unpin: () => undefined,
      placed: false,
      clipped: null,
    };
    this.listen(entry);
    this.entries.set(tip.key, entry);
    // In the overlay before it is pinned: Floating UI reads where it sits.
    this.container.append(group);
    this.show(entry, tip, { measureNow: !this.pinnedAny });
  }

  private update(entry: Entry, tip: TipView): void {
    const moved = entry.tip.anchor !== tip.anchor;
    entry.tip = tip;
    if (moved) {
      entry.unpin();
      this.show(entry, tip, { measureNow: false });
    } else {
      entry.beacon.setAttribute('aria-label', this.options.t('overlayBeaconLabel', tip.title));
      entry.beacon.hidden = this.paused || isAnchorGone(tip.anchor);
    }
    // A card open on the old anchor is drawn again for the new one.
    if (entry.open !== null) this.openBeacons = this.collectOpen();
  }

  /**
   * Labels the dot and pins it to the tip's anchor; nothing shows while the anchor is gone. The
   * dots of the page's first view are placed at once, in the task that found their anchors (bench
   * (a), time to the first tip). Any other is placed from its anchor's first size report, after
   * the next layout and before that frame is painted, where measuring costs the page nothing:
   * one moved to an anchor the CRM rendered anew (Lightning re-renders all the time), and the new
   * ones of a later page, which show in the frame that shows the dots of that page shown again
   * (measured at once, they cost a style and layout pass at every navigation: bench (b)). While
   * paused, a dot stays hidden and unpinned.
   */
  private show(entry: Entry, tip: TipView, { measureNow }: { measureNow: boolean }): void {
    entry.beacon.setAttribute('aria-label', this.options.t('overlayBeaconLabel', tip.title));
    const gone = this.paused || isAnchorGone(tip.anchor);
    entry.beacon.hidden = gone;
    entry.unpin = () => undefined;
    if (gone) return;
    // Shown again (hidden while the user navigated, or moved to a re-rendered anchor): a dot
    // shown anew would start its pulse over.
    if (entry.placed) entry.beacon.classList.add('ob-beacon--settled');
    entry.placed = true;
    // Invisible but measurable until its first position (what `pinToAnchor` would write first).
    entry.beacon.style.visibility = 'hidden';
    this.toPin.push({ entry, measureNow });
  }

  /**
   * Pins the dots the change under way showed, after all of its DOM writes. A new dot measures
   * its anchor at once; with the next dot's writes in between, each measuring recalculated style
   * and layout again (at each settle of bench (b), one forced recalculation per dot).
   */
  private pinShown(): void {
    const shown = this.toPin;
    this.toPin = [];
    for (const { entry, measureNow } of shown) {
      // Still this tip's dot, and still to be shown.
      if (this.paused || this.entries.get(entry.tip.key) !== entry || entry.beacon.hidden) continue;
      this.pinnedAny = true;
      entry.unpin = pinToAnchor(
        entry.tip.anchor,
        entry.beacon,
        BEACON_PLACEMENT,
        (clipped) => {
          entry.clipped = clipped;
          if (clipped && entry.open !== null) this.close(entry.tip.key, { refocus: false });
        },
        // Shown again, it starts from what its anchor was then, in the frame that lays it out.
        { measureNow, lastClipped: entry.clipped },
      );
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.discard(entry);
    if (entry.open !== null) this.openBeacons = this.collectOpen();
  }

  private discard(entry: Entry): void {
    clearTimeout(entry.closeTimer);
    entry.stop.abort();
    entry.unpin();
    entry.group.remove();
  }

  /** Hides the dot, its card closed, and stops following its anchor. */
  private hide(entry: Entry): void {
    clearTimeout(entry.closeTimer);
    this.setOpen(entry, null);
    entry.unpin();
    entry.unpin = () => undefined;
    entry.beacon.hidden = true;
  }

  /** Hides the dot of a tip that left the view, for when the tip comes back. */
  private keep(key: string, entry: Entry): void {
    this.hide(entry);
    this.entries.delete(key);
    this.kept.set(key, entry);
    for (const [oldest, dropped] of this.kept) {
      if (this.kept.size <= KEPT_MAX) break;
      this.kept.delete(oldest);
      this.discard(dropped);
    }
  }

  private listen(entry: Entry): void {
    const { group, beacon } = entry;
    const options = { signal: entry.stop.signal };
    const reopen = (reason: OpenReason) => this.setOpen(entry, entry.open ?? reason);
    group.addEventListener(
      'pointerenter',
      () => {
        clearTimeout(entry.closeTimer);
        reopen('hover');
      },
      options,
    );
    group.addEventListener(
      'pointerleave',
      () => {
        clearTimeout(entry.closeTimer);
        entry.closeTimer = setTimeout(() => {
          if (entry.open === 'hover') this.setOpen(entry, null);
        }, HOVER_CLOSE_DELAY_MS);
      },
      options,
    );
    group.addEventListener(
      'focusout',
      (event) => {
        if (group.contains(event.relatedTarget as Node | null)) return;
        if (entry.open === 'focus') this.setOpen(entry, null);
      },
      options,
    );
    beacon.addEventListener(
      'focus',
      () => {
        if (!entry.refocusing) reopen('focus');
      },
      options,
    );
    // A click after hovering pins the card rather than closing what the user is reading.
    beacon.addEventListener('click', () => this.setOpen(entry, entry.open === null || entry.open === 'hover' ? 'pinned' : null), options);
    beacon.addEventListener(
      'keydown',
      (event) => {
        if (event.key !== 'Escape' || entry.open === null) return;
        event.stopPropagation();
        this.close(entry.tip.key, { refocus: false });
      },
      options,
    );
  }

  private setOpen(entry: Entry, reason: OpenReason | null): void {
    if (entry.open === reason) return;
    const opened = entry.open === null && reason !== null;
    const toggled = (entry.open === null) !== (reason === null);
    entry.open = reason;
    entry.beacon.setAttribute('aria-expanded', String(reason !== null));
    if (reason === null) entry.beacon.removeAttribute('aria-controls');
    else entry.beacon.setAttribute('aria-controls', entry.cardId);
    if (!toggled) return;
    this.openBeacons = this.collectOpen();
    this.publish();
    if (opened) this.options.onOpen(entry.tip.key);
  }

  private collectOpen(): OpenBeacon[] {
    const open: OpenBeacon[] = [];
    for (const entry of this.entries.values()) {
      if (entry.open !== null) open.push({ tip: entry.tip, beacon: entry.beacon, group: entry.group, cardId: entry.cardId });
    }
    return open;
  }

  private publish(): void {
    for (const listener of this.listeners) listener();
  }
}
