/**
 * Guidance benchmarks on the Lightning fixture in Chromium: (a) time from navigation start to the
 * first tip on screen, the built extension against driver.js showing the same tip on the same
 * anchor from the page itself; (b) the main-thread time the extension adds to a scripted
 * interaction with heavy DOM churn, measured with the DevTools protocol.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import type { driver as DriverFactory } from 'driver.js';
import { detectCrmContext } from '../lib/crm';
import { loadPacks } from '../lib/guides/load';
import { localize } from '../lib/guides/localize';
import { selectGuidance } from '../lib/guides/select';
import { deriveProgressState } from '../lib/progress/state';
import { lightning, SF_IDS } from '../test/e2e/fixture-data';
import { startFixtureServer } from '../test/e2e/fixture-server';
import { CHROMIUM_PATH, EXTENSION_DIR, hostResolverRules } from '../test/e2e/harness';
import type { BenchSection } from './run';

const FLAGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PACKS_DIR = fileURLToPath(new URL('../content/packs/', import.meta.url));
const DRIVER_DIR = fileURLToPath(new URL('../node_modules/driver.js/dist/', import.meta.url));

const ACCOUNT_URL = lightning.record('Account', SF_IDS.acme);
const OPPORTUNITY_URL = lightning.record('Opportunity', SF_IDS.acmeWidgets);
/** Every page is a fresh tab; the first load in each browser is discarded. */
const LOADS = 9;
const TTFT_TARGET = 1.5;

/**
 * A browser keeps a speed of its own, within a few per cent, for as long as it runs: the median of
 * many pairs from one pair of browsers still carries their difference (no extension in either,
 * 8–12 pairs from each of four pairs of browsers: 0.987, 1.005, 1.011, 1.016). So the runs are
 * spread over blocks, each with a fresh pair of browsers, the one launched first alternating.
 */
const CHURN_BLOCKS = 4;
/** Runs per browser and block, one after the other (in pairs). */
const CHURN_RUNS_PER_BLOCK = 2;
const CHURN_RUNS = CHURN_BLOCKS * CHURN_RUNS_PER_BLOCK;
const CHURN_ROUNDS = 200;
/** Every this many rounds the script pauses long enough for a navigation to settle (odd: settles alternate pages). */
const CHURN_SETTLE_EVERY = 49;
const CHURN_SETTLE_MS = 300;
const CHURN_TARGET = 1.03;
/**
 * Pairs in which both browsers churn at the same time: each pair's two runs share the machine's
 * moments (its other load, its CPU steal), which move runs taken one after the other by ±10%.
 */
const CHURN_CONCURRENT_PER_BLOCK = 4;
const CHURN_CONCURRENT_PAIRS = CHURN_BLOCKS * CHURN_CONCURRENT_PER_BLOCK;
/** One extra run with the extension under the sampling profiler. */
const CHURN_PROFILED_ROUNDS = 60;
/**
 * The fields the fixture renders in the light DOM (Account Information; the whole Opportunity
 * layout): driver.js cannot reach into shadow roots.
 */
const LIGHT_DOM_FIELDS: Record<string, ReadonlySet<string>> = {
  Account: new Set(['Name', 'OwnerId', 'Phone', 'AccountNumber', 'Type', 'Rating']),
  Opportunity: new Set(['Name', 'OwnerId', 'AccountId', 'CloseDate', 'StageName', 'Amount', 'Probability', 'NextStep']),
};
const ACTIVE_PAGE = 'div.windowViewMode-normal.active';

// ---- the browsers --------------------------------------------------------------------------

export interface BenchBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Both browsers start the same way (persistent profile, same flags, extensions not disabled);
 * only one of them loads an extension: the build in `extensionDir` (the one `npx wxt build` made,
 * unless bench/ab.ts names another).
 */
export async function launch(port: number, extensionDir: string | null): Promise<BenchBrowser> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'ombord-bench-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: false,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      ...FLAGS,
      ...(extensionDir === null ? [] : [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`]),
      '--ignore-certificate-errors',
      `--host-resolver-rules=${hostResolverRules(port)}`,
    ],
  });
  const close = async (): Promise<void> => {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  };
  if (extensionDir !== null) {
    const isExtensionWorker = (worker: Worker): boolean => worker.url().startsWith('chrome-extension://');
    try {
      if (!context.serviceWorkers().some(isExtensionWorker)) {
        await context.waitForEvent('serviceworker', { predicate: isExtensionWorker, timeout: 15_000 });
      }
    } catch (error) {
      await close();
      throw new Error(`The extension's service worker did not start from ${extensionDir} (run npx wxt build)`, { cause: error });
    }
  }
  return { context, close };
}

/** A new tab in the foreground (background tabs get no animation frames). */
async function freshTab(browser: BenchBrowser): Promise<Page> {
  const page = await browser.context.newPage();
  await page.bringToFront();
  return page;
}

/**
 * Source that runs `fn(arg)` in the page. tsx compiles with keepNames, so serialised functions
 * call esbuild's `__name`; it is defined locally rather than on the page's `window`.
 */
function inPage<A>(fn: (arg: A) => unknown, arg: A): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
}

async function evaluateInPage<A, R>(page: Page, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  return (await page.evaluate(inPage(fn, arg))) as R;
}

// ---- the tip both tools show -----------------------------------------------------------------

