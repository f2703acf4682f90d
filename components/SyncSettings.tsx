/**
 * Enrolment with the organisation's Ombord server and how sync is going, in words a user can act
 * on. The background does the work; this component asks for the host permission in the click
 * (browsers only prompt during a user gesture) and shows what the background reports.
 */
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { MessageKey, SupportedLocale, Translate } from '@/lib/i18n';
import type { EnrollInput, EnrollInvalid, EnrollOutcome, SyncStatus } from '@/lib/sync/service';
import { backendOriginPattern, normalizeBackendUrl, type SyncProblem } from '@/lib/sync/settings';

export interface SyncSettingsProps {
  status: SyncStatus | null;
  t: Translate;
  locale: SupportedLocale;
  /** The current time, so "2 minutes ago" stays true while the page is open. */
  now: number;
  /** Host permission patterns already granted. */
  grantedOrigins: readonly string[];
  /** Asks the browser for a host permission; must be called within the click. */
  requestOrigin: (pattern: string) => Promise<boolean>;
  onEnroll: (input: EnrollInput) => Promise<EnrollOutcome>;
  onSyncNow: () => Promise<void>;
  onForget: () => Promise<void>;
}

type Field = 'backendUrl' | 'enrollmentToken' | 'email';

const INVALID_MESSAGES: Record<EnrollInvalid, [Field, MessageKey]> = {
  backendUrl: ['backendUrl', 'syncBadBackendUrl'],
  backendUrlInsecure: ['backendUrl', 'syncInsecureBackendUrl'],
  enrollmentToken: ['enrollmentToken', 'syncBadToken'],
  email: ['email', 'syncBadEmail'],
};

/** The last problem in words: what happened, whether progress is safe, and what to do if anything. */
export function problemText(problem: SyncProblem, t: Translate): string {
  switch (problem.kind) {
    case 'unreachable':
      return t('syncProblemUnreachable');
    case 'busy':
      return t('syncProblemBusy');
    case 'server_error':
      return t('syncProblemServerError');
    case 'signed_out':
      return t('syncProblemSignedOut');
    case 'refused':
      return t('syncProblemRefused', problem.message);
    case 'not_ombord':
      return t('syncProblemNotOmbord');
    case 'no_permission':
      return t('syncProblemNoPermission', problem.origin);
    case 'needs_email':
      return t('syncProblemNeedsEmail');
  }
}

/** "2 minutes ago", "yesterday", in the user's language. */
export function timeAgo(at: number, now: number, locale: SupportedLocale): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const seconds = Math.round((at - now) / 1000);
  if (Math.abs(seconds) < 45) return format.format(0, 'second');
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return format.format(hours, 'hour');
  return format.format(Math.round(hours / 24), 'day');
}

