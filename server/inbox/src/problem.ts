/** A `Problem` from the API client in words a staff member can act on, in their language. */
import type { Problem } from './api';
import type { I18n } from './i18n';

export function describeProblem(problem: Problem, { t, until }: I18n, now: number): string {
  switch (problem.kind) {
    case 'aborted':
      return '';
    case 'network':
      return t('problemNetwork');
    case 'unauthenticated':
      return t('problemSessionEnded');
    case 'rate_limited':
      return problem.retryAt === null ? t('problemRateLimited') : t('problemRateLimitedUntil', until(problem.retryAt, now));
    case 'unreadable':
      return t('problemUnreadable');
    case 'refused': {
      const lead = refusedLead(problem, { t, until }, now);
      // The server's sentence names the field or rule at fault; it is only in English, so it
      // follows as a detail rather than replacing the translated lead.
      const detail = problem.message !== null && problem.status < 500 ? ` ${t('problemServerSaid', problem.message)}` : '';
      return lead + detail;
    }
  }
}

function refusedLead(problem: Extract<Problem, { kind: 'refused' }>, { t, until }: Pick<I18n, 't' | 'until'>, now: number): string {
  switch (problem.status) {
    case 400:
    case 422:
      return t('problemRejected');
    case 403:
      return t('problemForbidden');
    case 404:
      return t('problemNotFound');
    case 409:
      return t('problemConflict');
    case 413:
      return t('problemTooLarge');
    case 503:
      return problem.retryAt === null ? t('problemUnavailable') : t('problemUnavailableUntil', until(problem.retryAt, now));
    default:
      return problem.status >= 500 ? t('problemServer', String(problem.status)) : t('problemRejected');
  }
}
