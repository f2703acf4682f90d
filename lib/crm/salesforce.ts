/**
 * Salesforce org pages: which host families are org pages (and which org, sandbox and
 * environment the host names), and what a Lightning, Classic, Setup or Visualforce URL shows.
 * Formats and sources: /work/shared/research/crm-facts.md §1 (hosts) and §2 (URLs).
 */

import type { CrmContext, CrmEnvironment, CrmPageType, CrmSurface } from './context';
import { salesforceObjectForId, toSalesforceId18 } from './salesforce-id';

type HostRole = 'login' | 'lightning' | 'setup' | 'visualforce';

/**
 * Org host suffixes: `{label}.{suffix}` or `{label}.{partition}.{suffix}`. `login` hosts serve
 * Classic, Lightning redirects and Visualforce redirects. Sources: DomainCreator
 * (https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_class_System_DomainCreator.htm),
 * forcedotcom/sfdx-core src/util/sfdcUrl.ts (Government Cloud, China, alternative domains),
 * Salesforce Inspector Reloaded's manifest (`*.lightning.force.mil`, `*.visualforce.mil`).
 */
const ORG_HOST_SUFFIXES: ReadonlyArray<readonly [suffix: string, role: HostRole]> = [
  ['my.salesforce.com', 'login'],
  ['lightning.force.com', 'lightning'],
  ['my.salesforce-setup.com', 'setup'],
  ['vf.force.com', 'visualforce'],
  ['visualforce.com', 'visualforce'],
  ['my.salesforce.mil', 'login'],
  ['lightning.crmforce.mil', 'lightning'],
  ['lightning.force.mil', 'lightning'],
  ['my.salesforce-setup.mil', 'setup'],
  ['vf.force.mil', 'visualforce'],
  ['visualforce.mil', 'visualforce'],
  ['my.sfcrmproducts.cn', 'login'],
  ['lightning.sfcrmapps.cn', 'lightning'],
  ['my-salesforce.com', 'login'],
  ['my-lightning.com', 'lightning'],
];

/**
 * Partition labels of non-production orgs, from `OrgDomainLog.DomainPartition`
 * (https://developer.salesforce.com/docs/atlas.en-us.api_tooling.meta/api_tooling/tooling_api_objects_mydomainlog.htm).
 * `trailblaze` hosts Trailhead playgrounds, which are Developer Edition orgs. `free` is documented
 * only as "internal", so it says nothing we could rely on.
 */
const PARTITION_ENVIRONMENTS: ReadonlyMap<string, CrmEnvironment> = new Map([
  ['sandbox', 'sandbox'],
  ['develop', 'developer'],
  ['scratch', 'scratch'],
  ['trailblaze', 'developer'],
  ['demo', 'demo'],
  ['patch', 'patch'],
  ['free', 'unknown'],
]);

/** Legacy instance names (`na139`, `eu55`, `usa77`, `cs42`). */
const INSTANCE = /^[a-z]+[0-9]+$/;
/** `cs` instances hosted sandboxes (facts §1.4; an inference, no current doc says so). */
const SANDBOX_INSTANCE = /^cs[0-9]+$/;
const HOST_LABEL_PART = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const KEY_PREFIX = /^[a-zA-Z0-9]{3}$/;

interface SalesforceHost {
  role: HostRole | 'instance';
  orgName: string | null;
  sandboxName: string | null;
  environment: CrmEnvironment;
}

interface SalesforcePage {
  pageType: CrmPageType;
  object: string | null;
  recordId: string | null;
  app: string | null;
  listView: string | null;
}

/** Object API names: `Account`, `Product2`, `ns__Invoice__c`. */
export function isSalesforceApiName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name);
}

/** The Salesforce context of an https URL, or null when its host is not a Salesforce org page. */
export function detectSalesforceContext(url: URL): CrmContext | null {
  const host = readSalesforceHost(url.hostname);
  if (host === null) return null;
  const { page, surface } = readSalesforcePage(host.role, url);
  return {
    crm: 'salesforce',
    environment: host.environment,
    ...page,
    surface,
    host: url.hostname,
    orgName: host.orgName,
    sandboxName: host.sandboxName,
    url: url.href,
  };
}

