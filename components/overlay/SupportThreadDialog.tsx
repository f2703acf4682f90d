/**
 * One of the user's help requests as a modal dialog: what they wrote, its status in words, the
 * replies (author, role, time; every text shown as text, never as markup), "Answer back" and
 * "Mark as solved". Focus stays inside until it closes (Esc or Close) and then goes back to where
 * it was — or, when that is gone (the notice's "Read" leaves with the notice), to `fallbackFocus`.
 * The actions are sent by the caller; an answer that could not be sent stays in the box.
 */
import { useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { MySupportRequest, SupportAuthorRole, SupportKind, SupportReply, SupportStatus } from '@/lib/api/support';
import { SUPPORT_REPLY_MAX } from '@/lib/api/support-limits';
import type { MessageKey, Translate } from '@/lib/i18n';
import type { SupportActionOutcome } from '@/lib/support/replies';
import { focusQuietly, trapTab, useReturnFocus } from './focus';
import { LongTextField } from './LongTextField';

export interface SupportThreadDialogProps {
  t: Translate;
  request: MySupportRequest;
  /** Replies that were unread when the dialog opened (or arrived while it is open): marked "New". */
  newReplyIds: readonly string[];
  onReply: (body: string) => Promise<SupportActionOutcome>;
  onSolve: () => Promise<SupportActionOutcome>;
  onClose: () => void;
  /** Where focus goes on close when the element that had it before is gone. */
  fallbackFocus?: () => Element | null;
}

export const STATUS_LABELS: Record<SupportStatus, MessageKey> = {
  new: 'supportStatus_new',
  in_progress: 'supportStatus_in_progress',
  waiting_for_user: 'supportStatus_waiting_for_user',
  answered: 'supportStatus_answered',
  closed: 'supportStatus_closed',
};

const ROLE_LABELS: Record<SupportAuthorRole, MessageKey> = {
  support: 'supportRole_support',
  champion: 'supportRole_champion',
  admin: 'supportRole_admin',
  user: 'supportRole_user',
};

const KIND_LABELS: Record<SupportKind, MessageKey> = {
  question: 'helpKindQuestion',
  problem: 'helpKindProblem',
  idea: 'helpKindIdea',
};

/** What the status line says after an action, in the words of the outcome (a refusal's reason comes from the server). */
type Said = { action: 'reply' | 'solve'; outcome: SupportActionOutcome | { status: 'failed' } };

let timeFormat: Intl.DateTimeFormat | undefined;

export function SupportThreadDialog({ t, request, newReplyIds, onReply, onSolve, onClose, fallbackFocus }: SupportThreadDialogProps) {
  const headingId = useId();
  const repliesHeadingId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const answerRef = useRef<HTMLTextAreaElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const [answer, setAnswer] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState<'reply' | 'solve' | null>(null);
  const [said, setSaid] = useState<Said | null>(null);
  /** The status the backend acknowledged, until the stored request catches up with it. */
  const [acked, setAcked] = useState<{ status: SupportStatus; updatedAt: string } | null>(null);
  const status = acked !== null && acked.updatedAt === request.updatedAt ? acked.status : request.status;
  const closed = status === 'closed';

  // Before the heading takes focus: the hook notes what had it before the dialog.
  useReturnFocus(dialogRef, fallbackFocus);
  useLayoutEffect(() => focusQuietly(headingRef.current), []);

  useLayoutEffect(() => {
    // Solved: "Mark as solved" and the answer box are gone; Close is what is left to press.
    if (closed && said?.action === 'solve') focusQuietly(closeRef.current);
  }, [closed, said]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (dialogRef.current !== null) trapTab(event, dialogRef.current);
  };

  async function run(action: 'reply' | 'solve', send: () => Promise<SupportActionOutcome>): Promise<SupportActionOutcome | null> {
    setBusy(action);
    try {
      const outcome = await send();
      setSaid({ action, outcome });
      if (outcome.status === 'done') setAcked({ status: outcome.requestStatus, updatedAt: request.updatedAt });
      return outcome;
    } catch {
      setSaid({ action, outcome: { status: 'failed' } });
      return null;
    } finally {
      setBusy(null);
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy !== null) return;
    const text = answer.trim();
    if (text === '') {
      setMissing(true);
      focusQuietly(answerRef.current);
      return;
    }
    const outcome = await run('reply', () => onReply(text));
    // Only an answer the backend took leaves the box; anything else stays for another try.
    if (outcome?.status === 'done') setAnswer('');
  };

  const solve = () => {
    if (busy === null) void run('solve', onSolve);
  };

  return (
    <div className="ob-root ob-help__backdrop">
      <div ref={dialogRef} role="dialog" aria-modal="true" aria-labelledby={headingId} className="ob-card ob-help ob-thread" onKeyDown={onKeyDown}>
        <h2 ref={headingRef} id={headingId} className="ob-heading" tabIndex={-1}>
          {t('supportThreadTitle')}
        </h2>
        <p className="ob-muted">
          {t(KIND_LABELS[request.kind])} · {t('supportThreadSentAt', formatTime(request.createdAt))}
        </p>
        <p className="ob-thread__status">{t('supportThreadStatus', t(STATUS_LABELS[status]))}</p>
        <h3 className="ob-subheading">{t('supportThreadYouWrote')}</h3>
        <p className="ob-thread__text">{request.description}</p>
        <h3 id={repliesHeadingId} className="ob-subheading">
          {t('supportThreadReplies')}
        </h3>
        {request.replies.length === 0 ? (
          <p className="ob-muted">{t('supportThreadNoReplies')}</p>
        ) : (
          <ol className="ob-thread__replies" aria-labelledby={repliesHeadingId}>
            {request.replies.map((reply) => (
              <ReplyItem key={reply.id} reply={reply} isNew={newReplyIds.includes(reply.id)} t={t} />
            ))}
          </ol>
        )}
        <div role="status" className="ob-body ob-thread__said">
          {said === null ? '' : saidText(said, t)}
        </div>
        {closed ? (
          <p className="ob-muted">{t('supportThreadClosed')}</p>
        ) : (
          <form className="ob-help__form" noValidate onSubmit={(event) => void submit(event)}>
            <LongTextField
              t={t}
              label={t('supportThreadAnswerLabel')}
              requiredMessage={t('supportThreadAnswerRequired')}
              missing={missing}
              value={answer}
              onChange={(value) => {
                setAnswer(value);
                if (value.trim() !== '') setMissing(false);
              }}
              max={SUPPORT_REPLY_MAX}
              rows={3}
              textareaRef={answerRef}
            />
            <div className="ob-actions">
              <button type="submit" className="ob-button ob-button--primary" aria-disabled={busy !== null}>
                {busy === 'reply' ? t('helpSending') : t('helpSend')}
              </button>
            </div>
          </form>
        )}
        <div className="ob-actions">
          {!closed && (
            <button type="button" className="ob-button" aria-disabled={busy !== null} onClick={solve}>
              {busy === 'solve' ? t('supportThreadSolving') : t('supportThreadSolve')}
            </button>
          )}
          <button ref={closeRef} type="button" className="ob-button" onClick={onClose}>
            {t('helpClose')}
          </button>
        </div>
      </div>
    </div>
  );
}

function ReplyItem({ reply, isNew, t }: { reply: SupportReply; isNew: boolean; t: Translate }) {
  const { displayName, role } = reply.author;
  // The user's own answers say "You"; staff say who they are and in what role.
  const author = role === 'user' ? t('supportRole_user') : t('supportThreadAuthorStaff', [displayName, t(ROLE_LABELS[role])]);
  return (
    <li className="ob-thread__reply" data-author-role={role}>
      <p className="ob-thread__meta">
        <span className="ob-thread__author">{author}</span>
        <time dateTime={reply.at}>{formatTime(reply.at)}</time>
        {isNew && <span className="ob-tag">{t('supportThreadNew')}</span>}
      </p>
      <p className="ob-thread__text">{reply.body}</p>
    </li>
  );
}

function formatTime(at: string): string {
  // Made on first use, like the minutes format (format.ts): not while the content script loads.
  timeFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return timeFormat.format(new Date(at));
}

function saidText({ action, outcome }: Said, t: Translate): string {
  switch (outcome.status) {
    case 'done':
      return t(action === 'reply' ? 'supportReplySent' : 'supportSolvedDone', t(STATUS_LABELS[outcome.requestStatus]));
    case 'unreachable':
      return t(action === 'reply' ? 'supportReplyUnreachable' : 'supportSolveUnreachable');
    case 'not_enrolled':
      return t('supportActionNotEnrolled');
    case 'signed_out':
      return t('supportActionSignedOut');
    case 'closed':
      return t('supportActionClosed');
    case 'not_found':
      return t('supportActionNotFound');
    case 'rejected':
      return t('supportActionRejected', outcome.message);
    case 'failed':
      return t('supportActionFailed');
  }
}
