import { describe, expect, it } from 'vitest';
import type { CrmContext } from '../crm/context';
import { compileUrlPattern, matchesContext, matchesUrlPattern } from './context-match';

const salesforce: CrmContext = {
  crm: 'salesforce',
  environment: 'production',
  pageType: 'record_view',
  object: 'Opportunity',
  recordId: '006000000000001AAA',
  surface: 'lightning',
  host: 'acme.lightning.force.com',
  orgName: 'acme',
  sandboxName: null,
  app: null,
  listView: null,
  url: 'https://acme.lightning.force.com/lightning/r/Opportunity/006000000000001AAA/view?ws=%2Flightning',
};

const dynamics: CrmContext = {
  ...salesforce,
  crm: 'dynamics',
  environment: 'sandbox',
  pageType: 'record_edit',
  object: 'account',
  recordId: '5c2e7d6a-0000-0000-0000-000000000001',
  surface: 'uci',
  host: 'contoso.crm4.dynamics.com',
  orgName: 'contoso',
  url: 'https://contoso.crm4.dynamics.com/main.aspx?appid=1234&pagetype=entityrecord&etn=account&id=5c2e7d6a',
};

describe('matchesContext', () => {
  it('matches anything with no criteria', () => {
    expect(matchesContext({}, salesforce)).toBe(true);
  });

  it('needs every criterion, and any entry of a list', () => {
    expect(matchesContext({ pageTypes: ['record_edit', 'record_view'], surfaces: ['lightning'] }, salesforce)).toBe(true);
    expect(matchesContext({ pageTypes: ['record_view'], surfaces: ['classic'] }, salesforce)).toBe(false);
    expect(matchesContext({ environments: ['sandbox'] }, salesforce)).toBe(false);
    expect(matchesContext({ environments: ['sandbox'] }, dynamics)).toBe(true);
  });

  it('compares Salesforce object API names exactly', () => {
    expect(matchesContext({ objects: ['Account', 'Opportunity'] }, salesforce)).toBe(true);
    expect(matchesContext({ objects: ['opportunity'] }, salesforce)).toBe(false);
  });

  it('compares Dynamics logical names case-insensitively', () => {
    expect(matchesContext({ objects: ['Account'] }, dynamics)).toBe(true);
    expect(matchesContext({ objects: ['contact'] }, dynamics)).toBe(false);
  });

  it('does not match objects on a page without one', () => {
    expect(matchesContext({ objects: ['Opportunity'] }, { ...salesforce, object: null })).toBe(false);
  });

  it('matches the URL pattern against the path, or path and query when it has "?"', () => {
    expect(matchesContext({ urlPattern: '/lightning/r/Opportunity/*/view' }, salesforce)).toBe(true);
    expect(matchesContext({ urlPattern: '/lightning/r/Account/*/view' }, salesforce)).toBe(false);
    expect(matchesContext({ urlPattern: '/main.aspx?**etn=account**' }, dynamics)).toBe(true);
    expect(matchesContext({ urlPattern: '/main.aspx?**etn=contact**' }, dynamics)).toBe(false);
    expect(matchesContext({ urlPattern: '/main.aspx' }, dynamics)).toBe(true);
  });

  it('does not match an invalid pattern or an unreadable URL', () => {
    expect(matchesContext({ urlPattern: 'lightning/**' }, salesforce)).toBe(false);
    expect(matchesContext({ urlPattern: '/**' }, { ...salesforce, url: 'not a url' })).toBe(false);
  });
});

describe('URL patterns', () => {
  const matches = (pattern: string, pathAndQuery: string) => {
    const compiled = compileUrlPattern(pattern);
    if (!compiled.ok) throw new Error(compiled.error);
    return matchesUrlPattern(compiled.pattern, new URL(pathAndQuery, 'https://example.com'));
  };

  it.each([
    ['/lightning/r/Opportunity/*/view', '/lightning/r/Opportunity/006A/view', true],
    ['/lightning/r/Opportunity/*/view', '/lightning/r/Opportunity/006A/related/view', false],
    ['/lightning/r/*/*/view', '/lightning/r/Case/500A/view', true],
    ['/lightning/o/*/list', '/lightning/o/Account/list?filterName=Recent', true],
    ['/lightning/**', '/lightning/setup/ObjectManager/home', true],
    ['/lightning/**', '/one/one.app', false],
    ['/lightning/**/view', '/lightning/view', true],
    ['/lightning/**/view', '/lightning/r/Account/001A/view', true],
    ['/lightning/r/Account*', '/lightning/r/Account/001A/view', false],
    ['/lightning/r/Account**', '/lightning/r/Account/001A/view', true],
    ['/lightning/page/home', '/lightning/page/home/', false],
    ['/main.aspx?*pagetype=entitylist*', '/main.aspx?appid=1&pagetype=entitylist&etn=account', true],
    ['/main.aspx?*pagetype=entitylist*', '/main.aspx?pagetype=entityrecord', false],
    ['/apex/*', '/apex/InvoicePage', true],
    ['/a(b)+c$/[x]', '/a(b)+c$/[x]', true],
  ])('%s matches %s: %s', (pattern, url, expected) => {
    expect(matches(pattern, url)).toBe(expected);
  });

  it('stays fast on patterns that make a RegExp backtrack', () => {
    const started = performance.now();
    expect(matches('/**a**a**a**a**b', `/${'a'.repeat(8000)}`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([
    ['lightning/r/*', 'starting with "/"'],
    ['/lightning/***', '"***" is not a wildcard'],
    ['/lightning/r/Account#detail', 'remove the "#" fragment'],
    ['/lightning/r/Konto ø', 'percent-encoded'],
    [`/${'a'.repeat(500)}`, 'at most 500 characters'],
  ])('rejects %s', (pattern, message) => {
    const compiled = compileUrlPattern(pattern);
    expect(compiled.ok ? '' : compiled.error).toContain(message);
  });
});
