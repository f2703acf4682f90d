/**
 * "Get help": a modal dialog where the user asks a question, reports a problem or suggests an
 * idea, sees exactly what context goes with it ("What we send") and the screenshot with field
 * values masked, and sends it. Focus stays inside until it closes (Esc, Cancel or Close) and
 * then goes back to where it was. The request itself is sent by the caller; the dialog only
 * says what became of it.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { SupportContext, SupportScreenshot } from '@/lib/api/support';
import { SUPPORT_DESCRIPTION_MAX, SUPPORT_KINDS, type SupportKind } from '@/lib/api/support-limits';
import { pageTypeKey, type MessageKey, type Translate } from '@/lib/i18n';
import type { SupportOutcome } from '@/lib/support/queue';
import { closePreview, type HelpCapture } from '@/lib/support/screenshot';
import { focusQuietly, trapTab, useReturnFocus } from './focus';
import { LongTextField } from './LongTextField';
import { ScreenshotField, useHelpScreenshot, type HelpScreenshot } from './ScreenshotPreview';

export interface HelpDialogProps {
  t: Translate;
  /** The context that goes with the request, as it will be sent. */
  attachment: SupportContext;
  onSend: (input: { kind: SupportKind; description: string; screenshot?: SupportScreenshot }) => Promise<SupportOutcome>;
  onClose: () => void;
  /** The screenshot taken as the dialog opened (`HelpRequests.getCapture`); null offers none. */
  capture: HelpCapture | null;
}

const KIND_LABELS: Record<SupportKind, MessageKey> = {
  question: 'helpKindQuestion',
  problem: 'helpKindProblem',
  idea: 'helpKindIdea',
};

const OUTCOME_MESSAGES: Record<SupportOutcome['status'] | 'failed', MessageKey> = {
  sent: 'helpSent',
  queued: 'helpQueued',
  not_enrolled: 'helpNotEnrolled',
  rejected: 'helpRejected',
  failed: 'helpFailed',
};

type Phase = { step: 'editing' } | { step: 'sending' } | { step: 'done'; result: SupportOutcome['status'] | 'failed' };

