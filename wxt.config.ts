import { defineConfig } from 'wxt';
import { CRM_HOST_PATTERNS, ON_PREMISES_HOST_PATTERNS } from './lib/crm/hosts';

// See https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  // Every name is imported explicitly so a reader sees where it comes from.
  imports: false,
  // Parallel work (a second checkout's e2e run) can build elsewhere; the e2e harness reads the same variable.
  outDir: process.env.OMBORD_OUTPUT_DIR ?? '.output',
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // Only the CRM hosts: Ombord never asks to read every site.
    host_permissions: [...CRM_HOST_PATTERNS],
    // On-premises Dynamics and the organisation's Ombord backend live on customer host names;
    // the options page asks for each one.
    optional_host_permissions: [...ON_PREMISES_HOST_PATTERNS],
    // activeTab: the help screenshot (`captureVisibleTab`) of the tab the user invoked Ombord on.
    // unlimitedStorage: help requests wait in `storage.local` with their screenshots (the queue still
    // caps their bytes); neither shows an install warning in Chrome.
    permissions: ['storage', 'unlimitedStorage', 'scripting', 'alarms', 'activeTab'],
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
