/**
 * Hosts, ids and URLs of the fixture apps (test/fixtures/*), for the e2e tests. The ids repeat
 * those in the fixtures' data modules; a mismatch shows up as a wrong `recordId` in context tests.
 */

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** 15 → 18 character Salesforce id (one checksum character per 5-character chunk). */
export function salesforceId18(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const char = id15.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET.charAt(bits);
  }
  return id15 + suffix;
}

export const LIGHTNING_ORIGIN = 'https://acme.lightning.force.com';
export const LIGHTNING_SANDBOX_ORIGIN = 'https://acme--uat.sandbox.lightning.force.com';

export const SF_IDS = {
  acme: salesforceId18('0015g00000Ac1Qw'),
  globex: salesforceId18('0015g00000Gb2Rx'),
  initech: salesforceId18('0015g00000Ih3Sy'),
  acmeWidgets: salesforceId18('0065g00000Op1Aa'),
  globexRenewal: salesforceId18('0065g00000Op2Bb'),
} as const;

export const lightning = {
  home: `${LIGHTNING_ORIGIN}/lightning/page/home`,
  record: (object: string, id: string, mode: 'view' | 'edit' = 'view') => `${LIGHTNING_ORIGIN}/lightning/r/${object}/${id}/${mode}`,
  list: (object: string, filterName: string) => `${LIGHTNING_ORIGIN}/lightning/o/${object}/list?filterName=${filterName}`,
  objectHome: (object: string) => `${LIGHTNING_ORIGIN}/lightning/o/${object}/home`,
  newRecord: (object: string) => `${LIGHTNING_ORIGIN}/lightning/o/${object}/new`,
  legacy: (hash: string) => `${LIGHTNING_ORIGIN}/one/one.app#${hash}`,
};

/** The active cached page of the Lightning fixture (Salesforce Inspector's selector). */
export const ACTIVE_PAGE = 'div.windowViewMode-normal.active';

export const DYNAMICS_ORIGIN = 'https://contoso.crm4.dynamics.com';
export const DYNAMICS_APP_ID = '5f7f8f10-3a2b-ef11-840a-000d3a4d5e6f';
export const DYNAMICS_IDS = {
  contoso: '7a2c9e0b-5d1f-ef11-9f89-000d3a5c2b10',
  fabrikam: '8b3dafc1-5d1f-ef11-9f89-000d3a5c2b11',
  myActiveAccountsView: '00000000-0000-0000-00aa-000010001001',
  activeAccountsView: '00000000-0000-0000-00aa-000010001002',
  salesDashboard: 'aac3c9b5-7d1f-ef11-9f89-000d3a5c2b20',
} as const;

export function dynamics(params: Record<string, string>, path = '/main.aspx'): string {
  return `${DYNAMICS_ORIGIN}${path}?${new URLSearchParams({ appid: DYNAMICS_APP_ID, ...params })}`;
}

/**
 * A Lightning org served with a strict Content-Security-Policy — stricter than Salesforce's own
 * (no inline styles or scripts at all) — to prove the overlay needs nothing the page must allow.
 */
export const STRICT_CSP_ORIGIN = 'https://strict.lightning.force.com';
export const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'; object-src 'none'";
export const STRICT_CSP_ROUTE = { host: /^strict\.lightning\.force\.com$/, headers: { 'content-security-policy': STRICT_CSP } };
