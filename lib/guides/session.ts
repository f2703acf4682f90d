/**
 * One page's guidance, from selection to what the overlay shows: it selects items for the
 * context, locates their anchors, runs the tour machine, notices the actions tips promote and
 * checklist tasks ask for, and records progress events. The DOM, the locator and the event
 * sink come in as ports, so the whole flow runs under plain vitest; the content script makes
 * one session per distinct context and aborts it when the user leaves.
 */
import type { CrmContext } from '../crm/context';
import { describeStrategy, mayLocateAmong, type AnchorTarget, type LocateResult } from '../crm/locate';
import type { UserActions, UserActionType } from '../dom/user-actions';
import type { NewProgressEvent, ProgressEvent } from '../api/progress';
import { newProgressEvent, toProgressContext } from '../progress/new-event';
import { checklistDone, itemProgress, type ProgressState } from '../progress/state';
import { minutesSavedThisWeek } from '../progress/minutes';
import { quietTimer, type QuietTimer } from '../util/quiet-timer';
import { checklistTaskDoneBy, type ObservedActivity } from './checklist';
import { matchesContext } from './context-match';
import { localize } from './localize';
import type { Announcement, ContentPack, GuideItem, LocalizedText, Tip, Tour } from './pack';
import { selectGuidance, type GuidanceSelection, type GuidanceUser, type PlacedItem } from './select';
import { canGoBack, resumeTour, startTour, tourTransition, type TourEvent, type TourRun, type TourTransition } from './tour';

/** How long and how often a locate waits for late renders. */
export interface WaitOptions {
  timeoutMs: number;
  signal: AbortSignal;
  retryEveryMs?: number;
  retryBackoff?: number;
  /** An anchor on the page but not rendered (a tab not shown) counts as found: `LocateOptions.acceptUnrendered`. */
  acceptUnrendered?: boolean;
  /** Which of several targets are waited for; the others get one attempt (`LocateOptions.waitsFor`). */
  waitsFor?: (index: number) => boolean;
}

/** What the session needs from the page and the extension. */
export interface SessionPorts {
  /** Finds an anchor, waiting up to `timeoutMs` for a late render. */
  locate(target: AnchorTarget, options: WaitOptions): Promise<LocateResult>;
  /**
   * Finds each anchor, waiting up to `timeoutMs` for late renders, with one search of the page
   * for all of them; `onResult` hears each one's result as soon as it is known.
   */
  locateAll(targets: readonly AnchorTarget[], options: WaitOptions, onResult: (index: number, result: LocateResult) => void): Promise<unknown>;
  /**
   * One attempt per target asked about, no waiting, sharing one search (for matching the element
   * the user just acted on against several anchors, in one event handler).
   */
  finder(): (target: AnchorTarget) => LocateResult;
  /**
   * One attempt per target, no waiting, in the document's own tree only: not in shadow roots,
   * which takes a walk over every element of the page. The cheap first look for a page's tips,
   * so the ones it finds show in the first view; the others are searched for fully right after.
   */
  locateInDocument(targets: readonly AnchorTarget[]): LocateResult[];
  /**
   * Runs `callback` (the search of shadow roots for the tips' anchors) once what the session
   * shows now is on screen. The content script waits for the page's next frame, then a task, in
   * the first view of a page only: later sessions start on a page drawn a while ago, and run it
   * at once, so their dots show in one frame. Default: a task.
   */
  afterPaint?(callback: () => void): void;
  /**
   * Whether the user is on the move to another page (a navigation that has not settled): anchors
   * replaced meanwhile are looked for once it has. Default: never.
   */
  navigating?(): boolean;
  /** Where the user's clicks and input are heard (the CRM document). */
  events: UserActions;
  now(): Date;
}

/** The user's progress events: read by every session, appended to by them (and by other tabs). */
export interface ProgressLog {
  /** What the user's events add up to at `now`. */
  state(now: Date): ProgressState;
  /** The user's `tip_adopted` events. */
  adopted(): readonly ProgressEvent[];
  append(events: readonly ProgressEvent[]): void;
}

export interface TipView {
  key: string;
  anchor: Element;
  title: string;
  body: string;
  wiifm: { minutesSaved: number; reason: string } | undefined;
}

