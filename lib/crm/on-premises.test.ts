import { describe, expect, it } from 'vitest';
import { onPremisesOrigins, onPremisesScriptRegistration, originPatternFor } from './on-premises';

describe('originPatternFor', () => {
  it.each([
    ['https://crm.contoso.local/Contoso/main.aspx', 'https://crm.contoso.local/*'],
    ['http://crmserver/Org', 'http://crmserver/*'],
    ['  https://crm.contoso.local:8443/Org  ', 'https://crm.contoso.local/*'],
  ])('%s → %s', (input, pattern) => {
    expect(originPatternFor(input)).toEqual({ ok: true, pattern });
  });

  it.each(['crm.contoso.local', 'ftp://crm.contoso.local/', ''])('rejects %j with a message', (input) => {
    const result = originPatternFor(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/address|http/);
  });
});

describe('onPremisesScriptRegistration', () => {
  function fakes(granted: string[]) {
    const registered = new Map<string, { matches?: string[] }>();
    const scripting = {
      getRegisteredContentScripts: async ({ ids }: { ids: string[] }) =>
        ids.flatMap((id) => (registered.has(id) ? [{ id, ...registered.get(id) }] : [])),
      registerContentScripts: async (scripts: Array<{ id: string; matches?: string[] }>) => {
        for (const s of scripts) {
          if (registered.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
          registered.set(s.id, s);
        }
      },
      updateContentScripts: async (scripts: Array<{ id: string; matches?: string[] }>) => {
        for (const s of scripts) registered.set(s.id, s);
      },
      unregisterContentScripts: async ({ ids }: { ids: string[] }) => {
        for (const id of ids) registered.delete(id);
      },
    };
    const permissions = { getAll: async () => ({ origins: granted }) };
    const registration = onPremisesScriptRegistration({
      permissions,
      scripting,
      script: { id: 'on-prem', js: ['content-scripts/crm.js'] },
    });
    return { registered, registration, granted };
  }

  it('ignores the built-in CRM hosts', () => {
    expect(onPremisesOrigins(['https://*.lightning.force.com/*', 'https://crm.contoso.local/*'])).toEqual([
      'https://crm.contoso.local/*',
    ]);
  });

  it('ignores grants of every site, which name no server', () => {
    expect(onPremisesOrigins(['<all_urls>', 'https://*/*', 'http://*/*', '*://*/*', 'https://crm.contoso.local/*'])).toEqual([
      'https://crm.contoso.local/*',
    ]);
  });

  it('registers, updates and unregisters as origins are granted and revoked', async () => {
    const { registered, registration, granted } = fakes(['https://*.dynamics.com/*']);
    await registration.sync();
    expect(registered.size).toBe(0);

    granted.push('https://crm.contoso.local/*');
    await registration.sync();
    expect(registered.get('on-prem')?.matches).toEqual(['https://crm.contoso.local/*']);

    granted.push('http://crmserver/*');
    await registration.sync();
    expect(registered.get('on-prem')?.matches).toEqual(['http://crmserver/*', 'https://crm.contoso.local/*']);

    granted.splice(1);
    await registration.sync();
    expect(registered.size).toBe(0);
  });
});
