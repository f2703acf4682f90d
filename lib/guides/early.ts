/**
 * Guidance asked for early. A tiny content script runs at `document_start` on CRM pages
 * (`entrypoints/guidance-early.content.ts`) and asks the background for the overlay's guidance,
 * so that the service worker wakes and reads packs and progress from IndexedDB while the page
 * loads; the CRM content script, which runs once the DOM is parsed, takes the answer. Asking
 * then instead meant waiting 20–30 ms for a warm worker, and more for one that was asleep, on
 * the way to the first tip. The two scripts share this extension's isolated world of the frame
 * (its global object), which the page cannot reach.
 *
 * An answer is not used when progress or the language changed after it was asked for (another
 * tab dismissed a tip meanwhile): the overlay asks again.
 */
import type { GuidanceData } from '../messages';

export type StorageListener = (changes: Record<string, unknown>, area: string) => void;

export interface StorageChanges {
  addListener(listener: StorageListener): void;
  removeListener(listener: StorageListener): void;
}

export interface EarlyGuidance {
  /** The early answer, or a fresh one when it went out of date; null when none could be had. */
  take(): Promise<GuidanceData | null>;
}

/**
 * Asks now with `load` (which resolves null rather than rejecting) and watches `changes` for any
 * of `invalidatingKeys` in `storage.local` until the answer is taken.
 */
export function askGuidanceEarly(
  load: () => Promise<GuidanceData | null>,
  changes: StorageChanges,
  invalidatingKeys: readonly string[],
): EarlyGuidance {
  let stale = false;
  const onChanged: StorageListener = (changed, area) => {
    if (area === 'local' && invalidatingKeys.some((key) => key in changed)) stale = true;
  };
  changes.addListener(onChanged);
  const answer = load();
  return {
    async take() {
      const early = await answer;
      changes.removeListener(onChanged);
      return stale ? load() : early;
    },
  };
}

const SLOT = Symbol.for('ombord.earlyGuidance');
type Slot = { [SLOT]?: EarlyGuidance | undefined };

/**
 * Leaves `early` for another content script of this extension in the same frame: they share the
 * isolated world's global object, which the page cannot reach.
 */
export function shareEarlyGuidance(early: EarlyGuidance, scope: object = globalThis): void {
  (scope as Slot)[SLOT] = early;
}

/** What `shareEarlyGuidance` left, once; null when nothing was left. */
export function takeSharedEarlyGuidance(scope: object = globalThis): EarlyGuidance | null {
  const early = (scope as Slot)[SLOT] ?? null;
  (scope as Slot)[SLOT] = undefined;
  return early;
}
