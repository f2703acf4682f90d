import { defineConfig } from 'wxt';
import { CRM_HOST_PATTERNS, ON_PREMISES_HOST_PATTERNS } from './lib/crm/hosts';

// See https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  // Every name is imported explicitly so a reader sees where it comes from.
  imports: false,
  manifest: {
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // Only the CRM hosts: Ombord never asks to read every site.
    host_permissions: [...CRM_HOST_PATTERNS],
    // On-premises Dynamics lives on customer host names; the options page asks for them one by one.
    optional_host_permissions: [...ON_PREMISES_HOST_PATTERNS],
    permissions: ['storage', 'scripting'],
  },
});
