/**
 * Finds the element a piece of guidance anchors to: tries a target's strategies in order across
 * the document and its shadow roots, keeps to the page the user is looking at, waits for late
 * renders, and reports what it tried instead of throwing into the page.
 */
import type { CrmKind } from '../context';
import { composedAncestors } from './composed';
import { inInactivePage, isActivePageContainer, openModal, scopeOf, type ScopeOutcome } from './scope';
import { compileStrategy, describeStrategy, type CompiledStrategy, type Probe } from './strategies';
import { anchorTargetProblem } from './shape';
import type { AnchorStrategy, AnchorTarget } from './target';
import { NO_SHADOW_ROOTS, subtreeRoots, TreeIndex, type SearchRoot, type ShadowRootOf } from './tree-index';

export interface LocateOptions {
  document: Document;
  /** The CRM the page belongs to: skips the other CRM's strategies and, for Dynamics, Lightning page scoping. */
  crm?: CrmKind;
  /** How long `locateAnchor` waits for a late render; default 5000. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Opens closed shadow roots: the content script passes `chrome.dom.openOrClosedShadowRoot`
   * (Chrome) or `el.openOrClosedShadowRoot()` (Firefox). Default: open roots only.
   */
  shadowRootOf?: ShadowRootOf;
  /**
   * `false`: search only the document's own tree, not inside any shadow root. Finding shadow
   * roots means visiting every element of the page; this is the cheap first look when a page
   * opens, before a full search for what it did not find. Only a target's first strategy that
   * can apply is tried then: an earlier strategy that matches inside a shadow root comes before
   * a later one that matches outside, so only the full search can take a later one.
   */
  pierceShadowRoots?: boolean;
  /**
   * While waiting, retry at most this often (default: once per frame). Quiet guidance such as a
   * tip's beacon can wait a little; a tour step the user is looking at should not.
   */
  retryEveryMs?: number;
  /**
   * After each retry, `retryEveryMs` grows by this factor (default 1: it stays). Something that
   * has not appeared within a second is seldom a render away, and every retry re-reads what the
   * page added meanwhile (on a page that keeps re-rendering, the whole layout each time).
   */
  retryBackoff?: number;
  /**
   * Whether an element on the page the user is looking at that is not rendered (`display: none`
   * around it: a tab or a collapsed section not shown) counts as found. A strategy's rendered
   * matches still come first, and a later strategy is tried only when an earlier one matches
   * nothing on the page: the author's first choice, on a tab not opened yet, is still the
   * element meant. A tip's beacon pinned to it shows once it is rendered, with no search waiting
   * and retrying until then. Default false: a tour step waits for what the user can see.
   */
  acceptUnrendered?: boolean;
  /**
   * Which of `locateAnchors`' targets (by index) are worth waiting for; the others get one
   * attempt, in the same search. Default: all of them. Waiting watches every change of the page.
   */
  waitsFor?: (index: number) => boolean;
}

export type LocateOutcome = 'no_match' | 'invalid_selector' | 'inactive_page' | 'behind_modal' | 'hidden';
export interface TriedStrategy {
  strategy: AnchorStrategy;
  outcome: LocateOutcome;
}
export type LocateFailureReason = 'not_found' | 'aborted' | 'invalid_target';

export type LocateResult =
  | { ok: true; element: Element; strategyIndex: number; strategy: AnchorStrategy }
  | { ok: false; reason: LocateFailureReason; tried: TriedStrategy[]; message: string };

export const DEFAULT_TIMEOUT_MS = 5000;
// Hidden tabs get no animation frames; retry on a slow timer there instead.
const HIDDEN_RETRY_MS = 250;
const MAX_PENDING_RECORDS = 2000;
// Attributes that strategies or page scoping read; a free `css` strategy observes all of them.
const OBSERVED_ATTRIBUTES = [
  'class', 'style', 'hidden', 'data-id', 'data-target-selection-name', 'name', 'field-name',
  'field-label', 'role', 'aria-label', 'aria-labelledby', 'title', 'for', 'id', 'type', 'href',
];

/**
 * An element a strategy found, per document: re-checked in O(1) on the next locate. A strategy
 * keeps the last few, newest first: Lightning keeps the pages a user switches between cached,
 * each with its own copy of the same anchor (a record page's Chatter publisher, a field shown on
 * two records), and the one on the page shown again is then found without a walk of the page.
 */
