import { describe, expect, it } from 'vitest';
import type { CrmContext } from './context';
import { detectCrmContext } from './detect';
import * as predicates from './predicates';

const ACCOUNT = '0015e00000AcMe1AAF';
const GUID = '8e0a4f2b-1111-2222-3333-444444444444';

function context(url: string): CrmContext {
  const detected = detectCrmContext(url);
  if (detected === null) throw new Error(`test URL is not a CRM page: ${url}`);
  return detected;
}

const pages = {
  lightningRecord: context(`https://acme.lightning.force.com/lightning/r/Account/${ACCOUNT}/view`),
  lightningEdit: context(`https://acme--uat.sandbox.lightning.force.com/lightning/r/Account/${ACCOUNT}/edit`),
  lightningNew: context('https://acme.lightning.force.com/lightning/o/Account/new'),
  lightningList: context('https://acme.lightning.force.com/lightning/o/Account/list?filterName=Recent'),
  lightningObjectHome: context('https://acme.lightning.force.com/lightning/o/Account/home'),
  lightningHome: context('https://acme.develop.lightning.force.com/lightning/page/home'),
  lightningSetup: context('https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home'),
  report: context('https://acme.lightning.force.com/lightning/r/Report/00O5e00000RpT01EAF/view'),
  dashboard: context('https://acme.lightning.force.com/lightning/r/Dashboard/01Z5e00000DsH01EAF/view'),
  search: context(
    `https://acme.lightning.force.com/one/one.app#${btoa('{"componentDef":"forceSearch:searchPageDesktop"}')}`,
  ),
  classicRecord: context('https://na139.salesforce.com/0015e00000AcMe1'),
  classicSetup: context('https://na139.salesforce.com/setup/forcecomHomepage.apexp?setupid=ForceCom'),
  dynamicsRecord: context(
    `https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=account&id=%7B${GUID}%7D`,
  ),
  dynamicsList: context('https://contoso.crm.dynamics.com/main.aspx?pagetype=entitylist&etn=contact'),
} satisfies Record<string, CrmContext>;

type PageName = keyof typeof pages;
const pageNames = Object.keys(pages) as PageName[];

describe.each<[string, predicates.CrmPredicate, PageName[]]>([
  ['isSalesforce', predicates.isSalesforce, pageNames.filter((name) => !name.startsWith('dynamics'))],
  ['isDynamics', predicates.isDynamics, ['dynamicsRecord', 'dynamicsList']],
  [
    'isLightning',
    predicates.isLightning,
    ['lightningRecord', 'lightningEdit', 'lightningNew', 'lightningList', 'lightningObjectHome', 'lightningHome', 'report', 'dashboard', 'search'],
  ],
  ['isClassic', predicates.isClassic, ['classicRecord', 'classicSetup']],
  ['isSetup', predicates.isSetup, ['lightningSetup', 'classicSetup']],
  ['isUci', predicates.isUci, ['dynamicsRecord', 'dynamicsList']],
  ['isRecordPage', predicates.isRecordPage, ['lightningRecord', 'lightningEdit', 'classicRecord', 'dynamicsRecord']],
  ['isRecordView', predicates.isRecordView, ['lightningRecord', 'classicRecord', 'dynamicsRecord']],
  ['isRecordEdit', predicates.isRecordEdit, ['lightningEdit']],
  ['isNewRecord', predicates.isNewRecord, ['lightningNew']],
  ['isListView', predicates.isListView, ['lightningList', 'dynamicsList']],
  ['isObjectHome', predicates.isObjectHome, ['lightningObjectHome']],
  ['isHome', predicates.isHome, ['lightningHome']],
  ['isReport', predicates.isReport, ['report']],
  ['isDashboard', predicates.isDashboard, ['dashboard']],
  ['isSearch', predicates.isSearch, ['search']],
  ['isSandbox', predicates.isSandbox, ['lightningEdit']],
  [
    'isProduction',
    predicates.isProduction,
    pageNames.filter((name) => !['lightningEdit', 'lightningHome'].includes(name) && !name.startsWith('dynamics')),
  ],
])('%s', (_name, predicate, truePages) => {
  it.each(pageNames)('on %s', (name) => {
    expect(predicate(pages[name])).toBe(truePages.includes(name));
  });

  it('is false without a CRM page', () => {
    expect(predicate(null)).toBe(false);
  });
});

describe('isObject', () => {
  it('compares Salesforce API names exactly', () => {
    expect(predicates.isObject('Account')(pages.lightningRecord)).toBe(true);
    expect(predicates.isObject('account')(pages.lightningRecord)).toBe(false);
    expect(predicates.isObject('Contact')(pages.lightningRecord)).toBe(false);
  });

  it('compares Dynamics logical names case-insensitively', () => {
    expect(predicates.isObject('account')(pages.dynamicsRecord)).toBe(true);
    expect(predicates.isObject('Account')(pages.dynamicsRecord)).toBe(true);
    expect(predicates.isObject('contact')(pages.dynamicsRecord)).toBe(false);
  });

  it('is false where the object is unknown', () => {
    expect(predicates.isObject('Account')(pages.lightningHome)).toBe(false);
    expect(predicates.isObject('Account')(null)).toBe(false);
  });
});
