/**
 * One step of a tour. Anchored to a CRM element it is a non-modal dialog with a highlight ring
 * around the element, and the CRM stays usable; without an anchor it is a centred modal dialog
 * that keeps Tab inside. The heading takes focus when the step appears; when the tour ends,
 * focus goes back to where it was before the tour.
 */
import { useId, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import type { TourStep } from '@/lib/guides/pack';
import type { Translate } from '@/lib/i18n';
import { useAnchoredFloating, useCoveringFloating } from './floating';
import { focusQuietly, trapTab, useReturnFocus } from './focus';
import { CloseIcon } from './icons';

/** Space between the anchor and its highlight ring. */
const RING_PADDING = 4;

export interface TourPopoverProps {
  /** The step's element, or `null` for a step without one. */
  anchor: Element | null;
  /** 1-based. */
  step: number;
  total: number;
  title: string;
  body: string;
  placement?: TourStep['placement'];
  /** The step moves on when the user acts on the anchor, not by a Next button. */
  hideNext?: boolean;
  t: Translate;
  /** The step goes on when the user reaches another page: never block the page they must use. */
  waitsForPage?: boolean;
  /** Absent when going back is not possible (the previous step was on another page). */
  onBack?: (() => void) | undefined;
  /** Next, or Done on the last step. */
  onNext: () => void;
  /** The close button ("End tour") or Esc. */
  onClose: () => void;
}

export function TourPopover(props: TourPopoverProps) {
  const { anchor, step, total, title, body, hideNext = false, waitsForPage = false, t, onBack, onNext, onClose } = props;
  // A step without an anchor is a centred modal, unless it waits for the user to do something
  // in the CRM (go to a page): then it docks at the bottom and leaves the page usable.
  const docked = anchor === null && waitsForPage;
  const modal = anchor === null && !waitsForPage;
  const floating = anchor !== null;
  const headingId = useId();
  const bodyId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const last = step === total;
  const placement = props.placement === undefined || props.placement === 'auto' ? 'bottom' : props.placement;
  const popover = useAnchoredFloating(anchor, { placement });
  const ring = useCoveringFloating(anchor, RING_PADDING);

  useReturnFocus(dialogRef);
  // A new step is announced by focusing its heading, unless the user is busy in the CRM
  // (a step that advanced on their click or input there). The tour's first step always is.
  const tourShown = useRef(false);
  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    const root = dialog?.getRootNode() as Document | ShadowRoot | undefined;
    const focusIsInside = root?.activeElement != null && dialog?.contains(root.activeElement) === true;
    if (!tourShown.current || modal || focusIsInside) focusQuietly(headingRef.current);
    tourShown.current = true;
  }, [step, modal]);
  useLayoutEffect(
    () => () => {
      tourShown.current = false;
    },
    [],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
    } else if (event.key === 'Tab' && modal) {
      trapTab(event, event.currentTarget);
    }
  };

  const card = (
    <div
      ref={dialogRef}
      role="dialog"
      aria-modal={modal ? true : undefined}
      aria-labelledby={headingId}
      aria-describedby={bodyId}
      className="ob-root ob-card ob-tour"
      onKeyDown={onKeyDown}
    >
      <div className="ob-tour__top">
        <div
          role="progressbar"
          className="ob-progress"
          aria-label={t('overlayTourProgressLabel')}
          aria-valuemin={1}
          aria-valuemax={total}
          aria-valuenow={step}
          aria-valuetext={t('overlayTourProgress', [String(step), String(total)])}
        >
          {t('overlayTourProgress', [String(step), String(total)])}
        </div>
        <button type="button" className="ob-icon-button" aria-label={t('overlayEndTour')} onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <h2 ref={headingRef} id={headingId} className="ob-heading" tabIndex={-1}>
        {title}
      </h2>
      <p id={bodyId} className="ob-body">
        {body}
      </p>
      <div className="ob-actions">
        {onBack && step > 1 && (
          <button type="button" className="ob-button" onClick={onBack}>
            {t('overlayBack')}
          </button>
        )}
        {!hideNext && (
          <button type="button" className="ob-button ob-button--primary" onClick={onNext}>
            {last ? t('overlayDone') : t('overlayNext')}
          </button>
        )}
      </div>
    </div>
  );

  return (
    <>
      {modal && <div className="ob-root ob-backdrop" aria-hidden="true" />}
      {floating && (
        <div ref={ring.setFloating} className="ob-root ob-highlight" style={ring.style} hidden={ring.hidden} aria-hidden="true" />
      )}
      {/* One element for every kind of step, so the dialog (and focus in it) survives a change of kind. */}
      <div
        ref={floating ? popover.setFloating : undefined}
        className={modal ? 'ob-tour-frame ob-tour-frame--centred' : docked ? 'ob-tour-frame ob-tour-frame--docked' : 'ob-tour-frame'}
        data-side={floating ? popover.side : undefined}
        style={floating ? popover.floatingStyles : undefined}
        hidden={floating && popover.hidden}
      >
        {card}
        {floating && <div ref={popover.arrowRef} className="ob-arrow" style={popover.arrowStyle} aria-hidden="true" />}
      </div>
    </>
  );
}