interface Remembered {
  candidate: WeakRef<Element>;
  probe: number;
  /**
   * The candidate's composed ancestors, nearest first. When a re-render replaced the candidate,
   * the nearest one still in the page bounds where its replacement is: a local search there
   * replaces a walk of the whole page.
   */
  ancestors: WeakRef<Element>[];
}
/** How many elements a strategy remembers: about as many pages as Lightning keeps for a quick switch back. */
const REMEMBERED_PER_STRATEGY = 4;
// WeakRefs, so that a page Lightning has thrown away is not kept alive by our memory of it.
const rememberedByDocument = new WeakMap<Document, Map<string, Remembered[]>>();

const OUTCOME_RANK: Record<LocateOutcome, number> = {
  no_match: 0,
  invalid_selector: 0,
  inactive_page: 1,
  behind_modal: 2,
  hidden: 3,
};
const OUTCOME_TEXT: Record<LocateOutcome, string> = {
  no_match: 'no match',
  invalid_selector: 'invalid CSS selector',
  inactive_page: 'only in an inactive page',
  behind_modal: 'only behind an open modal',
  hidden: 'only hidden elements',
};

type Found = Extract<LocateResult, { ok: true }>;
type Invalid = Extract<LocateResult, { ok: false }>;
/** One attempt at one target: found, invalid, or what each strategy gave. */
type Attempt = Found | Invalid | TriedStrategy[];

/** One search: shares the tree index between the targets of a batch and the retries of a wait. */
class Search {
  readonly doc: Document;
  private readonly crm: CrmKind | undefined;
  /** Whether cached, inactive Lightning pages are out of scope (not on Dynamics). */
  readonly lightningPages: boolean;
  private readonly shadowRootOf: ShadowRootOf;
  private readonly remembered: Map<string, Remembered[]>;
  private index: TreeIndex | null = null;
  /** The open modal as of the last `refreshScope`: only what is inside it is in scope. */
  private modal: Element | null = null;
  private readonly acceptUnrendered: boolean;

  constructor(options: LocateOptions) {
    this.doc = options.document;
    this.crm = options.crm;
    this.lightningPages = options.crm !== 'dynamics';
    this.shadowRootOf = options.pierceShadowRoots === false ? NO_SHADOW_ROOTS : (options.shadowRootOf ?? ((el) => el.shadowRoot));
    this.acceptUnrendered = options.acceptUnrendered === true;
    let remembered = rememberedByDocument.get(this.doc);
    if (!remembered) {
      remembered = new Map();
      rememberedByDocument.set(this.doc, remembered);
    }
    this.remembered = remembered;
    this.refreshScope();
  }

  /**
   * Looks again for an open modal: once per search and once per retry, not per target (it is
   * a query over the whole document).
   */
  refreshScope(): void {
    this.modal = openModal(this.doc);
  }

  /** Drops the tree index; the next `fullIndex` walks the page again. */
  resetIndex(): void {
    this.index = null;
  }

  fullIndex(): TreeIndex {
    if (!this.index) {
      this.index = new TreeIndex(this.shadowRootOf);
      this.index.addTree(this.doc);
    }
    return this.index;
  }

  /** Whether a strategy can match on this page at all (valid selector, right CRM). */
  applies(compiled: CompiledStrategy): boolean {
    return compiled.probes !== null && !(compiled.crm && this.crm && compiled.crm !== this.crm);
  }

  attempt(target: AnchorTarget): Attempt {
    const invalid = validationError(target);
    if (invalid !== null) return { ok: false, reason: 'invalid_target', tried: [], message: invalid };
    const tried: TriedStrategy[] = [];
    const { strategies } = target;
    for (let strategyIndex = 0; strategyIndex < strategies.length; strategyIndex++) {
      const strategy = strategies[strategyIndex] as AnchorStrategy;
      const compiled = compileStrategy(strategy, this.doc);
      const found = this.find(compiled);
      if (typeof found !== 'string') return { ok: true, element: found, strategyIndex, strategy };
      tried.push({ strategy, outcome: found });
      if (this.shadowRootOf === NO_SHADOW_ROOTS && this.applies(compiled)) break;
    }
    return tried;
  }

  private find(compiled: CompiledStrategy): Element | LocateOutcome {
    if (compiled.probes === null) return 'invalid_selector';
    if (!this.applies(compiled)) return 'no_match';
    const memories = this.remembered.get(compiled.key) ?? [];
    for (const memory of memories) {
      const candidate = memory.candidate.deref();
      const probe = compiled.probes[memory.probe];
      // An element found before, if it still matches (an unrendered one, when accepted, is taken
      // without looking for a rendered one: what the last search preferred).
      if (candidate?.isConnected && probe && candidate.matches(probe.selector)) {
        const anchor = probe.resolve ? probe.resolve(candidate) : candidate;
        if (anchor && this.accepts(scopeOf(anchor, this.lightningPages, this.modal))) return anchor;
      }
    }
    // Once the full index exists, it is as cheap as a local search.
    for (const memory of this.index ? [] : memories) {
      const survivor = this.nearestSurvivor(memory);
      if (!survivor) continue;
      // Small enough to query directly; an attribute index would cost more than it saves.
      const found = this.searchIn(subtreeRoots(survivor, this.shadowRootOf), null, compiled);
      if (typeof found !== 'string') return found;
    }
    const index = this.fullIndex();
    return this.searchIn(index.roots, index, compiled);
  }

