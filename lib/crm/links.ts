/**
 * Links from a support request back into the CRM: the page the user was on and the record it
 * showed. The context comes from a browser, so it is treated as hostile: a link is built only for
 * a host the extension itself runs on (`./hosts`) that reads as an org host of the context's CRM,
 * from components that have the shape of a record id, object name, app or view, each encoded;
 * anything else gives no link. On-premises Dynamics hosts are unknown here, so they get none.
 */
import type { CrmContext } from './context';
import { detectCrmContext } from './detect';
import { DYNAMICS_HOST_PATTERNS, NON_ORG_HOST_PATTERNS, SALESFORCE_HOST_PATTERNS } from './hosts';
import { isSalesforceApiName } from './salesforce';
import { toSalesforceId18 } from './salesforce-id';

export interface CrmLinks {
  /** The page the user was on (a record, list view or object home), or null. */
  page: string | null;
  /** The record the page showed, or null. */
  record: string | null;
}

export type CrmLinkContext = Pick<CrmContext, 'crm' | 'pageType' | 'object' | 'recordId' | 'surface' | 'host' | 'app' | 'listView'>;

const NO_LINKS: CrmLinks = { page: null, record: null };
/** Lower-case DNS labels; no port, user info, IP literal brackets or trailing dot. */
const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Dynamics table logical names (`account`, `new_project`). */
const DYNAMICS_TABLE = /^[a-z][a-z0-9_]{0,127}$/;
const LIST_VIEW_NAME = /^[A-Za-z0-9_]{1,255}$/;

export function crmLinks(context: CrmLinkContext): CrmLinks {
  const patterns = context.crm === 'salesforce' ? SALESFORCE_HOST_PATTERNS : DYNAMICS_HOST_PATTERNS;
  // The permission patterns are broad (`*.salesforce.com`); detection also checks the host's shape
  // (org label, partition), so `www.` sites and look-alikes give no link.
  if (!isKnownHost(context.host, patterns) || detectCrmContext(`https://${context.host}/`)?.crm !== context.crm) return NO_LINKS;
  return context.crm === 'salesforce' ? salesforceLinks(context) : dynamicsLinks(context);
}

/** True when `host` is an org host the extension's host permissions name, not a marketing or help site. */
export function isKnownHost(host: string, patterns: readonly string[]): boolean {
  if (!HOST_NAME.test(host)) return false;
  const matches = (pattern: string) => {
    const hostPattern = /^https:\/\/([^/]+)\/\*$/.exec(pattern)?.[1];
    if (hostPattern === undefined) return false;
    return hostPattern.startsWith('*.') ? host.endsWith(hostPattern.slice(1)) && host.length > hostPattern.length - 1 : host === hostPattern;
  };
  return patterns.some(matches) && !NON_ORG_HOST_PATTERNS.some(matches);
}

function salesforceLinks(context: CrmLinkContext): CrmLinks {
  // Visualforce hosts serve only Visualforce pages; a record there is not reachable by path.
  if (context.surface === 'visualforce') return NO_LINKS;
  const base = `https://${context.host}`;
  const recordId = context.recordId === null ? null : toSalesforceId18(context.recordId);
  const object = context.object !== null && isSalesforceApiName(context.object) ? context.object : null;
  const record =
    recordId === null
      ? null
      : context.surface === 'classic' || object === null
        ? // `/{id}` opens any record, in Classic and (redirected) in Lightning.
          `${base}/${encodeURIComponent(recordId)}`
        : `${base}/lightning/r/${encodeURIComponent(object)}/${encodeURIComponent(recordId)}/view`;
  const lightningObject = context.surface === 'classic' || object === null ? null : `${base}/lightning/o/${encodeURIComponent(object)}`;
  switch (context.pageType) {
    case 'record_view':
    case 'record_edit':
      return { page: record, record };
    case 'list_view': {
      if (lightningObject === null) return { page: null, record };
      const listView = context.listView !== null && LIST_VIEW_NAME.test(context.listView) ? `?filterName=${encodeURIComponent(context.listView)}` : '';
      return { page: `${lightningObject}/list${listView}`, record };
    }
    case 'object_home':
    case 'record_new':
      // A new-record page is not worth reopening (it would start another record); its object's home is.
      return { page: lightningObject === null ? null : `${lightningObject}/home`, record };
    default:
      return { page: null, record };
  }
}

function dynamicsLinks(context: CrmLinkContext): CrmLinks {
  const object = context.object !== null && DYNAMICS_TABLE.test(context.object) ? context.object : null;
  if (object === null) return NO_LINKS;
  // Only an app id opens the same app; `app` may also be an `/apps/{suffix}` path, which `appid` cannot take.
  const app: Array<[string, string]> = context.app !== null && GUID.test(context.app) ? [['appid', context.app]] : [];
  const mainAspx = (params: Array<[string, string]>) => `https://${context.host}/main.aspx?${new URLSearchParams([...app, ...params]).toString()}`;
  const recordId = context.recordId?.toLowerCase() ?? null;
  const record = recordId !== null && GUID.test(recordId) ? mainAspx([['pagetype', 'entityrecord'], ['etn', object], ['id', recordId]]) : null;
  switch (context.pageType) {
    case 'record_view':
    case 'record_edit':
      return { page: record, record };
    case 'list_view': {
      const view: Array<[string, string]> = context.listView !== null && GUID.test(context.listView) ? [['viewid', context.listView]] : [];
      return { page: mainAspx([['pagetype', 'entitylist'], ['etn', object], ...view]), record };
    }
    default:
      return { page: null, record };
  }
}
