// @vitest-environment happy-dom
// @vitest-environment-options {"url": "https://acme.lightning.force.com/"}
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { detectCrmContext } from '../crm';
import { anchorFinder, findAnchorsNow, locateAnchor, locateAnchors } from '../crm/locate';
import { ProgressEventLog } from '../progress/log';
import { CurrentSession, samePlainData, type OverlaySession } from './current-session';
import { ContentPackSchema } from './pack';
import { GuidanceSession, type OverlayPanels, type TourView } from './session';

const en = (text: string) => ({ en: text });
const pack = ContentPackSchema.parse({
  schemaVersion: 1,
  id: 'panels-pack',
  version: 1,
  name: en('Panels'),
  defaultLocale: 'en',
  items: [
    {
      id: 'account-tour',
      kind: 'tour',
      targeting: { crm: 'salesforce', where: { objects: ['Account'] } },
      title: en('Update an account'),
      steps: [{ id: 'only', title: en('Hello'), body: en('A centred step.'), advanceOn: { kind: 'next' } }],
    },
    {
      id: 'opportunity-tour',
      kind: 'tour',
      targeting: { crm: 'salesforce', where: { objects: ['Opportunity'] } },
      title: en('Close a deal'),
      steps: [{ id: 'only', title: en('Hello'), body: en('A centred step.'), advanceOn: { kind: 'next' } }],
    },
  ],
});

const ACCOUNT_PAGE = '/lightning/r/Account/0019000000B98deAAB/view';
const OTHER_ACCOUNT_PAGE = '/lightning/r/Account/0019000000B98dfAAB/view';
const OPPORTUNITY_PAGE = '/lightning/r/Opportunity/0065g00000Op2BbAAJ/view';