  /** The nearest remembered ancestor still in the page, when searching below it saves work. */
  private nearestSurvivor(memory: Remembered): Element | null {
    for (const ref of memory.ancestors) {
      const ancestor = ref.deref();
      if (!ancestor?.isConnected) continue;
      // Below <body> is the whole page; below an inactive (or, unless accepted, hidden) ancestor nothing is in scope.
      const worthIt =
        ancestor !== this.doc.body && ancestor !== this.doc.documentElement && this.accepts(scopeOf(ancestor, this.lightningPages, this.modal));
      return worthIt ? ancestor : null;
    }
    return null;
  }

  private accepts(scope: ScopeOutcome): boolean {
    return scope === 'in_scope' || (scope === 'hidden' && this.acceptUnrendered);
  }

  private remember(compiled: CompiledStrategy, candidate: Element, probe: number): void {
    const kept = (this.remembered.get(compiled.key) ?? []).filter((memory) => {
      const other = memory.candidate.deref();
      // One a re-render replaced is dropped here: its replacement is the one remembered now.
      return other !== undefined && other !== candidate && other.isConnected;
    });
    const memory = { candidate: new WeakRef(candidate), probe, ancestors: composedAncestors(candidate).map((ancestor) => new WeakRef(ancestor)) };
    this.remembered.set(compiled.key, [memory, ...kept].slice(0, REMEMBERED_PER_STRATEGY));
  }

  private searchIn(roots: Iterable<SearchRoot>, index: TreeIndex | null, compiled: CompiledStrategy): Element | LocateOutcome {
    let outcome: LocateOutcome = 'no_match';
    /** The first unrendered match, when those are accepted: found only if no rendered one is. */
    // (Set in `consider`, a closure: typed so that the check after the loops does not narrow it to null.)
    let unrendered = null as { anchor: Element; candidate: Element; probe: number } | null;
    const probes = compiled.probes ?? [];
    for (let probeIndex = 0; probeIndex < probes.length; probeIndex++) {
      const probe = probes[probeIndex] as Probe;
      const consider = (candidate: Element): Element | null => {
        const anchor = probe.resolve ? probe.resolve(candidate) : candidate;
        if (!anchor) return null;
        const scope = scopeOf(anchor, this.lightningPages, this.modal);
        if (scope === 'in_scope') {
          this.remember(compiled, candidate, probeIndex);
          return anchor;
        }
        if (scope === 'hidden' && this.acceptUnrendered) unrendered ??= { anchor, candidate, probe: probeIndex };
        if (OUTCOME_RANK[scope] > OUTCOME_RANK[outcome]) outcome = scope;
        return null;
      };
      if (index && probe.indexKey !== undefined) {
        for (const candidate of index.lookup(probe.indexKey)) {
          if (!candidate.isConnected || !candidate.matches(probe.selector)) continue;
          const anchor = consider(candidate);
          if (anchor) return anchor;
        }
        continue;
      }
      for (const root of roots) {
        if (!root.isConnected) continue;
        for (const candidate of root.querySelectorAll(probe.selector)) {
          const anchor = consider(candidate);
          if (anchor) return anchor;
        }
      }
    }
    if (unrendered === null) return outcome;
    this.remember(compiled, unrendered.candidate, unrendered.probe);
    return unrendered.anchor;
  }
}

// The shape check is memoised per target object: packs hand the same objects to every locate.
const validated = new WeakMap<object, string | null>();

function validationError(target: unknown): string | null {
  if (typeof target !== 'object' || target === null) return anchorTargetProblem(target);
  let error = validated.get(target);
  if (error === undefined) {
    error = anchorTargetProblem(target);
    validated.set(target, error);
  }
  return error;
}

function describeTried(tried: TriedStrategy[]): string {
  return tried.map(({ strategy, outcome }) => `${describeStrategy(strategy)} (${OUTCOME_TEXT[outcome]})`).join(', ');
}

