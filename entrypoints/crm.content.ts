import { browser, createShadowRootUi, defineContentScript } from '#imports';
import { BeaconLayer } from '@/components/overlay/beacons';
import type { OverlayAppProps } from '@/components/overlay/OverlayApp';
import overlayCss from '@/components/overlay/overlay.css?inline';
import { detectCrmContextFromPage } from '@/lib/crm';
import type { CrmContext } from '@/lib/crm/context';
import { CRM_HOST_PATTERNS, NON_ORG_HOST_PATTERNS } from '@/lib/crm/hosts';
import {
  anchorFinder,
  anchorTargetProblem,
  describeLocateResult,
  findAnchorsNow,
  isAnchorTarget,
  locateAnchor,
  locateAnchors,
  type LocateReport,
} from '@/lib/crm/locate';
import { watchCrmContext, type CrmContextWatch } from '@/lib/crm/watch';
import { liftToTopLayer, modalDialogAround, placeHost } from '@/lib/dom/top-layer';
import { firstView } from '@/lib/dom/first-view';
import { shadowRootOf } from '@/lib/dom/shadow-root';
import { listenForUserActions } from '@/lib/dom/user-actions';
import { CurrentSession } from '@/lib/guides/current-session';
import { askGuidanceEarly, takeSharedEarlyGuidance } from '@/lib/guides/early';
import { GuidanceSession } from '@/lib/guides/session';
import type { Translate } from '@/lib/i18n';
import { createTranslator } from '@/lib/i18n/translator';
import {
  dispatchMessage,
  envelope,
  LOCALE_KEY,
  PROGRESS_REVISION_KEY,
  progressRevisionWriter,
  SUPPORT_REVISION_KEY,
  type GuidanceData,
  type MessageHandlers,
  type MessageName,
  type MessageRequest,
  type MessageResponse,
} from '@/lib/messages';
import { ProgressEventLog } from '@/lib/progress/log';
import { BreadcrumbTrail, recordClicks } from '@/lib/support/breadcrumbs';
import { PageErrorTrail } from '@/lib/support/errors';
import { HelpRequests } from '@/lib/support/help';
import { MyRequests } from '@/lib/support/my-requests';
import { collectFieldMasks } from '@/lib/support/mask';
import type { SupportOutcome } from '@/lib/support/queue';
import { afterNextPaint, capturePage, hideForCapture, type CaptureOutcome } from '@/lib/support/screenshot';
import { buildSupportContext, readEnvironment } from '@/lib/support/snapshot';

/**
 * The CRM content script: knows where the user is (and tells the background on every SPA
 * navigation), shows the guidance for that place in an overlay, finds anchors on request, and
 * keeps what a help request attaches (breadcrumbs, page errors) for the "Get help" dialog.
 * Everything it starts is tied to WXT's `ctx`, so an extension update or reload leaves nothing
 * behind in the CRM page.
 */
