/**
 * The round button in the bottom-right corner and the panel it opens: minutes saved this week,
 * checklists, the tours of this page, the user's help requests and a place for "Get help". Esc or
 * the close button shuts the panel and puts focus back on the launcher; starting a tour or opening
 * a help request does the same first, so focus comes back to the launcher when they end. Unread
 * replies from support show as a count on the button.
 */
import { useId, useLayoutEffect, useRef, useState, useSyncExternalStore, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import type { Translate } from '@/lib/i18n';
import { badgeText, unreadRepliesSentence } from '@/lib/support/replies-view';
import { focusQuietly } from './focus';
import { formatMinutes, isOneMinute } from './format';
import { CloseIcon, LauncherIcon } from './icons';

export interface LauncherTask {
  id: string;
  title: string;
  done: boolean;
}

export interface LauncherChecklist {
  id: string;
  title: string;
  tasks: readonly LauncherTask[];
}

export interface LauncherTour {
  id: string;
  title: string;
  /** Started and not finished: offered as "Resume". */
  inProgress: boolean;
}

export interface LauncherHelpRequest {
  id: string;
  title: string;
  /** The request's status in words. */
  status: string;
  /** Replies from support the user has not read. */
  unread: number;
}

export interface LauncherHelpRequests {
  /** Newest first. */
  requests: readonly LauncherHelpRequest[];
  /** Replies from support the user has not read, over all requests (`MySupportView.unread`). */
  unread: number;
  onOpen: (requestId: string) => void;
}

/** What the panel lists about the user's guidance. */
export interface LauncherContent {
  minutesSavedThisWeek: number;
  checklists: readonly LauncherChecklist[];
  /** The tours available on this page. */
  tours: readonly LauncherTour[];
}

/**
 * Where the panel's content comes from (an external store): read while the panel is open, and
 * only then. The content changes at most navigations (each page has its own tours); a closed
 * panel that followed it was drawn again each time, at the moment the CRM had drawn a new page.
 */
export interface LauncherSource {
  subscribe(listener: () => void): () => void;
  /** The same object for as long as the content is the same. */
  getLauncher(): LauncherContent;
}

export interface LauncherProps {
  t: Translate;
  content: LauncherSource;
  onStartTour: (tourId: string) => void;
  /** The "Get help" control, shown at the bottom of the panel. */
  helpAction?: ReactNode;
  /** The user's help requests; the section is left out when there are none. */
  helpRequests?: LauncherHelpRequests;
  /** The launcher button, for a dialog that must give focus back to it. */
  buttonRef?: RefObject<HTMLButtonElement | null>;
}

export function Launcher({ t, content, onStartTour, helpAction, helpRequests, buttonRef: givenButtonRef }: LauncherProps) {
  const panelId = useId();
  const headingId = useId();
  const unreadId = useId();
  const [open, setOpen] = useState(false);
  const ownButtonRef = useRef<HTMLButtonElement>(null);
  const buttonRef = givenButtonRef ?? ownButtonRef;
  const unread = helpRequests?.unread ?? 0;
  const unreadSentence = unreadRepliesSentence(unread, t);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useLayoutEffect(() => {
    if (open) focusQuietly(headingRef.current);
  }, [open]);

  const close = () => {
    setOpen(false);
    focusQuietly(buttonRef.current);
  };
  const startTour = (tourId: string) => {
    close();
    onStartTour(tourId);
  };
  const openRequest = (requestId: string) => {
    close();
    helpRequests?.onOpen(requestId);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open) return;
    event.stopPropagation();
    close();
  };

  return (
    <div className="ob-root ob-launcher" onKeyDown={onKeyDown}>
      <button
        ref={buttonRef}
        type="button"
        className="ob-launcher__button"
        aria-label={t('overlayLauncherLabel')}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={panelId}
        aria-describedby={unreadSentence === null ? undefined : unreadId}
        onClick={() => setOpen((wasOpen) => !wasOpen)}
      >
        <LauncherIcon />
        {unread > 0 && (
          <span className="ob-launcher__count" aria-hidden="true">
            {badgeText(unread)}
          </span>
        )}
      </button>
      {unreadSentence !== null && (
        <span id={unreadId} hidden>
          {unreadSentence}
        </span>
      )}
      <div id={panelId} role="dialog" aria-labelledby={headingId} className="ob-card ob-launcher__panel" hidden={!open}>
        <div className="ob-launcher__top">
          <h2 ref={headingRef} id={headingId} className="ob-heading" tabIndex={-1}>
            {t('overlayPanelHeading')}
          </h2>
          <button type="button" className="ob-icon-button" aria-label={t('overlayClosePanel')} onClick={close}>
            <CloseIcon />
          </button>
        </div>
        {open && <GuidanceSections content={content} t={t} onStartTour={startTour} />}
        {helpRequests !== undefined && helpRequests.requests.length > 0 && (
          <HelpRequestsSection requests={helpRequests.requests} unread={unread} t={t} onOpen={openRequest} />
        )}
        {helpAction !== undefined && <div className="ob-launcher__help">{helpAction}</div>}
      </div>
    </div>
  );
}