function failure(reason: 'not_found' | 'aborted', tried: TriedStrategy[], timeoutMs: number | null): Invalid {
  const what = describeTried(tried);
  const message =
    reason === 'aborted'
      ? tried.length > 0
        ? `Stopped before an element matched; tried: ${what}`
        : 'Stopped before the search started'
      : `No element matched${timeoutMs === null ? '' : ` within ${timeoutMs} ms`}; tried: ${what}`;
  return { ok: false, reason, tried, message };
}

/** One attempt per target, no waiting; the targets share one walk of the page. */
export function findAnchorsNow(targets: readonly AnchorTarget[], options: LocateOptions): LocateResult[] {
  return targets.map(anchorFinder(options));
}

/**
 * One attempt per target asked about, no waiting, all in one search: the open modal is looked up
 * once and the page walked at most once, however many targets follow. For targets asked about
 * one by one while the page does not change (in one event handler).
 */
export function anchorFinder(options: LocateOptions): (target: AnchorTarget) => LocateResult {
  const search = new Search(options);
  return (target) => {
    const attempt = search.attempt(target);
    return Array.isArray(attempt) ? failure('not_found', attempt, null) : attempt;
  };
}

/**
 * Whether locating `target` could give one of `elements` (say, an event's composed path):
 * false when none of them is a match of any of its strategies, so the locate can be skipped.
 * Always true for a strategy whose anchor can be another element than its candidate (a label
 * anchors its field).
 */
export function mayLocateAmong(target: AnchorTarget, elements: readonly Element[]): boolean {
  const [first] = elements;
  if (first === undefined || validationError(target) !== null) return false;
  for (const strategy of target.strategies) {
    for (const probe of compileStrategy(strategy, first.ownerDocument).probes ?? []) {
      if (probe.resolvesElsewhere) return true;
      // Otherwise the anchor is the candidate itself, when `resolve` accepts it.
      for (const element of elements) {
        if (probe.mayMatch?.(element) === false || !element.matches(probe.selector)) continue;
        if (probe.resolve === undefined || probe.resolve(element) === element) return true;
      }
    }
  }
  return false;
}

/** One attempt, no waiting. */
export function findAnchorNow(target: AnchorTarget, options: LocateOptions): LocateResult {
  return findAnchorsNow([target], options)[0] as LocateResult;
}

/**
 * Locates each target, waiting up to `timeoutMs` for those not rendered yet. The targets share
 * one walk of the page and one observer while they wait; `onResult` hears each target's result
 * as soon as it is known (one found during the wait need not wait for the others).
 */
export async function locateAnchors(
  targets: readonly AnchorTarget[],
  options: LocateOptions,
  onResult?: (index: number, result: LocateResult) => void,
): Promise<LocateResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { signal } = options;
  const search = new Search(options);
  const results: LocateResult[] = [];
  const settle = (i: number, result: LocateResult): void => {
    results[i] = result;
    onResult?.(i, result);
  };
  const pending = new Map<number, { target: AnchorTarget; tried: TriedStrategy[] }>();
  for (const [i, target] of targets.entries()) {
    const invalid = validationError(target);
    if (invalid !== null) settle(i, { ok: false, reason: 'invalid_target', tried: [], message: invalid });
    else if (signal?.aborted) settle(i, failure('aborted', [], timeoutMs));
    else {
      const attempt = search.attempt(target);
      if (Array.isArray(attempt)) pending.set(i, { target, tried: attempt });
      else settle(i, attempt);
    }
  }
  if (options.waitsFor) {
    for (const [i, { tried }] of pending) {
      if (options.waitsFor(i)) continue;
      pending.delete(i);
      settle(i, failure('not_found', tried, 0));
    }
  }
  // A target whose every strategy is an invalid selector or for the other CRM cannot appear later.
  const canAppear = ({ target }: { target: AnchorTarget }) =>
    target.strategies.some((strategy) => search.applies(compileStrategy(strategy, search.doc)));
  const wait = pending.size > 0 && timeoutMs > 0 && [...pending.values()].some(canAppear);
  const retries = { everyMs: options.retryEveryMs ?? 0, backoff: Math.max(options.retryBackoff ?? 1, 1) };
  const aborted = wait ? await waitForRenders(search, pending, settle, timeoutMs, signal, retries) : false;
  for (const [i, { tried }] of pending) settle(i, failure(aborted ? 'aborted' : 'not_found', tried, timeoutMs));
  return results;
}

/** Locates the target, waiting up to `timeoutMs` for it to be rendered. */
export async function locateAnchor(target: AnchorTarget, options: LocateOptions): Promise<LocateResult> {
  return (await locateAnchors([target], options))[0] as LocateResult;
}