/** Org, sandbox and environment from a host name; null for non-org and look-alike hosts. */
function readSalesforceHost(hostname: string): SalesforceHost | null {
  // Microsoft Defender for Cloud Apps proxies sessions as `<host>.mcas.ms`; Salesforce Inspector
  // Reloaded strips the suffix the same way (inspector.js getMyDomain).
  const host = hostname.endsWith('.mcas.ms') ? hostname.slice(0, -'.mcas.ms'.length) : hostname;
  for (const [suffix, role] of ORG_HOST_SUFFIXES) {
    if (!host.endsWith(`.${suffix}`)) continue;
    const labels = host.slice(0, -suffix.length - 1).split('.');
    const [label, partition] = labels;
    if (label === undefined || labels.length > 2) return null;
    if (partition !== undefined && !PARTITION_ENVIRONMENTS.has(partition)) return null;
    return readOrgLabel(label, role, partition ?? null, null);
  }
  return readInstanceHost(host);
}

/** Classic instance hosts `na139.salesforce.com` and legacy Visualforce `c.na1.visual.force.com`. */
function readInstanceHost(host: string): SalesforceHost | null {
  const labels = host.split('.');
  if (host.endsWith('.visual.force.com') && labels.length === 5) {
    const [label, instance] = labels;
    if (label === undefined || instance === undefined || !INSTANCE.test(instance)) return null;
    return readOrgLabel(label, 'visualforce', null, instance);
  }
  const [instance] = labels;
  if (labels.length !== 3 || !host.endsWith('.salesforce.com') || instance === undefined) return null;
  if (!INSTANCE.test(instance)) return null;
  return {
    role: 'instance',
    orgName: null,
    sandboxName: null,
    environment: SANDBOX_INSTANCE.test(instance) ? 'sandbox' : 'production',
  };
}

/**
 * The first host label: `name` or `name--sandbox` on login, Lightning and Setup hosts; on
 * Visualforce hosts `--` separates the package (`name--pkg`, `name--sandbox--pkg`, or just `pkg`
 * on legacy `c.na1.visual.force.com`), per DomainCreator's `mycompany--uat.vf.force.com` example.
 */
function readOrgLabel(
  label: string,
  role: HostRole,
  partition: string | null,
  instance: string | null,
): SalesforceHost | null {
  const parts = label.split('--');
  if (!parts.every((part) => HOST_LABEL_PART.test(part))) return null;
  const nameParts = role === 'visualforce' ? parts.slice(0, -1) : parts;
  if (nameParts.length > 2) return null;
  const [orgName = null, sandboxName = null] = nameParts;
  return {
    role,
    orgName,
    sandboxName,
    environment: hostEnvironment(partition, orgName, sandboxName, instance),
  };
}

/**
 * Environment rules of facts §1.5: the partition wins (scratch orgs can be named `*-dev-ed`,
 * https://github.com/salesforcecli/plugin-lightning-dev/issues/254), then a legacy `--sandbox`
 * label or `cs` instance, then the `-dev-ed` Developer Edition suffix
 * (https://help.salesforce.com/s/articleView?id=xcloud.domain_name_considerations.htm).
 * Trial orgs look like production: only the Organization record tells them apart.
 */
function hostEnvironment(
  partition: string | null,
  orgName: string | null,
  sandboxName: string | null,
  instance: string | null,
): CrmEnvironment {
  if (partition !== null) return PARTITION_ENVIRONMENTS.get(partition) ?? 'unknown';
  if (sandboxName !== null) return 'sandbox';
  if (instance !== null && SANDBOX_INSTANCE.test(instance)) return 'sandbox';
  if (orgName?.endsWith('-dev-ed')) return 'developer';
  return 'production';
}

