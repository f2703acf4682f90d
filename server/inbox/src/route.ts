/**
 * Hash routing for the inbox: `#/requests?…filters` (the list) and `#/requests/<id>` (one
 * request). Everything after `#` stays in the browser, so the backend serves one file for every
 * view, and a filtered list can be bookmarked or reloaded as it is. Hash values come from
 * whoever made the link: each one is checked against the contract and dropped when it does not fit.
 */
import { useSyncExternalStore } from 'react';
import {
  INBOX_AGES,
  INBOX_QUEUES,
  InboxListQuerySchema,
  InboxRequestSummarySchema,
  type InboxAge,
  type InboxListQuery,
  type InboxQueue,
} from '../../../lib/api/inbox';
import { SUPPORT_STATUSES, type SupportStatus } from '../../../lib/api/support';
import type { CrmKind, CrmPageType } from '../../../lib/crm/context';
import { CrmContextSchema } from '../../../lib/crm/context-schema';

/** `open`: every status but closed (the default, what needs answering); `any`: no status filter. */
export type StatusFilter = 'open' | 'any' | SupportStatus;
export const STATUS_FILTERS: readonly StatusFilter[] = ['open', ...SUPPORT_STATUSES, 'any'];

export const ASSIGNEE_FILTERS = ['me', 'none'] as const;
export type AssigneeFilter = (typeof ASSIGNEE_FILTERS)[number];

export const CRM_KINDS = CrmContextSchema.shape.crm.options;
export const PAGE_TYPES = CrmContextSchema.shape.pageType.options;

export interface ListFilters {
  status: StatusFilter;
  queue: InboxQueue | null;
  team: string | null;
  crm: CrmKind | null;
  pageType: CrmPageType | null;
  age: InboxAge | null;
  /** Null: anyone's (and nobody's). */
  assignee: AssigneeFilter | null;
  /** Trimmed search text; empty for none. */
  q: string;
}

export const DEFAULT_FILTERS: ListFilters = {
  status: 'open',
  queue: null,
  team: null,
  crm: null,
  pageType: null,
  age: null,
  assignee: null,
  q: '',
};

export type Route = { view: 'list'; filters: ListFilters } | { view: 'detail'; id: string } | { view: 'not_found' };

/** How many requests one list page asks for: a screenful or two, quick to render. */
export const LIST_PAGE_SIZE = 50;

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | null =>
  values.find((candidate) => candidate === value) ?? null;

const TeamSchema = InboxListQuerySchema.shape.team.unwrap();
const SearchSchema = InboxListQuerySchema.shape.q.unwrap();

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const queryAt = path.indexOf('?');
  const pathname = queryAt === -1 ? path : path.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : path.slice(queryAt + 1));

  if (pathname === '' || pathname === '/' || pathname === '/requests') return { view: 'list', filters: filtersFrom(params) };
  const detail = /^\/requests\/([^/]+)$/.exec(pathname);
  if (detail?.[1] !== undefined) {
    const id = safeDecode(detail[1]);
    if (id !== null && InboxRequestSummarySchema.shape.id.safeParse(id).success) return { view: 'detail', id };
  }
  return { view: 'not_found' };
}

function filtersFrom(params: URLSearchParams): ListFilters {
  const team = TeamSchema.safeParse(params.get('team'));
  const q = SearchSchema.safeParse(params.get('q')?.trim());
  return {
    status: oneOf(STATUS_FILTERS, params.get('status')) ?? DEFAULT_FILTERS.status,
    queue: oneOf(INBOX_QUEUES, params.get('queue')),
    team: team.success ? team.data : null,
    crm: oneOf(CRM_KINDS, params.get('crm')),
    pageType: oneOf(PAGE_TYPES, params.get('pageType')),
    age: oneOf(INBOX_AGES, params.get('age')),
    assignee: oneOf(ASSIGNEE_FILTERS, params.get('assignee')),
    q: q.success ? q.data : '',
  };
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The list's hash with only the filters that differ from the defaults, in a fixed order. */
export function listHash(filters: ListFilters): string {
  const params = new URLSearchParams();
  if (filters.status !== DEFAULT_FILTERS.status) params.set('status', filters.status);
  for (const name of ['queue', 'team', 'crm', 'pageType', 'age', 'assignee'] as const) {
    const value = filters[name];
    if (value !== null) params.set(name, value);
  }
  if (filters.q !== '') params.set('q', filters.q);
  const query = params.toString();
  return query === '' ? '#/requests' : `#/requests?${query}`;
}

export function detailHash(id: string): string {
  return `#/requests/${encodeURIComponent(id)}`;
}

/** What `GET /inbox/api/requests` is asked for these filters, one page at `cursor`. */
export function listQuery(filters: ListFilters, cursor: string | null): InboxListQuery {
  const query: InboxListQuery = { limit: LIST_PAGE_SIZE };
  if (filters.status === 'open') query.open = 'true';
  else if (filters.status !== 'any') query.status = filters.status;
  if (filters.queue !== null) query.queue = filters.queue;
  if (filters.team !== null) query.team = filters.team;
  if (filters.crm !== null) query.crm = filters.crm;
  if (filters.pageType !== null) query.pageType = filters.pageType;
  if (filters.age !== null) query.age = filters.age;
  if (filters.assignee !== null) query.assignee = filters.assignee;
  if (filters.q !== '') query.q = filters.q;
  if (cursor !== null) query.cursor = cursor;
  return query;
}

export function sameFilters(a: ListFilters, b: ListFilters): boolean {
  return listHash(a) === listHash(b);
}

/** Search text as the contract takes it: trimmed and at most 200 characters. */
export function normaliseSearch(text: string): string {
  return text.trim().slice(0, SearchSchema.maxLength ?? 200);
}

// `replaceState` fires no `hashchange`; this event tells `useRoute` that the hash moved anyway.
const ROUTE_EVENT = 'ombord-inbox:route';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener(ROUTE_EVENT, onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(ROUTE_EVENT, onChange);
  };
}

/**
 * Goes to `hash`. `replace` is for refining the current view (filters, search as it is typed),
 * so Back leaves the list instead of stepping through every keystroke.
 */
export function navigate(hash: string, { replace = false }: { replace?: boolean } = {}): void {
  if (window.location.hash === hash) return;
  if (replace) window.history.replaceState(window.history.state, '', hash);
  else window.history.pushState(null, '', hash);
  window.dispatchEvent(new Event(ROUTE_EVENT));
}

const currentHash = () => window.location.hash;

/** The current hash, re-rendering on every change. */
export function useHash(): string {
  return useSyncExternalStore(subscribe, currentHash);
}
