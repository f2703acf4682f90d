/**
 * Dynamics 365 / Power Apps model-driven app pages: which hosts are online organisations and
 * what a `main.aspx` URL shows. Formats and sources: /work/shared/research/crm-facts.md §4.
 */

import type { CrmContext, CrmPageType } from './context';

/**
 * Online clouds, from the region table (https://learn.microsoft.com/power-platform/admin/new-datacenter-regions)
 * and Microsoft's discovery server map: `crm`, `crm2` … `crm22` (any `crmN`, including the
 * `crm10` test ring and `crm9` GCC), GCC High, DoD, China (21Vianet) and the German cloud.
 */
const CLOUD_DOMAIN =
  /^(?:crm[0-9]*\.dynamics\.com|crm\.microsoftdynamics\.us|crm\.appsplatform\.us|crm\.dynamics\.cn|crm\.microsoftdynamics\.de)$/;
/** Discovery services look like organisations (`globaldisco.crm.dynamics.com`) but serve no app. */
const SERVICE_LABELS: ReadonlySet<string> = new Set(['globaldisco', 'disco']);
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface DynamicsPage {
  pageType: CrmPageType;
  object: string | null;
  recordId: string | null;
  app: string | null;
  listView: string | null;
}

/** The context of a Dynamics online URL, or null when its host is not an organisation. */
export function detectDynamicsContext(url: URL): CrmContext | null {
  const orgName = readDynamicsOrgName(url.hostname);
  if (orgName === null) return null;
  const page = readAppPath(pathSegments(url), url.searchParams);
  return page === null ? null : dynamicsContext(url, orgName, page);
}

/**
 * The context of an on-premises or IFD URL `http(s)://server/OrgName/main.aspx?…` (org = first
 * path segment; CRM 2015/2016 docs example `http://mycrm/myOrg/main.aspx?etn=account&pagetype=entityrecord`).
 * The host proves nothing, so the caller must first have seen Dynamics markers in the page.
 */
export function detectOnPremisesDynamicsContext(url: URL): CrmContext | null {
  const segments = pathSegments(url);
  if (!segments.some((segment) => segment.toLowerCase() === 'main.aspx')) return null;
  const [first = ''] = segments;
  // IFD serves the organisation at the root, so the path has no organisation segment.
  const orgInPath = !['main.aspx', 'apps'].includes(first.toLowerCase());
  const page = readAppPath(orgInPath ? segments.slice(1) : segments, url.searchParams);
  return page === null ? null : dynamicsContext(url, orgInPath ? first : null, page);
}

/** The organisation label of `{org}.crm4.dynamics.com`; null for service and look-alike hosts. */
function readDynamicsOrgName(hostname: string): string | null {
  const firstDot = hostname.indexOf('.');
  const orgName = hostname.slice(0, firstDot);
  if (firstDot < 0 || !CLOUD_DOMAIN.test(hostname.slice(firstDot + 1))) return null;
  return HOST_LABEL.test(orgName) && !SERVICE_LABELS.has(orgName) ? orgName : null;
}

/** A lower-case GUID without braces from `{…}`, `%7B…%7D` or bare forms; null if not a GUID. */
function normaliseGuid(value: string | null): string | null {
  if (value === null) return null;
  const guid = value.trim().toLowerCase().replace(/^(?:\{|%7b)/, '').replace(/(?:\}|%7d)$/, '');
  return GUID.test(guid) ? guid : null;
}

function dynamicsContext(url: URL, orgName: string | null, page: DynamicsPage): CrmContext {
  return {
    crm: 'dynamics',
    // Production, sandbox and trial organisations share every URL shape (facts §4.2).
    environment: 'unknown',
    ...page,
    surface: 'uci',
    host: url.hostname,
    orgName,
    sandboxName: null,
    url: url.href,
  };
}

function pathSegments(url: URL): string[] {
  return url.pathname.split('/').filter((segment) => segment !== '');
}

/**
 * Paths below the organisation: `main.aspx`, `apps/{suffix}/main.aspx`, the `apps/` app list.
 * The Web API (`api/data/v9.2/…`) returns JSON, not a page.
 */
function readAppPath(segments: string[], params: URLSearchParams): DynamicsPage | null {
  const [first, second, third] = segments.map((segment) => segment.toLowerCase());
  if (first === 'api') return null;
  if (first === 'main.aspx' && second === undefined) return readMainAspx(params, null);
  if (first === 'apps' && third === 'main.aspx' && segments.length === 3) {
    return readMainAspx(params, segments[1] ?? null);
  }
  if (first === 'apps' && third === undefined) return { ...pageOf('home', null), app: segments[1] ?? null };
  return pageOf('other', null);
}

function pageOf(pageType: CrmPageType, object: string | null, recordId: string | null = null): DynamicsPage {
  return { pageType, object, recordId, app: null, listView: null };
}

/**
 * `main.aspx` parameters (https://learn.microsoft.com/power-apps/developer/model-driven-apps/open-forms-views-dialogs-reports-url):
 * `pagetype`, `etn`, `id`, `viewid`, `appid`/`appname`, and `extraqs` carrying further form
 * parameters URL-encoded. `etc` (object type code) is ignored: it differs between organisations
 * for custom tables. UCI forms open editable, so a record form is 'record_view'.
 */
function readMainAspx(params: URLSearchParams, appSuffix: string | null): DynamicsPage {
  const param = caseInsensitiveParams(params);
  const object = param.get('etn')?.toLowerCase() || null;
  const app = normaliseGuid(param.get('appid') ?? null) ?? param.get('appname') ?? appSuffix;
  const page = { ...pageOf('other', object), app };
  switch (param.get('pagetype')?.toLowerCase()) {
    case 'entityrecord': {
      const id = param.get('id');
      if (!id) return { ...page, pageType: 'record_new' };
      const recordId = normaliseGuid(id);
      return recordId === null ? page : { ...page, pageType: 'record_view', recordId };
    }
    case 'entitylist':
      return { ...page, pageType: 'list_view', listView: normaliseGuid(param.get('viewid') ?? null) };
    case 'dashboard':
      return { ...page, pageType: 'dashboard' };
    case 'search':
      return { ...page, pageType: 'search' };
    case undefined:
      // `main.aspx?appid=…` alone opens the app's landing page.
      return { ...page, pageType: 'home' };
    default:
      // webresource, custom, genux, control, inlinedialog, advancedfind and future page types.
      return page;
  }
}

/**
 * Parameter names are matched case-insensitively (`viewType`, `webresourceName` vary in real
 * URLs); the first occurrence wins, and direct parameters win over those inside `extraqs`.
 */
function caseInsensitiveParams(params: URLSearchParams): Map<string, string> {
  const byName = new Map<string, string>();
  const add = (source: URLSearchParams) => {
    for (const [name, value] of source) {
      const key = name.toLowerCase();
      if (!byName.has(key)) byName.set(key, value);
    }
  };
  add(params);
  const extraqs = byName.get('extraqs');
  if (extraqs !== undefined) add(new URLSearchParams(extraqs));
  return byName;
}
