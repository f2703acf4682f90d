/** The catalog key of every value the contract names (statuses, kinds, queues, …). */
import type { InboxAge, InboxQueue, StaffRole } from '../../../lib/api/inbox';
import type { SupportAuthorRole, SupportKind, SupportStatus } from '../../../lib/api/support';
import type { CrmEnvironment, CrmKind, CrmPageType, CrmSurface } from '../../../lib/crm/context';
import type { InboxMessageKey } from './i18n';
import type { StatusFilter } from './route';

export const STATUS_LABELS: Record<SupportStatus, InboxMessageKey> = {
  new: 'status_new',
  in_progress: 'status_in_progress',
  waiting_for_user: 'status_waiting_for_user',
  answered: 'status_answered',
  closed: 'status_closed',
};

export const STATUS_FILTER_LABELS: Record<StatusFilter, InboxMessageKey> = {
  ...STATUS_LABELS,
  open: 'filterStatusOpen',
  any: 'filterStatusAny',
};

export const KIND_LABELS: Record<SupportKind, InboxMessageKey> = {
  question: 'kind_question',
  problem: 'kind_problem',
  idea: 'kind_idea',
};

export const QUEUE_LABELS: Record<InboxQueue, InboxMessageKey> = {
  central: 'queue_central',
  champions: 'queue_champions',
};

export const ROLE_LABELS: Record<StaffRole | SupportAuthorRole, InboxMessageKey> = {
  admin: 'role_admin',
  support: 'role_support',
  champion: 'role_champion',
  user: 'role_user',
};

export const AGE_LABELS: Record<InboxAge, InboxMessageKey> = {
  '1d': 'age_1d',
  '7d': 'age_7d',
  '30d': 'age_30d',
  older_than_7d: 'age_older_than_7d',
};

export const PAGE_TYPE_LABELS: Record<CrmPageType, InboxMessageKey> = {
  record_view: 'pageType_record_view',
  record_edit: 'pageType_record_edit',
  record_new: 'pageType_record_new',
  list_view: 'pageType_list_view',
  object_home: 'pageType_object_home',
  home: 'pageType_home',
  dashboard: 'pageType_dashboard',
  report: 'pageType_report',
  setup: 'pageType_setup',
  search: 'pageType_search',
  other: 'pageType_other',
};

export const ENVIRONMENT_LABELS: Record<CrmEnvironment, InboxMessageKey> = {
  production: 'environment_production',
  sandbox: 'environment_sandbox',
  developer: 'environment_developer',
  scratch: 'environment_scratch',
  demo: 'environment_demo',
  patch: 'environment_patch',
  unknown: 'environment_unknown',
};

export const SURFACE_LABELS: Record<CrmSurface, InboxMessageKey> = {
  lightning: 'surface_lightning',
  classic: 'surface_classic',
  setup: 'surface_setup',
  visualforce: 'surface_visualforce',
  uci: 'surface_uci',
};

/** Product names: the same in every language. */
export const CRM_NAMES: Record<CrmKind, string> = {
  salesforce: 'Salesforce',
  dynamics: 'Dynamics 365',
};