export default defineContentScript({
  matches: [...CRM_HOST_PATTERNS],
  excludeMatches: [...NON_ORG_HOST_PATTERNS],
  // As soon as the DOM is parsed: guidance waits for its anchors anyway, and document_idle
  // would add the page's whole load time before the first tip. Guidance itself is asked for
  // at document_start (guidance-early.content.ts). Declared at document_start, this script's
  // compile and set-up (~40 ms) held up the HTML parser, and so the CRM page: its
  // DOMContentLoaded came 25–35 ms later on the Lightning fixture (npm run bench).
  runAt: 'document_end',
  // WXT tells an older copy of this script (before an extension update) to stop with a DOM event
  // and, for WXT versions before that, also with window.postMessage. The message reaches every
  // `message` listener of the CRM page, and Blink records where it was posted from, which made
  // V8 re-parse this whole script for its source positions: ~27 ms before the first tip.
  noScriptStartedPostMessage: true,
  // The overlay's styles are bundled into the script and put in its shadow root, with no
  // extra request before the first tip shows.
  cssInjectionMode: 'manual',
  async main(ctx) {
    let crm: 'salesforce' | 'dynamics' | undefined;
    let overlayHost: Element | null = null;
    // Anchors are CRM elements: never look inside Ombord's own overlay.
    const crmShadowRootOf = (element: Element) => (element === overlayHost ? null : shadowRootOf(element));
    const locateOptions = () => ({ document, crm, shadowRootOf: crmShadowRootOf });

    // What a help request attaches: kept from the start, so the steps before "Get help" count.
    const now = () => new Date();
    let currentContext: CrmContext | null = null;
    let activeSession: GuidanceSession | null = null;
    const breadcrumbs = new BreadcrumbTrail(now);
    const userActions = listenForUserActions(document, ctx.signal);
    recordClicks(userActions, breadcrumbs, { signal: ctx.signal, ignoreWithin: () => overlayHost });
    const pageErrors = new PageErrorTrail();
    pageErrors.listen(window, { signal: ctx.signal, now });
    const help = new HelpRequests({
      snapshot: () =>
        currentContext &&
        buildSupportContext({
          context: currentContext,
          guide: activeSession?.getView().tour?.guide ?? null,
          breadcrumbs: breadcrumbs.list(),
          errors: pageErrors.list(),
          environment: readEnvironment(window, browser.runtime.getManifest().version, now()),
        }),
      // What the user was looking at, without Ombord's overlay, with where the field values are.
      capture: () =>
        capturePage({
          hideOverlay: () => hideForCapture(overlayHost?.shadowRoot ?? null),
          painted: () => afterNextPaint(window),
          collectMasks: () => collectFieldMasks({ window, shadowRootOf: crmShadowRootOf }),
          requestCapture: async () => (await browser.runtime.sendMessage(envelope('support:capture', {}))) as CaptureOutcome,
        }),
      send: async (request) => (await browser.runtime.sendMessage(envelope('support:send', { request }))) as SupportOutcome,
      newId: () => crypto.randomUUID(),
    });

    const handlers: MessageHandlers<'anchor:locate' | 'help:open'> = {
      async 'anchor:locate'(data): Promise<LocateReport> {
        // Senders are this extension's own pages; the shape is still checked, as on any message.
        const target: unknown = (data as { target?: unknown }).target;
        if (!isAnchorTarget(target)) {
          return { ok: false, reason: 'invalid_target', tried: [], message: anchorTargetProblem(target) ?? 'Invalid anchor target' };
        }
        const timeoutMs = typeof data.timeoutMs === 'number' ? Math.min(Math.max(data.timeoutMs, 0), 30_000) : 5000;
        const result = await locateAnchor(target, { ...locateOptions(), timeoutMs, signal: ctx.signal });
        return describeLocateResult(result);
      },
      'help:open'() {
        // Answered at once: the popup that asked closes while the page is captured.
        void help.open();
      },
    };
    const onMessage = (message: unknown, sender: { id?: string }): Promise<unknown> | undefined =>
      sender.id === browser.runtime.id
        ? dispatchMessage(handlers, message, { tabId: undefined, extensionId: sender.id })
        : undefined;
    browser.runtime.onMessage.addListener(onMessage);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));

    // Asked for at document_start by guidance-early.content.ts; asked for now where that script
    // does not run (on-premises servers, whose script is registered at run time).
    const early =
      takeSharedEarlyGuidance() ?? askGuidanceEarly(() => loadGuidance({ catalog: true }), browser.storage.onChanged, [PROGRESS_REVISION_KEY, LOCALE_KEY]);

    // The context is reported from the first moment; guidance joins when its data is loaded.
    const overlay = startOverlay();
    // Sessions start from inside the first report, before this is assigned: not navigating then.
    let contextWatch: CrmContextWatch | null = null;
    contextWatch = watchCrmContext({
      window,
      signal: ctx.signal,
      detect: (url) => detectCrmContextFromPage(url, document),
      onChange(context, signal) {
        crm = context?.crm;
        currentContext = context;
        if (context !== null) breadcrumbs.navigated(context);
        browser.runtime.sendMessage(envelope('context:changed', { context })).catch((error: unknown) => {
          // The background is gone only while the extension is being updated or removed.
          if (ctx.isValid) console.warn('[Ombord] could not report the page context', error);
        });
        void overlay.then((shown) => {
          if (!signal.aborted) shown?.show(context, signal);
        });
      },
      // Reported after the place the user settled on, whose guidance is then shown first.
      onNavigating(navigating) {
        void overlay.then((shown) => shown?.navigating(navigating));
      },
    });

    /** Loads guidance and mounts the overlay; resolves to what shows one context's guidance. */
    async function startOverlay(): Promise<ShownOverlay | null> {
      const guidance = (await early.take()) ?? (await loadGuidance({ catalog: true }));
      if (!guidance?.catalog || !ctx.isValid) return null;
      const { locale, messages, fallback } = guidance.catalog;
      const t: Translate = createTranslator(messages, fallback);
      // Tells this overlay's own progress changes from other tabs' and the sync's.
      const writer = crypto.randomUUID();
      const log = new ProgressEventLog(guidance.events, (events) => {
        browser.runtime.sendMessage(envelope('progress:record', { events, writer })).catch((error: unknown) => {
          if (ctx.isValid) console.warn('[Ombord] could not save progress', error);
        });
      });
      let session: GuidanceSession | null = null;

      const ui = await createShadowRootUi<OverlayParts>(ctx, {
        name: 'ombord-overlay',
        css: overlayCss,
        position: 'inline',
        anchor: 'body',
        append: 'last',
        // Keys typed in the overlay must not trigger the CRM's own shortcuts.
        isolateEvents: true,
        onMount: (container) => {
          const dots = document.createElement('div');
          const app = document.createElement('div');
          container.append(dots, app);
          const beacons = new BeaconLayer(dots, { t, onOpen: (key) => session?.tipOpened(key) });
          return { beacons, app, react: null };
        },
        onRemove: (parts) => {
          parts?.beacons.clear();
          parts?.react?.unmount();
        },
      });
      ui.mount();
      overlayHost = ui.shadowHost;
      liftToTopLayer(ui.shadowHost);

      // Another tab (or a sync) recorded progress: merge it, so a dismissal holds everywhere.
      // This overlay's own events are in its log already: asking for every event again would cost
      // the CRM page a copy of the whole history after each of the user's actions.
      const onStorageChanged = (changes: Record<string, unknown>, area: string): void => {
        if (area !== 'local' || !(PROGRESS_REVISION_KEY in changes)) return;
        if (progressRevisionWriter(changes[PROGRESS_REVISION_KEY]) === writer) return;
        // Only the events: the packs and language do not change with progress.
        ask('progress:all', {}).then(
          (events) => {
            if (log.merge(events)) session?.progressChanged();
          },
          (error: unknown) => {
            if (ctx.isValid) console.warn('[Ombord] could not reload progress', error);
          },
        );
      };
      browser.storage.onChanged.addListener(onStorageChanged);
      ctx.onInvalidated(() => browser.storage.onChanged.removeListener(onStorageChanged));

      // The user's help requests and the replies to them: loaded now, and again whenever the
      // background says they changed (a sync brought replies, another tab read them).
      const myRequests = new MyRequests({
        load: () => ask('support:mine', {}),
        seen: (requestId) => ask('support:seen', { requestId }),
        later: () => ask('support:later', {}),
        reply: (requestId, body) => ask('support:reply', { requestId, body }),
        solve: (requestId) => ask('support:solved', { requestId }),
        onError(error) {
          if (ctx.isValid) console.warn('[Ombord] could not load your help requests', error);
        },
      });
      void myRequests.reload();
      const onSupportChanged = (changes: Record<string, unknown>, area: string): void => {
        if (area === 'local' && SUPPORT_REVISION_KEY in changes) void myRequests.reload();
      };
      browser.storage.onChanged.addListener(onSupportChanged);
      ctx.onInvalidated(() => browser.storage.onChanged.removeListener(onSupportChanged));

      // The tips' beacons are plain DOM and show in the task that finds their anchors. React and
      // the rest of the overlay (launcher, cards, tours, announcements, help) load after that
      // first view is painted: evaluating React DOM took ~30 ms and its first render ~20 ms of
      // that task (bench (a)). The latest app to show waits here until they are loaded.
      // A tab in the background draws no frames: what waits for one runs when the tab is shown.
      const afterPaint = (callback: () => void): void => {
        requestAnimationFrame(() => setTimeout(callback, 0));
      };
      // The shadow-root search of a session waits for the page's first view only (lib/dom/first-view.ts).
      const pageView = firstView(afterPaint);
      let latestApp: OverlayAppProps | null = null;
      let renderedApp: OverlayAppProps | null = null;
      let reactRequested = false;
      const renderApp = (props: OverlayAppProps | null): void => {
        latestApp = props;
        const parts = ui.mounted;
        if (parts === undefined || parts === null) return;
        if (parts.react !== null) {
          // Drawn already: the session holder tells React itself what changed.
          if (renderedApp === latestApp) return;
          renderedApp = latestApp;
          parts.react.render(latestApp);
          return;
        }
        if (reactRequested || props === null) return;
        reactRequested = true;
        afterPaint(() => {
          import('@/components/overlay/mount').then(
            ({ mountOverlayApp }) => {
              if (!ctx.isValid || ui.mounted !== parts) return;
              parts.react = mountOverlayApp(parts.app);
              renderedApp = latestApp;
              parts.react.render(latestApp);
            },
            (error: unknown) => console.error('[Ombord] could not load the overlay', error),
          );
        });
      };

      // What the panels draw, from one page's session to the next: the app's props stay the same.
      const panelsSession = new CurrentSession();
      let appProps: OverlayAppProps | null = null;
      const show = (context: CrmContext | null, signal: AbortSignal): void => {
        session = null;
        activeSession = null;
        const parts = ui.mounted;
        if (context === null || !parts) {
          parts?.beacons.clear();
          panelsSession.switchTo(null);
          renderApp(null);
          return;
        }
        const current = new GuidanceSession({
          packs: guidance.packs,
          context,
          user: { locale, roles: guidance.roles, teams: guidance.teams },
          progress: log,
          signal,
          ports: {
            locate: (target, options) => locateAnchor(target, { ...locateOptions(), ...options }),
            locateAll: (targets, options, onResult) => locateAnchors(targets, { ...locateOptions(), ...options }, onResult),
            finder: () => anchorFinder(locateOptions()),
            locateInDocument: (targets) => findAnchorsNow(targets, { ...locateOptions(), pierceShadowRoots: false }),
            afterPaint: (search) => pageView.run(search),
            navigating: () => contextWatch?.navigating() ?? false,
            events: userActions,
            now: () => new Date(),
          },
        });
        session = current;
        activeSession = current;
        const unsubscribe = current.subscribe(() => {
          const view = current.getView();
          parts.beacons.sync(view.tips);
          // Follow the guidance into a modal <dialog>, and back out when it closes.
          const anchor = view.tour?.anchor ?? view.tips.find((tip) => modalDialogAround(tip.anchor))?.anchor ?? null;
          placeHost(ui.shadowHost, modalDialogAround(anchor), document);
        });
        signal.addEventListener('abort', unsubscribe, { once: true });
        parts.beacons.sync(current.getView().tips);
        pageView.shown();
        panelsSession.switchTo(current);
        appProps ??= { session: panelsSession, beacons: parts.beacons, help, requests: myRequests, t };
        renderApp(appProps);
      };
      return {
        show,
        // The tips' dots stay out of the way while the user moves on: the page on screen is about
        // to be another's, and following their anchors meanwhile costs the CRM's busiest moments.
        navigating(navigating) {
          const parts = ui.mounted;
          if (navigating) parts?.beacons.pause();
          else parts?.beacons.resume();
        },
      };
    }

    async function loadGuidance(request: MessageRequest<'guidance:load'>): Promise<GuidanceData | null> {
      try {
        return (await browser.runtime.sendMessage(envelope('guidance:load', request))) as GuidanceData;
      } catch (error) {
        // No guidance this time; context detection and anchors still work.
        if (ctx.isValid) console.warn('[Ombord] could not load guidance', error);
        return null;
      }
    }
  },
});

/** The mounted overlay, as the context watch drives it. */
interface ShownOverlay {
  /** Shows one context's guidance until `signal` aborts. */
  show(context: CrmContext | null, signal: AbortSignal): void;
  /** The user started to navigate, or settled (after the place settled on was shown). */
  navigating(navigating: boolean): void;
}

/** What the overlay's shadow root holds: the beacons, and React's part once it is loaded. */
interface OverlayParts {
  beacons: BeaconLayer;
  /** React's container. */
  app: HTMLElement;
  react: { render(props: OverlayAppProps | null): void; unmount(): void } | null;
}

/** A message to the background, with its answer typed by the message map. */
function ask<N extends MessageName>(type: N, data: MessageRequest<N>): Promise<MessageResponse<N>> {
  return browser.runtime.sendMessage(envelope(type, data)) as Promise<MessageResponse<N>>;
}
