/**
 * The request list: filters and search (mirrored in the hash, so a view can be bookmarked), a
 * dense table to triage from, and "Load more" through the server's cursor. Filter changes
 * replace the hash rather than push it, so Back leaves the list in one step.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { INBOX_AGES, INBOX_QUEUES, type InboxRequestSummary } from '../../../lib/api/inbox';
import type { InboxApi, Problem } from './api';
import { useI18n } from './i18n';
import { AGE_LABELS, CRM_NAMES, KIND_LABELS, PAGE_TYPE_LABELS, QUEUE_LABELS, STATUS_FILTER_LABELS } from './labels';
import { describeProblem } from './problem';
import {
  ASSIGNEE_FILTERS,
  CRM_KINDS,
  DEFAULT_FILTERS,
  detailHash,
  listHash,
  listQuery,
  navigate,
  normaliseSearch,
  PAGE_TYPES,
  sameFilters,
  STATUS_FILTERS,
  type ListFilters,
} from './route';
import { Ago, CameraIcon, ReplyIcon, StatusBadge, useDocumentTitle, useNow, ViewHeading } from './ui';

/** Long enough to finish a word, short enough to feel immediate. */
export const SEARCH_DEBOUNCE_MS = 300;

type ListState =
  /**
   * `shown`: the rows of the filters before, kept on screen (marked busy) until the new ones
   * come, so the page does not jump and a keyboard user's next Tab still finds the table.
   */
  | { phase: 'loading'; shown: readonly InboxRequestSummary[] }
  | { phase: 'failed'; problem: Problem }
  | { phase: 'loaded'; requests: InboxRequestSummary[]; nextCursor: string | null; more: 'idle' | 'loading' | Problem };

export function RequestList({ api, filters }: { api: InboxApi; filters: ListFilters }) {
  const i18n = useI18n();
  const { t } = i18n;
  const now = useNow();
  useDocumentTitle(t('listTitle'));
  const [state, setState] = useState<ListState>({ phase: 'loading', shown: [] });
  // Kept across filter changes, so the team menu keeps its options while the next page loads.
  const [teams, setTeams] = useState<readonly string[]>([]);
  const [attempt, setAttempt] = useState(0);
  // One controller for the first page and "Load more": new filters cancel both.
  const controllerRef = useRef<AbortController | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    controllerRef.current = controller;
    setState((current) => ({ phase: 'loading', shown: rowsOf(current) }));
    void api.list(listQuery(filters, null), controller.signal).then((result) => {
      if (controller.signal.aborted) return;
      if (!result.ok) {
        setState({ phase: 'failed', problem: result.problem });
        return;
      }
      setTeams(result.value.teams);
      setState({ phase: 'loaded', requests: result.value.requests, nextCursor: result.value.nextCursor, more: 'idle' });
    });
    return () => controller.abort();
  }, [api, filters, attempt]);

  const loadMore = async () => {
    if (state.phase !== 'loaded' || state.nextCursor === null || state.more === 'loading') return;
    const controller = controllerRef.current;
    setState({ ...state, more: 'loading' });
    const result = await api.list(listQuery(filters, state.nextCursor), controller?.signal);
    if (controller?.signal.aborted) return;
    setState((current) => {
      if (current.phase !== 'loaded') return current;
      if (!result.ok) return { ...current, more: result.problem };
      // A request that moved between pages while paging would otherwise show twice.
      const seen = new Set(current.requests.map((request) => request.id));
      const added = result.value.requests.filter((request) => !seen.has(request.id));
      return { phase: 'loaded', requests: [...current.requests, ...added], nextCursor: result.value.nextCursor, more: 'idle' };
    });
  };

  const update = (change: Partial<ListFilters>) => navigate(listHash({ ...filters, ...change }), { replace: true });

  // One table from one set of filters to the next: what has focus in it keeps it.
  const rows = rowsOf(state);
  let announcement = '';
  if (state.phase === 'loading') announcement = t('listLoading');
  else if (state.phase === 'loaded') {
    const count = state.requests.length;
    // "One" is exactly 1 in English and the four Nordic languages alike.
    if (count === 0) announcement = sameFilters(filters, DEFAULT_FILTERS) ? t('listEmptyOpen') : t('listEmptyFiltered');
    else if (state.nextCursor !== null) announcement = t('listCountMore', i18n.number(count));
    else announcement = count === 1 ? t('listCountOne') : t('listCountOther', i18n.number(count));
  }

  return (
    <>
      <ViewHeading>{t('listHeading')}</ViewHeading>
      <Filters filters={filters} teams={teams} onChange={update} />
      <p role="status" className="list__count">
        {announcement}
      </p>
      {state.phase === 'failed' && (
        <div className="notice notice--error" role="alert">
          <p>{describeProblem(state.problem, i18n, now)}</p>
          <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
            {t('tryAgain')}
          </button>
        </div>
      )}
      {rows.length > 0 && <RequestTable requests={rows} now={now} busy={state.phase === 'loading'} />}
      {state.phase === 'loaded' && state.more !== 'idle' && state.more !== 'loading' && (
        <p role="alert" className="notice notice--error">
          {describeProblem(state.more, i18n, now)}
        </p>
      )}
      {state.phase === 'loaded' && state.nextCursor !== null && (
        <p className="list__more">
          <button type="button" className="button" aria-disabled={state.more === 'loading'} onClick={() => void loadMore()}>
            {state.more === 'loading' ? t('listLoadingMore') : t('listLoadMore')}
          </button>
        </p>
      )}
    </>
  );
}

