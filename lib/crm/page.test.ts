// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { detectCrmContextFromPage } from './page';

const RECORD = '8e0a4f2b-5c1d-4e2f-9a3b-1c2d3e4f5a6b';
const ACCOUNT = '0015e00000AcMe1AAF';

function page(bodyHtml: string, headHtml = ''): Document {
  return new DOMParser().parseFromString(`<html><head>${headHtml}</head><body>${bodyHtml}</body></html>`, 'text/html');
}

function recordField(object: string, field: string): string {
  return `<records-record-layout-item field-label="${field}">
    <div data-target-selection-name="sfdc:RecordField.${object}.${field}"><span>${field}</span></div>
  </records-record-layout-item>`;
}

describe('on-premises and IFD Dynamics', () => {
  const onPremisesUrl = `http://crmserver/Contoso/main.aspx?etn=account&pagetype=entityrecord&id=%7B${RECORD}%7D`;

  it.each([
    ['a Unified Interface script', page('', '<script src="/Contoso/uclient/scripts/app.js?v=9.1"></script>')],
    ['the legacy page loader', page('', '<script src="/_static/_common/scripts/PageLoader.js"></script>')],
    ['the legacy internal utility', page('', '<script src="/_static/_common/scripts/crminternalutility.js"></script>')],
    ['the Unified Interface top bar', page('<div data-id="topBar"></div>')],
    ['the Unified Interface site map', page('<div data-id="navbar-container"><div><ul></ul></div></div>')],
  ])('recognises the page by %s', (_marker, doc) => {
    expect(detectCrmContextFromPage(onPremisesUrl, doc)).toEqual({
      crm: 'dynamics',
      environment: 'unknown',
      pageType: 'record_view',
      object: 'account',
      recordId: RECORD,
      surface: 'uci',
      host: 'crmserver',
      orgName: 'Contoso',
      sandboxName: null,
      app: null,
      listView: null,
      url: onPremisesUrl,
    });
  });

  it('reads app paths below the organisation', () => {
    const url = 'https://crm.contoso.local/Contoso/apps/sales/main.aspx?pagetype=entitylist&etn=lead';
    expect(detectCrmContextFromPage(url, page('<div data-id="topBar"></div>'))).toMatchObject({
      crm: 'dynamics',
      pageType: 'list_view',
      object: 'lead',
      orgName: 'Contoso',
      app: 'sales',
    });
  });

  it('leaves the organisation unknown when IFD serves it at the root', () => {
    const url = 'https://contoso.crm.contoso.com/main.aspx?pagetype=dashboard';
    expect(detectCrmContextFromPage(url, page('<div data-id="topBar"></div>'))).toMatchObject({
      crm: 'dynamics',
      pageType: 'dashboard',
      orgName: null,
      host: 'contoso.crm.contoso.com',
    });
  });

  it.each([
    ['a page without Dynamics markers', onPremisesUrl, page('<div id="topBar"></div>')],
    ['markers without main.aspx', 'http://crmserver/Contoso/default.aspx', page('<div data-id="topBar"></div>')],
    ['a javascript: URL', 'javascript:alert(1)//main.aspx', page('<div data-id="topBar"></div>')],
    ['a garbage URL', 'main.aspx', page('<div data-id="topBar"></div>')],
  ])('ignores %s', (_case, url, doc) => {
    expect(detectCrmContextFromPage(url, doc)).toBeNull();
  });
});

describe('Lightning pages whose URL names no object', () => {
  const customTab = 'https://acme.lightning.force.com/lightning/n/Account_Planner';

  it('reads the object from a field of the active page', () => {
    const doc = page(`<div class="oneContent active">${recordField('Account', 'Phone')}</div>`);
    expect(detectCrmContextFromPage(customTab, doc)).toMatchObject({
      crm: 'salesforce',
      surface: 'lightning',
      pageType: 'other',
      object: 'Account',
      recordId: null,
    });
  });

  it('ignores cached pages that are not active', () => {
    const doc = page(`
      <div class="windowViewMode-normal">${recordField('Contact', 'Email')}</div>
      <div class="windowViewMode-normal active">${recordField('Opportunity', 'StageName')}</div>`);
    expect(detectCrmContextFromPage(customTab, doc)?.object).toBe('Opportunity');
  });

  it('reads the focused console tab', () => {
    const doc = page(`
      <section class="oneConsoleTab"><div class="windowViewMode-maximized lafPageHost">${recordField('Case', 'Subject')}</div></section>
      <section class="oneConsoleTab"><div class="windowViewMode-maximized active lafPageHost">${recordField('ns__Invoice__c', 'ns__Total__c')}</div></section>`);
    const url = 'https://acme.lightning.force.com/lightning/cmp/c__invoiceWizard?c__step=1';
    expect(detectCrmContextFromPage(url, doc)?.object).toBe('ns__Invoice__c');
  });

  it('fills in the object of a custom-prefix record id', () => {
    const url = 'https://acme.lightning.force.com/lightning/r/a0D30000001n7PiEAI/view';
    const doc = page(`<div class="windowViewMode-normal active">${recordField('Invoice__c', 'Name')}</div>`);
    expect(detectCrmContextFromPage(url, doc)).toMatchObject({
      pageType: 'record_view',
      object: 'Invoice__c',
      recordId: 'a0D30000001n7PiEAI',
    });
  });

  it('keeps the object the URL names', () => {
    const url = `https://acme.lightning.force.com/lightning/r/Account/${ACCOUNT}/view`;
    const doc = page(`<div class="windowViewMode-normal active">${recordField('Contact', 'Email')}</div>`);
    expect(detectCrmContextFromPage(url, doc)?.object).toBe('Account');
  });

  it.each([
    ['no active page', page(recordField('Account', 'Phone'))],
    ['an active page without record fields', page('<div class="oneContent active"><p>Welcome</p></div>')],
    [
      'a malformed selection name',
      page('<div class="oneContent active"><div data-target-selection-name="sfdc:RecordField."></div></div>'),
    ],
  ])('leaves the object unknown with %s', (_case, doc) => {
    expect(detectCrmContextFromPage(customTab, doc)?.object).toBeNull();
  });

  it('does not read Classic pages', () => {
    const url = 'https://acme.my.salesforce.com/apex/AccountPlan';
    const doc = page(`<div class="oneContent active">${recordField('Account', 'Phone')}</div>`);
    expect(detectCrmContextFromPage(url, doc)?.object).toBeNull();
  });
});
