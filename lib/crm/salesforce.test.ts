import { describe, expect, it } from 'vitest';
import type { CrmContext } from './context';
import { detectCrmContext } from './detect';

// Valid ids (checksums computed by salesforce-id.ts, see its tests).
const ACCOUNT_15 = '0015e00000AcMe1';
const ACCOUNT = '0015e00000AcMe1AAF';
const ACCOUNT_BAD_CHECKSUM = '0015e00000AcMe1AAA';
const CONTACT = '0035e00000AbCdEAAV';
const CASE = '5005e00000CaSe1AAF';
const LEAD_15 = '00Q5e00000LeAd1';
const LEAD = '00Q5e00000LeAd1EAF';
const REPORT = '00O5e00000RpT01EAF';
const DASHBOARD = '01Z5e00000DsH01EAF';
const USER = '0055e00000UsR01AAF';
const CUSTOM_15 = 'a0D30000001n7Pi';
const CUSTOM = 'a0D30000001n7PiEAI';

type Expected = Omit<CrmContext, 'url' | 'host'> & { host?: string };

const acmeProduction = {
  crm: 'salesforce',
  environment: 'production',
  orgName: 'acme',
  sandboxName: null,
  app: null,
  listView: null,
} as const;

function lightning(
  pageType: CrmContext['pageType'],
  object: string | null,
  recordId: string | null = null,
  extra: Partial<Expected> = {},
): Expected {
  return { ...acmeProduction, surface: 'lightning', pageType, object, recordId, ...extra };
}

function classic(
  pageType: CrmContext['pageType'],
  object: string | null,
  recordId: string | null = null,
  extra: Partial<Expected> = {},
): Expected {
  return { ...acmeProduction, surface: 'classic', pageType, object, recordId, ...extra };
}

const LEX = 'https://acme.lightning.force.com';
const MY_DOMAIN = 'https://acme.my.salesforce.com';
const searchHash = btoa(
  JSON.stringify({
    componentDef: 'forceSearch:searchPageDesktop',
    attributes: { term: 'acme', scopeMap: { type: 'TOP_RESULTS' } },
  }),
);

function expectContext(url: string, expected: Expected): void {
  const context = detectCrmContext(url);
  expect(context).toEqual({ host: new URL(url).hostname, url: new URL(url).href, ...expected });
}