export interface ChosenTip {
  packId: string;
  itemId: string;
  title: string;
  body: string;
  /** The anchor's `data-target-selection-name`. */
  selectionName: string;
  /** How many tips the pack shows on the page in all. */
  tipsOnPage: number;
}

/** The starter packs' first tip on a record page anchored on a layout field in the light DOM (which driver.js can reach too). */
async function chooseTip(url: string, object: string): Promise<ChosenTip> {
  let names: string[] = [];
  try {
    names = (await readdir(PACKS_DIR)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    // No packs directory: reported below.
  }
  const files = await Promise.all(
    names.map(async (name) => ({ source: `content/packs/${name}`, json: JSON.parse(await readFile(path.join(PACKS_DIR, name), 'utf8')) as unknown })),
  );
  const { packs } = loadPacks(files);
  const context = detectCrmContext(url);
  if (!context) throw new Error(`No CRM context for ${url}`);
  const now = new Date();
  const { tips } = selectGuidance({
    packs,
    context,
    progress: deriveProgressState([], now),
    user: { locale: 'en', roles: [], teams: [] },
    now,
  });
  for (const placed of tips) {
    const [strategy] = placed.item.anchor.strategies;
    if (strategy?.kind !== 'salesforceField' || (strategy.object ?? object) !== object) continue;
    if (!LIGHT_DOM_FIELDS[object]?.has(strategy.field)) continue;
    return {
      packId: placed.packId,
      itemId: placed.item.id,
      title: localize(placed.item.title, 'en', placed.defaultLocale),
      body: localize(placed.item.body, 'en', placed.defaultLocale),
      selectionName: `sfdc:RecordField.${object}.${strategy.field}`,
      tipsOnPage: tips.length,
    };
  }
  throw new Error(
    `No starter-pack tip (content/packs/*.json: ${names.length} files, ${packs.length} valid packs) targets a light-DOM field of the ${object} record page`,
  );
}

// ---- (a) time to first tooltip ---------------------------------------------------------------

interface WatchConfig {
  kind: 'ombord' | 'driver';
  title: string;
  anchorSelector: string;
}

interface FirstGuidance {
  /** performance.now() (ms since navigation start) at the first animation frame where each was seen. */
  anchorAt: number | null;
  overlayHostAt: number | null;
  visibleAt: number | null;
  /** Ombord: when the launcher, drawn by React once it is loaded after the first view, exists. */
  launcherAt: number | null;
  domContentLoaded: number;
  load: number;
}

interface BenchWindow {
  ombordBench?: FirstGuidance;
}

/** Runs in the page from its first script on: polls every animation frame for the tip. */
function watchFirstGuidance(config: WatchConfig): void {
  const record: FirstGuidance = { anchorAt: null, overlayHostAt: null, visibleAt: null, launcherAt: null, domContentLoaded: NaN, load: NaN };
  (window as unknown as BenchWindow).ombordBench = record;
  const visible = (el: Element): boolean => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && el.checkVisibility({ visibilityProperty: true });
  };
  const find = (): Element | null => {
    if (config.kind === 'driver') return document.querySelector('.driver-popover');
    const host = document.querySelector('ombord-overlay');
    if (host === null) return null;
    if (record.overlayHostAt === null) record.overlayHostAt = performance.now();
    for (const beacon of host.shadowRoot?.querySelectorAll('.ob-beacon') ?? []) {
      if (beacon.getAttribute('aria-label')?.includes(config.title)) return beacon;
    }
    return null;
  };
  const tick = (): void => {
    const now = performance.now();
    if (record.anchorAt === null && document.querySelector(config.anchorSelector)) record.anchorAt = now;
    if (record.visibleAt === null) {
      const found = find();
      if (found !== null && visible(found)) record.visibleAt = now;
    }
    if (config.kind === 'ombord' && record.launcherAt === null) {
      if (document.querySelector('ombord-overlay')?.shadowRoot?.querySelector('.ob-launcher__button')) record.launcherAt = now;
    }
    if (record.visibleAt !== null && (config.kind === 'driver' || record.launcherAt !== null)) return;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

interface DriverConfig {
  css: string;
  selector: string;
  title: string;
  description: string;
}

/**
 * What a site using driver.js runs (after its IIFE build): its CSS, then one `highlight` as soon
 * as the anchor exists.
 */
function showWithDriver(config: DriverConfig): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(config.css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const show = (): boolean => {
    const element = document.querySelector(config.selector);
    if (element === null) return false;
    const { driver } = (window as unknown as { driver: { js: { driver: typeof DriverFactory } } }).driver.js;
    driver().highlight({ element, popover: { title: config.title, description: config.description } });
    return true;
  };
  if (show()) return;
  const observer = new MutationObserver(() => {
    if (show()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
}

function readNavigationTimes(): void {
  const record = (window as unknown as BenchWindow).ombordBench;
  const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
  if (record && navigation) {
    record.domContentLoaded = navigation.domContentLoadedEventStart;
    record.load = navigation.loadEventStart;
  }
}

async function loadOnce(browser: BenchBrowser, kind: WatchConfig['kind'], tip: ChosenTip, driverScript: string): Promise<FirstGuidance> {
  const page = await freshTab(browser);
  try {
    const anchorSelector = `${ACTIVE_PAGE} [data-target-selection-name="${tip.selectionName}"]`;
    await page.addInitScript({ content: inPage(watchFirstGuidance, { kind, title: tip.title, anchorSelector }) });
    if (kind === 'driver') await page.addInitScript({ content: driverScript });
    await page.goto(ACCOUNT_URL, { waitUntil: 'commit' });
    const done = kind === 'ombord' ? 'window.ombordBench?.launcherAt != null' : 'true';
    await page.waitForFunction(`window.ombordBench?.visibleAt != null && ${done} && document.readyState === "complete"`, undefined, {
      polling: 100,
      timeout: 15_000,
    });
    await evaluateInPage(page, readNavigationTimes, undefined);
    const record = await evaluateInPage(page, () => (window as unknown as BenchWindow).ombordBench, undefined);
    if (!record || record.visibleAt === null) throw new Error(`${kind}: no tip recorded`);
    return record;
  } finally {
    await page.close();
  }
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
const ms = (value: number, digits = 0): string => value.toFixed(digits);
const range = (values: readonly number[], digits = 0): string => `${ms(Math.min(...values), digits)}–${ms(Math.max(...values), digits)}`;

export async function runTimeToFirstTooltipBench(): Promise<BenchSection> {
  const tip = await chooseTip(ACCOUNT_URL, 'Account');
  const driverJs = await readFile(path.join(DRIVER_DIR, 'driver.js.iife.js'), 'utf8');
  const css = await readFile(path.join(DRIVER_DIR, 'driver.css'), 'utf8');
  const driverScript = `${driverJs}\n;${inPage(showWithDriver, {
    css,
    selector: `${ACTIVE_PAGE} [data-target-selection-name="${tip.selectionName}"]`,
    title: tip.title,
    description: tip.body,
  })}`;

  const server = await startFixtureServer();
  const browsers: Partial<Record<WatchConfig['kind'], BenchBrowser>> = {};
  try {
    browsers.ombord = await launch(server.port, EXTENSION_DIR);
    browsers.driver = await launch(server.port, null);
    const results: Record<WatchConfig['kind'], FirstGuidance[]> = { ombord: [], driver: [] };
    // Alternate the two, so a slow moment of the machine hits both; the first of each is discarded.
    for (let load = 0; load <= LOADS; load++) {
      for (const kind of ['ombord', 'driver'] as const) {
        const browser = browsers[kind];
        if (!browser) throw new Error(`${kind} browser missing`);
        const record = await loadOnce(browser, kind, tip, driverScript);
        if (load > 0) results[kind].push(record);
      }
    }

    const visible = (kind: WatchConfig['kind']) => results[kind].map((r) => r.visibleAt ?? NaN);
    const column = (kind: WatchConfig['kind'], pick: (r: FirstGuidance) => number | null) =>
      ms(median(results[kind].map((r) => pick(r) ?? NaN)));
    const ombordMs = median(visible('ombord'));
    const driverMs = median(visible('driver'));
    const ratio = ombordMs / driverMs;
    return {
      title: 'Time to first tooltip: Account record page, Lightning fixture (Chromium)',
      columns: ['tool', 'tip visible ms (median)', 'min–max', 'anchor in DOM ms', 'overlay host ms', 'launcher (React) ms', 'DOMContentLoaded ms', 'load ms'],
      rows: [
        [
          'Ombord (extension)',
          ms(ombordMs),
          range(visible('ombord')),
          column('ombord', (r) => r.anchorAt),
          column('ombord', (r) => r.overlayHostAt),
          column('ombord', (r) => r.launcherAt),
          column('ombord', (r) => r.domContentLoaded),
          column('ombord', (r) => r.load),
        ],
        [
          'driver.js 1.8 (in page)',
          ms(driverMs),
          range(visible('driver')),
          column('driver', (r) => r.anchorAt),
          '–',
          '–',
          column('driver', (r) => r.domContentLoaded),
          column('driver', (r) => r.load),
        ],
        [`ratio Ombord / driver.js (target ≤ ${TTFT_TARGET}×)`, `${ratio.toFixed(2)}× ${ratio <= TTFT_TARGET ? 'met' : 'missed'}`, '', '', '', '', '', ''],
      ],
      notes: [
        `Tip: ${tip.packId} › ${tip.itemId} ("${tip.title}") on [data-target-selection-name="${tip.selectionName}"] at ${ACCOUNT_URL}; the pack shows ${tip.tipsOnPage} tip(s) on this page.`,
        `Medians of ${LOADS} loads per tool, each in a fresh tab, alternating tools; one load per browser discarded first. The fixture server sends no-store, so "warm" means a warm browser, connection and extension worker, not an HTTP or code cache.`,
        'Times are performance.now() (ms from navigation start) in the first animation frame where a page-world rAF poll saw the element with a non-zero box and not visibility:hidden (opacity ignored); a frame is ~16.7 ms, so each figure can be up to a frame late, equally for both.',
        'Ombord: a small content script at document_start asks the service worker for guidance (packs + progress from IndexedDB) while the page loads; the CRM content script is injected at document_end and evaluated (~380 kB minified, React included but not evaluated yet, no schema library), takes that answer, mounts the overlay in an open shadow root with its CSS bundled in, locates the tips in the page\'s own tree (shadow roots right after, in a task of their own) and draws their beacons as plain DOM buttons, which Floating UI positions (hidden until positioned); hover, focus and click work on them from then on. React and the rest of the overlay (launcher, cards, tours, announcements) are evaluated and rendered after that first view is painted: the "launcher (React)" column is when the launcher exists, and a card opened before it shows then. The beacon (a dot) is matched by its aria-label.',
        'driver.js: its IIFE build and a bootstrap run from an init script at document start (as an inline <script> in <head> would; the CSS as an adopted style sheet, no fetch — slightly optimistic for driver.js); a MutationObserver calls driver().highlight() the moment the anchor exists. It shows the popover and the overlay; its 0.4 s fade-in is not waited for.',
        'Two browsers launched identically (same flags, fresh separate profiles); only one loads the extension. The pack\'s announcement (min. 72 h between shows) can only appear on the discarded first load: the medians are the steady state.',
      ],
    };
  } finally {
    await browsers.ombord?.close();
    await browsers.driver?.close();
    await server.close();
  }
}

// ---- (b) main-thread cost under churn ---------------------------------------------------------

export interface ChurnConfig {
  rounds: number;
  settleEvery: number;
  settleMs: number;
  /** recordId → the field typed into on that record page, the record it links to, the layout tip expected there. */
  records: Record<string, { object: string; field: string; other: string; tipTitle: string }>;
}

interface ChurnResult {
  wallMs: number;
  settles: number;
  /** Settles at which the page's layout tip was visible, by the object of the page. */
  tipsShown: Record<string, number>;
  settlesOn: Record<string, number>;
  /** Keystrokes that went through the editor (execCommand), not synthetic events. */
  trustedKeystrokes: number;
}

/**
 * The interaction, in the page: per round, open inline edit on a field, type three characters,
 * cancel (the fixture re-renders the whole record layout, shadow roots included), then follow a
 * link to the other cached record page (pushState); one animation frame per round.
 */
async function churnInPage(config: ChurnConfig): Promise<ChurnResult> {
  const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
  const sleep = (delay: number) => new Promise<void>((resolve) => setTimeout(resolve, delay));
  const result: ChurnResult = { wallMs: 0, settles: 0, tipsShown: {}, settlesOn: {}, trustedKeystrokes: 0 };
  const must = <T>(value: T | null | undefined, what: string): T => {
    if (value === null || value === undefined) throw new Error(`churn: ${what} not found`);
    return value;
  };
  const start = performance.now();
  for (let round = 1; round <= config.rounds; round++) {
    const page = must(document.querySelector('div.windowViewMode-normal.active'), 'active page');
    const recordId = must(page.querySelector('[record-id]')?.getAttribute('record-id'), 'record id');
    const { object, field, other } = must(config.records[recordId], `record ${recordId}`);
    const item = must(
      page.querySelector(`[data-target-selection-name="sfdc:RecordField.${object}.${field}"]`)?.closest('records-record-layout-item'),
      `${object}.${field}`,
    );
    must(item.querySelector<HTMLElement>('button.test-id__inline-edit-trigger'), 'edit trigger').click();
    const input = must(item.querySelector<HTMLInputElement>(`[name="${field}"]`), 'input');
    input.focus();
    for (const key of 'abc') {
      if (document.execCommand('insertText', false, key)) result.trustedKeystrokes++;
      else {
        input.value += key;
        input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: key, inputType: 'insertText' }));
      }
    }
    must(page.querySelector<HTMLElement>('.slds-docked-form-footer button[name="CancelEdit"]'), 'Cancel').click();
    must(page.querySelector<HTMLElement>(`a[data-recordid="${other}"]`), `link to ${other}`).click();
    await frame();
    if (round % config.settleEvery === 0) {
      await sleep(config.settleMs);
      const now = document.querySelector('div.windowViewMode-normal.active [record-id]')?.getAttribute('record-id') ?? '';
      const on = config.records[now]?.object ?? 'other';
      const title = config.records[now]?.tipTitle ?? '';
      result.settles++;
      result.settlesOn[on] = (result.settlesOn[on] ?? 0) + 1;
      const beacons = document.querySelector('ombord-overlay')?.shadowRoot?.querySelectorAll('.ob-beacon') ?? [];
      const shown = [...beacons].some(
        (beacon) =>
          beacon.getBoundingClientRect().width > 0 &&
          beacon.checkVisibility({ visibilityProperty: true }) &&
          beacon.getAttribute('aria-label')?.includes(title),
      );
      if (shown) result.tipsShown[on] = (result.tipsShown[on] ?? 0) + 1;
    }
  }
  result.wallMs = performance.now() - start;
  return result;
}

/**
 * Goes to the Opportunity page and back to the Account page, idling `dwellMs` on each so both
 * navigations settle (the Opportunity layout renders 1.5 s late on its first visit only).
 */
async function visitBothRecordPages(config: { opportunityId: string; accountId: string; dwellMs: number }): Promise<void> {
  const sleep = (delay: number) => new Promise<void>((resolve) => setTimeout(resolve, delay));
  const link = (id: string) => document.querySelector<HTMLElement>(`div.windowViewMode-normal.active a[data-recordid="${id}"]`);
  link(config.opportunityId)?.click();
  await sleep(config.dwellMs);
  link(config.accountId)?.click();
  await sleep(config.dwellMs);
}

/** How many beacons are visible (a box, and not `visibility: hidden`), and whether the one titled `title` is among them. */
function visibleBeacons(title: string): { count: number; titled: boolean } {
  const beacons = document.querySelector('ombord-overlay')?.shadowRoot?.querySelectorAll('.ob-beacon') ?? [];
  const visible = [...beacons].filter((beacon) => beacon.getBoundingClientRect().width > 0 && beacon.checkVisibility({ visibilityProperty: true }));
  return { count: visible.length, titled: visible.some((beacon) => beacon.getAttribute('aria-label')?.includes(title)) };
}

export interface ChurnRun {
  taskMs: number;
  scriptMs: number;
  threadMs: number;
  layoutStyleMs: number;
  /** How many times style was recalculated and layout run (lifecycle and forced). */
  styleRecalcs: number;
  layouts: number;
  tipsBefore: number;
  result: ChurnResult;
}

export interface ChurnTab {
  page: Page;
  cdp: CDPSession;
  withExtension: boolean;
}

/** A tab on the Account page after a settled visit to both record pages; `withExtension`: wait for the Account tip before each run. */
export async function openChurnTab(browser: BenchBrowser, withExtension: boolean): Promise<ChurnTab> {
  const page = await freshTab(browser);
  await page.goto(ACCOUNT_URL, { waitUntil: 'load' });
  await evaluateInPage(page, visitBothRecordPages, { opportunityId: SF_IDS.acmeWidgets, accountId: SF_IDS.acme, dwellMs: 1600 });
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return { page, cdp, withExtension };
}

/** What runs right before and right after the measured interaction of a `churnOnce` (a trace of it, for one). */
export interface AroundInteraction {
  before(): Promise<void>;
  after(): Promise<void>;
}

export async function churnOnce(
  { page, cdp, withExtension }: ChurnTab,
  records: ChurnConfig['records'],
  rounds: number,
  settleEvery = CHURN_SETTLE_EVERY,
  around?: AroundInteraction,
): Promise<ChurnRun> {
  // The previous run re-rendered the layout under the tip: a fresh visit brings it back.
  await evaluateInPage(page, visitBothRecordPages, { opportunityId: SF_IDS.acmeWidgets, accountId: SF_IDS.acme, dwellMs: 300 });
  let tipsBefore = 0;
  if (withExtension) {
    const title = records[SF_IDS.acme]?.tipTitle ?? '';
    // Polled with plain evaluations: `page.waitForFunction` installs Playwright's injected script
    // in the page, whose click listener then ran on every click of the churn in this tab only.
    const deadline = Date.now() + 10_000;
    let visible = await evaluateInPage(page, visibleBeacons, title);
    while (!visible.titled) {
      if (Date.now() > deadline) throw new Error(`churn: the extension does not show "${title}" on the Account page before the interaction`);
      await page.waitForTimeout(50);
      visible = await evaluateInPage(page, visibleBeacons, title);
    }
    tipsBefore = visible.count;
  }
  await page.waitForTimeout(200);

  const metrics = async () => new Map((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  await around?.before();
  const before = await metrics();
  const result = await evaluateInPage(page, churnInPage, {
    rounds,
    settleEvery,
    settleMs: CHURN_SETTLE_MS,
    records,
  });
  const after = await metrics();
  await around?.after();
  const delta = (name: string) => ((after.get(name) ?? NaN) - (before.get(name) ?? NaN)) * 1000;
  return {
    taskMs: delta('TaskDuration'),
    scriptMs: delta('ScriptDuration'),
    threadMs: delta('ThreadTime'),
    layoutStyleMs: delta('LayoutDuration') + delta('RecalcStyleDuration'),
    styleRecalcs: delta('RecalcStyleCount') / 1000,
    layouts: delta('LayoutCount') / 1000,
    tipsBefore,
    result,
  };
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

/** Where the extension's sampled time goes, by the outermost extension function with a known name. */
const PROFILE_CATEGORIES: ReadonlyArray<{ label: string; names: ReadonlySet<string> }> = [
  { label: 'click/input handlers (breadcrumbs included)', names: new Set(['onUserAction', 'onInput', 'heard', 'labelPending']) },
  { label: 'new session on navigation', names: new Set(['onChange', 'report']) },
  { label: 'anchor locating (waiting observers)', names: new Set(['addSubtree', 'attempt', 'searchIn']) },
];
const OTHER_CATEGORY = 'rest (Floating UI, React)';

interface ProfiledShare {
  extensionMs: number;
  sampledMs: number;
  /** The median interval between script samples, in µs. */
  intervalUs: number;
  byCategory: Map<string, number>;
}

/**
 * One more run with the extension under the V8 sampling profiler: the share of sampled
 * main-thread time with an extension script anywhere on the stack (native calls it makes
 * included; style, layout and GC it causes are not attributed).
 */
async function profiledShare(tab: ChurnTab, records: ChurnConfig['records'], rounds: number): Promise<ProfiledShare> {
  await tab.cdp.send('Profiler.enable');
  await tab.cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await tab.cdp.send('Profiler.start');
  await churnOnce(tab, records, rounds);
  const { profile } = await tab.cdp.send('Profiler.stop');
  await tab.cdp.send('Profiler.disable');
  const nodes = new Map<number, ProfileNode>(profile.nodes.map((node) => [node.id, node]));
  /** Node id → category, for nodes with an extension frame at or above them. */
  const category = new Map<number, string>();
  const mark = (id: number, inherited: string | null): void => {
    const node = nodes.get(id);
    if (!node) return;
    let here = inherited;
    if (node.callFrame.url.startsWith('chrome-extension://')) {
      const named = PROFILE_CATEGORIES.find(({ names }) => names.has(node.callFrame.functionName))?.label;
      if (here === null || (here === OTHER_CATEGORY && named !== undefined)) here = named ?? OTHER_CATEGORY;
    }
    if (here !== null) category.set(id, here);
    for (const child of node.children ?? []) mark(child, here);
  };
  const [root] = profile.nodes;
  if (root) mark(root.id, null);
  const result: ProfiledShare = { extensionMs: 0, sampledMs: 0, intervalUs: 0, byCategory: new Map() };
  const deltas = profile.timeDeltas ?? [];
  // Idle and program samples are not script.
  const scripted = (profile.samples ?? []).flatMap((id, i) => {
    const node = nodes.get(id);
    return !node || node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)' ? [] : [{ id, dt: (deltas[i + 1] ?? 0) / 1000 }];
  });
  // Samples are counted, each at the median interval: on a loaded machine the sampler's intervals
  // stretch, and weighted by the time to the next sample, script came to ~1.6× its ScriptDuration.
  const interval = median(scripted.map(({ dt }) => dt));
  result.intervalUs = interval * 1000;
  for (const { id } of scripted) {
    result.sampledMs += interval;
    const label = category.get(id);
    if (label === undefined) continue;
    result.extensionMs += interval;
    result.byCategory.set(label, (result.byCategory.get(label) ?? 0) + interval);
  }
  return result;
}

/**
 * Runs the browser with the extension and the one without, the first when `withFirst`: one after
 * the other, or `together`, started in that order without waiting.
 */
export async function inOrder<T>(
  withFirst: boolean,
  withTask: () => Promise<T>,
  withoutTask: () => Promise<T>,
  { together = false }: { together?: boolean } = {},
): Promise<{ with: T; without: T }> {
  const [first, second] = withFirst ? [withTask, withoutTask] : [withoutTask, withTask];
  const [a, b] = together ? await Promise.all([first(), second()]) : [await first(), await second()];
  return withFirst ? { with: a, without: b } : { with: b, without: a };
}

/** The two record pages of the churn: the field typed into on each, the link to the other, the layout tip expected there. */
export async function churnRecords(): Promise<{ records: ChurnConfig['records']; accountTip: ChosenTip; opportunityTip: ChosenTip }> {
  const accountTip = await chooseTip(ACCOUNT_URL, 'Account');
  const opportunityTip = await chooseTip(OPPORTUNITY_URL, 'Opportunity');
  const records: ChurnConfig['records'] = {
    [SF_IDS.acme]: { object: 'Account', field: 'Phone', other: SF_IDS.acmeWidgets, tipTitle: accountTip.title },
    [SF_IDS.acmeWidgets]: { object: 'Opportunity', field: 'NextStep', other: SF_IDS.acme, tipTitle: opportunityTip.title },
  };
  return { records, accountTip, opportunityTip };
}

export async function runChurnBench(): Promise<BenchSection> {
  const { records, accountTip, opportunityTip } = await churnRecords();
  const server = await startFixtureServer();
  try {
    const runs: { with: ChurnRun[]; without: ChurnRun[] } = { with: [], without: [] };
    const concurrent: Array<{ with: ChurnRun; without: ChurnRun }> = [];
    let profiled: ProfiledShare | undefined;
    for (let block = 0; block < CHURN_BLOCKS; block++) {
      // Kept as each is launched, so that one launched before the other failed is closed too.
      const browsers: { with?: BenchBrowser; without?: BenchBrowser } = {};
      try {
        const launched = await inOrder(
          block % 2 === 0,
          async () => (browsers.with = await launch(server.port, EXTENSION_DIR)),
          async () => (browsers.without = await launch(server.port, null)),
        );
        const tabs = { with: await openChurnTab(launched.with, true), without: await openChurnTab(launched.without, false) };
        const churn = (tab: ChurnTab) => () => churnOnce(tab, records, CHURN_ROUNDS);
        // Which browser goes first alternates: the second run of a pair shares the machine with
        // whatever the first one left running (its GC, its compositor), and is slower for it.
        for (let run = 0; run < CHURN_RUNS_PER_BLOCK; run++) {
          const pair = await inOrder((block * CHURN_RUNS_PER_BLOCK + run) % 2 === 0, churn(tabs.with), churn(tabs.without));
          runs.with.push(pair.with);
          runs.without.push(pair.without);
        }
        // Which one is started first alternates here too.
        for (let pair = 0; pair < CHURN_CONCURRENT_PER_BLOCK; pair++) {
          concurrent.push(await inOrder((block * CHURN_CONCURRENT_PER_BLOCK + pair) % 2 === 0, churn(tabs.with), churn(tabs.without), { together: true }));
        }
        if (block === CHURN_BLOCKS - 1) profiled = await profiledShare(tabs.with, records, CHURN_PROFILED_ROUNDS);
      } finally {
        await browsers.with?.close();
        await browsers.without?.close();
      }
    }
    if (profiled === undefined) throw new Error('churn: no profiled run');

    const pick = (list: ChurnRun[], value: (run: ChurnRun) => number) => list.map(value);
    const cell = (list: ChurnRun[], value: (run: ChurnRun) => number) => `${ms(median(pick(list, value)))} (${range(pick(list, value))})`;
    const row = (label: string, list: ChurnRun[]): string[] => [
      label,
      cell(list, (r) => r.taskMs),
      cell(list, (r) => r.scriptMs),
      cell(list, (r) => r.threadMs),
      ms(median(pick(list, (r) => r.layoutStyleMs))),
      ms(median(pick(list, (r) => r.result.wallMs))),
    ];
    const ratio = (value: (run: ChurnRun) => number) => median(pick(runs.with, value)) / median(pick(runs.without, value));
    const taskRatio = ratio((r) => r.taskMs);
    /** Each run with the extension over the run without it in the same pair: how far the machine's noise moves the ratio. */
    const pairs = (value: (run: ChurnRun) => number) =>
      range(
        runs.with.map((run, i) => value(run) / value(runs.without[i] ?? run)),
        2,
      );
    const concurrentRatios = (value: (run: ChurnRun) => number): number[] => concurrent.map((pair) => value(pair.with) / value(pair.without));
    const concurrentRatio = (value: (run: ChurnRun) => number): string => {
      const ratios = concurrentRatios(value);
      return `${median(ratios).toFixed(3)} (${range(ratios, 3)})`;
    };
    // Met only when the steadier estimate agrees: one machine's noise moves the medians of runs
    // taken one after the other by several per cent, either way.
    const met = taskRatio <= CHURN_TARGET && median(concurrentRatios((r) => r.threadMs)) <= CHURN_TARGET;
    const perRound = (list: ChurnRun[], value: (run: ChurnRun) => number) => (median(pick(list, value)) / CHURN_ROUNDS).toFixed(2);
    const shown = (object: string) => runs.with.map((r) => `${r.result.tipsShown[object] ?? 0}/${r.result.settlesOn[object] ?? 0}`).join(', ');
    const [first] = runs.with;
    const share = profiled.extensionMs / profiled.sampledMs;
    return {
      title: `Main-thread cost under DOM churn: ${CHURN_ROUNDS} rounds on the Lightning fixture (Chromium)`,
      columns: ['browser', 'TaskDuration ms (min–max)', 'ScriptDuration ms (min–max)', 'main-thread CPU ms (min–max)', 'layout + style ms', 'wall ms'],
      rows: [
        row('without extension', runs.without),
        row('with Ombord', runs.with),
        [
          `ratio with / without (target ≤ ${CHURN_TARGET}×)`,
          `${taskRatio.toFixed(3)}× ${met ? 'met' : 'missed'}`,
          `${ratio((r) => r.scriptMs).toFixed(3)}×`,
          `${ratio((r) => r.threadMs).toFixed(3)}×`,
          `${ratio((r) => r.layoutStyleMs).toFixed(3)}×`,
          `${ratio((r) => r.result.wallMs).toFixed(3)}×`,
        ],
        [
          `${CHURN_CONCURRENT_PAIRS} pairs run at the same time: median ratio (min–max)`,
          '',
          '',
          `${concurrentRatio((r) => r.threadMs)}×`,
          '',
          '',
        ],
        [
          `profiled run, ${CHURN_PROFILED_ROUNDS} rounds: extension code`,
          '',
          `${ms(profiled.extensionMs)} of ${ms(profiled.sampledMs)} sampled`,
          `${(share * 100).toFixed(1)}% (≈ ${(1 / (1 - share)).toFixed(3)}×)`,
          '',
          '',
        ],
      ],
      notes: [
        `Each round: open inline edit on Account.Phone / Opportunity.NextStep, type 3 characters (document.execCommand('insertText'): ${first?.result.trustedKeystrokes ?? 0} of ${3 * CHURN_ROUNDS} went through the editor), Cancel (the fixture replaces the whole record layout, open and closed shadow roots included), click the link to the other record (pushState; both pages stay cached, one .active), then one animation frame.`,
        `Every ${CHURN_SETTLE_EVERY} rounds the script idles ${CHURN_SETTLE_MS} ms so the extension's 150 ms navigation debounce fires and a new guidance session starts (settles alternate Opportunity / Account); otherwise the extension would see one navigation per run.`,
        `Medians of ${CHURN_RUNS} runs per browser, in pairs, the browser that goes first alternating from pair to pair, one tab per browser (both record pages visited first; before each run a settled visit to both pages brings the tip back). The runs come from ${CHURN_BLOCKS} blocks, each with a fresh pair of browsers (the one launched first alternating) and ${CHURN_RUNS_PER_BLOCK} pairs of runs one after the other, then ${CHURN_CONCURRENT_PER_BLOCK} pairs at the same time: a browser keeps a speed of its own, a few per cent either way, for as long as it runs. TaskDuration, ScriptDuration, ThreadTime (main-thread CPU), LayoutDuration + RecalcStyleDuration: Performance.getMetrics deltas over the interaction only, renderer main thread (page and content script; the extension's service worker runs elsewhere and is not counted). TaskDuration is wall time inside tasks, so it also grows when the OS deschedules the thread; ThreadTime does not.`,
        `Run pairs (each run with the extension over the run without it in the same pair): TaskDuration ${pairs((r) => r.taskMs)}×, ThreadTime ${pairs((r) => r.threadMs)}×. Style recalculations per round ${perRound(runs.without, (r) => r.styleRecalcs)} without, ${perRound(runs.with, (r) => r.styleRecalcs)} with; layouts per round ${perRound(runs.without, (r) => r.layouts)} without, ${perRound(runs.with, (r) => r.layouts)} with (counts, so the load of the machine does not move them; forced synchronous layouts show up here).`,
        `The extension was active: "${accountTip.title}" (${accountTip.selectionName}) visible before every run, with ${runs.with.map((r) => r.tipsBefore).join(', ')} beacon(s) in all; the layout tip visible at settles, per run — Account: ${shown('Account')}; Opportunity ("${opportunityTip.title}"): ${shown('Opportunity')}. Every starter-pack tip of both pages finds its anchor (the Chatter tip's on the hidden Chatter tab, placed and shown when the tab is); a MutationObserver waits only for an anchor that a re-render replaced while its page was not shown.`,
        `Pairs run at the same time (not in the medians above): both browsers start the same churn together (which one is started first alternates), each in its own renderer, so both runs of a pair meet the same moments of the machine; checks of this setup: no extension in either browser, 16 pairs in 4 blocks as here, 0.989 (0.95–1.06), the median of one block of 4 from 0.978 to 1.044; from one pair of browsers each (8–12 pairs): no extension in either 0.987, 1.005, 1.011 and 1.016; the extension with a CRM content script that returns at once (20 pairs) 0.992; the median from one pair of browsers moves by about ±1.5% with the browsers. A later check, 4 blocks of 3 pairs one after the other and 1 at the same time (ratio of TaskDuration medians, median ThreadTime ratio of the pairs one after the other, of those at the same time): no extension in either 0.978, 0.993, 1.003; the extension with that idle content script against none 1.033, 1.012, 1.025; the full extension against the idle one 1.024, 1.016, 1.013. So the extension's own work costs the page about 1.5–2.5%; its mere presence measured 1–3% here and less than 0 in the earlier check, while the check without any extension came out up to 2% from 1: with this many runs, the presence cannot be told apart from the browsers' own spread. In a trace, the renderer's main thread is off the CPU for ~45% of its task time in either browser (its browser process's main thread alone uses ~2.5 s of CPU a run, on 2 cores): TaskDuration carries that waiting. Their main-thread CPU (ThreadTime) ratio is compared; their TaskDuration, wall time, is not comparable (the two renderers and their GPU processes share 2 cores). The median of these pairs has come out steadier from one bench run to the next than the ratio of the medians above, which moves by several per cent either way; the target counts as met only when both are within it.`,
        'Checks on a later, faster machine (without the extension a run takes ~1,550 ms of main-thread CPU there, ~2,400 ms on the machine of the checks above), 4 blocks of 3 pairs one after the other and 2 at the same time, main-thread CPU (ratio of the medians, median of the pairs one after the other, of those at the same time): the extension against none 1.055, 1.043, 1.044; the extension with the idle content script against none 1.009, 1.010, 1.004; the extension against none with no settle in the 200 rounds 1.020, 1.020, 1.013. With a settle after every round (40 rounds, 6 pairs and 2 at the same time), the extension adds ~5.4 ms of main-thread CPU a settle. A trace of such a settle: the timer task that starts the session of the page (~2 ms: the page\'s context, the choice of its guidance, finding its anchors, the dots shown again), then the one frame that draws the dots (~2.9 ms, the CRM page\'s style, layout, paint and commit included), and ~0.2 ms after the browser\'s report of what is in view. So on this machine the four settles of a run cost ~22 ms and the rounds with the extension\'s mere presence ~30 ms (the presence ~6–14 ms of it), ~3.5% of a run, and the checks against none measured 4–5.5%; six bench runs there gave 1.018–1.070 one after the other and 1.029–1.040 at the same time: around the target, on whichever side the scatter puts it.',
        "Where a settle's cost goes, on that machine (npm run bench:ab, a settle after every round, 20-round runs, 2 blocks of 3 pairs, main-thread CPU, median difference a settle): the extension against none ~7.2 ms; against the same build drawing no beacons 5.1 ms, so the dots are most of a settle (without them a settle is one ~2.5 ms task and no frame at all); against it with the dots kept hidden 2.7 ms; with the dots placed by one getBoundingClientRect instead of Floating UI and its observers 1.0 ms. These variants measured within ±0.3 ms a settle, the resolution of such checks: the dots measured in the task that shows them; their first positions written only once all of them are measured; the dots hidden with visibility instead of display; a composited layer of their own. A trace of the frame that draws the dots: style of ~20 overlay elements and their layout, the size observers' first reports with Floating UI (~1 ms), a second style pass for the positions, and a paint of the document (~0.8 ms) that the page without the extension does not draw at all.",
        `Profiled run: V8 sampling profiler (200 µs) on one extra run with the extension, not in the medians; samples with a chrome-extension:// frame on the stack, over all script samples (neither idle nor program), counted: each at the run's median interval (${profiled.intervalUs.toFixed(0)} µs here for 200 asked for). The sampler's intervals stretch on a loaded machine: weighted by the time to the next sample, three checks of 60 rounds put the script at 404–474 ms of runs whose ScriptDuration was 253–279 ms, counted at 222–264 ms (the extension's share came out about the same either way, 3.9–5.1% and 4.1–5.5%). Style, layout and GC the extension causes are not attributed; the profiler's own overhead inflates both. Extension time by outermost named function: ${[...profiled.byCategory].sort((a, b) => b[1] - a[1]).map(([label, value]) => `${label} ${((value / profiled.extensionMs) * 100).toFixed(0)}%`).join(', ')}.`,
        'While the user navigates (here a navigation every round) the beacons are hidden and follow no anchor, and no session looks for re-rendered anchors; at each settle a new session finds the page\'s anchors and shows its beacons, so that work is in the figures. A round every frame is far faster than a person works.',
      ],
    };
  } finally {
    await server.close();
  }
}