export interface TourView {
  key: string;
  anchor: Element | null;
  /** 1-based. */
  step: number;
  total: number;
  title: string;
  body: string;
  placement: Tour['steps'][number]['placement'];
  /** The step goes on when the user reaches another page. */
  waitsForPage: boolean;
  canGoBack: boolean;
  /** Which guide and step is on screen, for the context of a help request. */
  guide: { packId: string; itemId: string; stepId: string; stepIndex: number };
}

export interface AnnouncementView {
  key: string;
  title: string;
  body: string;
  endorsement: { name: string; role: string; message: string } | undefined;
}

export interface LauncherView {
  minutesSavedThisWeek: number;
  checklists: Array<{ id: string; title: string; tasks: Array<{ id: string; title: string; done: boolean }> }>;
  tours: Array<{ id: string; title: string; inProgress: boolean }>;
}

export interface OverlayView {
  tips: TipView[];
  tour: TourView | null;
  announcement: AnnouncementView | null;
  launcher: LauncherView;
}

/** The view without its tips: what the overlay's React part draws (the beacons draw the tips). */
export type OverlayPanels = Omit<OverlayView, 'tips'>;

export interface GuidanceSessionInput {
  packs: readonly ContentPack[];
  context: CrmContext;
  user: GuidanceUser;
  progress: ProgressLog;
  ports: SessionPorts;
  /** Aborted when the user leaves this context; everything the session started stops. */
  signal: AbortSignal;
}

const SNOOZE_MS = 24 * 3_600_000;
const TIP_ANCHOR_TIMEOUT_MS = 8000;
const TOUR_ANCHOR_TIMEOUT_MS = 8000;
/** A beacon can appear a moment late; waiting for one must cost the page little. */
const TIP_RETRY_MS = 400;
/** …and less often the longer it has not appeared: the waits between retries are 0.4, 0.6, 0.9 s… */
const TIP_RETRY_BACKOFF = 1.5;
/** How often anchors on screen are checked for having been re-rendered away (LWC replaces nodes). */
const REANCHOR_CHECK_MS = 1000;
/** Typing is one action, not one per keystroke: input counts once the user pauses. */
const INPUT_SETTLE_MS = 800;
/** Elements the user types into that cannot host a shadow root. */
const FORM_FIELDS: ReadonlySet<string> = new Set(['input', 'textarea', 'select']);

const itemKey = (packId: string, itemId: string): string => JSON.stringify([packId, itemId]);

interface Typing {
  /** The latest keystroke's path: the field first. */
  path: EventTarget[];
  settles: QuietTimer;
}

interface TrackedTip {
  placed: PlacedItem<Tip>;
  anchor: Element | null;
  /** What the overlay last got for this tip: the same object while the anchor is the same, so it re-renders only what changed. */
  view: TipView | null;
  controller: AbortController;
  adopted: boolean;
  /** Where a tip with its own adoption anchor is adopted, once found; until then that is looked for in each action's path. */
  adoptionAnchor: Element | null;
}

/** One of the session's listeners: on an element guidance points at, or (`target` null) on the whole page. */
interface Heard {
  target: Element | null;
  type: UserActionType;
  stop: AbortController;
}

export class GuidanceSession {
  private readonly input: GuidanceSessionInput;
  private readonly listeners = new Set<() => void>();
  private readonly tips = new Map<string, TrackedTip>();
  /** Anchors already reported missing in this session, so a waiting tip reports once. */
  private readonly reportedMissing = new Set<string>();
  private progress: ProgressState;
  private selection: GuidanceSelection;
  private tour: { run: TourRun; tour: Tour; anchor: Element | null; controller: AbortController } | null = null;
  /** Announcements shown in this session (their `seen` is recorded once) and put away. */
  private readonly announcementsSeen = new Set<string>();
  private readonly announcementsClosed = new Set<string>();
  private view: OverlayView;
  private panels: OverlayPanels;
  /** Typing in one field, until it settles (`INPUT_SETTLE_MS` without a keystroke there). */
  private typing: Typing | null = null;
  /** Where the session listens for the user's actions now (`syncListening`). */
  private heard: Heard[] = [];
  /** The last event handled: one heard on two anchors (nested) counts once. */
  private lastEvent: Event | null = null;
  private tipsPublishQueued = false;

