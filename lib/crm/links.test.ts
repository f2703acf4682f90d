import { describe, expect, it } from 'vitest';
import { detectCrmContext } from './detect';
import { crmLinks, isKnownHost, type CrmLinkContext } from './links';
import { SALESFORCE_HOST_PATTERNS } from './hosts';

const ACCOUNT_ID = '001Hs00002ABCDeIAP';

function salesforce(patch: Partial<CrmLinkContext> = {}): CrmLinkContext {
  return {
    crm: 'salesforce',
    pageType: 'record_view',
    object: 'Account',
    recordId: ACCOUNT_ID,
    surface: 'lightning',
    host: 'acme.lightning.force.com',
    app: null,
    listView: null,
    ...patch,
  };
}

function dynamics(patch: Partial<CrmLinkContext> = {}): CrmLinkContext {
  return {
    crm: 'dynamics',
    pageType: 'record_view',
    object: 'account',
    recordId: '5f1c3c2e-8b2a-4c1e-9d3f-0a1b2c3d4e5f',
    surface: 'uci',
    host: 'contoso.crm4.dynamics.com',
    app: '0a1b2c3d-1111-2222-3333-444455556666',
    listView: null,
    ...patch,
  };
}

describe('crmLinks: Salesforce', () => {
  it('links a Lightning record page to the record', () => {
    const record = `https://acme.lightning.force.com/lightning/r/Account/${ACCOUNT_ID}/view`;
    expect(crmLinks(salesforce())).toEqual({ page: record, record });
    expect(crmLinks(salesforce({ pageType: 'record_edit' }))).toEqual({ page: record, record });
  });

  it('links list views and object homes', () => {
    expect(crmLinks(salesforce({ pageType: 'list_view', recordId: null, listView: 'AllAccounts' }))).toEqual({
      page: 'https://acme.lightning.force.com/lightning/o/Account/list?filterName=AllAccounts',
      record: null,
    });
    expect(crmLinks(salesforce({ pageType: 'list_view', recordId: null }))).toEqual({ page: 'https://acme.lightning.force.com/lightning/o/Account/list', record: null });
    expect(crmLinks(salesforce({ pageType: 'object_home', recordId: null })).page).toBe('https://acme.lightning.force.com/lightning/o/Account/home');
    expect(crmLinks(salesforce({ pageType: 'record_new', recordId: null })).page).toBe('https://acme.lightning.force.com/lightning/o/Account/home');
    expect(crmLinks(salesforce({ pageType: 'home', object: null, recordId: null }))).toEqual({ page: null, record: null });
  });

  it('links a Classic record by its id alone', () => {
    const record = `https://na139.salesforce.com/${ACCOUNT_ID}`;
    expect(crmLinks(salesforce({ surface: 'classic', host: 'na139.salesforce.com' }))).toEqual({ page: record, record });
    expect(crmLinks(salesforce({ surface: 'classic', host: 'acme.my.salesforce.com', pageType: 'list_view' }))).toEqual({
      page: null,
      record: `https://acme.my.salesforce.com/${ACCOUNT_ID}`,
    });
  });

  it('round-trips: a link detects as the context it came from', () => {
    const { record } = crmLinks(salesforce({ host: 'acme--uat.sandbox.lightning.force.com', object: 'ns__Invoice__c' }));
    expect(detectCrmContext(record ?? '')).toMatchObject({ pageType: 'record_view', object: 'ns__Invoice__c', recordId: ACCOUNT_ID, sandboxName: 'uat' });
  });

  it('gives no link for a record id or object that is not one', () => {
    expect(crmLinks(salesforce({ recordId: '../../evil' })).record).toBeNull();
    expect(crmLinks(salesforce({ recordId: 'javascript:alert(1)' })).record).toBeNull();
    expect(crmLinks(salesforce({ object: 'Account/../../x' })).record).toBe(`https://acme.lightning.force.com/${ACCOUNT_ID}`);
    expect(crmLinks(salesforce({ pageType: 'list_view', object: '<script>', listView: 'x"onmouseover' })).page).toBeNull();
    expect(crmLinks(salesforce({ pageType: 'list_view', listView: 'a&b=c' })).page).toBe('https://acme.lightning.force.com/lightning/o/Account/list');
    expect(crmLinks(salesforce({ surface: 'visualforce', host: 'acme--c.vf.force.com' }))).toEqual({ page: null, record: null });
  });
});