describe('CurrentSession', () => {
  let leave: AbortController;
  beforeEach(() => {
    leave = new AbortController();
  });
  afterEach(() => leave.abort());

  function open(path: string): GuidanceSession {
    const context = detectCrmContext(`https://acme.lightning.force.com${path}`);
    if (!context) throw new Error(path);
    const options = { document, crm: 'salesforce' as const };
    return new GuidanceSession({
      packs: [pack],
      context,
      user: { locale: 'en', roles: [], teams: [] },
      progress: new ProgressEventLog([], () => undefined),
      signal: leave.signal,
      ports: {
        locate: (target, waiting) => locateAnchor(target, { ...options, ...waiting }),
        locateAll: (targets, waiting, onResult) => locateAnchors(targets, { ...options, ...waiting }, onResult),
        finder: () => anchorFinder(options),
        locateInDocument: (targets) => findAnchorsNow(targets, { ...options, pierceShadowRoots: false }),
        events: document,
        now: () => new Date('2026-11-24T10:00:00Z'),
      },
    });
  }

  it('keeps the same panels, and tells its listeners, when the next page’s session shows the same', () => {
    const current = new CurrentSession();
    const heard = vi.fn();
    current.subscribe(heard);
    const first = open(ACCOUNT_PAGE);
    current.switchTo(first);
    const cards = current.getCards();
    const launcher = current.getLauncher();
    expect(launcher.tours.map((tour) => tour.title)).toEqual(['Update an account']);

    const second = open(OTHER_ACCOUNT_PAGE);
    expect(second.getPanels()).not.toBe(first.getPanels());
    current.switchTo(second);
    expect(heard).toHaveBeenCalledTimes(2);
    expect(current.getCards()).toBe(cards);
    expect(current.getLauncher()).toBe(launcher);
  });

  it('gives new panels when the next session’s differ, and when a session changes its own', () => {
    const current = new CurrentSession();
    current.switchTo(open(ACCOUNT_PAGE));
    const onAccount = current.getLauncher();
    const opportunity = open(OPPORTUNITY_PAGE);
    current.switchTo(opportunity);
    expect(current.getLauncher()).not.toBe(onAccount);
    expect(current.getLauncher().tours.map((tour) => tour.title)).toEqual(['Close a deal']);

    const heard = vi.fn();
    current.subscribe(heard);
    current.startTour('opportunity-tour');
    expect(heard).toHaveBeenCalled();
    expect(current.getCards().tour?.title).toBe('Hello');
    expect(current.getCards().tour).toBe(opportunity.getPanels().tour);
    expect(current.getLauncher()).toBe(opportunity.getPanels().launcher);
  });

  it('keeps the cards on the page when only the launcher differs, and the launcher when only the cards do', () => {
    const noop = () => undefined;
    const showing = (panels: OverlayPanels): OverlaySession => ({
      subscribe: () => noop,
      getPanels: () => panels,
      tipSnoozed: noop,
      tipDismissed: noop,
      announcementGotIt: noop,
      announcementLater: noop,
      startTour: noop,
      tourNext: noop,
      tourBack: noop,
      tourClose: noop,
    });
    // New objects each time, as each page's session builds them.
    const launcher = (tours: string[]) => ({ minutesSavedThisWeek: 3, checklists: [], tours: tours.map((id) => ({ id, title: id, inProgress: false })) });
    const tour = (step: number): TourView => ({
      key: 'p:t',
      anchor: null,
      step,
      total: 2,
      title: 'Hello',
      body: 'Hi',
      placement: undefined,
      waitsForPage: false,
      canGoBack: false,
      guide: { packId: 'p', itemId: 't', stepId: `s${step}`, stepIndex: step - 1 },
    });
    const current = new CurrentSession();
    current.switchTo(showing({ tour: tour(1), announcement: null, launcher: launcher(['a']) }));
    const cards = current.getCards();
    const first = current.getLauncher();

    current.switchTo(showing({ tour: tour(1), announcement: null, launcher: launcher(['b']) }));
    expect(current.getCards()).toBe(cards);
    expect(current.getLauncher()).not.toBe(first);
    const second = current.getLauncher();
    expect(second.tours.map((t) => t.id)).toEqual(['b']);

    current.switchTo(showing({ tour: tour(2), announcement: null, launcher: launcher(['b']) }));
    expect(current.getLauncher()).toBe(second);
    expect(current.getCards()).not.toBe(cards);
    expect(current.getCards().tour?.step).toBe(2);
  });

  it('hands the user’s choices to the session of the moment only, and stops hearing the one before', () => {
    const current = new CurrentSession();
    const calls: string[] = [];
    const listeners: Array<() => void> = [];
    const session = (name: string): OverlaySession => {
      const panels: OverlayPanels = { tour: null, announcement: null, launcher: { minutesSavedThisWeek: name.length, checklists: [], tours: [] } };
      const record = (what: string) => () => void calls.push(`${name}:${what}`);
      return {
        subscribe: (listener) => {
          listeners.push(listener);
          return () => listeners.splice(listeners.indexOf(listener), 1);
        },
        getPanels: () => panels,
        tipSnoozed: (key) => void calls.push(`${name}:snooze ${key}`),
        tipDismissed: (key) => void calls.push(`${name}:dismiss ${key}`),
        announcementGotIt: record('got it'),
        announcementLater: record('later'),
        startTour: (id) => void calls.push(`${name}:start ${id}`),
        tourNext: record('next'),
        tourBack: record('back'),
        tourClose: record('close'),
      };
    };
    current.switchTo(session('a'));
    current.tipSnoozed('t1');
    current.switchTo(session('bb'));
    expect(listeners).toHaveLength(1);
    current.tipDismissed('t2');
    current.startTour('x');
    current.tourNext();
    current.tourBack();
    current.tourClose();
    current.announcementGotIt();
    current.announcementLater();
    expect(current.getLauncher().minutesSavedThisWeek).toBe(2);
    current.switchTo(null);
    expect(listeners).toHaveLength(0);
    current.tourNext();
    expect(current.getLauncher()).toEqual({ minutesSavedThisWeek: 0, checklists: [], tours: [] });
    expect(calls).toEqual(['a:snooze t1', 'bb:dismiss t2', 'bb:start x', 'bb:next', 'bb:back', 'bb:close', 'bb:got it', 'bb:later']);
  });
});

describe('samePlainData', () => {
  it('compares arrays and plain objects by content, anything else by identity', () => {
    expect(samePlainData({ a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null })).toBe(true);
    expect(samePlainData({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(samePlainData({ a: undefined }, {})).toBe(false);
    expect(samePlainData({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(samePlainData([NaN], [NaN])).toBe(true);
    // A tour step moved to another anchor: two elements alike are still two anchors.
    const one = document.createElement('div');
    const other = document.createElement('div');
    expect(samePlainData({ anchor: one }, { anchor: one })).toBe(true);
    expect(samePlainData({ anchor: one }, { anchor: other })).toBe(false);
    expect(samePlainData([], {})).toBe(false);
  });
});
