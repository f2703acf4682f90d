/**
 * The request's masked screenshot: a thumbnail button that opens it larger in a modal dialog.
 * Escape, Close or a click outside the picture closes the dialog; Tab stays inside it while it
 * is open, and focus goes back to the thumbnail afterwards.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { trapTab, useReturnFocus } from '../../../components/overlay/focus';
import { screenshotUrl } from './api';
import { useI18n } from './i18n';

export function Screenshot({ requestId, alt }: { requestId: string; alt: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  const src = screenshotUrl(requestId);
  if (failed) return <p className="notice">{t('screenshotFailed')}</p>;
  return (
    <>
      <button type="button" className="shot" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <img className="shot__image" src={src} alt={alt} onError={() => setFailed(true)} />
        <span className="shot__hint">{t('screenshotEnlarge')}</span>
      </button>
      {open && <ScreenshotDialog src={src} alt={alt} onClose={() => setOpen(false)} />}
    </>
  );
}

function ScreenshotDialog({ src, alt, onClose }: { src: string; alt: string; onClose: () => void }) {
  const { t } = useI18n();
  const headingId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  useReturnFocus(dialogRef);
  useLayoutEffect(() => closeRef.current?.focus(), []);

  // The page behind must not scroll under the dialog.
  useEffect(() => {
    document.body.classList.add('has-modal');
    return () => document.body.classList.remove('has-modal');
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (dialogRef.current !== null) trapTab(event, dialogRef.current);
  };

  return (
    <div
      className="modal-backdrop"
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      {/* tabIndex -1: a click on the picture focuses the dialog, so Escape and Tab still reach it. */}
      <div ref={dialogRef} role="dialog" aria-modal="true" aria-labelledby={headingId} className="modal" tabIndex={-1} onKeyDown={onKeyDown}>
        <div className="modal__head">
          <h2 id={headingId} className="modal__title">
            {t('screenshotTitle')}
          </h2>
          <a className="modal__open" href={src} target="_blank" rel="noopener noreferrer">
            {t('screenshotOpenTab')}
          </a>
          <button ref={closeRef} type="button" className="button" onClick={onClose}>
            {t('close')}
          </button>
        </div>
        <div className="modal__body">
          <img className="modal__image" src={src} alt={alt} />
        </div>
      </div>
    </div>
  );
}