export function HelpDialog({ t, attachment, onSend, onClose, capture: opened }: HelpDialogProps) {
  const headingId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const [kind, setKind] = useState<SupportKind>('question');
  const [description, setDescription] = useState('');
  const [missing, setMissing] = useState(false);
  const [phase, setPhase] = useState<Phase>({ step: 'editing' });
  // Read once: the dialog shows the screenshot taken as it opened.
  const [capture] = useState(opened);
  const shot = useHelpScreenshot(capture);
  const preview = shot.composed?.preview ?? null;

  // Each preview is the full screenshot: freed as soon as a newer one replaces it, and the
  // capture with whatever is left when the dialog closes.
  useEffect(() => () => closePreview(preview), [preview]);
  useEffect(() => {
    if (capture?.status !== 'captured') return;
    return () => capture.release();
  }, [capture]);

  useReturnFocus(dialogRef);
  useLayoutEffect(() => focusQuietly(headingRef.current), []);
  useLayoutEffect(() => {
    if (phase.step === 'done') focusQuietly(closeRef.current);
  }, [phase.step]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    // Modal: Tab and Shift+Tab go round inside the dialog.
    if (dialogRef.current !== null) trapTab(event, dialogRef.current);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (phase.step === 'sending') return;
    const text = description.trim();
    if (text === '') {
      setMissing(true);
      focusQuietly(textareaRef.current);
      return;
    }
    setPhase({ step: 'sending' });
    try {
      // Waits for the latest composition: what goes is what the preview shows once it is ready.
      const screenshot = await shot.toSend();
      const outcome = await onSend({ kind, description: text, ...(screenshot === undefined ? {} : { screenshot }) });
      setPhase({ step: 'done', result: outcome.status });
    } catch {
      setPhase({ step: 'done', result: 'failed' });
    }
  };

  return (
    <div className="ob-root ob-help__backdrop">
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={headingId}
        className={capture?.status === 'captured' ? 'ob-card ob-help ob-help--wide' : 'ob-card ob-help'}
        onKeyDown={onKeyDown}
      >
        <h2 ref={headingRef} id={headingId} className="ob-heading" tabIndex={-1}>
          {t('helpDialogTitle')}
        </h2>
        <div role="status" className="ob-body">
          {phase.step === 'done' ? t(OUTCOME_MESSAGES[phase.result]) : ''}
        </div>
        {phase.step === 'done' ? (
          <div className="ob-actions">
            <button ref={closeRef} type="button" className="ob-button ob-button--primary" onClick={onClose}>
              {t('helpClose')}
            </button>
          </div>
        ) : (
          <form className="ob-help__form" noValidate onSubmit={(event) => void submit(event)}>
            <fieldset className="ob-help__kinds">
              <legend className="ob-subheading">{t('helpKindLegend')}</legend>
              {SUPPORT_KINDS.map((value) => (
                <label key={value} className="ob-help__kind">
                  <input type="radio" name="kind" value={value} checked={kind === value} onChange={() => setKind(value)} />
                  <span>{t(KIND_LABELS[value])}</span>
                </label>
              ))}
            </fieldset>
            <LongTextField
              t={t}
              label={t('helpDescriptionLabel')}
              requiredMessage={t('helpDescriptionRequired')}
              missing={missing}
              value={description}
              onChange={(value) => {
                setDescription(value);
                if (value.trim() !== '') setMissing(false);
              }}
              max={SUPPORT_DESCRIPTION_MAX}
              rows={5}
              textareaRef={textareaRef}
            />
            <ScreenshotField t={t} shot={shot} />
            <details className="ob-help__attachment">
              <summary>{t('helpWhatWeSend')}</summary>
              <AttachmentList attachment={attachment} shot={shot} t={t} />
            </details>
            <div className="ob-actions">
              <button type="button" className="ob-button" onClick={onClose}>
                {t('helpCancel')}
              </button>
              <button type="submit" className="ob-button ob-button--primary" aria-disabled={phase.step === 'sending'}>
                {phase.step === 'sending' ? t('helpSending') : t('helpSend')}
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}

/** The attached context in words: what the user agrees to send. */
function AttachmentList({ attachment, shot, t }: { attachment: SupportContext; shot: HelpScreenshot; t: Translate }) {
  const { crm, guide, breadcrumbs, errors, environment } = attachment;
  const none = t('helpNone');
  return (
    <dl className="ob-help__facts">
      <dt>{t('helpFieldPage')}</dt>
      <dd>{t(pageTypeKey(crm.pageType))}</dd>
      <dt>{t('helpFieldObject')}</dt>
      <dd>{crm.object ?? none}</dd>
      <dt>{t('helpFieldRecordId')}</dt>
      <dd>{crm.recordId ?? none}</dd>
      <dt>{t('helpFieldGuideStep')}</dt>
      <dd>{guide === null ? none : t('helpGuideStepValue', [guide.itemId, String((guide.stepIndex ?? 0) + 1)])}</dd>
      <dt>{t('helpFieldBreadcrumbs')}</dt>
      <dd>
        {breadcrumbs.length === 0 ? (
          none
        ) : (
          <ol className="ob-help__trail">
            {breadcrumbs.map((crumb, index) => (
              <li key={index}>{crumb.label}</li>
            ))}
          </ol>
        )}
      </dd>
      <dt>{t('helpFieldErrors')}</dt>
      <dd>
        {errors.length === 0 ? (
          none
        ) : (
          <ol className="ob-help__trail">
            {errors.map((error, index) => (
              <li key={index}>{error.message}</li>
            ))}
          </ol>
        )}
      </dd>
      <dt>{t('helpFieldBrowser')}</dt>
      <dd>{`${environment.browser}, ${environment.os}`}</dd>
      <dt>{t('helpFieldScreenshot')}</dt>
      <dd>{screenshotSummary(shot, t)}</dd>
    </dl>
  );
}

function screenshotSummary(shot: HelpScreenshot, t: Translate): string {
  if (shot.capture?.status !== 'captured' || !shot.include) return t('helpNone');
  return t(shot.showValues ? 'helpScreenshotSummaryValuesShown' : 'helpScreenshotSummaryValuesHidden');
}