  constructor(input: GuidanceSessionInput) {
    this.input = input;
    this.progress = input.progress.state(input.ports.now());
    this.selection = this.select();
    this.view = this.buildView();
    this.panels = withoutTips(this.view);
    if (input.signal.aborted) return;
    input.signal.addEventListener('abort', () => this.dispose(), { once: true });
    this.guard(() => {
      // Recording a task the visit completes selects again; otherwise the selection above stands.
      if (!this.observe({ kind: 'visit', context: input.context })) this.applySelection();
    });
    const reanchorTimer = setInterval(() => this.guard(() => this.reanchor()), REANCHOR_CHECK_MS);
    input.signal.addEventListener('abort', () => clearInterval(reanchorTimer), { once: true });
  }

  // ---- what the overlay reads -------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): OverlayView => this.view;

  /** The same object until the tour, the announcement or the launcher changes: not when only tips move. */
  getPanels = (): OverlayPanels => this.panels;

  // ---- what the user does in the overlay --------------------------------------------------

  tipOpened(key: string): void {
    const tip = this.tips.get(key);
    if (tip) this.record([{ type: 'seen', ...this.base(tip.placed) }]);
  }

  tipSnoozed(key: string): void {
    const tip = this.tips.get(key);
    if (!tip) return;
    const until = new Date(this.input.ports.now().getTime() + SNOOZE_MS).toISOString();
    this.record([{ type: 'snoozed', ...this.base(tip.placed), until }]);
  }

  tipDismissed(key: string): void {
    const tip = this.tips.get(key);
    if (tip) this.record([{ type: 'dismissed', ...this.base(tip.placed) }]);
  }

  announcementGotIt(): void {
    const announcement = this.currentAnnouncement();
    if (!announcement) return;
    this.announcementsClosed.add(itemKey(announcement.packId, announcement.item.id));
    this.record([{ type: 'dismissed', ...this.base(announcement) }]);
  }

  announcementLater(): void {
    const announcement = this.currentAnnouncement();
    if (!announcement) return;
    this.announcementsClosed.add(itemKey(announcement.packId, announcement.item.id));
    const until = new Date(this.input.ports.now().getTime() + SNOOZE_MS).toISOString();
    this.record([{ type: 'snoozed', ...this.base(announcement), until }]);
  }

  startTour(tourId: string): void {
    const offered = this.selection.tours.find((candidate) => candidate.item.id === tourId);
    if (!offered) return;
    this.guard(() => {
      const context = this.input.context;
      this.enterTour(offered.item, startTour(offered.item, offered, { context, now: this.input.ports.now() }));
    });
  }

  tourNext(): void {
    this.tourEvent({ type: 'next' });
  }

  tourBack(): void {
    this.tourEvent({ type: 'back' });
  }

  tourClose(): void {
    this.tourEvent({ type: 'close' });
  }

  /** Another tab (or the sync) changed the progress: select again. */
  progressChanged(): void {
    this.guard(() => this.apply());
  }

  // ---- internals --------------------------------------------------------------------------

  private select(): GuidanceSelection {
    const { packs, context, user, ports } = this.input;
    return selectGuidance({ packs, context, progress: this.progress, user, now: ports.now() });
  }

  private apply(): void {
    if (this.input.signal.aborted) return;
    this.progress = this.input.progress.state(this.input.ports.now());
    this.selection = this.select();
    this.applySelection();
  }

  /** Brings tips, tour and view in line with the current selection. */
  private applySelection(): void {
    this.syncTips();
    this.syncTour();
    this.publish();
  }

  private syncTips(): void {
    const wanted = new Map(this.selection.tips.map((placed) => [itemKey(placed.packId, placed.item.id), placed]));
    for (const [key, tip] of this.tips) {
      // A tip on screen stays for this visit unless the user put it away: frequency caps
      // (which its own `seen` just moved) decide about the next visit, not this one.
      const progress = itemProgress(this.progress, tip.placed.packId, tip.placed.item.id);
      if (!wanted.has(key) && (progress.dismissed || progress.snoozedUntil !== null)) {
        tip.controller.abort();
        this.tips.delete(key);
      }
    }
    const fresh: TrackedTip[] = [];
    for (const [key, placed] of wanted) {
      if (this.tips.has(key)) continue;
      const tip: TrackedTip = { placed, anchor: null, view: null, controller: new AbortController(), adopted: false, adoptionAnchor: null };
      this.tips.set(key, tip);
      fresh.push(tip);
    }
    if (fresh.length === 0) return;
    // The anchors in the page's own tree are found at once, in time for the first view; the
    // others are searched for in shadow roots, and waited for, once that view is on screen.
    const found = this.input.ports.locateInDocument(fresh.map((tip) => tip.placed.item.anchor));
    const missing: TrackedTip[] = [];
    fresh.forEach((tip, i) => {
      const result = found[i];
      if (result?.ok) tip.anchor = result.element;
      if (!result?.ok || tip.placed.item.adoption?.anchor !== undefined) missing.push(tip);
    });
    if (missing.length > 0) {
      const searchFully = () => this.locateTips(missing, { reportMissing: true });
      if (this.input.ports.afterPaint) this.input.ports.afterPaint(searchFully);
      else setTimeout(searchFully, 0);
    }
  }

