/**
 * "Support answered your question": a small card in the corner when a reply to one of the user's
 * help requests is unread. It never takes focus (the user is working in the CRM); it is a polite
 * live region, so a screen reader says it once, when the work allows. "Read" opens the request,
 * "Later" puts the notice away while the replies stay unread (the badge and the launcher keep
 * counting them).
 */
import { useId } from 'react';
import type { SupportKind } from '@/lib/api/support';
import type { MessageKey, Translate } from '@/lib/i18n';
import { supportRequestTitle } from '@/lib/support/replies-view';

export interface RepliesNoticeProps {
  t: Translate;
  /** The request the notice is about, or null for no notice. */
  request: { kind: SupportKind; description: string } | null;
  onRead: () => void;
  onLater: () => void;
}

const SENTENCES: Record<SupportKind, MessageKey> = {
  question: 'supportNoticeQuestion',
  problem: 'supportNoticeProblem',
  idea: 'supportNoticeIdea',
};

export function RepliesNotice({ t, request, onRead, onLater }: RepliesNoticeProps) {
  const sentenceId = useId();
  return (
    // Always mounted, empty without a notice: a live region must exist before its content changes
    // for screen readers to announce the change.
    <div role="status" className="ob-root ob-notice">
      {request !== null && (
        <div className="ob-card ob-notice__card">
          <p id={sentenceId} className="ob-body ob-notice__sentence">
            {t(SENTENCES[request.kind], supportRequestTitle(request.description))}
          </p>
          <div className="ob-actions">
            <button type="button" className="ob-button" onClick={onLater}>
              {t('supportNoticeLater')}
            </button>
            <button type="button" className="ob-button ob-button--primary" aria-haspopup="dialog" aria-describedby={sentenceId} onClick={onRead}>
              {t('supportNoticeRead')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
