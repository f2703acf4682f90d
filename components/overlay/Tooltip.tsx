/**
 * The card of a tip: title, body, what the user gains (WIIFM) and three ways to put it away.
 * A non-modal dialog (it holds buttons, so not `role="tooltip"`, per the ARIA APG); it never
 * takes focus by itself, and Esc asks the owner to close it.
 */
import { useId, type KeyboardEvent } from 'react';
import type { Translate } from '@/lib/i18n';
import { useAnchoredFloating } from './floating';
import { formatMinutes } from './format';

/** A tip's WIIFM with its reason already localised. */
export interface LocalizedWiifm {
  minutesSaved: number;
  reason: string;
}

export interface TooltipProps {
  /** The element the card points at; `null` or detached hides the card. */
  anchor: Element | null;
  /** For the opener's `aria-controls`. */
  id?: string;
  title: string;
  body: string;
  wiifm?: LocalizedWiifm | undefined;
  t: Translate;
  onGotIt: () => void;
  /** Snooze for a day. */
  onSnooze: () => void;
  onDontShowAgain: () => void;
  /** Esc pressed inside the card. */
  onClose: () => void;
}

export function Tooltip({ anchor, id, title, body, wiifm, t, onGotIt, onSnooze, onDontShowAgain, onClose }: TooltipProps) {
  const headingId = useId();
  const bodyId = useId();
  const wiifmId = useId();
  const { setFloating, floatingStyles, side, arrowRef, arrowStyle, hidden } = useAnchoredFloating(anchor);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    onClose();
  };

  return (
    <div
      ref={setFloating}
      id={id}
      role="dialog"
      aria-labelledby={headingId}
      aria-describedby={wiifm ? `${bodyId} ${wiifmId}` : bodyId}
      className="ob-root ob-card ob-tooltip"
      data-side={side}
      hidden={hidden}
      style={floatingStyles}
      onKeyDown={onKeyDown}
    >
      <h2 id={headingId} className="ob-heading">
        {title}
      </h2>
      <p id={bodyId} className="ob-body">
        {body}
      </p>
      {wiifm && (
        <p id={wiifmId} className="ob-wiifm">
          {t('overlayWiifm', [formatMinutes(wiifm.minutesSaved), wiifm.reason])}
        </p>
      )}
      <div className="ob-actions">
        <button type="button" className="ob-button ob-button--quiet" onClick={onDontShowAgain}>
          {t('overlayDontShowAgain')}
        </button>
        <button type="button" className="ob-button" onClick={onSnooze}>
          {t('overlaySnooze')}
        </button>
        <button type="button" className="ob-button ob-button--primary" onClick={onGotIt}>
          {t('overlayGotIt')}
        </button>
      </div>
      <div ref={arrowRef} className="ob-arrow" style={arrowStyle} aria-hidden="true" />
    </div>
  );
}