  /**
   * Finds the tips' anchors, waiting for late renders. They wait together: each waiting search
   * walks the whole page once and then indexes what the page re-renders, so one search per tip
   * multiplied that work on the CRM's time (bench (b), DOM churn). The wait ends early once every
   * tip in it is dismissed, snoozed or looked for afresh.
   */
  private locateTips(tips: readonly TrackedTip[], { reportMissing }: { reportMissing: boolean }): void {
    const waiting = tips.filter((tip) => !tip.controller.signal.aborted);
    if (waiting.length === 0 || this.input.signal.aborted) return;
    // Each tip's anchor when it is not known, and its own adoption anchor (if any), in one search.
    const wanted: Array<{ tip: TrackedTip; target: AnchorTarget; adoption: boolean }> = [];
    for (const tip of waiting) {
      if (tip.anchor === null) wanted.push({ tip, target: tip.placed.item.anchor, adoption: false });
      const adoptionTarget = tip.placed.item.adoption?.anchor;
      if (adoptionTarget && tip.adoptionAnchor === null) wanted.push({ tip, target: adoptionTarget, adoption: true });
    }
    if (wanted.length === 0) return;
    const batch = new AbortController();
    const onTipAborted = () => {
      if (waiting.every((tip) => tip.controller.signal.aborted)) batch.abort();
    };
    for (const tip of waiting) tip.controller.signal.addEventListener('abort', onTipAborted, { once: true, signal: batch.signal });
    const signal = AbortSignal.any([this.input.signal, batch.signal]);
    // A beacon pinned to an anchor that is not rendered yet (in a tab the user has not opened)
    // shows when it is: waiting for it to render would re-search the page until the wait ends.
    // An adoption anchor is looked for once, not waited for: one that is not there yet (an editor
    // that opens on a click) is looked for in the path of each action instead.
    const options = {
      timeoutMs: TIP_ANCHOR_TIMEOUT_MS,
      signal,
      retryEveryMs: TIP_RETRY_MS,
      retryBackoff: TIP_RETRY_BACKOFF,
      acceptUnrendered: true,
      waitsFor: (i: number) => wanted[i]?.adoption !== true,
    };
    void this.input.ports
      .locateAll(
        wanted.map(({ target }) => target),
        options,
        (i, result) => {
          const entry = wanted[i];
          if (entry === undefined || this.input.signal.aborted || entry.tip.controller.signal.aborted) return;
          const { tip, adoption } = entry;
          if (result.ok && adoption) {
            tip.adoptionAnchor = result.element;
            this.syncListening();
          } else if (result.ok) {
            tip.anchor = result.element;
            this.publishTipsSoon();
          } else if (result.reason === 'not_found' && reportMissing && !adoption) {
            this.reportMissing(tip.placed, undefined, result, TIP_ANCHOR_TIMEOUT_MS);
          }
        },
      )
      .finally(() => batch.abort());
  }

  /**
   * Lightning re-renders replace the elements guidance points at. Anchors on screen are checked
   * now and then (a property read each) and found again when they were replaced.
   */
  private reanchor(): void {
    // The page on screen may be about to be another's: finding this page's replaced anchors now
    // would search a page the user is leaving (and, on Lightning, wait for it to be shown again).
    if (this.input.ports.navigating?.() === true) return;
    const replaced: TrackedTip[] = [];
    for (const tip of this.tips.values()) {
      const anchorGone = tip.anchor !== null && !tip.anchor.isConnected;
      const adoptionGone = tip.adoptionAnchor !== null && !tip.adoptionAnchor.isConnected;
      if (!anchorGone && !adoptionGone) continue;
      if (anchorGone) tip.anchor = null;
      if (adoptionGone) tip.adoptionAnchor = null;
      tip.controller.abort();
      tip.controller = new AbortController();
      replaced.push(tip);
    }
    this.locateTips(replaced, { reportMissing: false });
    // Those found at once are already in their views; the others are gone until found.
    if (replaced.length > 0) this.publishTips();
    const current = this.tour;
    if (current?.run.phase === 'showing' && current.anchor !== null && !current.anchor.isConnected) {
      const step = current.tour.steps[current.run.stepIndex];
      if (!step?.anchor) return;
      current.anchor = null;
      this.publish();
      const signal = AbortSignal.any([this.input.signal, current.controller.signal]);
      void this.input.ports.locate(step.anchor, { timeoutMs: TOUR_ANCHOR_TIMEOUT_MS, signal }).then((result) => {
        if (signal.aborted || this.tour !== current || !result.ok) return;
        current.anchor = result.element;
        this.publish();
      });
    }
  }

