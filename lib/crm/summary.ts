/** A one-line, human description of a `CrmContext` for titles and tooltips ("Salesforce · Account · Record"). */
import type { CrmContext, CrmPageType } from './context';

export const CRM_PRODUCT_NAMES = {
  salesforce: 'Salesforce',
  dynamics: 'Dynamics 365',
} as const satisfies Record<CrmContext['crm'], string>;

export function contextSummary(context: CrmContext, pageTypeLabel: (pageType: CrmPageType) => string): string {
  return [CRM_PRODUCT_NAMES[context.crm], context.object, pageTypeLabel(context.pageType)]
    .filter((part): part is string => part !== null && part !== '')
    .join(' · ');
}