describe('crmLinks: Dynamics 365', () => {
  it('links a record form, with the app when it is an app id', () => {
    const record =
      'https://contoso.crm4.dynamics.com/main.aspx?appid=0a1b2c3d-1111-2222-3333-444455556666&pagetype=entityrecord&etn=account&id=5f1c3c2e-8b2a-4c1e-9d3f-0a1b2c3d4e5f';
    expect(crmLinks(dynamics())).toEqual({ page: record, record });
    expect(crmLinks(dynamics({ app: null })).record).toBe(
      'https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=account&id=5f1c3c2e-8b2a-4c1e-9d3f-0a1b2c3d4e5f',
    );
    expect(crmLinks(dynamics({ app: 'sales&pagetype=webresource' })).record).toBe(
      'https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=account&id=5f1c3c2e-8b2a-4c1e-9d3f-0a1b2c3d4e5f',
    );
  });

  it('links a list with its view', () => {
    expect(crmLinks(dynamics({ pageType: 'list_view', recordId: null, listView: '00000000-0000-0000-00aa-000010001001' }))).toEqual({
      page: 'https://contoso.crm4.dynamics.com/main.aspx?appid=0a1b2c3d-1111-2222-3333-444455556666&pagetype=entitylist&etn=account&viewid=00000000-0000-0000-00aa-000010001001',
      record: null,
    });
  });

  it('round-trips through detection', () => {
    const { record } = crmLinks(dynamics());
    expect(detectCrmContext(record ?? '')).toMatchObject({ pageType: 'record_view', object: 'account', recordId: '5f1c3c2e-8b2a-4c1e-9d3f-0a1b2c3d4e5f' });
  });

  it('gives no link for components that are not ids or table names', () => {
    expect(crmLinks(dynamics({ recordId: 'x&pagetype=webresource' })).record).toBeNull();
    expect(crmLinks(dynamics({ object: 'account&webresourceName=evil' }))).toEqual({ page: null, record: null });
    expect(crmLinks(dynamics({ pageType: 'dashboard' })).page).toBeNull();
  });
});

describe('crmLinks: hostile hosts never become links', () => {
  it.each([
    'evil.example',
    'acme.lightning.force.com.evil.example',
    'acme.lightning.force.com@evil.example',
    'acme.lightning.force.com:8443',
    'acme.lightning.force.com/evil',
    'evil.example/acme.lightning.force.com',
    'ACME.LIGHTNING.FORCE.COM',
    'lightning.force.com',
    'www.salesforce.com',
    'help.salesforce.com',
    'a.b.c.lightning.force.com',
    'javascript:alert(1)//acme.lightning.force.com',
    '',
  ])('%s', (host) => {
    expect(crmLinks(salesforce({ host }))).toEqual({ page: null, record: null });
  });

  it('keeps each CRM to its own hosts', () => {
    expect(crmLinks(salesforce({ host: 'contoso.crm4.dynamics.com' }))).toEqual({ page: null, record: null });
    expect(crmLinks(dynamics({ host: 'acme.lightning.force.com' }))).toEqual({ page: null, record: null });
    expect(crmLinks(dynamics({ host: 'crm.contoso.local' }))).toEqual({ page: null, record: null });
    expect(crmLinks(dynamics({ host: 'www.dynamics.com' }))).toEqual({ page: null, record: null });
  });

  it('matches wildcard patterns by whole labels', () => {
    expect(isKnownHost('acme.lightning.force.com', SALESFORCE_HOST_PATTERNS)).toBe(true);
    expect(isKnownHost('acmelightning.force.com', SALESFORCE_HOST_PATTERNS)).toBe(false);
    expect(isKnownHost('acme.lightning.force.com.mcas.ms', SALESFORCE_HOST_PATTERNS)).toBe(true);
  });
});