  /** Resumes the running tour that applies here, unless one is already on screen. */
  private syncTour(): void {
    const interrupting = this.selection.interrupting;
    if (this.tour && !['completed', 'ended'].includes(this.tour.run.phase)) return;
    if (interrupting?.kind !== 'tour') return;
    if (this.tour?.run.tourId === interrupting.item.id && this.tour.run.packId === interrupting.packId) return;
    const resumed = resumeTour(interrupting.item, interrupting, this.progress, {
      context: this.input.context,
      now: this.input.ports.now(),
    });
    if (resumed) this.enterTour(interrupting.item, resumed);
  }

  private enterTour(tour: Tour, transition: TourTransition): void {
    this.tour?.controller.abort();
    this.tour = { run: transition.state, tour, anchor: null, controller: new AbortController() };
    this.afterTourTransition(transition);
  }

  private tourEvent(event: TourEvent): void {
    this.guard(() => {
      const current = this.tour;
      if (!current) return;
      const transition = tourTransition(current.run, event, {
        tour: current.tour,
        context: this.input.context,
        now: this.input.ports.now(),
      });
      if (transition.state === current.run) return;
      current.run = transition.state;
      this.afterTourTransition(transition);
    });
  }

  private afterTourTransition(transition: TourTransition): void {
    const current = this.tour;
    if (!current) return;
    const { run, tour } = current;
    if (run.phase === 'completed') {
      this.observe({ kind: 'tour_completed', tourId: tour.id }, run.packId);
    }
    this.record(transition.record);
    if (run.phase !== 'locating') {
      if (run.phase !== 'showing') current.anchor = null;
      this.publish();
      return;
    }
    const step = tour.steps[run.stepIndex];
    if (!step?.anchor) return;
    current.controller.abort();
    current.controller = new AbortController();
    const signal = AbortSignal.any([this.input.signal, current.controller.signal]);
    const timeoutMs = step.waitForAnchorMs ?? TOUR_ANCHOR_TIMEOUT_MS;
    const started = this.input.ports.now().getTime();
    current.anchor = null;
    this.publish();
    void this.input.ports.locate(step.anchor, { timeoutMs, signal }).then((result) => {
      if (signal.aborted || this.tour !== current) return;
      if (result.ok) {
        current.anchor = result.element;
        this.tourEvent({ type: 'anchor_found' });
      } else if (result.reason === 'not_found') {
        this.tourEvent({
          type: 'anchor_missing',
          strategiesTried: result.tried.map(({ strategy, outcome }) => `${describeStrategy(strategy)} (${outcome})`),
          waitedMs: this.input.ports.now().getTime() - started,
        });
      }
    });
  }

  private onUserAction(action: 'click' | 'input', event: Event): void {
    const path = event.composedPath();
    const hit = (element: Element | null): boolean => element !== null && path.includes(element);
    const onAnchor = this.anchorHitTest(path);

    const current = this.tour;
    if (current?.run.phase === 'showing') {
      const step = current.tour.steps[current.run.stepIndex];
      if (step?.advanceOn.kind === action && hit(current.anchor)) this.tourEvent({ type: 'user_action', action });
    }

    const adopted: NewProgressEvent[] = [];
    for (const tip of this.tips.values()) {
      const adoption = tip.placed.item.adoption;
      if (tip.adopted || adoption?.on !== action) continue;
      const onIt = adoption.anchor === undefined ? hit(tip.anchor) : tip.adoptionAnchor !== null ? hit(tip.adoptionAnchor) : onAnchor(adoption.anchor);
      if (!onIt) continue;
      // One adoption per tip per visit: a double click or a retyped value is still one use.
      tip.adopted = true;
      adopted.push({ type: 'tip_adopted', ...this.base(tip.placed), minutesSaved: tip.placed.item.wiifm?.minutesSaved ?? 0 });
    }
    this.record(adopted);

    this.observe({
      kind: 'action',
      on: action,
      context: this.input.context,
      anchorMatched: onAnchor,
    });
  }