function Filters({ filters, teams, onChange }: { filters: ListFilters; teams: readonly string[]; onChange: (change: Partial<ListFilters>) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [search, setSearch] = useState(filters.q);

  // The hash changed under the box (Back, a bookmark, "Clear filters"): show what it says,
  // unless it is what the box already says give or take spaces.
  useEffect(() => {
    setSearch((typed) => (normaliseSearch(typed) === filters.q ? typed : filters.q));
  }, [filters.q]);

  // Search as the staff member types, once they pause.
  const onChangeRef = useRef(onChange);
  useLayoutEffect(() => {
    onChangeRef.current = onChange;
  });
  useEffect(() => {
    const q = normaliseSearch(search);
    if (q === filters.q) return;
    const timer = window.setTimeout(() => onChangeRef.current({ q }), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [search, filters.q]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = normaliseSearch(search);
    if (q !== filters.q) onChange({ q });
  };

  // A team in a bookmarked hash stays choosable before (or without) the server listing it.
  const teamOptions = filters.team !== null && !teams.includes(filters.team) ? [filters.team, ...teams] : teams;

  return (
    <form role="search" aria-label={t('filtersLabel')} className="filters" onSubmit={submit}>
      <div className="field field--search">
        <label htmlFor={`${id}-q`}>{t('filterSearch')}</label>
        <input
          id={`${id}-q`}
          type="search"
          maxLength={200}
          aria-describedby={`${id}-q-hint`}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <p id={`${id}-q-hint`} className="field__hint">
          {t('filterSearchHint')}
        </p>
      </div>
      <FilterSelect label={t('filterStatus')} value={filters.status} onChange={(status) => onChange({ status: oneOf(STATUS_FILTERS, status) ?? DEFAULT_FILTERS.status })}>
        {STATUS_FILTERS.map((status) => (
          <option key={status} value={status}>
            {t(STATUS_FILTER_LABELS[status])}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label={t('filterQueue')} value={filters.queue} onChange={(queue) => onChange({ queue: oneOf(INBOX_QUEUES, queue) })}>
        <option value="">{t('filterAnyQueue')}</option>
        {INBOX_QUEUES.map((queue) => (
          <option key={queue} value={queue}>
            {t(QUEUE_LABELS[queue])}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label={t('filterTeam')} value={filters.team} onChange={(team) => onChange({ team })}>
        <option value="">{t('filterAnyTeam')}</option>
        {teamOptions.map((team) => (
          <option key={team} value={team}>
            {team}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label={t('filterCrm')} value={filters.crm} onChange={(crm) => onChange({ crm: oneOf(CRM_KINDS, crm) })}>
        <option value="">{t('filterAnyCrm')}</option>
        {CRM_KINDS.map((crm) => (
          <option key={crm} value={crm}>
            {CRM_NAMES[crm]}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label={t('filterPageType')} value={filters.pageType} onChange={(pageType) => onChange({ pageType: oneOf(PAGE_TYPES, pageType) })}>
        <option value="">{t('filterAnyPageType')}</option>
        {PAGE_TYPES.map((pageType) => (
          <option key={pageType} value={pageType}>
            {t(PAGE_TYPE_LABELS[pageType])}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label={t('filterAge')} value={filters.age} onChange={(age) => onChange({ age: oneOf(INBOX_AGES, age) })}>
        <option value="">{t('filterAnyAge')}</option>
        {INBOX_AGES.map((age) => (
          <option key={age} value={age}>
            {t(AGE_LABELS[age])}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label={t('filterAssignee')} value={filters.assignee} onChange={(assignee) => onChange({ assignee: oneOf(ASSIGNEE_FILTERS, assignee) })}>
        <option value="">{t('filterAssigneeAnyone')}</option>
        <option value="me">{t('filterAssigneeMe')}</option>
        <option value="none">{t('filterAssigneeNone')}</option>
      </FilterSelect>
      <div className="filters__actions">
        <button type="button" className="button button--quiet" disabled={sameFilters(filters, DEFAULT_FILTERS)} onClick={() => onChange(DEFAULT_FILTERS)}>
          {t('filtersClear')}
        </button>
      </div>
    </form>
  );
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return values.find((candidate) => candidate === value) ?? null;
}

/** A labelled menu whose empty option means "no filter" (null). */
function FilterSelect<T extends string>({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: T | null;
  onChange: (value: string | null) => void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(event) => onChange(event.target.value === '' ? null : event.target.value)}>
        {children}
      </select>
    </div>
  );
}

/** The rows on screen: the requests loaded, or while the next ones load, those before. */
function rowsOf(state: ListState): readonly InboxRequestSummary[] {
  return state.phase === 'loaded' ? state.requests : state.phase === 'loading' ? state.shown : [];
}

function RequestTable({ requests, now, busy }: { requests: readonly InboxRequestSummary[]; now: number; busy: boolean }) {
  const { t, number } = useI18n();
  const captionId = useId();
  return (
    // Focusable so a keyboard user can scroll the table sideways on a narrow window.
    <div className="table-wrap" role="region" aria-labelledby={captionId} aria-busy={busy || undefined} tabIndex={0}>
      <table className="requests">
        <caption id={captionId} className="visually-hidden">
          {t('tableCaption')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('columnKind')}</th>
            <th scope="col">{t('columnRequest')}</th>
            <th scope="col">{t('columnRequester')}</th>
            <th scope="col">{t('columnQueue')}</th>
            <th scope="col">{t('columnPage')}</th>
            <th scope="col">{t('columnStatus')}</th>
            <th scope="col">{t('columnAssignee')}</th>
            <th scope="col">{t('columnAge')}</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((request) => (
            <tr key={request.id}>
              <td>
                <span className={`kind kind--${request.kind}`}>{t(KIND_LABELS[request.kind])}</span>
              </td>
              <td className="requests__title">
                <a href={detailHash(request.id)}>{request.title.trim() === '' ? t('untitled') : request.title}</a>
                <span className="requests__indicators">
                  {request.hasScreenshot && (
                    <span className="indicator" title={t('hasScreenshot')}>
                      <CameraIcon />
                      <span className="visually-hidden">{t('hasScreenshot')}</span>
                    </span>
                  )}
                  {request.replyCount > 0 && (
                    <span className="indicator">
                      <ReplyIcon />
                      <span aria-hidden="true">{number(request.replyCount)}</span>
                      <span className="visually-hidden">
                        {request.replyCount === 1 ? t('replyCountOne') : t('replyCountOther', number(request.replyCount))}
                      </span>
                    </span>
                  )}
                </span>
              </td>
              <td>
                {request.requester.displayName}
                <span className="secondary">{request.requester.email}</span>
              </td>
              <td>
                {t(QUEUE_LABELS[request.routing.queue])}
                {request.routing.team !== null && <span className="secondary">{request.routing.team}</span>}
              </td>
              <td>
                {t(PAGE_TYPE_LABELS[request.pageType])}
                <span className="secondary">{[request.object, CRM_NAMES[request.crm]].filter((part) => part !== null).join(' · ')}</span>
              </td>
              <td>
                <StatusBadge status={request.status} />
              </td>
              <td>{request.assignee === null ? <span className="secondary">{t('unassigned')}</span> : request.assignee.displayName}</td>
              <td className="requests__age">
                <Ago at={request.createdAt} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
