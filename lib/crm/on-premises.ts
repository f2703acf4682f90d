/**
 * On-premises and IFD Dynamics run on customer host names that no manifest can list. The user
 * grants each origin in the options page; this keeps one dynamically registered content script
 * whose `matches` are exactly those granted origins.
 */
import { CRM_HOST_PATTERNS } from './hosts';

interface PermissionsApi {
  getAll(): Promise<{ origins?: string[] }>;
}

interface RegisteredScript {
  id: string;
  js?: string[];
  matches?: string[];
  runAt?: 'document_start' | 'document_end' | 'document_idle';
  persistAcrossSessions?: boolean;
}

interface ScriptingApi {
  getRegisteredContentScripts(filter: { ids: string[] }): Promise<RegisteredScript[]>;
  registerContentScripts(scripts: RegisteredScript[]): Promise<void>;
  updateContentScripts(scripts: RegisteredScript[]): Promise<void>;
  unregisterContentScripts(filter: { ids: string[] }): Promise<void>;
}

export interface OnPremisesRegistrationOptions {
  permissions: PermissionsApi;
  scripting: ScriptingApi;
  script: { id: string; js: string[] };
}

const BUILT_IN = new Set<string>(CRM_HOST_PATTERNS);

/** The origin match pattern for a URL the user typed (`https://crm.contoso.local/Contoso` → `https://crm.contoso.local/*`). */
export function originPatternFor(input: string): { ok: true; pattern: string } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, error: 'Enter the full address of your Dynamics server, e.g. https://crm.contoso.local/Contoso' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, error: 'Only http:// and https:// addresses can be added.' };
  }
  if (url.port !== '') {
    // Match patterns cannot name a port; the pattern for the host covers every port.
    return { ok: true, pattern: `${url.protocol}//${url.hostname}/*` };
  }
  return { ok: true, pattern: `${url.protocol}//${url.host}/*` };
}

/**
 * Grants of every site (`<all_urls>`, or any host on http or https: Chrome's "On all sites")
 * name no server; taking them for one would run the CRM content script on every page, and twice
 * on the CRM's own.
 */
const EVERY_SITE = /^(<all_urls>|(\*|https?):\/\/\*\/\*)$/;

/** The granted origins that are not built into the manifest, i.e. the on-premises ones. */
export function onPremisesOrigins(granted: readonly string[]): string[] {
  return granted.filter((origin) => !BUILT_IN.has(origin) && !EVERY_SITE.test(origin)).sort();
}

export function onPremisesScriptRegistration(options: OnPremisesRegistrationOptions): { sync(): Promise<void> } {
  const { permissions, scripting, script } = options;
  return {
    async sync() {
      const origins = onPremisesOrigins((await permissions.getAll()).origins ?? []);
      const [existing] = await scripting.getRegisteredContentScripts({ ids: [script.id] });
      if (origins.length === 0) {
        if (existing) await scripting.unregisterContentScripts({ ids: [script.id] });
        return;
      }
      const registration: RegisteredScript = {
        id: script.id,
        js: script.js,
        matches: origins,
        runAt: 'document_idle',
        persistAcrossSessions: true,
      };
      if (existing) await scripting.updateContentScripts([registration]);
      else await scripting.registerContentScripts([registration]);
    },
  };
}
