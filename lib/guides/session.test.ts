// @vitest-environment happy-dom
// @vitest-environment-options {"url": "https://acme.lightning.force.com/"}
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from '../api/progress';
import { detectCrmContext } from '../crm';
import type { CrmContext } from '../crm/context';
import { anchorFinder, findAnchorsNow, locateAnchor, locateAnchors } from '../crm/locate';
import { ProgressEventLog } from '../progress/log';
import { ContentPackSchema, type ContentPack } from './pack';
import { GuidanceSession, type SessionPorts } from './session';

const ACCOUNT = '0019000000B98deAAB';
const OPPORTUNITY = '0065g00000Op2BbAAJ';

const en = (text: string) => ({ en: text });
const field = (object: string, name: string) => ({ strategies: [{ kind: 'salesforceField', object, field: name }] });

const pack: ContentPack = ContentPackSchema.parse({
  schemaVersion: 1,
  id: 'test-pack',
  version: 2,
  name: en('Test'),
  defaultLocale: 'en',
  items: [
    {
      id: 'phone-tip',
      kind: 'tip',
      targeting: { crm: 'salesforce', where: { pageTypes: ['record_view'], objects: ['Account'] } },
      wiifm: { minutesSaved: 2, reason: en('Click to call') },
      anchor: field('Account', 'Phone'),
      title: en('Call from here'),
      body: en('Click the number.'),
      adoption: { on: 'click' },
    },
    {
      id: 'missing-tip',
      kind: 'tip',
      targeting: { crm: 'salesforce', where: { pageTypes: ['record_view'], objects: ['Account'] } },
      anchor: field('Account', 'NoSuchField__c'),
      title: en('Never found'),
      body: en('Its anchor is not on the page.'),
    },
    {
      id: 'update-tour',
      kind: 'tour',
      targeting: { crm: 'salesforce', where: { objects: ['Account'] } },
      title: en('Update an account'),
      steps: [
        { id: 'click-edit', anchor: { strategies: [{ kind: 'css', selector: '#edit' }] }, title: en('Edit'), body: en('Click Edit.'), advanceOn: { kind: 'click' } },
        { id: 'type-phone', anchor: { strategies: [{ kind: 'css', selector: '#phone-input' }] }, title: en('Phone'), body: en('Type.'), advanceOn: { kind: 'input' } },
        { id: 'ghost', anchor: { strategies: [{ kind: 'css', selector: '#ghost' }] }, title: en('Ghost'), body: en('Never there.'), advanceOn: { kind: 'click' }, waitForAnchorMs: 50 },
        { id: 'to-opportunity', title: en('Go on'), body: en('Open an opportunity.'), advanceOn: { kind: 'navigate', to: { objects: ['Opportunity'] } } },
        { id: 'done', title: en('Done'), body: en('That was it.'), advanceOn: { kind: 'next' } },
      ],
    },
    {
      id: 'onboarding',
      kind: 'checklist',
      targeting: { crm: 'salesforce' },
      title: en('Get started'),
      tasks: [
        { id: 'visit-account', title: en('Open an account'), completedBy: { kind: 'visit', where: { objects: ['Account'] } } },
        { id: 'finish-tour', title: en('Finish the tour'), completedBy: { kind: 'tour', tourId: 'update-tour' } },
        { id: 'call', title: en('Call'), completedBy: { kind: 'action', on: 'click', anchor: field('Account', 'Phone') } },
      ],
    },
    {
      id: 'launch',
      kind: 'announcement',
      targeting: { crm: 'salesforce' },
      title: en('We use Salesforce now'),
      body: en('Everything in one place.'),
      endorsement: { name: 'Kari Nordmann', role: en('CEO'), message: en('I use it every day.') },
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2027-12-31T00:00:00Z',
    },
  ],
});

const accountPage = `
  <div class="windowViewMode-normal active">
    <button id="edit">Edit</button>
    <records-record-layout-item field-label="Phone">
      <div data-target-selection-name="sfdc:RecordField.Account.Phone"><a id="phone" href="tel:1">+47 1</a></div>
    </records-record-layout-item>
    <input id="phone-input" name="Phone">
  </div>`;