describe('Salesforce hosts and environments', () => {
  it.each<[string, Expected]>([
    [`${LEX}/lightning/r/Account/${ACCOUNT}/view`, lightning('record_view', 'Account', ACCOUNT)],
    [`${MY_DOMAIN}/lightning/r/Account/${ACCOUNT}/view`, lightning('record_view', 'Account', ACCOUNT)],
    [
      `https://ACME.Lightning.Force.com/lightning/r/Account/${ACCOUNT}/view`,
      lightning('record_view', 'Account', ACCOUNT, { host: 'acme.lightning.force.com' }),
    ],
    // Enhanced sandbox domains.
    [
      `https://acme--uat.sandbox.lightning.force.com/lightning/r/Account/${ACCOUNT}/view`,
      lightning('record_view', 'Account', ACCOUNT, { environment: 'sandbox', sandboxName: 'uat' }),
    ],
    [
      `https://acme--uat.sandbox.my.salesforce.com/${ACCOUNT_15}`,
      classic('record_view', 'Account', ACCOUNT, { environment: 'sandbox', sandboxName: 'uat' }),
    ],
    [
      'https://kodak--dev.sandbox.lightning.force.com/lightning/page/home',
      lightning('home', null, null, { environment: 'sandbox', orgName: 'kodak', sandboxName: 'dev' }),
    ],
    // Legacy non-enhanced sandbox hosts.
    [
      'https://seniorlink--staging.lightning.force.com/lightning/o/Contact/home',
      lightning('object_home', 'Contact', null, {
        environment: 'sandbox',
        orgName: 'seniorlink',
        sandboxName: 'staging',
      }),
    ],
    [
      `https://acme--uat.my.salesforce.com/${ACCOUNT_15}/e`,
      classic('record_edit', 'Account', ACCOUNT, { environment: 'sandbox', sandboxName: 'uat' }),
    ],
    // Developer Edition, scratch, playground, demo, patch and free partitions.
    [
      'https://mycompany-dev-ed.develop.my.salesforce.com/lightning/page/home',
      lightning('home', null, null, { environment: 'developer', orgName: 'mycompany-dev-ed' }),
    ],
    [
      'https://orgfarm-2587d03c12-dev-ed.develop.lightning.force.com/lightning/o/Lead/list?filterName=__Recent',
      lightning('list_view', 'Lead', null, {
        environment: 'developer',
        orgName: 'orgfarm-2587d03c12-dev-ed',
        listView: '__Recent',
      }),
    ],
    [
      'https://data-customization-9101-dev-ed.scratch.my.salesforce.com/lightning/page/home',
      lightning('home', null, null, { environment: 'scratch', orgName: 'data-customization-9101-dev-ed' }),
    ],
    [
      `https://energy-customization-5209.scratch.lightning.force.com/lightning/r/Case/${CASE}/view`,
      lightning('record_view', 'Case', CASE, { environment: 'scratch', orgName: 'energy-customization-5209' }),
    ],
    [
      'https://wise-koala-a44c19-dev-ed.trailblaze.lightning.force.com/lightning/page/home',
      lightning('home', null, null, { environment: 'developer', orgName: 'wise-koala-a44c19-dev-ed' }),
    ],
    [
      'https://acme.demo.lightning.force.com/lightning/o/Account/home',
      lightning('object_home', 'Account', null, { environment: 'demo' }),
    ],
    [
      `https://acme.patch.my.salesforce.com/${ACCOUNT_15}`,
      classic('record_view', 'Account', ACCOUNT, { environment: 'patch' }),
    ],
    [
      'https://acme.free.lightning.force.com/lightning/page/home',
      lightning('home', null, null, { environment: 'unknown' }),
    ],
    [
      'https://acme-dev-ed.lightning.force.com/lightning/page/home',
      lightning('home', null, null, { environment: 'developer', orgName: 'acme-dev-ed' }),
    ],
    [
      'https://acme-dev-ed.my.salesforce.com/home/home.jsp',
      classic('home', null, null, { environment: 'developer', orgName: 'acme-dev-ed' }),
    ],
    // Setup domain.
    [
      'https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home?SetupDomainProbePassed=true&SetupDomainReload=1',
      lightning('setup', null, null, { surface: 'setup' }),
    ],
    [
      'https://acme-dev-ed.develop.my.salesforce-setup.com/lightning/setup/SetupOneHome/home',
      lightning('setup', null, null, { surface: 'setup', environment: 'developer', orgName: 'acme-dev-ed' }),
    ],
    [
      'https://acme--uat.sandbox.my.salesforce-setup.com/lightning/setup/ObjectManager/Account/FieldsAndRelationships/view',
      lightning('setup', 'Account', null, { surface: 'setup', environment: 'sandbox', sandboxName: 'uat' }),
    ],
    // Classic instance hosts.
    [
      `https://na139.salesforce.com/${ACCOUNT_15}`,
      classic('record_view', 'Account', ACCOUNT, { orgName: null }),
    ],
    [
      `https://cs42.salesforce.com/${ACCOUNT_15}/e`,
      classic('record_edit', 'Account', ACCOUNT, { orgName: null, environment: 'sandbox' }),
    ],
    ['https://eu55.salesforce.com/001/o', classic('object_home', 'Account', null, { orgName: null })],
    ['https://usa77.salesforce.com/home/home.jsp', classic('home', null, null, { orgName: null })],
    // Visualforce: `--` separates the package.
    [
      `https://acme--c.vf.force.com/apex/AccountPlan?id=${ACCOUNT_15}`,
      lightning('other', 'Account', ACCOUNT, { surface: 'visualforce' }),
    ],
    [
      'https://acme--uat--c.sandbox.vf.force.com/apex/AccountPlan',
      lightning('other', null, null, { surface: 'visualforce', environment: 'sandbox', sandboxName: 'uat' }),
    ],
    [
      'https://acme-dev-ed--c.develop.vf.force.com/apex/AccountPlan',
      lightning('other', null, null, { surface: 'visualforce', environment: 'developer', orgName: 'acme-dev-ed' }),
    ],
    [
      'https://c.na1.visual.force.com/apex/AccountPlan',
      lightning('other', null, null, { surface: 'visualforce', orgName: null }),
    ],
    [
      `https://c.cs42.visual.force.com/apex/AccountPlan?id=${CONTACT}`,
      lightning('other', 'Contact', CONTACT, { surface: 'visualforce', orgName: null, environment: 'sandbox' }),
    ],
    [
      'https://acme--c.na139.visual.force.com/apex/AccountPlan',
      lightning('other', null, null, { surface: 'visualforce' }),
    ],
    [
      'https://acme--uat--c.cs42.visual.force.com/apex/AccountPlan',
      lightning('other', null, null, { surface: 'visualforce', environment: 'sandbox', sandboxName: 'uat' }),
    ],
    ['https://acme--c.visualforce.com/apex/AccountPlan', lightning('other', null, null, { surface: 'visualforce' })],
    [
      'https://acme--uat--c.visualforce.com/apex/AccountPlan',
      lightning('other', null, null, { surface: 'visualforce', environment: 'sandbox', sandboxName: 'uat' }),
    ],
    // Government Cloud Plus – Defense.
    [
      `https://acme.my.salesforce.mil/lightning/r/Account/${ACCOUNT}/view`,
      lightning('record_view', 'Account', ACCOUNT),
    ],
    [`https://acme.lightning.crmforce.mil/lightning/r/${ACCOUNT}/view`, lightning('record_view', 'Account', ACCOUNT)],
    [
      'https://acme--sbx.sandbox.lightning.crmforce.mil/lightning/page/home',
      lightning('home', null, null, { environment: 'sandbox', sandboxName: 'sbx' }),
    ],
    ['https://acme.lightning.force.mil/lightning/o/Account/new', lightning('record_new', 'Account')],
    [
      'https://acme.my.salesforce-setup.mil/lightning/setup/SetupOneHome/home',
      lightning('setup', null, null, { surface: 'setup' }),
    ],
    ['https://acme--c.vf.force.mil/apex/AccountPlan', lightning('other', null, null, { surface: 'visualforce' })],
    // China and alternative domains.
    [`https://acme.my.sfcrmproducts.cn/${ACCOUNT_15}`, classic('record_view', 'Account', ACCOUNT)],
    [`https://acme.lightning.sfcrmapps.cn/lightning/r/Account/${ACCOUNT}/view`, lightning('record_view', 'Account', ACCOUNT)],
    [`https://org62.my-salesforce.com/${ACCOUNT_15}`, classic('record_view', 'Account', ACCOUNT, { orgName: 'org62' })],
    ['https://org62.my-lightning.com/lightning/page/home', lightning('home', null, null, { orgName: 'org62' })],
    // Microsoft Defender for Cloud Apps proxy.
    [
      `https://acme.lightning.force.com.mcas.ms/lightning/r/Account/${ACCOUNT}/view`,
      lightning('record_view', 'Account', ACCOUNT),
    ],
    [
      'https://acme--uat.sandbox.lightning.force.com.mcas.ms/lightning/page/home',
      lightning('home', null, null, { environment: 'sandbox', sandboxName: 'uat' }),
    ],
  ])('%s', expectContext);
});

