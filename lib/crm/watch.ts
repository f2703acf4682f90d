/**
 * Follows single-page navigation in a CRM tab and reports each *distinct* context once, with an
 * AbortSignal that is aborted when the user leaves that place, so per-page work cleans itself up.
 *
 * Why not patch `history.pushState`: a content script lives in an isolated world, so the page's
 * own `pushState` calls never reach a patched copy. Chromium's Navigation API
 * (`navigation.currententrychange`) fires for same-document navigations made by the page; where
 * it is missing (Firefox before 147), the URL is polled, as WXT's own location watcher does.
 */
import { sameCrmPlace, type CrmContext } from './context';
import { quietTimer } from '../util/quiet-timer';

export interface WatchCrmContextOptions {
  window: Window;
  /** Reads the context of the current page; called after each navigation settles. */
  detect: (url: string) => CrmContext | null;
  /** Called with each distinct context; `signal` aborts when the context changes again or watching stops. */
  onChange: (context: CrmContext | null, signal: AbortSignal) => void;
  /**
   * Called with `true` at the first navigation event after a quiet time, and with `false` when
   * the navigations have settled, right after the settled place was reported (if it is new).
   */
  onNavigating?: (navigating: boolean) => void;
  /** Stops watching. */
  signal: AbortSignal;
  /** Quiet period after a navigation before the page is read (Lightning renders in bursts). */
  debounceMs?: number;
  /** URL polling interval where the Navigation API is missing. */
  pollMs?: number;
}

interface NavigationLike extends EventTarget {
  readonly currentEntry: unknown;
}

export interface CrmContextWatch {
  /**
   * Whether the user is on the move: a navigation was seen and has not settled into a context
   * yet. The page on screen may soon not be the current context's.
   */
  navigating(): boolean;
}

export function watchCrmContext(options: WatchCrmContextOptions): CrmContextWatch {
  const { window: win, detect, onChange, signal } = options;
  const debounceMs = options.debounceMs ?? 150;
  const pollMs = options.pollMs ?? 1000;
  if (signal.aborted) return { navigating: () => false };

  let current: CrmContext | null = null;
  let currentController: AbortController | null = null;
  let lastUrl = win.location.href;

  const report = (): void => {
    if (signal.aborted) return;
    lastUrl = win.location.href;
    const next = safeDetect(detect, lastUrl);
    if (currentController !== null && sameCrmPlace(current, next)) return;
    currentController?.abort();
    current = next;
    currentController = new AbortController();
    onChange(next, currentController.signal);
  };

  // A Lightning page fires several navigation events per click, and the user clicks fast.
  const debounce = quietTimer(debounceMs, Date.now, () => {
    report();
    if (!signal.aborted) options.onNavigating?.(false);
  });
  const schedule = (): void => {
    const started = !debounce.pending();
    debounce.touch();
    if (started) options.onNavigating?.(true);
  };

  const listen = { signal } as const;
  win.addEventListener('popstate', schedule, listen);
  win.addEventListener('hashchange', schedule, listen);
  const navigation = (win as Window & { navigation?: NavigationLike }).navigation;
  if (navigation !== undefined && typeof navigation.addEventListener === 'function') {
    navigation.addEventListener('currententrychange', schedule, listen);
  } else {
    const poll = setInterval(() => {
      if (win.location.href !== lastUrl) {
        lastUrl = win.location.href;
        schedule();
      }
    }, pollMs);
    signal.addEventListener('abort', () => clearInterval(poll), { once: true });
  }
  signal.addEventListener(
    'abort',
    () => {
      debounce.cancel();
      currentController?.abort();
    },
    { once: true },
  );

  report();
  return { navigating: () => !signal.aborted && debounce.pending() };
}

/** Detection must never throw into the page; a detector bug reads as "not a CRM page". */
function safeDetect(detect: (url: string) => CrmContext | null, url: string): CrmContext | null {
  try {
    return detect(url);
  } catch (error) {
    console.warn('[Ombord] context detection failed', error);
    return null;
  }
}