  /**
   * Listens where the user's actions can matter to this page's guidance, and nowhere else: on the
   * anchors of the tour step and of the tips not adopted yet when those are known, and on the
   * whole page only for what is looked for in each action's path (a checklist task's anchor, an
   * adoption anchor not found). Most clicks and keystrokes in the CRM then never reach the
   * extension's world (bench (b): every one did, and did work there).
   */
  private syncListening(): void {
    if (this.input.signal.aborted) return;
    const everywhere = new Set<UserActionType>();
    const onElements: Array<{ target: Element; type: UserActionType }> = [];
    const current = this.tour;
    if (current?.run.phase === 'showing') {
      const kind = current.tour.steps[current.run.stepIndex]?.advanceOn.kind;
      if ((kind === 'click' || kind === 'input') && current.anchor !== null) onElements.push({ target: current.anchor, type: kind });
    }
    for (const tip of this.tips.values()) {
      const adoption = tip.placed.item.adoption;
      if (adoption === undefined || tip.adopted) continue;
      const target = adoption.anchor === undefined ? tip.anchor : tip.adoptionAnchor;
      if (target !== null) onElements.push({ target, type: adoption.on });
      else if (adoption.anchor !== undefined) everywhere.add(adoption.on);
    }
    for (const view of this.selection.checklists) {
      for (const { task, done } of view.tasks) {
        const by = task.completedBy;
        if (!done && by.kind === 'action' && (by.where === undefined || matchesContext(by.where, this.input.context))) everywhere.add(by.on);
      }
    }
    const wanted: Array<{ target: Element | null; type: UserActionType }> = [
      ...[...everywhere].map((type) => ({ target: null, type })),
      ...onElements.filter(({ type }) => !everywhere.has(type)),
    ];
    const same = (a: { target: Element | null; type: UserActionType }, b: { target: Element | null; type: UserActionType }) =>
      a.target === b.target && a.type === b.type;
    const kept: Heard[] = [];
    for (const heard of this.heard) {
      if (wanted.some((want) => same(want, heard))) kept.push(heard);
      else heard.stop.abort();
    }
    for (const want of wanted) {
      if (kept.some((heard) => same(want, heard))) continue;
      const stop = new AbortController();
      const listener = (event: Event) => this.guard(() => this.onHeard(want.type, event));
      if (want.target === null) this.input.ports.events.addEventListener(want.type, listener, { signal: stop.signal });
      else want.target.addEventListener(want.type, listener, { capture: true, passive: true, signal: stop.signal });
      kept.push({ ...want, stop });
    }
    this.heard = kept;
  }

  private onHeard(type: UserActionType, event: Event): void {
    if (event === this.lastEvent) return;
    this.lastEvent = event;
    if (type === 'click') this.onUserAction('click', event);
    else this.onInput(event);
  }

  /**
   * Typing counts as one input action once it settles (a `quietTimer`: typing is the CRM's
   * busiest moment, and a timer per keystroke was most of this handler's cost). Typing in another
   * field that is heard settles the one before at once.
   */
  private onInput(event: Event): void {
    const typing = this.typing;
    // Another keystroke in the same form field. The target the document sees is the field itself
    // when it is not in a shadow root, and these fields cannot host one: no path to build.
    const seen = event.target as Partial<Element> | null;
    if (typing !== null && seen === typing.path[0] && seen?.localName !== undefined && FORM_FIELDS.has(seen.localName)) {
      typing.settles.touch();
      return;
    }
    // Keep the path now: by the time typing settles, the event has finished dispatching.
    const path = event.composedPath();
    if (typing !== null && typing.path[0] === path[0]) {
      typing.path = path;
      typing.settles.touch();
      return;
    }
    if (typing !== null) this.settleTyping(typing);
    const next: Typing = { path, settles: quietTimer(INPUT_SETTLE_MS, () => this.input.ports.now().getTime(), () => this.settleTyping(next)) };
    next.settles.touch();
    this.typing = next;
  }

  private settleTyping(typing: Typing): void {
    typing.settles.cancel();
    if (this.typing === typing) this.typing = null;
    const { path } = typing;
    this.guard(() => this.onUserAction('input', { composedPath: () => path } as Event));
  }


