/**
 * Sign-in for support staff, champions and admins: work email and password. What went wrong
 * (an empty field, a wrong password, too many attempts, no server) is announced and put next
 * to the field at fault.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import { STAFF_PASSWORD_MAX, StaffLoginRequestSchema, type StaffSessionInfo } from '../../../lib/api/inbox';
import type { InboxApi } from './api';
import { useI18n, type InboxMessageKey } from './i18n';
import { describeProblem } from './problem';
import { useDocumentTitle, ViewHeading } from './ui';

/** Why sign-in is showing, when there is something to say about it. */
export type SignInNotice = 'expired' | 'signed_out';

const NOTICES: Record<SignInNotice, InboxMessageKey> = {
  expired: 'signInExpired',
  signed_out: 'signInSignedOut',
};

type Field = 'email' | 'password';

export function SignIn({ api, notice, onSignedIn }: { api: InboxApi; notice: SignInNotice | null; onSignedIn: (session: StaffSessionInfo) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  useDocumentTitle(t('signInTitle'));
  const id = useId();
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const errors: Partial<Record<Field, string>> = {};
    if (email.trim() === '') errors.email = t('signInEmailMissing');
    else if (!StaffLoginRequestSchema.shape.email.safeParse(email).success) errors.email = t('signInEmailInvalid');
    if (password === '') errors.password = t('signInPasswordMissing');
    setFieldErrors(errors);
    if (errors.email !== undefined || errors.password !== undefined) {
      setError(t('signInFixFields'));
      (errors.email !== undefined ? emailRef : passwordRef).current?.focus();
      return;
    }
    const credentials = StaffLoginRequestSchema.safeParse({ email, password });
    if (!credentials.success) {
      setError(t('signInFixFields'));
      return;
    }
    setBusy(true);
    setError('');
    const result = await api.login(credentials.data);
    setBusy(false);
    if (result.ok) {
      onSignedIn(result.value);
      return;
    }
    const { problem } = result;
    if (problem.kind === 'refused' && problem.status === 401) {
      setError(t('signInWrongCredentials'));
      setPassword('');
      passwordRef.current?.focus();
    } else if (problem.kind === 'rate_limited') {
      setError(problem.retryAt === null ? t('signInRateLimited') : t('signInRateLimitedUntil', i18n.until(problem.retryAt, Date.now())));
    } else {
      setError(describeProblem(problem, i18n, Date.now()));
    }
  };

  const describedBy = (field: Field) => (fieldErrors[field] === undefined ? undefined : `${id}-${field}-error`);

  return (
    <div className="signin">
      <ViewHeading>{t('signInHeading')}</ViewHeading>
      {notice !== null && <p className="notice">{t(NOTICES[notice])}</p>}
      <form className="signin__form" noValidate onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={`${id}-email`}>{t('signInEmail')}</label>
          <input
            ref={emailRef}
            id={`${id}-email`}
            type="email"
            name="email"
            autoComplete="username"
            required
            maxLength={320}
            aria-invalid={fieldErrors.email !== undefined}
            aria-describedby={describedBy('email')}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          {fieldErrors.email !== undefined && (
            <p id={`${id}-email-error`} className="field__error">
              {fieldErrors.email}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('signInPassword')}</label>
          <input
            ref={passwordRef}
            id={`${id}-password`}
            type="password"
            name="password"
            autoComplete="current-password"
            required
            maxLength={STAFF_PASSWORD_MAX}
            aria-invalid={fieldErrors.password !== undefined}
            aria-describedby={describedBy('password')}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          {fieldErrors.password !== undefined && (
            <p id={`${id}-password-error`} className="field__error">
              {fieldErrors.password}
            </p>
          )}
        </div>
        {/* Always in the page, so screen readers are listening before a message arrives. */}
        <div role="alert" className={error === '' ? 'signin__alert' : 'signin__alert notice notice--error'}>
          {error}
        </div>
        <button type="submit" className="button button--primary" aria-disabled={busy}>
          {busy ? t('signInBusy') : t('signInSubmit')}
        </button>
      </form>
    </div>
  );
}
