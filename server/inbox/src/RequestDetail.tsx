/**
 * One help request: what the requester wrote and everything the extension attached (where in
 * the CRM, what they did just before, page errors, browser, the masked screenshot), the reply
 * thread with a reply form, status and assignment, and the audit trail. Every action answers
 * with the whole request, which replaces what is shown.
 *
 * Descriptions, replies, breadcrumb labels and context values come from the requester's browser
 * and are hostile until shown otherwise: they are rendered as React text only, and links are
 * made only from the server's `links` and only for http(s) addresses.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { InboxReplyRequestSchema, type InboxRequestDetail, type StaffMember, type StaffSessionInfo } from '../../../lib/api/inbox';
import { SUPPORT_REPLY_MAX, SUPPORT_STATUSES, type SupportStatus } from '../../../lib/api/support';
import type { InboxApi, Problem, Result } from './api';
import { useI18n, type I18n, type InboxMessageKey } from './i18n';
import { CRM_NAMES, ENVIRONMENT_LABELS, KIND_LABELS, PAGE_TYPE_LABELS, QUEUE_LABELS, ROLE_LABELS, STATUS_LABELS, SURFACE_LABELS } from './labels';
import { describeProblem } from './problem';
import { Screenshot } from './Screenshot';
import { Ago, StatusBadge, useDocumentTitle, useNow, ViewHeading } from './ui';

type DetailState = { phase: 'loading' } | { phase: 'failed'; problem: Problem } | { phase: 'loaded'; request: InboxRequestDetail };
type Action = 'reply' | 'status' | 'assign';
type Directory = { phase: 'loading' } | { phase: 'loaded'; staff: readonly StaffMember[] } | { phase: 'failed'; problem: Problem };

export interface RequestDetailProps {
  api: InboxApi;
  id: string;
  session: StaffSessionInfo;
  /** The list to go back to, as last filtered. */
  backHash: string;
}