function readSalesforcePage(
  role: SalesforceHost['role'],
  url: URL,
): { page: SalesforcePage; surface: CrmSurface } {
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const [first, ...rest] = segments;
  if (role === 'visualforce') {
    return { page: readVisualforcePage(url.searchParams), surface: 'visualforce' };
  }
  if (role === 'setup') {
    return { page: readSetupPage(first === 'lightning' ? rest : [], url.searchParams), surface: 'setup' };
  }
  // Lightning paths work on every org host; the My Domain login host redirects them.
  if (first === 'lightning') {
    const page = readLightningPath(rest, url.searchParams);
    return { page, surface: page.pageType === 'setup' ? 'setup' : 'lightning' };
  }
  if (first === 'one' && rest.join('/') === 'one.app') {
    return { page: readOneAppHash(url.hash), surface: 'lightning' };
  }
  // A Lightning host serves no Classic pages; login and instance hosts serve Classic and Visualforce.
  if (role === 'lightning') return { page: pageOf('other', null), surface: 'lightning' };
  if (first === 'apex') return { page: readVisualforcePage(url.searchParams), surface: 'visualforce' };
  return { page: readClassicPath(segments, url.searchParams), surface: 'classic' };
}

function pageOf(pageType: CrmPageType, object: string | null, recordId: string | null = null): SalesforcePage {
  return { pageType, object, recordId, app: null, listView: null };
}

/** Lightning paths under `/lightning/` (pageReference URL formats, facts §2.1). */
function readLightningPath(segments: string[], params: URLSearchParams): SalesforcePage {
  const [kind, first, second] = segments;
  switch (kind) {
    case 'r':
      return readRecordPath(segments.slice(1));
    case 'o':
      return readObjectPath(first, second, params);
    case 'page':
      return pageOf(first === 'home' ? 'home' : 'other', null);
    case 'setup':
      return readSetupPage(segments, params);
    case 'app':
      return { ...pageOf('other', null), app: first ?? null };
    default:
      // Custom tabs (`/n/`), components (`/cmp/`) and named pages do not name an object.
      return pageOf('other', null);
  }
}

/**
 * `r/{Object}/{id}/{view|edit|clone}`, object-less `r/{id}/{action}` and related lists
 * `r/{Object}/{id}/related/{relationship}/view`. A token that fails the id check makes the
 * page 'other': Salesforce shows an error there, not the record.
 */
function readRecordPath(segments: string[]): SalesforcePage {
  const [first, second] = segments;
  if (first === undefined) return pageOf('other', null);
  const objectLessId = toSalesforceId18(first);
  if (objectLessId !== null) {
    return recordAction(salesforceObjectForId(objectLessId), objectLessId, segments.slice(1));
  }
  if (!isSalesforceApiName(first)) return pageOf('other', null);
  const recordId = second === undefined ? null : toSalesforceId18(second);
  if (recordId === null) return pageOf('other', first);
  return recordAction(first, recordId, segments.slice(2));
}

function recordAction(object: string | null, recordId: string, action: string[]): SalesforcePage {
  if (object === 'Report') return pageOf('report', object, recordId);
  if (object === 'Dashboard') return pageOf('dashboard', object, recordId);
  switch (action.join('/')) {
    case '':
    case 'view':
      return pageOf('record_view', object, recordId);
    case 'edit':
      return pageOf('record_edit', object, recordId);
    case 'clone':
      // A clone is a new record; the id is the record it copies.
      return pageOf('record_new', object, recordId);
    default:
      // Related lists and anything newer: about the record, but not its page.
      return pageOf('other', object, recordId);
  }
}

/** `o/{Object}/{list|home|new}`; the Report and Dashboard tabs count as reports and dashboards. */
function readObjectPath(
  object: string | undefined,
  action: string | undefined,
  params: URLSearchParams,
): SalesforcePage {
  if (object === undefined || !isSalesforceApiName(object)) return pageOf('other', null);
  if (object === 'Report') return pageOf('report', object);
  if (object === 'Dashboard') return pageOf('dashboard', object);
  switch (action) {
    case 'list':
      return { ...pageOf('list_view', object), listView: params.get('filterName') };
    case 'home':
      return pageOf('object_home', object);
    case 'new':
      return pageOf('record_new', object);
    default:
      return pageOf('other', object);
  }
}

/**
 * Lightning Setup: `setup/ObjectManager/{Object}/…` names the object, and
 * `setup/{Node}/page?address=%2F{id}` wraps a Classic setup page of one record (Salesforce
 * Inspector Reloaded popup.js reads the id with the same pattern).
 */
