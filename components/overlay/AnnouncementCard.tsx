/**
 * A launch message in the bottom-left corner: title, body and, when a leader backs the change,
 * their words. A non-modal dialog that leaves focus in the CRM unless `autoFocus`; Esc means
 * "Remind me later", the answer that loses nothing.
 */
import { useId, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import type { Translate } from '@/lib/i18n';
import { focusQuietly, useReturnFocus } from './focus';

/** An announcement's endorsement with its role and message already localised. */
export interface LocalizedEndorsement {
  name: string;
  role: string;
  message: string;
}

export interface AnnouncementCardProps {
  title: string;
  body: string;
  endorsement?: LocalizedEndorsement | undefined;
  t: Translate;
  onGotIt: () => void;
  /** "Remind me later" or Esc. */
  onRemindLater: () => void;
  /** Move focus to the card when it appears (e.g. when the user asked for it). */
  autoFocus?: boolean;
}

export function AnnouncementCard({ title, body, endorsement, t, onGotIt, onRemindLater, autoFocus = false }: AnnouncementCardProps) {
  const headingId = useId();
  const bodyId = useId();
  const cardRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useReturnFocus(cardRef);
  useLayoutEffect(() => {
    if (autoFocus) focusQuietly(headingRef.current);
    // On appearing only: a later change of the prop does not move focus.
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    onRemindLater();
  };

  return (
    <div
      ref={cardRef}
      role="dialog"
      aria-labelledby={headingId}
      aria-describedby={bodyId}
      className="ob-root ob-card ob-announcement"
      onKeyDown={onKeyDown}
    >
      <h2 ref={headingRef} id={headingId} className="ob-heading" tabIndex={-1}>
        {title}
      </h2>
      <p id={bodyId} className="ob-body">
        {body}
      </p>
      {endorsement && (
        <figure className="ob-endorsement">
          <blockquote className="ob-endorsement__message">
            <p>{endorsement.message}</p>
          </blockquote>
          <figcaption className="ob-endorsement__by">
            <span className="ob-endorsement__name">{endorsement.name}</span>, {endorsement.role}
          </figcaption>
        </figure>
      )}
      <div className="ob-actions">
        <button type="button" className="ob-button" onClick={onRemindLater}>
          {t('overlayRemindLater')}
        </button>
        <button type="button" className="ob-button ob-button--primary" onClick={onGotIt}>
          {t('overlayGotIt')}
        </button>
      </div>
    </div>
  );
}
