/**
 * `detectCrmContextFromPage`: the URL's context, completed from a few page markers where the URL
 * cannot tell: on-premises Dynamics on a customer host, and the object of Lightning pages whose
 * URL names none (custom tabs, components). URL facts always win over page facts.
 */

import type { CrmContext } from './context';
import { detectCrmContext, parseUrl } from './detect';
import { detectOnPremisesDynamicsContext } from './dynamics';
import { isSalesforceApiName } from './salesforce';

/** Selectors: /work/shared/research/crm-dom-notes.md §2.2 and crm-facts.md §4.1. */
const DYNAMICS_PAGE_MARKERS = [
  // The scripts Level Up sniffs to recognise Dynamics from an isolated content script
  // (rajyraman/Levelup-for-Dynamics-CRM src/content/content.ts).
  'script[src*="/uclient/scripts"]',
  'script[src*="/_static/_common/scripts/PageLoader.js"]',
  'script[src*="/_static/_common/scripts/crminternalutility.js"]',
  // Unified Interface shell: top bar (CRM Power Pane src/js/inject.js) and site map
  // (microsoft/EasyRepro AppElementReference.cs).
  '[data-id="topBar"]',
  '[data-id="navbar-container"]',
].join(', ');

/**
 * Lightning keeps previously visited pages in the DOM; only one is active. Selectors from
 * Salesforce Inspector Reloaded addon/button.js and `div.oneContent.active` (dom notes §1.4).
 */
const ACTIVE_LIGHTNING_PAGE = [
  'div.windowViewMode-normal.active',
  'section.oneConsoleTab div.windowViewMode-maximized.active.lafPageHost',
  'div.oneContent.active',
].join(', ');

/**
 * Every rendered record field carries `data-target-selection-name="sfdc:RecordField.<Object>.<Field>"`
 * (Salesforce Inspector Reloaded addon/button.js; dom notes §1.1 [B]). No documented marker gives
 * the record id, so the id stays what the URL says.
 */
const RECORD_FIELD = '[data-target-selection-name^="sfdc:RecordField."]';

export function detectCrmContextFromPage(url: string, doc: Document): CrmContext | null {
  const fromUrl = detectCrmContext(url);
  if (fromUrl === null) return detectOnPremisesDynamics(url, doc);
  if (fromUrl.crm === 'salesforce' && fromUrl.surface === 'lightning' && fromUrl.object === null) {
    const object = objectOfActiveLightningPage(doc);
    return object === null ? fromUrl : { ...fromUrl, object };
  }
  return fromUrl;
}

/** On-premises and IFD hosts prove nothing, so the page must carry Dynamics markers. */
function detectOnPremisesDynamics(url: string, doc: Document): CrmContext | null {
  const parsed = parseUrl(url);
  if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return null;
  if (!/\/main\.aspx/i.test(parsed.pathname)) return null;
  if (doc.querySelector(DYNAMICS_PAGE_MARKERS) === null) return null;
  return detectOnPremisesDynamicsContext(parsed);
}

function objectOfActiveLightningPage(doc: Document): string | null {
  const field = doc.querySelector(ACTIVE_LIGHTNING_PAGE)?.querySelector(RECORD_FIELD);
  const [, object] = field?.getAttribute('data-target-selection-name')?.split('.') ?? [];
  return object !== undefined && isSalesforceApiName(object) ? object : null;
}
