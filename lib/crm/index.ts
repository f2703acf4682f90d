/**
 * Where in which CRM the user is: `detectCrmContext` reads a URL, `detectCrmContextFromPage`
 * completes it from the page, and the predicates name the pages guidance can target.
 */

export type { CrmContext, CrmEnvironment, CrmKind, CrmPageType, CrmSurface } from './context';
export { detectCrmContext } from './detect';
export { detectCrmContextFromPage } from './page';
export * from './predicates';
export {
  SALESFORCE_KEY_PREFIXES,
  isSalesforceId,
  salesforceIdChecksum,
  salesforceObjectForId,
  toSalesforceId18,
} from './salesforce-id';
