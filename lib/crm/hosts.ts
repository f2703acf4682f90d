/**
 * Match patterns for the hosts Ombord runs on. The manifest's host permissions and the content
 * script's `matches` both come from here, so "where does Ombord run?" has one answer.
 * Which of these hosts is really an org page is decided later by `detectCrmContext`.
 */

export const SALESFORCE_HOST_PATTERNS = [
  // Lightning Experience, every partition (sandbox., develop., scratch., demo., patch., trailblaze.).
  'https://*.lightning.force.com/*',
  // My Domain login host: Classic UI and Lightning redirects.
  'https://*.my.salesforce.com/*',
  // Setup runs on its own domain in current orgs.
  'https://*.my.salesforce-setup.com/*',
  // Classic instance hosts (na139.salesforce.com) and legacy Visualforce (c.na1.visual.force.com).
  'https://*.salesforce.com/*',
  'https://*.visual.force.com/*',
  'https://*.vf.force.com/*',
  'https://*.visualforce.com/*',
  // Government Cloud Plus – Defense.
  'https://*.my.salesforce.mil/*',
  'https://*.my.salesforce-setup.mil/*',
  'https://*.lightning.crmforce.mil/*',
  'https://*.lightning.force.mil/*',
  'https://*.vf.force.mil/*',
  // Salesforce on Alibaba Cloud (China).
  'https://*.my.sfcrmproducts.cn/*',
  'https://*.lightning.sfcrmapps.cn/*',
  // Alternative domains.
  'https://*.my-salesforce.com/*',
  'https://*.my-lightning.com/*',
  // Microsoft Defender for Cloud Apps session proxy in front of Lightning.
  'https://*.lightning.force.com.mcas.ms/*',
] as const;

export const DYNAMICS_HOST_PATTERNS = [
  // Commercial cloud: crm, crm2 … crmN regional hosts and the GCC (crm9) cloud.
  'https://*.dynamics.com/*',
  // GCC High, DoD, China (21Vianet) and the retired German cloud.
  'https://*.crm.microsoftdynamics.us/*',
  'https://*.crm.appsplatform.us/*',
  'https://*.crm.dynamics.cn/*',
  'https://*.crm.microsoftdynamics.de/*',
] as const;

export const CRM_HOST_PATTERNS = [...SALESFORCE_HOST_PATTERNS, ...DYNAMICS_HOST_PATTERNS] as const;

/**
 * Hosts inside the patterns above that are never an org page: the content script is not
 * injected there at all.
 */
export const NON_ORG_HOST_PATTERNS = [
  'https://www.salesforce.com/*',
  'https://help.salesforce.com/*',
  'https://developer.salesforce.com/*',
  'https://trailhead.salesforce.com/*',
  'https://login.salesforce.com/*',
  'https://test.salesforce.com/*',
  'https://welcome.salesforce.com/*',
  'https://www.dynamics.com/*',
] as const;

/**
 * On-premises and IFD Dynamics run on customer host names. The options page requests each
 * origin the user adds at run time, so these are optional permissions only.
 */
export const ON_PREMISES_HOST_PATTERNS = ['https://*/*', 'http://*/*'] as const;
