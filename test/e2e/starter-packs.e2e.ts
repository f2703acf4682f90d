/**
 * The starter packs (`content/packs/*.json`) against the fixture CRMs: every anchor they name
 * (tips, their adoption anchors, tour steps, checklist action tasks) is found by the content
 * script on the fixture page its targeting or tour step names, and every API-name anchor
 * (`salesforceField`, `salesforceButton`, `selectionName`, `dynamicsField`, `dataId`) by that first
 * strategy: the later strategies are there for real orgs, not for the fixture. Checklist visit
 * tasks are checked too: their page must exist in the fixture.
 *
 * One tab per CRM, moved between pages with the apps' own single-page navigation (pushState +
 * popstate), so each page's content script and cache are reused: fast on two cores.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CrmContext, CrmPageType } from '../../lib/crm/context';
import { describeStrategy, type AnchorStrategy, type AnchorTarget, type LocateReport } from '../../lib/crm/locate';
import { compileUrlPattern, matchesContext, matchesUrlPattern } from '../../lib/guides/context-match';
import type { ContentPack, ContextMatch, Tour } from '../../lib/guides/pack';
import { tourStepApplies } from '../../lib/guides/tour';
import { validatePack } from '../../lib/guides/validate';
import { ACTIVE_PAGE, DYNAMICS_IDS, dynamics, lightning, salesforceId18, SF_IDS } from './fixture-data';
import {
  backgroundContextOf,
  isTabMessageError,
  launchBrowser,
  openTab,
  sendToTab,
  waitForContentScript,
  type ExtensionBrowser,
} from './harness';

type Crm = 'salesforce' | 'dynamics';

const PACKS_DIR = new URL('../../content/packs/', import.meta.url);

/** Each starter pack, validated as the extension validates it. */
function loadStarterPacks(): Array<{ file: string; pack: ContentPack }> {
  return readdirSync(PACKS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const result = validatePack(JSON.parse(readFileSync(new URL(file, PACKS_DIR), 'utf8')), `content/packs/${file}`);
      if (!result.ok) {
        throw new Error(`content/packs/${file} is invalid:\n${result.errors.map((error) => `${error.path}: ${error.message}`).join('\n')}`);
      }
      return { file, pack: result.pack };
    });
}

// ---- The fixture pages ----------------------------------------------------------------------

/** One record per object/table in the fixtures (ids from their `data.js`). */
const SALESFORCE_RECORDS: Record<string, string> = {
  Account: SF_IDS.acme,
  Opportunity: SF_IDS.acmeWidgets,
  Contact: salesforceId18('0035g00000Ct1Aa'),
  Lead: salesforceId18('00Q5g00000Ld1Aa'),
  Case: salesforceId18('5005g00000Cs1Aa'),
};
/** The list views of each Lightning fixture object, the default first. */
const SALESFORCE_LIST_VIEWS: Record<string, string[]> = {
  Account: ['__Recent', 'AllAccounts', 'MyAccounts'],
  Opportunity: ['__Recent', 'AllOpportunities'],
  Contact: ['__Recent', 'AllContacts', 'MyContacts'],
  Lead: ['__Recent', 'AllOpenLeads', 'MyUnreadLeads'],
  Case: ['__Recent', 'AllOpenCases', 'MyCases'],
};
const DYNAMICS_RECORDS: Record<string, string> = {
  account: DYNAMICS_IDS.contoso,
  contact: 'a15fc1e3-5d1f-ef11-9f89-000d3a5c2b13',
  opportunity: 'c371e305-5d1f-ef11-9f89-000d3a5c2b15',
  lead: 'e5930527-5d1f-ef11-9f89-000d3a5c2b17',
};
/** Where an item that names no page type or object is checked. */
const DEFAULT_PAGE: Record<Crm, { pageType: CrmPageType; object: string }> = {
  salesforce: { pageType: 'home', object: 'Account' },
  dynamics: { pageType: 'dashboard', object: 'account' },
};

function recordOf(records: Record<string, string>, object: string): string {
  const id = records[object];
  if (id === undefined) throw new Error(`the fixture has no ${object} record`);
  return id;
}