  /**
   * Whether a user action (its composed path) was on an anchor. Most actions concern none, and
   * an anchor that is not on the page costs a walk of the whole page to look for, on every
   * click and every field typed in: only anchors that an element of the path could be are
   * looked for, each once per action, all in one search.
   */
  private anchorHitTest(path: readonly EventTarget[]): (anchor: AnchorTarget) => boolean {
    let elements: Element[] | null = null;
    let find: ((target: AnchorTarget) => LocateResult) | null = null;
    const known = new Map<AnchorTarget, boolean>();
    return (anchor) => {
      let onIt = known.get(anchor);
      if (onIt === undefined) {
        onIt = false;
        elements ??= path.filter((target): target is Element => (target as Partial<Node>).nodeType === Node.ELEMENT_NODE);
        if (mayLocateAmong(anchor, elements)) {
          find ??= this.input.ports.finder();
          const result = find(anchor);
          onIt = result.ok && path.includes(result.element);
        }
        known.set(anchor, onIt);
      }
      return onIt;
    };
  }



  /**
   * Records `checklist_item_done` for the tasks an activity completes that are not done yet;
   * true when it recorded any (and so selected again).
   */
  private observe(activity: ObservedActivity, onlyPack?: string): boolean {
    const done: NewProgressEvent[] = [];
    for (const view of this.selection.checklists) {
      if (onlyPack !== undefined && view.packId !== onlyPack) continue;
      const already = checklistDone(this.progress, view.packId, view.item.id);
      for (const taskId of checklistTaskDoneBy(view.item, activity)) {
        if (!already.has(taskId)) done.push({ type: 'checklist_item_done', ...this.base(view), taskId });
      }
    }
    this.record(done);
    return done.length > 0;
  }

  private reportMissing(placed: PlacedItem<GuideItem>, stepId: string | undefined, result: LocateResult, waitedMs: number): void {
    if (result.ok) return;
    const key = `${itemKey(placed.packId, placed.item.id)}:${stepId ?? ''}`;
    if (this.reportedMissing.has(key)) return;
    this.reportedMissing.add(key);
    this.record([
      {
        type: 'anchor_missing',
        ...this.base(placed),
        ...(stepId === undefined ? {} : { stepId }),
        strategiesTried: result.tried.map(({ strategy, outcome }) => `${describeStrategy(strategy)} (${outcome})`.slice(0, 200)),
        waitedMs,
      },
    ]);
  }

  private record(events: readonly (NewProgressEvent | ProgressEvent)[]): void {
    if (events.length === 0 || this.input.signal.aborted) return;
    const now = this.input.ports.now();
    const stamped = events.map((event) => ('id' in event && 'at' in event ? (event as ProgressEvent) : newProgressEvent(event, now)));
    this.input.progress.append(stamped);
    this.apply();
  }

  private base(placed: PlacedItem<GuideItem>) {
    return {
      packId: placed.packId,
      packVersion: placed.packVersion,
      itemId: placed.item.id,
      context: toProgressContext(this.input.context),
    };
  }

  private currentAnnouncement(): PlacedItem<Announcement> | null {
    const interrupting = this.selection.interrupting;
    if (interrupting?.kind !== 'announcement') return null;
    return this.announcementsClosed.has(itemKey(interrupting.packId, interrupting.item.id)) ? null : interrupting;
  }

  private publish(): void {
    if (this.input.signal.aborted) return;
    const announcement = this.currentAnnouncement();
    if (announcement) {
      const key = itemKey(announcement.packId, announcement.item.id);
      if (!this.announcementsSeen.has(key)) {
        this.announcementsSeen.add(key);
        // Recorded after this publish settles: `record` publishes again.
        queueMicrotask(() => this.record([{ type: 'seen', ...this.base(announcement) }]));
      }
    }
    this.view = this.buildView();
    this.panels = withoutTips(this.view);
    this.syncListening();
    for (const listener of this.listeners) listener();
  }

  /**
   * `publishTips` once the results that come in one go (a search's first pass settles every
   * target it finds at once) are all in: each publish shows its new dots, and each dot shown
   * measures its anchor, so one publish per found anchor cost a style and layout pass per dot.
   */
  private publishTipsSoon(): void {
    if (this.tipsPublishQueued) return;
    this.tipsPublishQueued = true;
    queueMicrotask(() => {
      this.tipsPublishQueued = false;
      this.guard(() => this.publishTips());
    });
  }

