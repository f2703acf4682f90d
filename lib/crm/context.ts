/**
 * The `CrmContext`: where in which CRM the user is. Produced by `detectCrmContext` from the URL
 * (and refined from the page), consumed by guidance targeting, support requests and the popup.
 */

export type CrmKind = 'salesforce' | 'dynamics';

export type CrmEnvironment =
  | 'production'
  | 'sandbox'
  | 'developer'
  | 'scratch'
  | 'demo'
  | 'patch'
  | 'unknown';

export type CrmPageType =
  | 'record_view'
  | 'record_edit'
  | 'record_new'
  | 'list_view'
  | 'object_home'
  | 'home'
  | 'dashboard'
  | 'report'
  | 'setup'
  | 'search'
  | 'other';

/** Which user interface renders the page. */
export type CrmSurface = 'lightning' | 'classic' | 'setup' | 'visualforce' | 'uci';

export interface CrmContext {
  crm: CrmKind;
  environment: CrmEnvironment;
  pageType: CrmPageType;
  /** Salesforce object API name (`Account`) or Dynamics table logical name (`account`). */
  object: string | null;
  /** Salesforce 18-character id, or Dynamics lower-case GUID without braces. */
  recordId: string | null;
  surface: CrmSurface;
  /** Lower-case host name the page was served from. */
  host: string;
  /**
   * The org's name as the URL tells it: Salesforce My Domain name (without partition or sandbox
   * suffix), Dynamics organisation host label or on-premises organisation path segment.
   */
  orgName: string | null;
  /** Salesforce sandbox name (`acme--uat` → `uat`), when the host tells it. */
  sandboxName: string | null;
  /** Dynamics app: `appid` GUID or `appname` unique name; Salesforce Lightning app, when in the URL. */
  app: string | null;
  /** Salesforce list view (`filterName`) or Dynamics view id, when in the URL. */
  listView: string | null;
  /** The URL this context was read from. */
  url: string;
}

/** True when two contexts describe the same place; the URL alone may differ (tracking parameters, `ws=`). */
export function sameCrmPlace(a: CrmContext | null, b: CrmContext | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.crm === b.crm &&
    a.environment === b.environment &&
    a.pageType === b.pageType &&
    a.object === b.object &&
    a.recordId === b.recordId &&
    a.surface === b.surface &&
    a.host === b.host &&
    a.orgName === b.orgName &&
    a.sandboxName === b.sandboxName &&
    a.app === b.app &&
    a.listView === b.listView
  );
}
