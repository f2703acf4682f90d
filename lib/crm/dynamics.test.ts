import { describe, expect, it } from 'vitest';
import type { CrmContext } from './context';
import { detectCrmContext } from './detect';

const RECORD = '8e0a4f2b-5c1d-4e2f-9a3b-1c2d3e4f5a6b';
const RECORD_UPPER = RECORD.toUpperCase();
const APP = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const VIEW = '00000000-0000-0000-00aa-000010001002';

type Expected = Omit<CrmContext, 'url' | 'host'>;

function dynamics(
  pageType: CrmContext['pageType'],
  object: string | null,
  recordId: string | null = null,
  extra: Partial<Expected> = {},
): Expected {
  return {
    crm: 'dynamics',
    environment: 'unknown',
    surface: 'uci',
    orgName: 'contoso',
    sandboxName: null,
    app: null,
    listView: null,
    pageType,
    object,
    recordId,
    ...extra,
  };
}

const ORG = 'https://contoso.crm.dynamics.com';

describe('Dynamics clouds', () => {
  it.each<[string, Expected]>([
    [
      `${ORG}/main.aspx?appid=%7B${APP}%7D&pagetype=entityrecord&etn=account&id=%7B${RECORD}%7D`,
      dynamics('record_view', 'account', RECORD, { app: APP }),
    ],
    [`https://contoso.crm2.dynamics.com/main.aspx?pagetype=entityrecord&etn=account&id={${RECORD}}`, dynamics('record_view', 'account', RECORD)],
    [`https://contoso.crm3.dynamics.com/main.aspx?pagetype=entityrecord&etn=contact&id=${RECORD}`, dynamics('record_view', 'contact', RECORD)],
    [`https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=account&id=%7B${RECORD_UPPER}%7D`, dynamics('record_view', 'account', RECORD)],
    [`https://contoso.crm5.dynamics.com/main.aspx?pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead')],
    [`https://contoso.crm9.dynamics.com/main.aspx?pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead')],
    [`https://contoso.crm10.dynamics.com/main.aspx?pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead')],
    [`https://contoso.crm11.dynamics.com/main.aspx?pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead')],
    [`https://contoso.crm12.dynamics.com/main.aspx?pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead')],
    [`https://contoso.crm21.dynamics.com/main.aspx?pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead')],
    [`https://contoso.crm22.dynamics.com/main.aspx?pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead')],
    // A region added after this was written.
    [`https://contoso.crm30.dynamics.com/main.aspx?pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead')],
    [`https://contoso.crm.microsoftdynamics.us/main.aspx?pagetype=dashboard`, dynamics('dashboard', null)],
    [`https://contoso.crm.appsplatform.us/main.aspx?pagetype=dashboard`, dynamics('dashboard', null)],
    [`https://contoso.crm.dynamics.cn/main.aspx?pagetype=dashboard`, dynamics('dashboard', null)],
    [`https://contoso.crm.microsoftdynamics.de/main.aspx?pagetype=dashboard`, dynamics('dashboard', null)],
    [
      `https://contoso-dev.crm4.dynamics.com/main.aspx?pagetype=dashboard`,
      dynamics('dashboard', null, null, { orgName: 'contoso-dev' }),
    ],
  ])('%s', (url, expected) => {
    expect(detectCrmContext(url)).toEqual({ host: new URL(url).hostname, url: new URL(url).href, ...expected });
  });
});

describe('main.aspx parameters', () => {
  it.each<[string, Expected]>([
    [`${ORG}/main.aspx?pagetype=entityrecord&etn=account`, dynamics('record_new', 'account')],
    [`${ORG}/main.aspx?pagetype=entityrecord&etn=account&id=`, dynamics('record_new', 'account')],
    [`${ORG}/main.aspx?pagetype=entityrecord&etn=account&id=not-a-guid`, dynamics('other', 'account')],
    [
      `${ORG}/main.aspx?pagetype=entitylist&etn=contact&viewid=%7B${VIEW.toUpperCase()}%7D&viewtype=1039`,
      dynamics('list_view', 'contact', null, { listView: VIEW }),
    ],
    [
      `${ORG}/main.aspx?pagetype=entitylist&etn=contact&viewid=${VIEW}&viewType=4230`,
      dynamics('list_view', 'contact', null, { listView: VIEW }),
    ],
    [`${ORG}/main.aspx?pagetype=dashboard&id=%7B${RECORD}%7D&type=system&_canOverride=true`, dynamics('dashboard', null)],
    [`${ORG}/main.aspx?pagetype=search&searchText=acme&searchType=1`, dynamics('search', null)],
    [`${ORG}/main.aspx?pagetype=webresource&webresourceName=new_%2Fpage.html&data=x`, dynamics('other', null)],
    [`${ORG}/main.aspx?pagetype=custom&name=new_mypage_e2a1f`, dynamics('other', null)],
    [`${ORG}/main.aspx?pagetype=genux&id=${RECORD}`, dynamics('other', null)],
    [`${ORG}/main.aspx?pagetype=control&controlName=MscrmControls.Example`, dynamics('other', null)],
    [`${ORG}/main.aspx?pagetype=inlinedialog&name=msdyn_dialog`, dynamics('other', null)],
    [`${ORG}/main.aspx?pagetype=advancedfind`, dynamics('other', null)],
    // Names and values in any case; the logical name is lower case.
    [`${ORG}/main.aspx?PageType=EntityRecord&ETN=Account&ID=%7B${RECORD_UPPER}%7D`, dynamics('record_view', 'account', RECORD)],
    // Form parameters URL-encoded inside `extraqs`.
    [
      `${ORG}/main.aspx?pagetype=entityrecord&extraqs=etn%3Dopportunity%26id%3D%257B${RECORD}%257D%26formid%3D${APP}`,
      dynamics('record_view', 'opportunity', RECORD),
    ],
    [
      `${ORG}/main.aspx?pagetype=entityrecord&etn=account&extraqs=etn%3Dcontact`,
      dynamics('record_new', 'account'),
    ],
    // "Send a Link" output names the table by type code only, which differs between organisations.
    [`${ORG}/main.aspx?etc=4&id=%7b${RECORD}%7d&pagetype=entityrecord`, dynamics('record_view', null, RECORD)],
    // Apps.
    [`${ORG}/main.aspx?appname=msdynce_saleshub&pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead', null, { app: 'msdynce_saleshub' })],
    [`${ORG}/main.aspx?appid=${APP}`, dynamics('home', null, null, { app: APP })],
    [`${ORG}/main.aspx?forceUCI=1&appid=${APP}&pagetype=entitylist&etn=incident`, dynamics('list_view', 'incident', null, { app: APP })],
    [`${ORG}/apps/sales/main.aspx?pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead', null, { app: 'sales' })],
    [`${ORG}/apps/sales/main.aspx?appid=${APP}&pagetype=entitylist&etn=lead`, dynamics('list_view', 'lead', null, { app: APP })],
    [`${ORG}/apps/`, dynamics('home', null)],
    [`${ORG}/apps`, dynamics('home', null)],
    [`${ORG}/apps/sales`, dynamics('home', null, null, { app: 'sales' })],
    [`${ORG}/Main.aspx?pagetype=entityrecord&etn=account`, dynamics('record_new', 'account')],
    [`${ORG}/`, dynamics('other', null)],
  ])('%s', (url, expected) => {
    expect(detectCrmContext(url)).toEqual({ host: new URL(url).hostname, url: new URL(url).href, ...expected });
  });
});