/** Two tips on Account fields, Phone and Fax, for where their anchors are found. */
const phoneAndFaxTips: ContentPack = ContentPackSchema.parse({
  schemaVersion: 1,
  id: 'two',
  version: 1,
  name: en('Two'),
  defaultLocale: 'en',
  items: ['Phone', 'Fax'].map((name) => ({
    id: name.toLowerCase(),
    kind: 'tip',
    targeting: { crm: 'salesforce', where: { pageTypes: ['record_view'], objects: ['Account'] } },
    anchor: field('Account', name),
    title: en(name.toLowerCase()),
    body: en(name.toLowerCase()),
  })),
});

function contextFor(path: string): CrmContext {
  const context = detectCrmContext(`https://acme.lightning.force.com${path}`);
  if (!context) throw new Error(`not a CRM page: ${path}`);
  return context;
}

describe('GuidanceSession', () => {
  let now: Date;
  let stored: ProgressEvent[];
  let log: ProgressEventLog;
  let leave: AbortController;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    now = new Date('2026-11-23T10:00:00Z');
    vi.setSystemTime(now);
    stored = [];
    log = new ProgressEventLog([], (events) => stored.push(...events));
    document.body.innerHTML = accountPage;
    leave = new AbortController();
  });
  afterEach(() => {
    leave.abort();
    vi.useRealTimers();
  });

  let navigating = false;
  function open(path = `/lightning/r/Account/${ACCOUNT}/view`, signal = leave.signal, packs: ContentPack[] = [pack], ports: Partial<SessionPorts> = {}): GuidanceSession {
    return new GuidanceSession({
      packs,
      context: contextFor(path),
      user: { locale: 'en', roles: [], teams: [] },
      progress: log,
      signal,
      ports: {
        locate: (target, options) => locateAnchor(target, { document, crm: 'salesforce', ...options }),
        locateAll: (targets, options, onResult) => locateAnchors(targets, { document, crm: 'salesforce', ...options }, onResult),
        finder: () => anchorFinder({ document, crm: 'salesforce' }),
        locateInDocument: (targets) => findAnchorsNow(targets, { document, crm: 'salesforce', pierceShadowRoots: false }),
        events: document,
        now: () => new Date(),
        navigating: () => navigating,
        ...ports,
      },
    });
  }
  const types = () => stored.map((event) => event.type);
  const settle = () => vi.advanceTimersByTimeAsync(0);

  it('shows a tip at its anchor and records a missing anchor once, with what was tried', async () => {
    const session = open();
    // In the first view already: the anchor is in the page's own tree.
    expect(session.getView().tips).toHaveLength(1);
    await settle();
    const [tip] = session.getView().tips;
    expect(tip?.anchor).toBe(document.querySelector('[data-target-selection-name="sfdc:RecordField.Account.Phone"]'));
    expect(tip?.wiifm).toEqual({ minutesSaved: 2, reason: 'Click to call' });
    await vi.advanceTimersByTimeAsync(9000);
    const missing = stored.filter((event) => event.type === 'anchor_missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ itemId: 'missing-tip', strategiesTried: ['salesforceField Account.NoSuchField__c (no_match)'] });
  });

  it('shows a tip whose anchor renders late as soon as it is there, while another still waits', async () => {
    const item = document.querySelector('records-record-layout-item[field-label="Phone"]') as Element;
    item.remove();
    const session = open();
    await settle();
    expect(session.getView().tips).toHaveLength(0);
    document.querySelector('.windowViewMode-normal')?.append(item);
    await vi.waitFor(async () => {
      await vi.advanceTimersByTimeAsync(100);
      expect(session.getView().tips.map((tip) => tip.title)).toEqual(['Call from here']);
    });
    expect(stored.filter((event) => event.type === 'anchor_missing')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(9000);
    expect(stored.filter((event) => event.type === 'anchor_missing').map((event) => event.itemId)).toEqual(['missing-tip']);
  });

  it('follows a tip to the element a re-render put in its anchor\'s place, leaving the rest of the view as it was', async () => {
    const session = open();
    await settle();
    const panels = session.getPanels();
    const field = document.querySelector('[data-target-selection-name="sfdc:RecordField.Account.Phone"]') as Element;
    const replacement = field.cloneNode(true) as Element;
    field.replaceWith(replacement);
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.getView().tips[0]?.anchor).toBe(replacement);
    expect(session.getPanels()).toBe(panels);
  });

  it('shows light-DOM anchors in the first view and looks into shadow roots in the next task', async () => {
    // The Phone field moves into a component's shadow root.
    const item = document.querySelector('records-record-layout-item[field-label="Phone"]') as Element;
    const host = document.createElement('records-lwc-detail-panel');
    item.replaceWith(host);
    host.attachShadow({ mode: 'open' }).append(item);
    const session = open();
    expect(session.getView().tips).toHaveLength(0);
    await settle();
    expect(session.getView().tips[0]?.anchor).toBe(host.shadowRoot?.querySelector('[data-target-selection-name="sfdc:RecordField.Account.Phone"]'));
    expect(stored.filter((event) => event.type === 'anchor_missing' && event.itemId === 'phone-tip')).toHaveLength(0);
  });

  it('shows the tips a shadow-root search finds together in one view', async () => {
    const host = document.createElement('records-lwc-detail-panel');
    document.querySelector('.windowViewMode-normal')?.append(host);
    host.attachShadow({ mode: 'open' }).innerHTML = ['Phone', 'Fax'].map((name) => `<div data-target-selection-name="sfdc:RecordField.Account.${name}"></div>`).join('');
    document.querySelector('records-record-layout-item[field-label="Phone"]')?.remove();
    const session = open(undefined, undefined, [phoneAndFaxTips]);
    const views: number[] = [];
    session.subscribe(() => views.push(session.getView().tips.length));
    await settle();
    // Each view shows its new dots, and each new dot measures its anchor: one view for both.
    expect(views).toEqual([2]);
  });

  it('shows the tips of the page’s tree and of its shadow roots in one view when the search runs at once', async () => {
    const host = document.createElement('records-lwc-detail-panel');
    document.querySelector('.windowViewMode-normal')?.append(host);
    host.attachShadow({ mode: 'open' }).innerHTML = '<div data-target-selection-name="sfdc:RecordField.Account.Fax"></div>';
    // A later page of the content script: it searches shadow roots at once, not after a paint.
    const session = open(undefined, undefined, [phoneAndFaxTips], { afterPaint: (search) => search() });
    // Both in the session's first view, the one the overlay shows when the session starts.
    expect(session.getView().tips.map((shown) => shown.title).sort()).toEqual(['fax', 'phone']);
    expect(session.getView().tips.find((shown) => shown.title === 'fax')?.anchor).toBe(host.shadowRoot?.firstElementChild);
    // The search's results, published once it settles, show nothing new: the overlay hears nothing.
    const heard = vi.fn();
    session.subscribe(heard);
    await Promise.resolve();
    await Promise.resolve();
    expect(heard).not.toHaveBeenCalled();
  });

  it('records a visit task, an adoption once per visit, and the minutes saved this week', async () => {
    const session = open();
    await settle();
    expect(stored.find((event) => event.type === 'checklist_item_done')).toMatchObject({ taskId: 'visit-account' });
    document.getElementById('phone')?.click();
    document.getElementById('phone')?.click();
    expect(stored.filter((event) => event.type === 'tip_adopted')).toHaveLength(1);
    expect(stored.filter((event) => event.type === 'checklist_item_done').map((event) => 'taskId' in event && event.taskId)).toEqual([
      'visit-account',
      'call',
    ]);
    expect(session.getView().launcher.minutesSavedThisWeek).toBe(2);
    const checklist = session.getView().launcher.checklists[0];
    expect(checklist?.tasks.map((task) => task.done)).toEqual([true, false, true]);
  });

  it('listens for the user’s actions where guidance can use them, and on the whole page only for what must be looked for', async () => {
    const tipsOnly = (adoptionSelector: string) =>
      ContentPackSchema.parse({
        ...pack,
        items: [
          ...pack.items.filter((item) => item.id === 'phone-tip'),
          {
            id: 'type-tip',
            kind: 'tip',
            targeting: { crm: 'salesforce', where: { pageTypes: ['record_view'], objects: ['Account'] } },
            anchor: { strategies: [{ kind: 'css', selector: '#edit' }] },
            title: en('Edit inline'),
            body: en('Type the number here.'),
            adoption: { on: 'input', anchor: { strategies: [{ kind: 'css', selector: adoptionSelector }] } },
          },
        ],
      });
    const onPage = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map(([type]) => type).filter((type) => type === 'click' || type === 'input');
    /** The kinds of action heard on the whole page now. */
    const heardOnPage = (add: { mock: { calls: unknown[][] } }, remove: { mock: { calls: unknown[][] } }) => {
      const now = onPage(add);
      for (const type of onPage(remove)) now.splice(now.indexOf(type), 1);
      return now;
    };
    const added = vi.spyOn(document, 'addEventListener');
    const removed = vi.spyOn(document, 'removeEventListener');
    /** A session of its own, after the last one's visit: a fresh log, nothing heard yet. */
    const session = (packs: ContentPack[]) => {
      leave.abort();
      leave = new AbortController();
      stored.length = 0;
      log = new ProgressEventLog([], (events) => stored.push(...events));
      added.mockClear();
      removed.mockClear();
      return open(undefined, leave.signal, packs);
    };

    // Each tip is adopted on an element that is found: nothing listens on the page (once the
    // adoption anchor, looked for after the first view, is found).
    session([tipsOnly('#phone-input')]);
    await settle();
    expect(heardOnPage(added, removed)).toEqual([]);
    document.getElementById('edit')?.click();
    expect(types()).not.toContain('tip_adopted');
    document.getElementById('phone')?.click();
    const input = document.getElementById('phone-input') as HTMLInputElement;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await vi.advanceTimersByTimeAsync(900);
    expect(stored.filter((event) => event.type === 'tip_adopted').map((event) => event.itemId)).toEqual(['phone-tip', 'type-tip']);

    // An adoption anchor not on the page is looked for in the path of every input, as before…
    // …and it is looked for once, not waited for: waiting would watch every change of the page.
    const observed = vi.spyOn(MutationObserver.prototype, 'observe');
    session([tipsOnly('#not-there')]);
    await settle();
    expect(observed).not.toHaveBeenCalled();
    expect(heardOnPage(added, removed)).toEqual(['input']);
    await vi.advanceTimersByTimeAsync(9000);
    expect(heardOnPage(added, removed)).toEqual(['input']);

    // A checklist task done by a click on an anchor looks at every click until it is done.
    session([pack]);
    await settle();
    expect(heardOnPage(added, removed)).toEqual(['click']);
    document.getElementById('phone')?.click();
    expect(stored.filter((event) => event.type === 'checklist_item_done').map((event) => 'taskId' in event && event.taskId)).toContain('call');
    expect(heardOnPage(added, removed)).toEqual([]);
  });

  it('finds a tip’s anchor again after the CRM re-rendered it', async () => {
    const session = open();
    await settle();
    const before = session.getView().tips[0]?.anchor;
    const item = document.querySelector('records-record-layout-item[field-label="Phone"]');
    item?.replaceChildren(item.firstElementChild?.cloneNode(true) ?? '');
    expect(before?.isConnected).toBe(false);
    await vi.advanceTimersByTimeAsync(1100);
    const after = session.getView().tips[0]?.anchor;
    expect(after).not.toBe(before);
    expect(after?.isConnected).toBe(true);
    expect(stored.filter((event) => event.type === 'anchor_missing' && event.itemId === 'phone-tip')).toHaveLength(0);
  });

  it('looks for a re-rendered anchor only once the user has stopped navigating', async () => {
    const session = open();
    await settle();
    const before = session.getView().tips[0]?.anchor;
    const item = document.querySelector('records-record-layout-item[field-label="Phone"]');
    item?.replaceChildren(item.firstElementChild?.cloneNode(true) ?? '');
    navigating = true;
    try {
      await vi.advanceTimersByTimeAsync(3100);
      expect(session.getView().tips[0]?.anchor).toBe(before);
    } finally {
      navigating = false;
    }
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.getView().tips[0]?.anchor).not.toBe(before);
    expect(session.getView().tips[0]?.anchor?.isConnected).toBe(true);
  });

  it('keeps a tip’s view while its anchor stays, so the overlay renders only what changed', async () => {
    const session = open();
    await settle();
    const before = session.getView();
    document.getElementById('phone')?.click();
    const after = session.getView();
    expect(after).not.toBe(before);
    expect(after.launcher.minutesSavedThisWeek).toBe(2);
    expect(after.tips[0]).toBe(before.tips[0]);
    const item = document.querySelector('records-record-layout-item[field-label="Phone"]');
    item?.replaceChildren(item.firstElementChild?.cloneNode(true) ?? '');
    await vi.advanceTimersByTimeAsync(1100);
    expect(session.getView().tips[0]).not.toBe(before.tips[0]);
    expect(session.getView().tips[0]).toMatchObject({ key: before.tips[0]?.key, title: 'Call from here' });
  });

  it('a tip opened up to its frequency cap stays for the rest of the visit', async () => {
    const capped = ContentPackSchema.parse({
      ...pack,
      items: pack.items.map((item) => (item.id === 'phone-tip' ? { ...item, targeting: { ...item.targeting, frequency: { maxShows: 1 } } } : item)),
    });
    const session = open(undefined, undefined, [capped]);
    await settle();
    const key = session.getView().tips[0]?.key ?? '';
    session.tipOpened(key);
    expect(types()).toContain('seen');
    expect(session.getView().tips.map((tip) => tip.key)).toContain(key);
  });

  it('dismiss and snooze take a tip away; the announcement is shown once and put away', async () => {
    const session = open();
    await settle();
    expect(session.getView().announcement).toMatchObject({ title: 'We use Salesforce now', endorsement: { name: 'Kari Nordmann', role: 'CEO' } });
    expect(types().filter((type) => type === 'seen')).toHaveLength(1);
    session.announcementGotIt();
    expect(session.getView().announcement).toBeNull();
    const key = session.getView().tips[0]?.key ?? '';
    session.tipSnoozed(key);
    expect(session.getView().tips).toHaveLength(0);
    expect(stored.at(-1)).toMatchObject({ type: 'snoozed', until: '2026-11-24T10:00:00.000Z' });
  });

  it('runs a tour on the user’s click and input, skips a missing step, waits for navigation and resumes after a reload', async () => {
    const session = open();
    await settle();
    session.startTour('update-tour');
    await settle();
    expect(session.getView().tour).toMatchObject({ step: 1, total: 5, title: 'Edit' });
    expect(session.getView().announcement).toBeNull();
    document.getElementById('edit')?.click();
    await settle();
    expect(session.getView().tour).toMatchObject({ step: 2, title: 'Phone' });
    const input = document.getElementById('phone-input') as HTMLInputElement;
    input.value = '+47 22';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(100);
    expect(types()).toContain('step_skipped');
    expect(stored.find((event) => event.type === 'anchor_missing' && event.itemId === 'update-tour')).toMatchObject({ stepId: 'ghost' });
    expect(session.getView().tour).toMatchObject({ step: 4, title: 'Go on' });

    // The user leaves for an opportunity; the page is then reloaded: a new log from what was stored.
    leave.abort();
    leave = new AbortController();
    log = new ProgressEventLog([...stored], (events) => stored.push(...events));
    const next = open(`/lightning/r/Opportunity/${OPPORTUNITY}/view`);
    await settle();
    expect(next.getView().tour).toMatchObject({ step: 5, title: 'Done' });
    next.tourNext();
    expect(next.getView().tour).toBeNull();
    expect(types()).toContain('tour_completed');
    expect(stored.filter((event) => event.type === 'checklist_item_done').map((event) => 'taskId' in event && event.taskId)).toContain(
      'finish-tour',
    );
  });

  it('counts typing as one input once it settles, listening on the step anchor only', async () => {
    const heardOnPage = vi.spyOn(document, 'addEventListener');
    const session = open();
    await settle();
    session.startTour('update-tour');
    await settle();
    document.getElementById('edit')?.click();
    await settle();
    expect(session.getView().tour).toMatchObject({ title: 'Phone' });
    // The step is typed into at its anchor: no keystroke elsewhere in the page needs hearing.
    expect(heardOnPage.mock.calls.filter(([type]) => type === 'input')).toEqual([]);
    const input = document.getElementById('phone-input') as HTMLInputElement;
    const type = (field: HTMLInputElement) => field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    // Still typing: a keystroke every half second keeps the step open.
    for (let i = 0; i < 4; i++) {
      type(input);
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(session.getView().tour).toMatchObject({ title: 'Phone' });
    // Typing in another field is not this step's: the typing in Phone counts once it pauses.
    const other = document.createElement('input');
    document.querySelector('.windowViewMode-normal')?.append(other);
    type(other);
    await vi.advanceTimersByTimeAsync(200);
    expect(session.getView().tour).toMatchObject({ title: 'Phone' });
    // 800 ms after the last keystroke in Phone; the next step's anchor is missing: skipped after its 50 ms wait.
    await vi.advanceTimersByTimeAsync(200);
    expect(session.getView().tour).toMatchObject({ title: 'Go on' });
  });

  it('closing a tour records why; nothing is recorded after the user left', async () => {
    const session = open();
    await settle();
    session.startTour('update-tour');
    await settle();
    session.tourClose();
    expect(stored.at(-1)).toMatchObject({ type: 'tour_ended', reason: 'closed', atStepId: 'click-edit' });
    const count = stored.length;
    leave.abort();
    document.getElementById('phone')?.click();
    expect(stored).toHaveLength(count);
  });
});
