/**
 * The staff inbox page: checks for a session, shows sign-in without one, and otherwise the view
 * the hash names (the request list or one request) under a header with the organisation, the
 * signed-in staff member, the language and Sign out. A 401 from any call returns to sign-in with
 * the hash kept, so signing in again lands where the staff member was.
 */
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { StaffSessionInfo } from '../../../lib/api/inbox';
import { SUPPORTED_LOCALES, type SupportedLocale } from '../../../lib/i18n';
import { createInboxApi, type InboxApi, type Problem } from './api';
import { I18nProvider, initialLocale, LOCALE_NAMES, rememberLocale, useI18n } from './i18n';
import { ROLE_LABELS } from './labels';
import { describeProblem } from './problem';
import { RequestDetail } from './RequestDetail';
import { RequestList } from './RequestList';
import { DEFAULT_FILTERS, listHash, parseHash, useHash } from './route';
import { SignIn, type SignInNotice } from './SignIn';
import { useDocumentTitle, useNow, ViewHeading } from './ui';

type Auth =
  | { phase: 'checking' }
  | { phase: 'unreachable'; problem: Problem }
  | { phase: 'signed_out'; notice: SignInNotice | null }
  | { phase: 'signed_in'; session: StaffSessionInfo };

export interface AppProps {
  /** Where the language choice is remembered (`localStorage`); null when there is none. */
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** `navigator.language`: the default language. */
  browserLanguage: string;
}

export function App({ storage, browserLanguage }: AppProps) {
  const [locale, setLocale] = useState(() => initialLocale(storage, browserLanguage));
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const chooseLocale = (next: SupportedLocale) => {
    rememberLocale(storage, next);
    setLocale(next);
  };
  return (
    <I18nProvider locale={locale}>
      <Inbox locale={locale} onLocale={chooseLocale} />
    </I18nProvider>
  );
}

function Inbox({ locale, onLocale }: { locale: SupportedLocale; onLocale: (locale: SupportedLocale) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const now = useNow();
  const [auth, setAuth] = useState<Auth>({ phase: 'checking' });
  const [api] = useState<InboxApi>(() => createInboxApi({ onSignedOut: () => setAuth({ phase: 'signed_out', notice: 'expired' }) }));
  const [attempt, setAttempt] = useState(0);
  const [signOutProblem, setSignOutProblem] = useState<Problem | null>(null);
  const hash = useHash();
  const route = useMemo(() => parseHash(hash), [hash]);
  // The list as last filtered, so "Requests" and "Back" from a request return to it.
  const [lastListHash, setLastListHash] = useState(() => listHash(DEFAULT_FILTERS));
  useEffect(() => {
    if (route.view === 'list') setLastListHash(listHash(route.filters));
  }, [route]);

  useEffect(() => {
    const controller = new AbortController();
    void api.session(controller.signal).then((result) => {
      if (controller.signal.aborted) return;
      if (result.ok) setAuth(result.value === null ? { phase: 'signed_out', notice: null } : { phase: 'signed_in', session: result.value });
      else if (result.problem.kind !== 'aborted') setAuth({ phase: 'unreachable', problem: result.problem });
    });
    return () => controller.abort();
  }, [api, attempt]);

  const signOut = useCallback(async () => {
    setSignOutProblem(null);
    const result = await api.logout();
    if (result.ok) setAuth({ phase: 'signed_out', notice: 'signed_out' });
    else if (result.problem.kind !== 'unauthenticated') setSignOutProblem(result.problem);
  }, [api]);

  const session = auth.phase === 'signed_in' ? auth.session : null;

  let view;
  switch (auth.phase) {
    case 'checking':
      view = <Checking />;
      break;
    case 'unreachable':
      view = <Unreachable message={describeProblem(auth.problem, i18n, now)} onRetry={() => {
            setAuth({ phase: 'checking' });
            setAttempt((n) => n + 1);
          }} />;
      break;
    case 'signed_out':
      view = <SignIn api={api} notice={auth.notice} onSignedIn={(signedIn) => setAuth({ phase: 'signed_in', session: signedIn })} />;
      break;
    case 'signed_in':
      view =
        route.view === 'list' ? (
          <RequestList api={api} filters={route.filters} />
        ) : route.view === 'detail' ? (
          <RequestDetail key={route.id} api={api} id={route.id} session={auth.session} backHash={lastListHash} />
        ) : (
          <NotFound listHash={lastListHash} />
        );
  }

  return (
    <>
      <header className="topbar">
        <p className="topbar__brand">
          <span className="topbar__product">{t('appTitle')}</span>
          {session !== null && <span className="topbar__org">{session.organisation.name}</span>}
        </p>
        {session !== null && (
          <nav className="topbar__nav" aria-label={t('navLabel')}>
            <a href={lastListHash} aria-current={route.view === 'list' ? 'page' : undefined}>
              {t('navRequests')}
            </a>
          </nav>
        )}
        <div className="topbar__end">
          {session !== null && (
            <p className="topbar__who">
              {t('signedInAs', [session.staff.displayName, t(ROLE_LABELS[session.staff.role])])}
            </p>
          )}
          <LanguageSelect locale={locale} onLocale={onLocale} />
          {session !== null && (
            <button type="button" className="button button--quiet" onClick={() => void signOut()}>
              {t('signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main" className="main">
        {signOutProblem !== null && (
          <p role="alert" className="notice notice--error">
            {t('signOutFailed', describeProblem(signOutProblem, i18n, now))}
          </p>
        )}
        {view}
      </main>
    </>
  );
}

function LanguageSelect({ locale, onLocale }: { locale: SupportedLocale; onLocale: (locale: SupportedLocale) => void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <span className="topbar__language">
      <label htmlFor={id}>{t('language')}</label>
      <select
        id={id}
        value={locale}
        onChange={(event) => {
          const chosen = SUPPORTED_LOCALES.find((candidate) => candidate === event.target.value);
          if (chosen !== undefined) onLocale(chosen);
        }}
      >
        {SUPPORTED_LOCALES.map((candidate) => (
          <option key={candidate} value={candidate} lang={candidate}>
            {LOCALE_NAMES[candidate]}
          </option>
        ))}
      </select>
    </span>
  );
}

function Checking() {
  const { t } = useI18n();
  useDocumentTitle('');
  return (
    <>
      <ViewHeading>{t('appTitle')}</ViewHeading>
      <p role="status">{t('checkingSession')}</p>
    </>
  );
}

function Unreachable({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useI18n();
  useDocumentTitle(t('unreachableTitle'));
  return (
    <>
      <ViewHeading>{t('unreachableTitle')}</ViewHeading>
      <p role="alert" className="notice notice--error">
        {message}
      </p>
      <button type="button" className="button" onClick={onRetry}>
        {t('tryAgain')}
      </button>
    </>
  );
}

function NotFound({ listHash: backHash }: { listHash: string }) {
  const { t } = useI18n();
  useDocumentTitle(t('notFoundTitle'));
  return (
    <>
      <ViewHeading>{t('notFoundTitle')}</ViewHeading>
      <p>{t('notFoundBody')}</p>
      <p>
        <a href={backHash}>{t('backToList')}</a>
      </p>
    </>
  );
}