export function RequestDetail({ api, id, session, backHash }: RequestDetailProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const now = useNow();
  const [state, setState] = useState<DetailState>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [directory, setDirectory] = useState<Directory>({ phase: 'loading' });
  const [busy, setBusy] = useState<Action | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [actionProblem, setActionProblem] = useState('');
  const statusGroupRef = useRef<HTMLDivElement>(null);
  const uid = useId();

  useEffect(() => {
    const controller = new AbortController();
    setState({ phase: 'loading' });
    void api.detail(id, controller.signal).then((result) => {
      if (controller.signal.aborted) return;
      setState(result.ok ? { phase: 'loaded', request: result.value } : { phase: 'failed', problem: result.problem });
    });
    return () => controller.abort();
  }, [api, id, attempt]);

  useEffect(() => {
    const controller = new AbortController();
    void api.staff(controller.signal).then((result) => {
      if (!controller.signal.aborted) setDirectory(result.ok ? { phase: 'loaded', staff: result.value.staff } : { phase: 'failed', problem: result.problem });
    });
    return () => controller.abort();
  }, [api]);

  useDocumentTitle(state.phase === 'loaded' ? titleOf(state.request, t) : t('detailLoadingTitle'));

  /** Runs one action; on success the answer replaces the request and `done` is announced. */
  const act = async (action: Action, send: () => Promise<Result<InboxRequestDetail>>, done: (request: InboxRequestDetail) => string): Promise<boolean> => {
    if (busy !== null) return false;
    setBusy(action);
    setActionProblem('');
    setAnnouncement('');
    const result = await send();
    setBusy(null);
    if (result.ok) {
      setState({ phase: 'loaded', request: result.value });
      setAnnouncement(done(result.value));
      return true;
    }
    // A 401 has already taken the page back to sign-in.
    if (result.problem.kind === 'unauthenticated' || result.problem.kind === 'aborted') return false;
    setActionProblem(describeProblem(result.problem, i18n, Date.now()));
    // Someone else changed the request first: show what it is now, so the next try is informed.
    if (result.problem.kind === 'refused' && result.problem.status === 409) {
      const fresh = await api.detail(id);
      if (fresh.ok) setState({ phase: 'loaded', request: fresh.value });
    }
    return false;
  };

  if (state.phase === 'loading') {
    return (
      <div className="detail">
        <BackLink href={backHash} />
        <ViewHeading key="loading">{t('detailLoadingTitle')}</ViewHeading>
        <p role="status">{t('detailLoading')}</p>
      </div>
    );
  }
  if (state.phase === 'failed') {
    const notFound = state.problem.kind === 'refused' && (state.problem.status === 404 || state.problem.status === 403);
    return (
      <div className="detail">
        <BackLink href={backHash} />
        <ViewHeading key="failed">{notFound ? t('detailNotFoundTitle') : t('detailFailedTitle')}</ViewHeading>
        <div role="alert" className="notice notice--error">
          <p>{describeProblem(state.problem, i18n, now)}</p>
        </div>
        {!notFound && (
          <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
            {t('tryAgain')}
          </button>
        )}
      </div>
    );
  }

  const request = state.request;
  const me = session.staff;

  const changeStatus = async (status: SupportStatus) => {
    const changed = await act('status', () => api.setStatus(id, { status }), (updated) => t('statusChanged', t(STATUS_LABELS[updated.status])));
    // The button pressed is gone with the old status; the group keeps focus near where it was.
    if (changed) statusGroupRef.current?.focus();
  };
  const assign = (assigneeId: string | null) =>
    act('assign', () => api.assign(id, { assigneeId }), (updated) =>
      updated.assignee === null ? t('assignedToNobody') : t('assignedTo', updated.assignee.displayName),
    );
  const reply = (body: string) => act('reply', () => api.reply(id, { body }), () => t('replySent', request.requester.displayName));

  return (
    <div className="detail">
      <BackLink href={backHash} />
      <ViewHeading key="loaded" className="detail__title">
        {titleOf(request, t)}
      </ViewHeading>
      <p className="detail__meta">
        <span className={`kind kind--${request.kind}`}>{t(KIND_LABELS[request.kind])}</span>
        <StatusBadge status={request.status} />
        <span>
          {t('sentBy', request.requester.displayName)} <Ago at={request.createdAt} now={now} />
        </span>
        {request.updatedAt !== request.createdAt && (
          <span className="secondary-inline">
            {t('updated')} <Ago at={request.updatedAt} now={now} />
          </span>
        )}
      </p>

      <p role="status" className={announcement === '' ? 'detail__announcement' : 'detail__announcement notice notice--success'}>
        {announcement}
      </p>
      <div role="alert" className={actionProblem === '' ? 'detail__problem' : 'detail__problem notice notice--error'}>
        {actionProblem}
      </div>

      <section className="handling" aria-labelledby={`${uid}-handling`}>
        <h2 id={`${uid}-handling`} className="visually-hidden">
          {t('handlingHeading')}
        </h2>
        <div ref={statusGroupRef} role="group" aria-labelledby={`${uid}-status-label`} className="handling__group" tabIndex={-1}>
          <span id={`${uid}-status-label`} className="handling__label">
            {t('statusLabel')}
          </span>
          <StatusBadge status={request.status} />
          {request.nextStatuses.map((status) => (
            <button key={status} type="button" className="button" aria-disabled={busy !== null} onClick={() => void changeStatus(status)}>
              {t(statusActionKey(request.status, status))}
            </button>
          ))}
        </div>
        <AssignControl request={request} me={me} directory={directory} busy={busy !== null} onAssign={assign} />
      </section>

      <div className="detail__columns">
        <div className="detail__conversation">
          <section aria-labelledby={`${uid}-description`}>
            <h2 id={`${uid}-description`}>{t('descriptionHeading')}</h2>
            <p className="text">{request.description}</p>
          </section>
          {request.hasScreenshot && (
            <section aria-labelledby={`${uid}-screenshot`}>
              <h2 id={`${uid}-screenshot`}>{t('screenshotHeading')}</h2>
              <Screenshot requestId={request.id} alt={t('screenshotAlt', request.requester.displayName)} />
            </section>
          )}
          <section aria-labelledby={`${uid}-replies`}>
            <h2 id={`${uid}-replies`}>{t('repliesHeading')}</h2>
            {request.replies.length === 0 ? (
              <p className="secondary-block">{t('repliesNone')}</p>
            ) : (
              <ol className="thread">
                {request.replies.map((entry) => (
                  <li key={entry.id} className={entry.author.role === 'user' ? 'thread__reply' : 'thread__reply thread__reply--staff'}>
                    <p className="thread__meta">
                      <strong>{entry.author.displayName}</strong>
                      <span className="secondary-inline">{t(ROLE_LABELS[entry.author.role])}</span>
                      <time dateTime={entry.at} className="secondary-inline">
                        {i18n.dateTime(entry.at)}
                      </time>
                    </p>
                    <p className="text">{entry.body}</p>
                  </li>
                ))}
              </ol>
            )}
            {request.status === 'closed' ? (
              <p className="notice">{t('replyClosed')}</p>
            ) : (
              <ReplyForm requesterName={request.requester.displayName} busy={busy === 'reply'} onSend={reply} />
            )}
          </section>
        </div>
        <div className="detail__facts">
          <RequesterFacts request={request} />
          <RoutingFacts request={request} now={now} />
          <ContextFacts request={request} />
          <Trail request={request} />
          <EnvironmentFacts request={request} />
        </div>
      </div>

      <AuditTrail request={request} />
    </div>
  );
}

