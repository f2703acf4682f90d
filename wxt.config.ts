import { defineConfig } from 'wxt';
import { CRM_HOST_PATTERNS, ON_PREMISES_HOST_PATTERNS } from './lib/crm/hosts';

// See https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  // Every name is imported explicitly so a reader sees where it comes from.
  imports: false,
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // Only the CRM hosts: Ombord never asks to read every site.
    host_permissions: [...CRM_HOST_PATTERNS],
    // On-premises Dynamics and the organisation's Ombord backend live on customer host names;
    // the options page asks for each one.
    optional_host_permissions: [...ON_PREMISES_HOST_PATTERNS],
    permissions: ['storage', 'scripting', 'alarms'],
    // "Get help" from the keyboard; the background opens the dialog in the active tab.
    commands: {
      'open-help': { suggested_key: { default: 'Alt+Shift+H' }, description: '__MSG_helpCommandDescription__' },
    },
    // Enterprise policy (backend address, enrollment token, user email) for `storage.managed`.
    // Chromium reads this schema; Firefox has no such manifest key and takes the same values
    // from its enterprise policies ("3rdparty" → "Extensions").
    ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed-schema.json' } }),
  }),
});
