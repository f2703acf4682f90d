/**
 * The whole overlay of one page: renders a guidance session's view and the user's help requests
 * with the overlay components and hands the user's choices back to the session and the requests.
 * No decisions are made here.
 */
import { Component, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { OverlayPanelsSource } from '@/lib/guides/current-session';
import type { Translate } from '@/lib/i18n';
import type { HelpRequests } from '@/lib/support/help';
import type { MyRequests } from '@/lib/support/my-requests';
import { supportRequestTitle, type MySupportThread } from '@/lib/support/replies-view';
import { AnnouncementCard } from './AnnouncementCard';
import { BeaconCards } from './BeaconCards';
import type { BeaconLayer } from './beacons';
import { HelpDialog } from './HelpDialog';
import { Launcher } from './Launcher';
import { RepliesNotice } from './RepliesNotice';
import { STATUS_LABELS, SupportThreadDialog } from './SupportThreadDialog';
import { TourPopover } from './TourPopover';

export interface OverlayAppProps {
  /** The session of the page (the content script passes one `CurrentSession` across pages). */
  session: OverlayPanelsSource;
  /** The tips' beacons, drawn without React; the app draws their open cards. */
  beacons: BeaconLayer;
  help: HelpRequests;
  /** The user's help requests and the replies to them. */
  requests: MyRequests;
  t: Translate;
}

/** The open help request and the replies shown as new in it. */
interface OpenThread {
  requestId: string;
  /** The request as it was opened: shown if the backend stops listing it while it is open. */
  opened: MySupportThread;
  newReplyIds: string[];
}

export function OverlayApp({ session, beacons, help, requests, t }: OverlayAppProps) {
  // Not the tips: their beacons and cards follow the BeaconLayer, and tips move all the time.
  // Nor the launcher's content, which its panel reads while open.
  const view = useSyncExternalStore(session.subscribe, session.getCards);
  const helpAttachment = useSyncExternalStore(help.subscribe, help.getOpen);
  const mine = useSyncExternalStore(requests.subscribe, requests.getView);
  const [thread, setThread] = useState<OpenThread | null>(null);
  const launcherButtonRef = useRef<HTMLButtonElement>(null);
  const liveOpen = thread === null ? undefined : mine.requests.find((request) => request.id === thread.requestId);
  const noticeRequest = mine.requests.find((request) => request.id === mine.noticeRequestId) ?? null;

  // Opening a request reads its replies (the badge clears), and so does a reply that arrives
  // while it is open; such a reply is marked "New" too.
  const openId = thread?.requestId ?? null;
  const unreadInOpen = liveOpen?.unreadReplyIds.join() ?? '';
  useEffect(() => {
    if (openId === null || unreadInOpen === '') return;
    const unread = unreadInOpen.split(',');
    setThread((current) =>
      current === null || current.requestId !== openId ? current : { ...current, newReplyIds: [...new Set([...current.newReplyIds, ...unread])] },
    );
    void requests.markSeen(openId);
  }, [openId, unreadInOpen, requests]);

  const showThread = (requestId: string) => {
    const opened = mine.requests.find((request) => request.id === requestId);
    if (opened !== undefined) setThread({ requestId, opened, newReplyIds: opened.unreadReplyIds });
  };

  return (
    <OverlayErrorBoundary>
      <BeaconCards beacons={beacons} t={t} onSnooze={(key) => session.tipSnoozed(key)} onDontShowAgain={(key) => session.tipDismissed(key)} />
      {view.tour && (
        <TourPopover
          key={view.tour.key}
          anchor={view.tour.anchor}
          step={view.tour.step}
          total={view.tour.total}
          title={view.tour.title}
          body={view.tour.body}
          placement={view.tour.placement}
          waitsForPage={view.tour.waitsForPage}
          t={t}
          onBack={view.tour.canGoBack ? () => session.tourBack() : undefined}
          onNext={() => session.tourNext()}
          onClose={() => session.tourClose()}
        />
      )}
      {view.announcement && (
        <AnnouncementCard
          key={view.announcement.key}
          title={view.announcement.title}
          body={view.announcement.body}
          endorsement={view.announcement.endorsement}
          t={t}
          onGotIt={() => session.announcementGotIt()}
          onRemindLater={() => session.announcementLater()}
        />
      )}
      <Launcher
        t={t}
        content={session}
        onStartTour={(tourId) => session.startTour(tourId)}
        helpAction={
          <button type="button" className="ob-button" aria-haspopup="dialog" onClick={() => help.open()}>
            {t('helpGetHelp')}
          </button>
        }
        helpRequests={{
          requests: mine.requests.map((request) => ({
            id: request.id,
            title: supportRequestTitle(request.description),
            status: t(STATUS_LABELS[request.status]),
            unread: request.unreadReplyIds.length,
          })),
          unread: mine.unread,
          onOpen: showThread,
        }}
        buttonRef={launcherButtonRef}
      />
      <RepliesNotice
        t={t}
        request={thread === null ? noticeRequest : null}
        onRead={() => {
          if (noticeRequest !== null) showThread(noticeRequest.id);
        }}
        onLater={() => void requests.later()}
      />
      {helpAttachment && (
        <HelpDialog t={t} attachment={helpAttachment} capture={help.getCapture()} onSend={(input) => help.send(input)} onClose={() => help.close()} />
      )}
      {thread !== null && (
        <SupportThreadDialog
          key={thread.requestId}
          t={t}
          request={liveOpen ?? thread.opened}
          newReplyIds={thread.newReplyIds}
          onReply={(body) => requests.reply(thread.requestId, body)}
          onSolve={() => requests.solve(thread.requestId)}
          onClose={() => setThread(null)}
          fallbackFocus={() => launcherButtonRef.current}
        />
      )}
    </OverlayErrorBoundary>
  );
}

/** A rendering bug hides the overlay instead of reaching the CRM page. */
class OverlayErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error('[Ombord] overlay error', error);
  }

  override render(): ReactNode {
    return this.state.failed ? null : this.props.children;
  }
}