describe('Lightning URLs', () => {
  it.each<[string, Expected]>([
    [`${LEX}/lightning/r/Account/${ACCOUNT}/edit`, lightning('record_edit', 'Account', ACCOUNT)],
    // A clone is a new record; the id is the record being copied.
    [`${LEX}/lightning/r/Account/${ACCOUNT}/clone`, lightning('record_new', 'Account', ACCOUNT)],
    [`${LEX}/lightning/r/Account/${ACCOUNT}`, lightning('record_view', 'Account', ACCOUNT)],
    [`${LEX}/lightning/r/Account/${ACCOUNT_15}/view`, lightning('record_view', 'Account', ACCOUNT)],
    [`${LEX}/lightning/r/${ACCOUNT}/view`, lightning('record_view', 'Account', ACCOUNT)],
    [`${LEX}/lightning/r/${LEAD_15}/edit`, lightning('record_edit', 'Lead', LEAD)],
    [`${LEX}/lightning/r/${CUSTOM}/view`, lightning('record_view', null, CUSTOM)],
    [`${LEX}/lightning/r/Invoice__c/${CUSTOM}/view`, lightning('record_view', 'Invoice__c', CUSTOM)],
    [`${LEX}/lightning/r/ns__Invoice__c/${CUSTOM_15}/edit`, lightning('record_edit', 'ns__Invoice__c', CUSTOM)],
    [`${LEX}/lightning/r/Product2/01t5e00000PrD01/view`, lightning('record_view', 'Product2', '01t5e00000PrD01AAF')],
    // Related lists are about the record, not its page.
    [`${LEX}/lightning/r/Account/${ACCOUNT}/related/Contacts/view`, lightning('other', 'Account', ACCOUNT)],
    [`${LEX}/lightning/r/${ACCOUNT}/related/Opportunities/view`, lightning('other', 'Account', ACCOUNT)],
    // An 18-character token with a wrong checksum is not an id.
    [`${LEX}/lightning/r/Account/${ACCOUNT_BAD_CHECKSUM}/view`, lightning('other', 'Account', null)],
    [`${LEX}/lightning/r/Account/latest/view`, lightning('other', 'Account', null)],
    [`${LEX}/lightning/r/${ACCOUNT_BAD_CHECKSUM}/view`, lightning('other', null, null)],
    [`${LEX}/lightning/r`, lightning('other', null, null)],
    // Object pages.
    [
      `${LEX}/lightning/o/Account/list?filterName=Recent`,
      lightning('list_view', 'Account', null, { listView: 'Recent' }),
    ],
    [
      `${LEX}/lightning/o/Account/list?filterName=00B5e00000LsT01EAF`,
      lightning('list_view', 'Account', null, { listView: '00B5e00000LsT01EAF' }),
    ],
    [
      `${LEX}/lightning/o/Opportunity/list?filterName=My_Open_Deals`,
      lightning('list_view', 'Opportunity', null, { listView: 'My_Open_Deals' }),
    ],
    [`${LEX}/lightning/o/Contact/list`, lightning('list_view', 'Contact')],
    [`${LEX}/lightning/o/Account/home`, lightning('object_home', 'Account')],
    [`${LEX}/lightning/o/Invoice__c/home`, lightning('object_home', 'Invoice__c')],
    [`${LEX}/lightning/o/Account/new`, lightning('record_new', 'Account')],
    [
      `${LEX}/lightning/o/Contact/new?defaultFieldValues=FirstName%3DAda&backgroundContext=%2Flightning%2Fpage%2Fhome`,
      lightning('record_new', 'Contact'),
    ],
    [`${LEX}/lightning/o/Case/new?recordTypeId=0125e000000AbCd&nooverride=1`, lightning('record_new', 'Case')],
    [`${LEX}/lightning/o/Account/somethingNew`, lightning('other', 'Account')],
    // Named pages, tabs, components, apps.
    [`${LEX}/lightning/page/home`, lightning('home', null)],
    [`${LEX}/lightning/page/chatter`, lightning('other', null)],
    [`${LEX}/lightning/n/Sales_Playbook`, lightning('other', null)],
    [`${LEX}/lightning/cmp/c__accountWizard?c__recordId=${ACCOUNT}`, lightning('other', null)],
    [`${LEX}/lightning/app/06m5e000000AbCdAAK`, lightning('other', null, null, { app: '06m5e000000AbCdAAK' })],
    [`${LEX}/lightning/app/standard__LightningSales`, lightning('other', null, null, { app: 'standard__LightningSales' })],
    [`${LEX}/lightning`, lightning('other', null)],
    // Setup inside Lightning.
    [`${LEX}/lightning/setup/SetupOneHome/home`, lightning('setup', null, null, { surface: 'setup' })],
    [
      `${LEX}/lightning/setup/ObjectManager/Opportunity/FieldsAndRelationships/view`,
      lightning('setup', 'Opportunity', null, { surface: 'setup' }),
    ],
    [`${LEX}/lightning/setup/ObjectManager/home`, lightning('setup', null, null, { surface: 'setup' })],
    [
      `${LEX}/lightning/setup/ObjectManager/01I5e0000000ObJEAU/Details/view`,
      lightning('setup', null, null, { surface: 'setup' }),
    ],
    [
      `${LEX}/lightning/setup/ManageUsers/page?address=%2F0055e00000UsR01%3Fnoredirect%3D1`,
      lightning('setup', 'User', USER, { surface: 'setup' }),
    ],
    // Reports and dashboards.
    [`${LEX}/lightning/r/Report/${REPORT}/view`, lightning('report', 'Report', REPORT)],
    [`${LEX}/lightning/r/Report/${REPORT}/view?queryScope=userFolders`, lightning('report', 'Report', REPORT)],
    [`${LEX}/lightning/r/${REPORT}/view`, lightning('report', 'Report', REPORT)],
    [`${MY_DOMAIN}/lightning/r/Report/${REPORT}/view`, lightning('report', 'Report', REPORT)],
    [`${LEX}/lightning/o/Report/home`, lightning('report', 'Report')],
    [`${LEX}/lightning/o/Report/home?queryScope=mru`, lightning('report', 'Report')],
    [`${LEX}/lightning/r/Dashboard/${DASHBOARD}/view`, lightning('dashboard', 'Dashboard', DASHBOARD)],
    [`${LEX}/lightning/o/Dashboard/home`, lightning('dashboard', 'Dashboard')],
    // Console: the path is the focused tab, `ws` the workspace around it.
    [
      `${LEX}/lightning/r/Case/${CASE}/view?ws=%2Flightning%2Fr%2FAccount%2F${ACCOUNT}%2Fview`,
      lightning('record_view', 'Case', CASE),
    ],
    [
      `${LEX}/lightning/r/Contact/${CONTACT}/view?ws=%2Flightning%2Fr%2FCase%2F${CASE}%2Fview`,
      lightning('record_view', 'Contact', CONTACT),
    ],
    // Pre-Spring '18 one.app URLs and global search.
    [`${LEX}/one/one.app#/sObject/${ACCOUNT}/view`, lightning('record_view', 'Account', ACCOUNT)],
    [`${MY_DOMAIN}/one/one.app#/sObject/${ACCOUNT_15}/view`, lightning('record_view', 'Account', ACCOUNT)],
    [`${LEX}/one/one.app#/sObject/Account/home`, lightning('object_home', 'Account')],
    [`${LEX}/one/one.app#/home`, lightning('home', null)],
    [
      `${LEX}/one/one.app#/sObject/Account/list?filterName=Recent`,
      lightning('list_view', 'Account', null, { listView: 'Recent' }),
    ],
    [`${LEX}/one/one.app#/n/Sales_Playbook`, lightning('other', null)],
    [`${LEX}/one/one.app#${searchHash}`, lightning('search', null)],
    [`${LEX}/one/one.app#${encodeURIComponent(searchHash)}`, lightning('search', null)],
    [`${LEX}/one/one.app#${btoa('{"componentDef":"one:alohaPage","attributes":{}}')}`, lightning('other', null)],
    [`${LEX}/one/one.app#not-base64!`, lightning('other', null)],
    [`${LEX}/one/one.app`, lightning('other', null)],
    [`${LEX}/`, lightning('other', null)],
  ])('%s', expectContext);
});