function readSetupPage(segments: string[], params: URLSearchParams): SalesforcePage {
  const [, node, objectSegment] = segments;
  const addressedId = /^\/([a-zA-Z0-9]{15,18})(?:\?|$)/.exec(params.get('address') ?? '')?.[1];
  const recordId = addressedId === undefined ? null : toSalesforceId18(addressedId);
  const managedObject =
    node === 'ObjectManager' &&
    objectSegment !== undefined &&
    objectSegment !== 'home' &&
    isSalesforceApiName(objectSegment) &&
    toSalesforceId18(objectSegment) === null
      ? objectSegment
      : null;
  const object = managedObject ?? (recordId === null ? null : salesforceObjectForId(recordId));
  return pageOf('setup', object, recordId);
}

/**
 * Pre-Spring '18 `one/one.app#/sObject/…` URLs (same meaning as today's `r/` and `o/` paths)
 * and the global search page, whose hash is base64 JSON naming `forceSearch:searchPageDesktop`.
 */
function readOneAppHash(hash: string): SalesforcePage {
  const fragment = hash.slice(1);
  if (fragment.startsWith('/')) {
    const [path = '', query = ''] = fragment.split('?');
    const [kind, target, ...action] = path.split('/').filter((segment) => segment !== '');
    // `#/home` was the legacy Home page (today's `/lightning/page/home`).
    if (kind === 'home' && target === undefined) return pageOf('home', null);
    if (kind !== 'sObject' || target === undefined) return pageOf('other', null);
    const recordId = toSalesforceId18(target);
    if (recordId !== null) return recordAction(salesforceObjectForId(recordId), recordId, action);
    return readObjectPath(target, action[0], new URLSearchParams(query));
  }
  return pageOf(decodedComponentDef(fragment) === 'forceSearch:searchPageDesktop' ? 'search' : 'other', null);
}

function decodedComponentDef(base64Fragment: string): string | null {
  try {
    const decoded: unknown = JSON.parse(atob(decodeURIComponent(base64Fragment)));
    if (typeof decoded !== 'object' || decoded === null || !('componentDef' in decoded)) return null;
    return typeof decoded.componentDef === 'string' ? decoded.componentDef : null;
  } catch {
    return null;
  }
}

/**
 * Classic: `/{id}` (view), `/{id}/e` (edit), `/{prefix}/o` (tab), `/{prefix}/e` (new),
 * `/{prefix}?fcf={00B…}` (list view), `/home/home.jsp`, Setup under `/setup/`,
 * `/_ui/common/setup/` or `?setupid=`, and `/_ui/search/ui/UnifiedSearchResults`.
 * Source: http://salesforceconcepts.blogspot.com/2014/03/salesforces-url-structure.html (facts §2.2).
 */
function readClassicPath(segments: string[], params: URLSearchParams): SalesforcePage {
  const path = segments.join('/');
  if (path === 'home/home.jsp') return pageOf('home', null);
  if (segments[0] === 'setup' || path.startsWith('_ui/common/setup/') || params.has('setupid')) {
    return pageOf('setup', null);
  }
  if (path === '_ui/search/ui/UnifiedSearchResults') return pageOf('search', null);

  const [token, action] = segments;
  if (token === undefined || segments.length > 2) return pageOf('other', null);
  const recordId = toSalesforceId18(token);
  if (recordId !== null) {
    const object = salesforceObjectForId(recordId);
    if (action === undefined) return pageOf('record_view', object, recordId);
    return action === 'e' ? pageOf('record_edit', object, recordId) : pageOf('other', object, recordId);
  }
  if (!KEY_PREFIX.test(token)) return pageOf('other', null);
  const object = salesforceObjectForId(token);
  if (action === 'o') return pageOf('object_home', object);
  if (action === 'e') return pageOf('record_new', object);
  const listView = params.get('fcf');
  if (action === undefined && listView !== null) return { ...pageOf('list_view', object), listView };
  return pageOf('other', object);
}

/** `/apex/{Page}?id={recordId}`: the page is custom, so only the record it is about is known. */
function readVisualforcePage(params: URLSearchParams): SalesforcePage {
  const idParam = params.get('id');
  const recordId = idParam === null ? null : toSalesforceId18(idParam);
  return pageOf('other', recordId === null ? null : salesforceObjectForId(recordId), recordId);
}