/** Minutes saved, checklists and tours, following `content` while shown. */
function GuidanceSections({ content, t, onStartTour }: { content: LauncherSource; t: Translate; onStartTour: (tourId: string) => void }) {
  const { minutesSavedThisWeek, checklists, tours } = useSyncExternalStore(content.subscribe, content.getLauncher);
  return (
    <>
      <p className="ob-minutes">{minutesSentence(minutesSavedThisWeek, t)}</p>
      {checklists.map((checklist) => (
        <ChecklistSection key={checklist.id} checklist={checklist} t={t} />
      ))}
      <ToursSection tours={tours} t={t} onStart={onStartTour} />
    </>
  );
}

export function minutesSentence(minutes: number, t: Translate): string {
  if (minutes <= 0) return t('overlayMinutesSavedNone');
  if (isOneMinute(minutes)) return t('overlayMinutesSavedOne');
  return t('overlayMinutesSaved', formatMinutes(minutes));
}

/** A checklist as read-only checkboxes: the user ticks tasks off by doing them in the CRM. */
export function ChecklistSection({ checklist, t }: { checklist: LauncherChecklist; t: Translate }) {
  const headingId = useId();
  const done = checklist.tasks.filter((task) => task.done).length;
  return (
    <section className="ob-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="ob-subheading">
        {checklist.title}
      </h3>
      <p className="ob-muted">{t('overlayChecklistProgress', [String(done), String(checklist.tasks.length)])}</p>
      <ul className="ob-checklist">
        {checklist.tasks.map((task) => (
          <li key={task.id} className="ob-checklist__task" data-done={task.done}>
            <label>
              <input type="checkbox" checked={task.done} disabled readOnly />
              <span>{task.title}</span>
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ToursSection({ tours, t, onStart }: { tours: readonly LauncherTour[]; t: Translate; onStart: (tourId: string) => void }) {
  const headingId = useId();
  const idPrefix = useId();
  return (
    <section className="ob-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="ob-subheading">
        {t('overlayToursHeading')}
      </h3>
      {tours.length === 0 ? (
        <p className="ob-muted">{t('overlayNoTours')}</p>
      ) : (
        <ul className="ob-tours">
          {tours.map((tour, index) => {
            const titleId = `${idPrefix}-title-${index}`;
            const buttonId = `${idPrefix}-button-${index}`;
            return (
              <li key={tour.id} className="ob-tours__tour">
                <span id={titleId}>{tour.title}</span>
                {/* Named "Start <title>": a list of bare "Start" buttons says nothing out of context. */}
                <button
                  id={buttonId}
                  type="button"
                  className="ob-button"
                  aria-labelledby={`${buttonId} ${titleId}`}
                  onClick={() => onStart(tour.id)}
                >
                  {tour.inProgress ? t('overlayResumeTour') : t('overlayStartTour')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The user's help requests, each a button that opens it; the heading counts the unread replies. */
function HelpRequestsSection({
  requests,
  unread,
  t,
  onOpen,
}: {
  requests: readonly LauncherHelpRequest[];
  unread: number;
  t: Translate;
  onOpen: (requestId: string) => void;
}) {
  const headingId = useId();
  return (
    <section className="ob-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="ob-subheading ob-requests__heading">
        <span>{t('supportRequestsHeading')}</span>{' '}
        {unread > 0 && <span className="ob-tag">{t('supportRequestsNew', String(unread))}</span>}
      </h3>
      <ul className="ob-requests">
        {requests.map((request) => (
          <li key={request.id}>
            <button type="button" className="ob-requests__request" aria-haspopup="dialog" onClick={() => onOpen(request.id)}>
              {/* The spaces keep the words apart in the button's accessible name. */}
              <span className="ob-requests__title">{request.title}</span>{' '}
              <span className="ob-requests__status">
                {request.status}{' '}
                {request.unread > 0 && <span className="ob-tag">{t('supportRequestsNew', String(request.unread))}</span>}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