/** Fixture URLs of one page type for one object, in order of preference. */
function salesforceUrls(pageType: CrmPageType, object: string): string[] {
  switch (pageType) {
    case 'record_view':
      return [lightning.record(object, recordOf(SALESFORCE_RECORDS, object))];
    case 'record_edit':
      return [lightning.record(object, recordOf(SALESFORCE_RECORDS, object), 'edit')];
    case 'record_new':
      return [lightning.newRecord(object)];
    case 'list_view':
      return (SALESFORCE_LIST_VIEWS[object] ?? []).map((view) => lightning.list(object, view));
    case 'object_home':
      return [lightning.objectHome(object)];
    case 'home':
      return [lightning.home];
    default:
      throw new Error(`the Lightning fixture has no ${pageType} page`);
  }
}

function dynamicsUrls(pageType: CrmPageType, table: string): string[] {
  switch (pageType) {
    case 'record_view':
      return [dynamics({ pagetype: 'entityrecord', etn: table, id: recordOf(DYNAMICS_RECORDS, table) })];
    case 'record_new':
      return [dynamics({ pagetype: 'entityrecord', etn: table })];
    case 'list_view':
      return [dynamics({ pagetype: 'entitylist', etn: table })];
    case 'dashboard':
      return [dynamics({ pagetype: 'dashboard', id: DYNAMICS_IDS.salesDashboard, type: 'system' })];
    default:
      throw new Error(`the Dynamics fixture has no ${pageType} page`);
  }
}

/**
 * One fixture URL per page type × object a ContextMatch names (the first that satisfies its
 * `urlPattern`, if any). Every combination is checked: a tip must find its anchor everywhere it
 * may show, not only on its first page.
 */
function pagesFor(crm: Crm, where: ContextMatch | undefined): string[] {
  const pageTypes = where?.pageTypes ?? [DEFAULT_PAGE[crm].pageType];
  const objects = where?.objects ?? [DEFAULT_PAGE[crm].object];
  const pattern = where?.urlPattern === undefined ? null : compileUrlPattern(where.urlPattern);
  if (pattern && !pattern.ok) throw new Error(`invalid urlPattern ${where?.urlPattern}: ${pattern.error}`);
  const urls = new Set<string>();
  for (const pageType of pageTypes) {
    const objectless = pageType === 'home' || pageType === 'dashboard';
    for (const object of objectless ? [DEFAULT_PAGE[crm].object] : objects) {
      const candidates = crm === 'salesforce' ? salesforceUrls(pageType, object) : dynamicsUrls(pageType, object.toLowerCase());
      const url = candidates.find((candidate) => !pattern?.ok || matchesUrlPattern(pattern.pattern, new URL(candidate)));
      if (url === undefined) throw new Error(`no fixture ${pageType} page for ${object} matches ${where?.urlPattern}`);
      urls.add(url);
    }
  }
  return [...urls];
}

// ---- What to check ----------------------------------------------------------------------------

/** A state the page must be put in before an anchor is there. */
type State = 'chatter-tab' | 'log-a-call';

/**
 * Anchors that need more than a page: the Chatter publisher is on the record page's Chatter tab;
 * the Log a Call tour's fields are in the quick action's form (no URL of its own). Keyed by
 * `<pack>/<item>` or `<pack>/<item>/<step>`.
 */
const STATES: Record<string, State> = {
  'salesforce-lightning-starter/chatter-mention': 'chatter-tab',
  'salesforce-lightning-starter/log-a-call-tour/subject': 'log-a-call',
  'salesforce-lightning-starter/log-a-call-tour/comments': 'log-a-call',
  'salesforce-lightning-starter/log-a-call-tour/save-call': 'log-a-call',
};

interface Check {
  /** `pack › item › part`, as failures name it. */
  label: string;
  url: string;
  state: State | null;
  /** Null for a visit task: only the page is checked. */
  target: AnchorTarget | null;
  /** Whether the fixture page is one where the anchor's item shows (targeting or tour step). */
  applies: (context: CrmContext) => boolean;
}

const API_NAME_KINDS: ReadonlySet<AnchorStrategy['kind']> = new Set(['salesforceField', 'salesforceButton', 'selectionName', 'dynamicsField', 'dataId']);

/** The page a tour step lives on: the `to` of the nearest navigate step before it, else the tour's `where`. */
function stepPage(tour: Tour, index: number): ContextMatch | undefined {
  for (let i = index - 1; i >= 0; i -= 1) {
    const advanceOn = tour.steps[i]?.advanceOn;
    if (advanceOn?.kind === 'navigate') return advanceOn.to;
  }
  return tour.targeting.where;
}