describe('Classic URLs', () => {
  it.each<[string, Expected]>([
    [`${MY_DOMAIN}/${ACCOUNT_15}`, classic('record_view', 'Account', ACCOUNT)],
    [`${MY_DOMAIN}/${ACCOUNT}`, classic('record_view', 'Account', ACCOUNT)],
    [`${MY_DOMAIN}/${LEAD_15}`, classic('record_view', 'Lead', LEAD)],
    [`${MY_DOMAIN}/${CUSTOM_15}`, classic('record_view', null, CUSTOM)],
    [`${MY_DOMAIN}/${ACCOUNT_15}/e?retURL=%2F${ACCOUNT_15}`, classic('record_edit', 'Account', ACCOUNT)],
    [`${MY_DOMAIN}/003/e?retURL=%2F003%2Fo`, classic('record_new', 'Contact')],
    [`${MY_DOMAIN}/001/o`, classic('object_home', 'Account')],
    [`${MY_DOMAIN}/a0D/o`, classic('object_home', null)],
    [
      `${MY_DOMAIN}/001?fcf=00B5e00000LsT01`,
      classic('list_view', 'Account', null, { listView: '00B5e00000LsT01' }),
    ],
    [`${MY_DOMAIN}/home/home.jsp`, classic('home', null)],
    [`${MY_DOMAIN}/setup/forcecomHomepage.apexp?setupid=ForceCom`, classic('setup', null)],
    [`${MY_DOMAIN}/_ui/common/setup/Setup`, classic('setup', null)],
    [`${MY_DOMAIN}/ui/setup/Setup?setupid=Users`, classic('setup', null)],
    [`${MY_DOMAIN}/_ui/search/ui/UnifiedSearchResults?str=acme`, classic('search', null)],
    [
      `${MY_DOMAIN}/apex/ContactCard?id=0035e00000AbCdE`,
      classic('other', 'Contact', CONTACT, { surface: 'visualforce' }),
    ],
    [`${MY_DOMAIN}/apex/ContactCard`, classic('other', null, null, { surface: 'visualforce' })],
    [`${MY_DOMAIN}/apex/ContactCard?id=notAnId`, classic('other', null, null, { surface: 'visualforce' })],
    [`${MY_DOMAIN}/${ACCOUNT_BAD_CHECKSUM}`, classic('other', null)],
    [`${MY_DOMAIN}/`, classic('other', null)],
    [`${MY_DOMAIN}/servlet/servlet.FileDownload?file=00P5e000000AbCd`, classic('other', null)],
  ])('%s', expectContext);
});
