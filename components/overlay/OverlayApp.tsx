/**
 * The whole overlay of one page: renders a guidance session's view with the overlay
 * components and hands the user's choices back to the session. No decisions are made here.
 */
import { Component, useSyncExternalStore, type ReactNode } from 'react';
import type { GuidanceSession } from '@/lib/guides/session';
import type { Translate } from '@/lib/i18n';
import type { HelpRequests } from '@/lib/support/help';
import { AnnouncementCard } from './AnnouncementCard';
import { Beacon } from './Beacon';
import { HelpDialog } from './HelpDialog';
import { Launcher } from './Launcher';
import { TourPopover } from './TourPopover';

interface Props {
  session: GuidanceSession;
  help: HelpRequests;
  t: Translate;
}

export function OverlayApp({ session, help, t }: Props) {
  const view = useSyncExternalStore(session.subscribe, session.getView);
  const helpAttachment = useSyncExternalStore(help.subscribe, help.getOpen);
  return (
    <OverlayErrorBoundary>
      {view.tips.map((tip) => (
        <Beacon
          key={tip.key}
          anchor={tip.anchor}
          title={tip.title}
          body={tip.body}
          wiifm={tip.wiifm}
          t={t}
          onOpen={() => session.tipOpened(tip.key)}
          onGotIt={() => undefined}
          onSnooze={() => session.tipSnoozed(tip.key)}
          onDontShowAgain={() => session.tipDismissed(tip.key)}
        />
      ))}
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
        minutesSavedThisWeek={view.launcher.minutesSavedThisWeek}
        checklists={view.launcher.checklists}
        tours={view.launcher.tours}
        onStartTour={(tourId) => session.startTour(tourId)}
        helpAction={
          <button type="button" className="ob-button" aria-haspopup="dialog" onClick={() => help.open()}>
            {t('helpGetHelp')}
          </button>
        }
      />
      {helpAttachment && (
        <HelpDialog t={t} attachment={helpAttachment} onSend={(input) => help.send(input)} onClose={() => help.close()} />
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