export function SyncSettings({ status, t, locale, now, grantedOrigins, requestOrigin, onEnroll, onSyncNow, onForget }: SyncSettingsProps) {
  const id = useId();
  const settings = status?.settings;
  const locked = settings?.locked ?? { backendUrl: false, enrollmentToken: false, email: false };
  const [typed, setTyped] = useState<Partial<Record<Field, string>>>({});
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState<'enrolling' | 'syncing' | null>(null);
  const [feedback, setFeedback] = useState<string | null>(null);
  const inputs = { backendUrl: useRef<HTMLInputElement>(null), enrollmentToken: useRef<HTMLInputElement>(null), email: useRef<HTMLInputElement>(null) };

  const value = (field: Field): string => {
    if (field === 'enrollmentToken') return locked.enrollmentToken ? '' : (typed.enrollmentToken ?? '');
    const current = field === 'backendUrl' ? settings?.backendUrl : settings?.email;
    return (locked[field] ? current : typed[field]) ?? current ?? '';
  };

  /** Asks for the backend's origin first of all: an `await` before it would lose the user's gesture. */
  function requestBackendOrigin(): Promise<boolean> {
    const url = normalizeBackendUrl(value('backendUrl'));
    if (!url.ok) return Promise.resolve(true);
    const pattern = backendOriginPattern(url.url);
    if (grantedOrigins.includes(pattern)) return Promise.resolve(true);
    return requestOrigin(pattern).then((granted) => {
      if (!granted) setFeedback(t('syncPermissionDenied', pattern));
      return granted;
    });
  }

  async function enroll(event: FormEvent) {
    event.preventDefault();
    const permitted = requestBackendOrigin();
    setBusy('enrolling');
    setFeedback(null);
    try {
      if (!(await permitted)) return;
      const outcome = await onEnroll({ backendUrl: value('backendUrl'), enrollmentToken: value('enrollmentToken'), email: value('email') });
      if (outcome.ok) {
        setErrors({});
        setTyped((previous) => ({ ...previous, enrollmentToken: '' }));
        setFeedback(t('syncEnrolled', outcome.enrolledAs.organisation));
      } else if ('invalid' in outcome) {
        const next: Partial<Record<Field, string>> = {};
        for (const invalid of outcome.invalid) {
          const [field, key] = INVALID_MESSAGES[invalid];
          next[field] = t(key);
        }
        setErrors(next);
        const first = (['backendUrl', 'enrollmentToken', 'email'] as const).find((field) => next[field] !== undefined);
        if (first) inputs[first].current?.focus();
      } else {
        setErrors({});
        setFeedback(problemText(outcome.problem, t));
      }
    } finally {
      setBusy(null);
    }
  }

  async function syncNow() {
    const permitted = requestBackendOrigin();
    setBusy('syncing');
    setFeedback(null);
    try {
      if (!(await permitted)) return;
      await onSyncNow();
      setFeedback(null);
    } finally {
      setBusy(null);
    }
  }

  async function forget() {
    await onForget();
    setFeedback(t('syncForgotten'));
  }

  const enrolled = status?.enrolledAs ?? null;
  const live =
    busy === 'enrolling'
      ? t('syncEnrolling')
      : busy === 'syncing'
        ? t('syncSyncing')
        : (feedback ?? (status?.problem ? problemText(status.problem, t) : enrolled && status?.queued === 0 && status.lastSyncAt !== null ? t('syncSynced') : ''));
  const anyLocked = locked.backendUrl || locked.enrollmentToken || locked.email;

  const field = (name: Field, label: MessageKey, input: { type: string; autoComplete: string; placeholder?: string }): ReactNode => {
    const inputId = `${id}-${name}`;
    const describedBy = [locked[name] ? `${inputId}-locked` : null, errors[name] ? `${inputId}-error` : null].filter(Boolean).join(' ');
    return (
      <p>
        <label htmlFor={inputId}>{t(label)}</label>{' '}
        <input
          ref={inputs[name]}
          id={inputId}
          name={name}
          {...input}
          value={name === 'enrollmentToken' && locked.enrollmentToken ? '••••••••••••••••' : value(name)}
          readOnly={locked[name]}
          aria-invalid={errors[name] !== undefined}
          aria-describedby={describedBy || undefined}
          spellCheck={false}
          onChange={(event) => setTyped((previous) => ({ ...previous, [name]: event.target.value }))}
        />
        {locked[name] && (
          <small id={`${inputId}-locked`}>
            {' '}
            {t('syncLockedByPolicy')}
          </small>
        )}
        {errors[name] && (
          <span id={`${inputId}-error`}>
            <br />
            {errors[name]}
          </span>
        )}
      </p>
    );
  };

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('syncHeading')}</h2>
      <p>{t('syncHelp')}</p>
      {anyLocked && <p>{t('syncPolicyNote')}</p>}
      {settings && settings.policyIgnored.length > 0 && <p>{t('syncPolicyIgnored', settings.policyIgnored.join(', '))}</p>}
      <form onSubmit={(event) => void enroll(event)} noValidate aria-busy={busy === 'enrolling'}>
        {field('backendUrl', 'syncBackendUrlLabel', { type: 'url', autoComplete: 'url', placeholder: 'https://ombord.example.com' })}
        {field('enrollmentToken', 'syncEnrollmentTokenLabel', { type: 'password', autoComplete: 'off' })}
        {field('email', 'syncEmailLabel', { type: 'email', autoComplete: 'email', placeholder: 'kari@example.com' })}
        <button type="submit" disabled={busy !== null}>
          {t('syncEnroll')}
        </button>
      </form>

      <h3>{t('syncStatusHeading')}</h3>
      <dl className="context">
        <div className="context__row">
          <dt>{t('syncEnrolledAsLabel')}</dt>
          <dd>{enrolled ? t('syncEnrolledAs', [enrolled.email, enrolled.organisation]) : t('syncNotEnrolled')}</dd>
        </div>
        <div className="context__row">
          <dt>{t('syncLastSyncLabel')}</dt>
          <dd>
            {status?.lastSyncAt != null ? (
              <time dateTime={new Date(status.lastSyncAt).toISOString()} title={new Date(status.lastSyncAt).toLocaleString(locale)}>
                {timeAgo(status.lastSyncAt, now, locale)}
              </time>
            ) : (
              t('syncNever')
            )}
          </dd>
        </div>
        <div className="context__row">
          <dt>{t('syncQueuedLabel')}</dt>
          <dd>{status ? status.queued.toLocaleString(locale) : '…'}</dd>
        </div>
      </dl>
      {status?.restoring && <p>{t('syncRestoring')}</p>}
      <p role="status">{live}</p>
      <p>
        <button type="button" disabled={!enrolled || busy !== null} onClick={() => void syncNow()}>
          {t('syncNow')}
        </button>{' '}
        <button type="button" disabled={!enrolled || busy !== null} onClick={() => void forget()}>
          {t('syncForget')}
        </button>
      </p>

      {status && status.deadLetters.length > 0 && (
        <details>
          <summary>{t('syncDeadLettersHeading', String(status.deadLetters.length))}</summary>
          <p>{t('syncDeadLettersHelp')}</p>
          <ul>
            {status.deadLetters.map((letter) => (
              <li key={letter.id}>
                <code>
                  {letter.packId} › {letter.itemId}
                </code>{' '}
                ({letter.type}, <time dateTime={letter.at}>{new Date(letter.at).toLocaleString(locale)}</time>): {letter.error}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