  /**
   * Only tips' anchors changed (found, or replaced by a re-render): the rest of the view, and so
   * `getPanels`, stays the same object. Lightning replaces anchors all the time.
   */
  private publishTips(): void {
    if (this.input.signal.aborted) return;
    // Listening follows the adoption anchors too, which the view does not show.
    this.syncListening();
    const tips = this.buildTips();
    // The results were in the view already (a search that ran inside the session's start).
    if (tips.length === this.view.tips.length && tips.every((tip, i) => tip === this.view.tips[i])) return;
    this.view = { ...this.view, tips };
    for (const listener of this.listeners) listener();
  }

  private buildTips(): TipView[] {
    const text = (value: LocalizedText, placed: PlacedItem<GuideItem>): string =>
      localize(value, this.input.user.locale, placed.defaultLocale);
    const tips: TipView[] = [];
    for (const [key, tip] of this.tips) {
      const { placed, anchor } = tip;
      if (!anchor) continue;
      if (tip.view?.anchor !== anchor) {
        const { item } = placed;
        tip.view = {
          key,
          anchor,
          title: text(item.title, placed),
          body: text(item.body, placed),
          wiifm: item.wiifm && { minutesSaved: item.wiifm.minutesSaved, reason: text(item.wiifm.reason, placed) },
        };
      }
      tips.push(tip.view);
    }
    return tips;
  }

  private buildView(): OverlayView {
    const text = (value: LocalizedText, placed: PlacedItem<GuideItem>): string =>
      localize(value, this.input.user.locale, placed.defaultLocale);
    const tips = this.buildTips();

    let tour: TourView | null = null;
    const current = this.tour;
    const step = current?.tour.steps[current.run.stepIndex];
    if (current && step && current.run.phase === 'showing') {
      const placed = { packId: current.run.packId, packVersion: current.run.packVersion, defaultLocale: this.packLocale(current.run.packId), item: current.tour };
      tour = {
        key: itemKey(current.run.packId, current.tour.id),
        anchor: step.anchor ? current.anchor : null,
        step: current.run.stepIndex + 1,
        total: current.tour.steps.length,
        title: text(step.title, placed),
        body: text(step.body, placed),
        placement: step.placement,
        waitsForPage: step.advanceOn.kind === 'navigate',
        canGoBack: canGoBack(current.run, current.tour),
        guide: { packId: current.run.packId, itemId: current.tour.id, stepId: step.id, stepIndex: current.run.stepIndex },
      };
    }

    const shown = this.currentAnnouncement();
    const announcement: AnnouncementView | null =
      shown && !tour
        ? {
            key: itemKey(shown.packId, shown.item.id),
            title: text(shown.item.title, shown),
            body: text(shown.item.body, shown),
            endorsement: shown.item.endorsement && {
              name: shown.item.endorsement.name,
              role: text(shown.item.endorsement.role, shown),
              message: text(shown.item.endorsement.message, shown),
            },
          }
        : null;

    const launcher: LauncherView = {
      minutesSavedThisWeek: minutesSavedThisWeek(this.input.progress.adopted(), this.input.ports.now(), this.input.user.locale),
      checklists: this.selection.checklists.map((view) => ({
        id: itemKey(view.packId, view.item.id),
        title: text(view.item.title, view),
        tasks: view.tasks.map(({ task, done }) => ({ id: task.id, title: text(task.title, view), done })),
      })),
      // Running tours are not offered: they resume by themselves where their next step lives.
      tours: this.selection.tours.map((offered) => ({
        id: offered.item.id,
        title: text(offered.item.title, offered),
        inProgress: false,
      })),
    };
    return { tips, tour, announcement, launcher };
  }

  private packLocale(packId: string): ContentPack['defaultLocale'] {
    return this.input.packs.find((pack) => pack.id === packId)?.defaultLocale ?? 'en';
  }

  /** Guidance must never throw into the CRM page: a bug here costs a tip, not the user's work. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      console.error('[Ombord] guidance error', error);
    }
  }

  private dispose(): void {
    this.typing?.settles.cancel();
    this.typing = null;
    for (const heard of this.heard) heard.stop.abort();
    this.heard = [];
    for (const tip of this.tips.values()) tip.controller.abort();
    this.tour?.controller.abort();
    this.listeners.clear();
  }
}

function withoutTips({ tour, announcement, launcher }: OverlayView): OverlayPanels {
  return { tour, announcement, launcher };
}