function checksOf(pack: ContentPack): { crm: Crm; checks: Check[] } {
  const crms = new Set(pack.items.map((item) => item.targeting.crm));
  const [crm] = crms;
  if (crms.size !== 1 || crm === undefined) throw new Error(`${pack.id}: every item should name the same crm, found ${[...crms].join(', ')}`);
  const checks: Check[] = [];
  const add = (label: string[], stateKey: string, where: ContextMatch | undefined, target: AnchorTarget | null, applies?: Check['applies']) => {
    for (const url of pagesFor(crm, where)) {
      checks.push({
        label: [pack.id, ...label].join(' › '),
        url,
        state: STATES[stateKey] ?? null,
        target,
        applies: applies ?? ((context) => where === undefined || matchesContext(where, context)),
      });
    }
  };
  for (const item of pack.items) {
    const key = `${pack.id}/${item.id}`;
    switch (item.kind) {
      case 'tip':
        add([item.id, 'anchor'], key, item.targeting.where, item.anchor);
        if (item.adoption?.anchor) add([item.id, 'adoption anchor'], key, item.targeting.where, item.adoption.anchor);
        break;
      case 'tour':
        item.steps.forEach((step, index) => {
          if (!step.anchor) return;
          add([item.id, `step ${step.id}`], `${key}/${step.id}`, stepPage(item, index), step.anchor, (context) =>
            tourStepApplies(item, index, context),
          );
        });
        break;
      case 'checklist':
        for (const task of item.tasks) {
          const { completedBy } = task;
          if (completedBy.kind === 'action') add([item.id, `task ${task.id}`], `${key}/${task.id}`, completedBy.where, completedBy.anchor);
          if (completedBy.kind === 'visit') add([item.id, `task ${task.id} (visit)`], `${key}/${task.id}`, completedBy.where, null);
        }
        break;
      case 'announcement':
        break;
    }
  }
  return { crm, checks };
}

// ---- Running the checks in one tab ------------------------------------------------------------

let ext: ExtensionBrowser;
const tabs = new Map<Crm, { page: Page; tabId: number }>();
const packs = loadStarterPacks();

beforeAll(async () => {
  ext = await launchBrowser({ fixturePort: inject('fixturePort') });
  for (const [crm, url] of [['salesforce', lightning.home], ['dynamics', dynamics({ pagetype: 'dashboard', id: DYNAMICS_IDS.salesDashboard, type: 'system' })]] as const) {
    const tab = await openTab(ext, url);
    await waitForContentScript(ext, tab.tabId);
    tabs.set(crm, tab);
  }
});

afterAll(async () => {
  await ext?.close();
});

function tabOf(crm: Crm): { page: Page; tabId: number } {
  const tab = tabs.get(crm);
  if (!tab) throw new Error(`no ${crm} tab`);
  return tab;
}

/** Single-page navigation, as the apps' own links do it: pushState, then the popstate their routers render on. */
async function navigate(page: Page, url: string): Promise<void> {
  if (page.url() === url) return;
  await page.evaluate((href) => {
    history.pushState(null, '', href);
    dispatchEvent(new PopStateEvent('popstate', { state: null }));
  }, url);
}

