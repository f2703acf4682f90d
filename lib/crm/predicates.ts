/**
 * Named predicates over a `CrmContext`, so targeting reads `isRecordView(ctx)` instead of
 * comparing fields. Each accepts null (no CRM page) and then answers false.
 */

import type { CrmContext, CrmPageType } from './context';

export type CrmPredicate = (context: CrmContext | null) => boolean;

const hasPageType =
  (...pageTypes: CrmPageType[]): CrmPredicate =>
  (context) =>
    context !== null && pageTypes.includes(context.pageType);

export const isSalesforce: CrmPredicate = (context) => context?.crm === 'salesforce';
export const isDynamics: CrmPredicate = (context) => context?.crm === 'dynamics';

export const isLightning: CrmPredicate = (context) => context?.surface === 'lightning';
export const isClassic: CrmPredicate = (context) => context?.surface === 'classic';
export const isUci: CrmPredicate = (context) => context?.surface === 'uci';

/** A Setup page, whether Lightning Setup, the Setup domain or Classic Setup. */
export const isSetup = hasPageType('setup');
export const isRecordView = hasPageType('record_view');
export const isRecordEdit = hasPageType('record_edit');
export const isRecordPage = hasPageType('record_view', 'record_edit');
export const isNewRecord = hasPageType('record_new');
export const isListView = hasPageType('list_view');
export const isObjectHome = hasPageType('object_home');
export const isHome = hasPageType('home');
export const isReport = hasPageType('report');
export const isDashboard = hasPageType('dashboard');
export const isSearch = hasPageType('search');

export const isSandbox: CrmPredicate = (context) => context?.environment === 'sandbox';
export const isProduction: CrmPredicate = (context) => context?.environment === 'production';

/**
 * A predicate for one object: Salesforce API names are compared exactly (`Account`, `ns__Obj__c`),
 * Dynamics logical names case-insensitively (they are lower-case, authors may not write them so).
 */
export function isObject(name: string): CrmPredicate {
  return (context) => {
    if (!context?.object) return false;
    return context.crm === 'dynamics'
      ? context.object.toLowerCase() === name.toLowerCase()
      : context.object === name;
  };
}
