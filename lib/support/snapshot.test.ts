import { describe, expect, it } from 'vitest';
import { SUPPORT_TRAIL_MAX, SupportContextSchema } from '../api/support';
import type { CrmContext } from '../crm/context';
import { buildSupportContext, describeUserAgent } from './snapshot';

const context: CrmContext = {
  crm: 'dynamics',
  environment: 'production',
  pageType: 'record_view',
  object: 'account',
  recordId: '9f3e0000-0000-0000-0000-000000000001',
  surface: 'uci',
  host: 'acme.crm4.dynamics.com',
  orgName: 'acme',
  sandboxName: null,
  app: 'sales',
  listView: null,
  url: 'https://acme.crm4.dynamics.com/main.aspx?appname=sales&pagetype=entityrecord&etn=account&extraqs=name%3DKari#x',
};
const environment = {
  extensionVersion: '0.1.0',
  browser: 'Chrome 126',
  os: 'Windows',
  locale: 'nb-NO',
  viewport: { width: 1280, height: 800 },
  at: '2025-03-01T10:00:00.000Z',
};

describe('buildSupportContext', () => {
  it('redacts the address and passes the wire schema', () => {
    const built = buildSupportContext({
      context,
      guide: { packId: 'starter', itemId: 'log-a-call', stepId: 'open', stepIndex: 0 },
      breadcrumbs: [{ at: environment.at, kind: 'click', label: 'Save' }],
      errors: [{ at: environment.at, kind: 'error', message: 'boom' }],
      environment,
    });
    expect(built.crm.url).toBe('https://acme.crm4.dynamics.com/main.aspx?appname=sales&pagetype=entityrecord&etn=account&extraqs=[redacted]');
    expect(built.crm.recordId).toBe(context.recordId);
    expect(built.guide?.stepIndex).toBe(0);
    expect(SupportContextSchema.parse(built)).toEqual(built);
  });

  it('keeps within the wire limits: the newest trail entries, a bounded address', () => {
    const at = (i: number) => new Date(Date.UTC(2025, 2, 1, 10, 0, i)).toISOString();
    const built = buildSupportContext({
      context: { ...context, url: `https://acme.crm4.dynamics.com/main.aspx?${'x'.repeat(5000)}` },
      guide: null,
      breadcrumbs: Array.from({ length: 30 }, (_, i) => ({ at: at(i), kind: 'click' as const, label: `Button ${i}` })),
      errors: Array.from({ length: 25 }, (_, i) => ({ at: at(i), kind: 'error' as const, message: `boom ${i}` })),
      environment,
    });
    expect(built.breadcrumbs).toHaveLength(SUPPORT_TRAIL_MAX);
    expect(built.breadcrumbs.at(-1)?.label).toBe('Button 29');
    expect(built.errors).toHaveLength(SUPPORT_TRAIL_MAX);
    expect(built.errors[0]?.message).toBe('boom 5');
    expect(built.crm.url.length).toBeLessThanOrEqual(2048);
    expect(SupportContextSchema.safeParse(built).success).toBe(true);
  });
});

describe('describeUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0', 'Edge 126', 'Windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'Chrome 126', 'macOS'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox 128', 'Linux'],
  ])('%s', (userAgent, browser, os) => {
    expect(describeUserAgent(userAgent)).toEqual({ browser, os });
  });
});