/**
 * Retries the pending targets as the page changes, settling found ones and taking them from `pending`,
 * until all are found, the time is up or the signal aborts; resolves true when aborted. One
 * observer watches the document and every shadow root found, including roots that appear
 * meanwhile, and extends the tree index from its records; retries run at most once per frame.
 */
function waitForRenders(
  search: Search,
  pending: Map<number, { target: AnchorTarget; tried: TriedStrategy[] }>,
  settle: (index: number, result: LocateResult) => void,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  retries: { everyMs: number; backoff: number },
): Promise<boolean> {
  const strategies = [...pending.values()].flatMap(({ target }) =>
    target.strategies.map((strategy) => compileStrategy(strategy, search.doc)),
  );
  const init: MutationObserverInit = {
    childList: true,
    subtree: true,
    attributes: true,
    characterData: strategies.some((compiled) => compiled.readsText),
  };
  if (!strategies.some((compiled) => compiled.readsAnyAttribute)) init.attributeFilter = OBSERVED_ATTRIBUTES;

  return new Promise((resolve) => {
    let index = search.fullIndex();
    let done = false;
    let scheduled = false;
    let lastRetry = 0;
    let retryEveryMs = retries.everyMs;

    const retry = () => {
      scheduled = false;
      if (done) return;
      // Each wait is `backoff` times the one before, from the second on: everyMs, ×b, ×b²…
      if (lastRetry !== 0) retryEveryMs *= retries.backoff;
      lastRetry = performance.now();
      indexChanges();
      search.refreshScope();
      for (const [i, entry] of pending) {
        const attempt = search.attempt(entry.target);
        if (Array.isArray(attempt)) entry.tried = attempt;
        else {
          pending.delete(i);
          settle(i, attempt);
        }
      }
      if (pending.size === 0) finish(false);
    };
    const schedule = () => {
      if (scheduled || done) return;
      scheduled = true;
      const wait = Math.max(retryEveryMs - (performance.now() - lastRetry), 0);
      if (search.doc.visibilityState === 'hidden') setTimeout(retry, Math.max(wait, HIDDEN_RETRY_MS));
      else if (wait > 0) setTimeout(() => requestAnimationFrame(retry), wait);
      else requestAnimationFrame(retry);
    };
    // Records are only noted here and indexed at the next retry: under heavy churn most added
    // nodes are gone again by then, and indexing them would be wasted work on the page's time.
    // What a cached, inactive Lightning page renders is not indexed either (nothing there is in
    // scope) but kept aside, and indexed at the first retry after a page became active, if it is
    // in the active page then. Lightning switches between its cached pages at every navigation.
    let added: Element[] = [];
    let retagged: Array<{ element: Element; attribute: 'data-id' | 'data-target-selection-name' }> = [];
    let reindex = false;
    let activated = false;
    const inactive = new Set<Element>();
    const observer = new MutationObserver((records) => {
      if (!reindex) {
        for (const record of records) {
          if (record.type === 'childList') {
            for (const node of record.addedNodes) if (node.nodeType === Node.ELEMENT_NODE) added.push(node as Element);
          } else if (record.attributeName === 'data-id' || record.attributeName === 'data-target-selection-name') {
            retagged.push({ element: record.target as Element, attribute: record.attributeName });
          } else if (record.attributeName === 'class' && search.lightningPages && isActivePageContainer(record.target as Element)) {
            activated = true;
          }
        }
        // Past this many, one fresh walk of the page is cheaper than indexing piece by piece.
        if (added.length + retagged.length > MAX_PENDING_RECORDS) reindex = true;
      }
      schedule();
    });
    const indexChanges = () => {
      if (reindex) {
        inactive.clear();
        search.resetIndex();
        index = search.fullIndex();
        for (const root of index.roots) observe(root);
        index.onShadowRoot = observe;
      } else {
        for (const element of added) {
          if (!element.isConnected) continue;
          if (search.lightningPages && inInactivePage(element)) inactive.add(element);
          else index.addSubtree(element);
        }
        if (activated) {
          for (const element of inactive) {
            if (!element.isConnected) inactive.delete(element);
            else if (!inInactivePage(element)) {
              inactive.delete(element);
              index.addSubtree(element);
            }
          }
        }
        for (const { element, attribute } of retagged) if (element.isConnected) index.addAttribute(element, attribute);
      }
      added = [];
      retagged = [];
      reindex = false;
      activated = false;
    };
    const observe = (root: Node) => observer.observe(root, init);
    for (const root of index.roots) observe(root);
    index.onShadowRoot = observe;

    const onAbort = () => finish(true);
    const timer = setTimeout(() => finish(false), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(aborted: boolean) {
      done = true;
      observer.disconnect();
      index.onShadowRoot = null;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(aborted);
    }
  });
}