/** The background's context for the tab once the content script has reported `url`. */
async function contextAt(tabId: number, url: string): Promise<CrmContext> {
  const deadline = Date.now() + 5000;
  let context: CrmContext | null = null;
  while (Date.now() < deadline) {
    context = await backgroundContextOf(ext, tabId);
    if (context?.url === url) return context;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the background's context never reached ${url} (last: ${context?.url ?? 'none'})`);
}

/** Clicks with the DOM's `click()`: setting up a state is not what is tested, and an overlay may sit over the element. */
async function clickElement(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().evaluate((element) => (element as HTMLElement).click());
}

const MODAL = 'div.uiModal section[role="dialog"][aria-modal="true"]';

async function enterState(page: Page, state: State): Promise<void> {
  switch (state) {
    case 'chatter-tab':
      await clickElement(page, `${ACTIVE_PAGE} a[role="tab"][data-tab-value="chatterTab"]`);
      break;
    case 'log-a-call':
      await page.locator(`${ACTIVE_PAGE} li[data-target-selection-name="sfdc:QuickAction.Global.LogACall"] button`).waitFor();
      await clickElement(page, `${ACTIVE_PAGE} li[data-target-selection-name="sfdc:QuickAction.Global.LogACall"] button`);
      await page.locator(MODAL).waitFor();
      break;
  }
}

async function leaveState(page: Page, state: State): Promise<void> {
  switch (state) {
    case 'chatter-tab':
      await clickElement(page, `${ACTIVE_PAGE} a[role="tab"][data-tab-value="detailTab"]`);
      break;
    case 'log-a-call':
      await clickElement(page, `${MODAL} button[name="CancelEdit"]`);
      await page.locator(MODAL).waitFor({ state: 'detached' });
      break;
  }
}

async function locate(tabId: number, target: AnchorTarget): Promise<LocateReport> {
  // Generous for late renders (Lightning's Opportunity layout, Dynamics forms); only a miss waits it out.
  const answer = await sendToTab(ext, tabId, { type: 'anchor:locate', data: { target, timeoutMs: 5000 } });
  if (isTabMessageError(answer)) throw new Error(`anchor:locate got no answer: ${answer.error}`);
  return answer;
}

interface Outcome {
  located: number;
  /** Anchors not found, or found on a page where their item does not show. */
  failures: string[];
  /** API-name anchors found only by a later strategy. */
  fellBack: string[];
}

async function runChecks(crm: Crm, checks: readonly Check[]): Promise<Outcome> {
  const { page, tabId } = tabOf(crm);
  await page.bringToFront();
  const outcome: Outcome = { located: 0, failures: [], fellBack: [] };
  // One visit per URL, the plain page first, then each state.
  const byUrl = new Map<string, Check[]>();
  for (const check of checks) byUrl.set(check.url, [...(byUrl.get(check.url) ?? []), check]);
  for (const [url, atUrl] of byUrl) {
    await navigate(page, url);
    const context = await contextAt(tabId, url);
    const states = [null, ...new Set(atUrl.map((check) => check.state).filter((state) => state !== null))];
    for (const state of states) {
      if (state) await enterState(page, state);
      try {
        for (const check of atUrl.filter((candidate) => candidate.state === state)) {
          const where = `${url}${state ? ` (${state})` : ''}`;
          if (!check.applies(context)) {
            outcome.failures.push(`${check.label}: does not show on ${where} (${context.pageType} ${context.object ?? ''})`);
            continue;
          }
          if (!check.target) continue;
          const report = await locate(tabId, check.target);
          if (!report.ok) {
            const tried = report.tried.map((attempt) => `${describeStrategy(attempt.strategy)}: ${attempt.outcome}`).join('; ');
            outcome.failures.push(`${check.label}: not found on ${where} (${report.reason}); tried ${tried}`);
            continue;
          }
          outcome.located += 1;
          const [first] = check.target.strategies;
          if (first && API_NAME_KINDS.has(first.kind) && report.strategyIndex !== 0) {
            outcome.fellBack.push(`${check.label}: ${describeStrategy(first)} missed on ${where}; found by ${describeStrategy(report.strategy)}`);
          }
        }
      } finally {
        if (state) await leaveState(page, state);
      }
    }
  }
  return outcome;
}

// ---- The tests --------------------------------------------------------------------------------

describe('the starter packs', () => {
  it('are one Salesforce and one Dynamics pack, each with tips, two tours, a checklist and an announcement', () => {
    const shape = packs.map(({ pack }) => ({
      crm: checksOf(pack).crm,
      tips: pack.items.filter((item) => item.kind === 'tip').length >= 11,
      tours: pack.items.filter((item) => item.kind === 'tour').length,
      checklists: pack.items.filter((item) => item.kind === 'checklist').length,
      announcements: pack.items.filter((item) => item.kind === 'announcement').length,
    }));
    expect(shape.map((entry) => entry.crm).sort()).toEqual(['dynamics', 'salesforce']);
    for (const entry of shape) expect(entry).toMatchObject({ tips: true, tours: 2, checklists: 1, announcements: 1 });
  });

  for (const crm of ['salesforce', 'dynamics'] as const) {
    it(`anchor where they say on the ${crm === 'salesforce' ? 'Lightning' : 'Dynamics 365'} fixture, by their first strategy`, async () => {
      const checks = packs.map(({ pack }) => checksOf(pack)).filter((entry) => entry.crm === crm).flatMap((entry) => entry.checks);
      expect(checks.length).toBeGreaterThan(0);
      const { located, failures, fellBack } = await runChecks(crm, checks);
      const message = [
        `Anchors not found, or checked on a page where their item does not show:\n${failures.join('\n') || '(none)'}`,
        `API-name anchors found only by a fallback strategy:\n${fellBack.join('\n') || '(none)'}`,
      ].join('\n\n');
      expect({ failures, fellBack }, message).toEqual({ failures: [], fellBack: [] });
      expect(located).toBe(checks.filter((check) => check.target !== null).length);
    });
  }
});