function titleOf(request: InboxRequestDetail, t: I18n['t']): string {
  return request.title.trim() === '' ? t('untitled') : request.title;
}

function BackLink({ href }: { href: string }) {
  const { t } = useI18n();
  return (
    <p className="detail__back">
      <a href={href}>
        <span aria-hidden="true">← </span>
        {t('backToList')}
      </a>
    </p>
  );
}

/** Reopening reads better than "mark in progress" for a closed request. */
function statusActionKey(from: SupportStatus, to: SupportStatus): InboxMessageKey {
  if (from === 'closed' && to === 'in_progress') return 'statusActionReopen';
  return STATUS_ACTION_KEYS[to];
}

const STATUS_ACTION_KEYS: Record<SupportStatus, InboxMessageKey> = {
  new: 'statusAction_new',
  in_progress: 'statusAction_in_progress',
  waiting_for_user: 'statusAction_waiting_for_user',
  answered: 'statusAction_answered',
  closed: 'statusAction_closed',
};

function AssignControl({
  request,
  me,
  directory,
  busy,
  onAssign,
}: {
  request: InboxRequestDetail;
  me: StaffMember;
  directory: Directory;
  busy: boolean;
  onAssign: (assigneeId: string | null) => Promise<boolean>;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const selectRef = useRef<HTMLSelectElement>(null);
  const current = request.assignee?.id ?? '';
  // What the menu shows: the user's pick while the request is assigned as it was when they made
  // it, else the current assignee. Derived in render, so the menu never shows a stale pick for a
  // frame after the assignee changed (an effect that reset it would run one render late).
  const [pick, setPick] = useState({ madeFor: current, value: current });
  const chosen = pick.madeFor === current ? pick.value : current;
  const setChosen = (value: string) => setPick({ madeFor: current, value });

  const people = directory.phase === 'loaded' ? directory.staff : [];
  // Whoever holds the request stays choosable even when the directory does not list them (any more).
  const options =
    request.assignee !== null && !people.some((person) => person.id === request.assignee?.id)
      ? [{ id: request.assignee.id, label: request.assignee.displayName }, ...people.map((person) => ({ id: person.id, label: personLabel(person, t) }))]
      : people.map((person) => ({ id: person.id, label: personLabel(person, t) }));
  const isMine = request.assignee?.id === me.id;

  const assignMe = async () => {
    // "Assign to me" disappears once it worked; the menu next to it takes focus.
    if (await onAssign(me.id)) selectRef.current?.focus();
  };

  return (
    <div className="handling__group">
      <label htmlFor={`${id}-assignee`} className="handling__label">
        {t('assigneeLabel')}
      </label>
      <select ref={selectRef} id={`${id}-assignee`} value={chosen} onChange={(event) => setChosen(event.target.value)}>
        <option value="">{t('unassigned')}</option>
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button"
        aria-disabled={busy || chosen === current}
        onClick={() => {
          if (!busy && chosen !== current) void onAssign(chosen === '' ? null : chosen);
        }}
      >
        {t('assign')}
      </button>
      {!isMine && (
        <button type="button" className="button" aria-disabled={busy} onClick={() => void assignMe()}>
          {t('assignToMe')}
        </button>
      )}
      {directory.phase === 'loading' && <span className="secondary-inline">{t('staffLoading')}</span>}
      {directory.phase === 'failed' && <span className="secondary-inline">{t('staffFailed', describeProblem(directory.problem, i18n, Date.now()))}</span>}
    </div>
  );
}

function personLabel(person: StaffMember, t: I18n['t']): string {
  return `${person.displayName} (${t(ROLE_LABELS[person.role])})`;
}

function ReplyForm({ requesterName, busy, onSend }: { requesterName: string; busy: boolean; onSend: (body: string) => Promise<boolean> }) {
  const { t, number } = useI18n();
  const id = useId();
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const [body, setBody] = useState('');
  const [error, setError] = useState('');

  const send = async () => {
    if (busy) return;
    const checked = InboxReplyRequestSchema.safeParse({ body: body.trim() });
    if (!checked.success) {
      setError(body.trim() === '' ? t('replyMissing') : t('replyInvalid'));
      textareaRef.current?.focus();
      return;
    }
    setError('');
    if (await onSend(checked.data.body)) setBody('');
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Ctrl+Enter (⌘+Enter on a Mac) sends, as in most mail and chat tools; plain Enter is a new line.
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };

  const describedBy = [error === '' ? null : `${id}-error`, `${id}-counter`, `${id}-hint`].filter((part) => part !== null).join(' ');
  return (
    <form className="reply" noValidate onSubmit={onSubmit}>
      <label htmlFor={`${id}-body`} className="reply__label">
        {t('replyLabel', requesterName)}
      </label>
      <textarea
        ref={textareaRef}
        id={`${id}-body`}
        className="reply__body"
        rows={5}
        maxLength={SUPPORT_REPLY_MAX}
        required
        aria-invalid={error !== ''}
        aria-describedby={describedBy}
        value={body}
        onChange={(event) => {
          setBody(event.target.value);
          if (event.target.value.trim() !== '') setError('');
        }}
        onKeyDown={onKeyDown}
      />
      {error !== '' && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
      <div className="reply__footer">
        <p id={`${id}-hint`} className="secondary-inline">
          {t('replyHint')}
        </p>
        <p id={`${id}-counter`} className="secondary-inline reply__counter">
          {t('replyCounter', [number(body.length), number(SUPPORT_REPLY_MAX)])}
        </p>
        <button type="submit" className="button button--primary" aria-disabled={busy}>
          {busy ? t('replySending') : t('replySend')}
        </button>
      </div>
    </form>
  );
}

/** A term and its description; `value` null or empty shows "—" read as "none". */
function Fact({ term, children }: { term: string; children: ReactNode }) {
  const { t } = useI18n();
  const empty = children === null || children === undefined || children === '';
  return (
    <>
      <dt>{term}</dt>
      <dd>{empty ? <span className="secondary-inline">{t('none')}</span> : children}</dd>
    </>
  );
}

function FactSection({ heading, children }: { heading: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="facts">
      <h2 id={id}>{heading}</h2>
      {children}
    </section>
  );
}

function RequesterFacts({ request }: { request: InboxRequestDetail }) {
  const { t } = useI18n();
  const { requester } = request;
  return (
    <FactSection heading={t('requesterHeading')}>
      <dl>
        <Fact term={t('factName')}>{requester.displayName}</Fact>
        <Fact term={t('factEmail')}>{requester.email}</Fact>
        <Fact term={t('factTeams')}>{requester.teams.join(', ')}</Fact>
      </dl>
    </FactSection>
  );
}

function RoutingFacts({ request, now }: { request: InboxRequestDetail; now: number }) {
  const { t, dateTime, relative } = useI18n();
  const { routing } = request;
  return (
    <FactSection heading={t('routingHeading')}>
      <dl>
        <Fact term={t('factQueue')}>{t(QUEUE_LABELS[routing.queue])}</Fact>
        <Fact term={t('factTeam')}>{routing.team}</Fact>
        <Fact term={t('factEscalatesAt')}>
          {routing.escalatesAt === null ? null : (
            <time dateTime={routing.escalatesAt}>{t('dateWithRelative', [dateTime(routing.escalatesAt), relative(routing.escalatesAt, now)])}</time>
          )}
        </Fact>
      </dl>
    </FactSection>
  );
}

function ContextFacts({ request }: { request: InboxRequestDetail }) {
  const { t } = useI18n();
  const { crm, guide } = request.context;
  const crmName = CRM_NAMES[crm.crm];
  const crmLinks = [
    { href: webAddress(request.links.page), label: t('linkPage', crmName) },
    { href: webAddress(request.links.record), label: t('linkRecord', crmName) },
  ].filter((link): link is { href: string; label: string } => link.href !== null);
  const guideText =
    guide === null
      ? null
      : [guide.packId, guide.itemId, guide.stepIndex === undefined ? null : t('guideStep', String(guide.stepIndex + 1)), guide.stepId ?? null]
          .filter((part) => part !== null)
          .join(' › ');
  return (
    <FactSection heading={t('contextHeading')}>
      <dl>
        <Fact term={t('factCrm')}>{`${crmName}, ${t(SURFACE_LABELS[crm.surface])}`}</Fact>
        <Fact term={t('factEnvironment')}>
          {crm.sandboxName === null ? t(ENVIRONMENT_LABELS[crm.environment]) : `${t(ENVIRONMENT_LABELS[crm.environment])} (${crm.sandboxName})`}
        </Fact>
        <Fact term={t('factOrg')}>{crm.orgName === null ? crm.host : `${crm.orgName} (${crm.host})`}</Fact>
        <Fact term={t('factPageType')}>{t(PAGE_TYPE_LABELS[crm.pageType])}</Fact>
        <Fact term={t('factObject')}>{crm.object}</Fact>
        <Fact term={t('factRecordId')}>{crm.recordId === null ? null : <code>{crm.recordId}</code>}</Fact>
        <Fact term={t('factOpenInCrm')}>{crmLinks.length === 0 ? null : <CrmLinks links={crmLinks} />}</Fact>
        <Fact term={t('factUrl')}>{crm.url === '' ? null : <span className="url">{crm.url}</span>}</Fact>
        <Fact term={t('factGuide')}>{guideText}</Fact>
      </dl>
    </FactSection>
  );
}

function CrmLinks({ links }: { links: ReadonlyArray<{ href: string; label: string }> }) {
  const { t } = useI18n();
  return (
    <ul className="links">
      {links.map((link) => (
        <li key={link.label}>
          <a href={link.href} target="_blank" rel="noopener noreferrer">
            {link.label}
            <span className="visually-hidden"> {t('opensInNewTab')}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/**
 * An http(s) address, or null. The contract's `z.url()` also admits `javascript:` and `data:`
 * URLs, which must never become a link a staff member clicks.
 */
export function webAddress(href: string | null): string | null {
  if (href === null) return null;
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function Trail({ request }: { request: InboxRequestDetail }) {
  const { t, time } = useI18n();
  const { breadcrumbs, errors } = request.context;
  return (
    <>
      <FactSection heading={t('breadcrumbsHeading')}>
        {breadcrumbs.length === 0 ? (
          <p className="secondary-block">{t('breadcrumbsNone')}</p>
        ) : (
          <ol className="trail">
            {breadcrumbs.map((crumb, index) => (
              <li key={index}>
                <time dateTime={crumb.at} className="trail__time">
                  {time(crumb.at)}
                </time>
                <span className="trail__kind">{crumb.kind === 'navigation' ? t('breadcrumbNavigation') : t('breadcrumbClick')}</span>
                <span className="trail__label">{crumb.label}</span>
              </li>
            ))}
          </ol>
        )}
      </FactSection>
      <FactSection heading={t('errorsHeading')}>
        {errors.length === 0 ? (
          <p className="secondary-block">{t('errorsNone')}</p>
        ) : (
          <ol className="trail">
            {errors.map((error, index) => (
              <li key={index}>
                <time dateTime={error.at} className="trail__time">
                  {time(error.at)}
                </time>
                <span className="trail__kind">{error.kind === 'error' ? t('errorKindError') : t('errorKindRejection')}</span>
                <span className="trail__label">{error.message}</span>
                {error.source !== undefined && <span className="trail__source">{error.source}</span>}
              </li>
            ))}
          </ol>
        )}
      </FactSection>
    </>
  );
}

function EnvironmentFacts({ request }: { request: InboxRequestDetail }) {
  const { t, dateTime, number } = useI18n();
  const { environment } = request.context;
  return (
    <FactSection heading={t('environmentHeading')}>
      <dl>
        <Fact term={t('factBrowser')}>{environment.browser}</Fact>
        <Fact term={t('factOs')}>{environment.os}</Fact>
        <Fact term={t('factLocale')}>{environment.locale}</Fact>
        <Fact term={t('factViewport')}>{`${number(environment.viewport.width)} × ${number(environment.viewport.height)}`}</Fact>
        <Fact term={t('factExtensionVersion')}>{environment.extensionVersion}</Fact>
        <Fact term={t('factCapturedAt')}>
          <time dateTime={environment.at}>{dateTime(environment.at)}</time>
        </Fact>
      </dl>
    </FactSection>
  );
}

const AUDIT_ACTION_KEYS = {
  created: 'auditCreated',
  reply: 'auditReply',
  escalated: 'auditEscalated',
} as const satisfies Record<string, InboxMessageKey>;

function AuditTrail({ request }: { request: InboxRequestDetail }) {
  const { t, dateTime } = useI18n();
  const id = useId();
  return (
    <section aria-labelledby={id} className="audit">
      <h2 id={id}>{t('auditHeading')}</h2>
      <details>
        <summary>{t('auditShow', String(request.audit.length))}</summary>
        <ol className="audit__list">
          {request.audit.map((entry, index) => (
            <li key={index}>
              <time dateTime={entry.at} className="audit__time">
                {dateTime(entry.at)}
              </time>
              <span className="audit__actor">{`${entry.actor.displayName} (${t(ROLE_LABELS[entry.actor.role])})`}</span>
              <span>{auditText(entry, t)}</span>
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

function auditText(entry: InboxRequestDetail['audit'][number], t: I18n['t']): string {
  switch (entry.action) {
    case 'status':
      return entry.from === null ? t('auditStatusSet', statusText(entry.to, t)) : t('auditStatus', [statusText(entry.from, t), statusText(entry.to, t)]);
    case 'assignment':
      return entry.to === null ? t('auditUnassigned') : t('auditAssigned', entry.to);
    default:
      return t(AUDIT_ACTION_KEYS[entry.action]);
  }
}

/** A status value from the audit trail in words; anything else as it came. */
function statusText(value: string | null, t: I18n['t']): string {
  if (value === null) return t('none');
  const status = SUPPORT_STATUSES.find((candidate) => candidate === value);
  return status === undefined ? value : t(STATUS_LABELS[status]);
}
