import { describe, expect, it } from 'vitest';
import { detectCrmContext } from './detect';

const ACCOUNT = '0015e00000AcMe1AAF';

describe('detectCrmContext rejects', () => {
  it.each([
    // Look-alike hosts.
    `https://acme.lightning.force.com.evil.example/lightning/r/Account/${ACCOUNT}/view`,
    'https://lightning.force.com/lightning/page/home',
    'https://evil-lightning.force.com.attacker.io/lightning/page/home',
    'https://evil-lightning.force.com/lightning/page/home',
    'https://acme.lightning.force.com@evil.example/lightning/page/home',
    'https://na1.salesforce.com.evil.example/0015e00000AcMe1',
    'https://acme.unknown.lightning.force.com/lightning/page/home',
    'https://acme.constructor.lightning.force.com/lightning/page/home',
    'https://a.b.acme.lightning.force.com/lightning/page/home',
    'https://acme--uat--extra.my.salesforce.com/home/home.jsp',
    'https://-acme.lightning.force.com/lightning/page/home',
    'https://salesforce.com/0015e00000AcMe1',
    'https://my.salesforce.com/home/home.jsp',
    // Marketing, docs, login and status hosts.
    'https://www.salesforce.com/products/',
    'https://help.salesforce.com/s/articleView?id=xcloud.domain_name_overview.htm',
    'https://login.salesforce.com/?locale=uk',
    'https://test.salesforce.com/',
    'https://developer.salesforce.com/docs/platform/lwc/guide',
    'https://trailhead.salesforce.com/content/learn/modules',
    'https://welcome.salesforce.com/',
    'https://status.salesforce.com/',
    // Experience Cloud sites, builder, file and content hosts.
    'https://acme.my.site.com/s/',
    'https://acme.sandbox.my.site.com/s/',
    'https://acme.my.salesforce-sites.com/',
    'https://acme.builder.salesforce-experience.com/',
    'https://acme.file.force.com/sfc/servlet.shepherd/version/download/0685e00000AbCdE',
    'https://acme.patch.file.force.com/',
    'https://acme--c.documentforce.com/',
    // Salesforce over http.
    `http://acme.lightning.force.com/lightning/r/Account/${ACCOUNT}/view`,
    'http://acme.my.salesforce.com/0015e00000AcMe1',
    // Dynamics service hosts, marketing and look-alikes.
    'https://globaldisco.crm.dynamics.com/api/discovery/v2.0/Instances',
    'https://disco.crm.dynamics.com/',
    'https://admin.services.crm.dynamics.com/api/v1/instances',
    'https://contoso.api.crm4.dynamics.com/api/data/v9.2/accounts',
    'https://contoso.crm.dynamics.com/api/data/v9.2/accounts',
    'https://www.dynamics.com/',
    'https://dynamics.microsoft.com/en-us/',
    'https://home.dynamics.com/',
    'https://make.powerapps.com/',
    'https://contoso.crm.dynamics.com.evil.example/main.aspx?pagetype=entitylist&etn=account',
    'https://crm.dynamics.com/main.aspx?pagetype=entitylist&etn=account',
    'https://contoso.dynamics.com/main.aspx?pagetype=entitylist&etn=account',
    'https://contoso.crmx.dynamics.com/main.aspx?pagetype=entitylist&etn=account',
    'http://contoso.crm.dynamics.com/main.aspx?pagetype=entitylist&etn=account',
    // Malformed strings and other schemes.
    'javascript:alert(document.domain)//acme.lightning.force.com',
    'javascript://acme.lightning.force.com/%0aalert(1)',
    'data:text/html,<a href="https://acme.lightning.force.com">x</a>',
    'file:///C:/crm/main.aspx',
    'acme.lightning.force.com/lightning/page/home',
    '//acme.lightning.force.com/lightning/page/home',
    'not a url',
    '',
    'https://',
    'https://[::1]/main.aspx',
    'https://127.0.0.1/lightning/page/home',
  ])('%s', (url) => {
    expect(detectCrmContext(url)).toBeNull();
  });
});

describe('detectCrmContext never throws', () => {
  it.each([
    'https://acme.lightning.force.com/one/one.app#%E0%A4%A',
    'https://acme.lightning.force.com/one/one.app#eyJ',
    `https://acme.lightning.force.com/one/one.app#${btoa('null')}`,
    `https://acme.lightning.force.com/one/one.app#${btoa('"componentDef"')}`,
    'https://acme.lightning.force.com/lightning/setup/X/page?address=%E0%A4%A',
    'https://contoso.crm.dynamics.com/main.aspx?extraqs=%E0%A4%A&pagetype=entityrecord',
    'https://contoso.crm.dynamics.com/main.aspx?pagetype=entityrecord&id=%7B%7D',
    `https://acme.lightning.force.com/${'a/'.repeat(5000)}`,
    '\u0000\uffff',
  ])('%s', (url) => {
    expect(() => detectCrmContext(url)).not.toThrow();
  });
});
