/**
 * `detectCrmContext`: which CRM page a URL shows, read from the URL alone. It never throws:
 * anything that is not an https URL of a Salesforce org or Dynamics online organisation is null.
 */

import type { CrmContext } from './context';
import { detectDynamicsContext } from './dynamics';
import { detectSalesforceContext } from './salesforce';

export function detectCrmContext(url: string): CrmContext | null {
  const parsed = parseUrl(url);
  // Both CRMs serve their online orgs over https only; anything else is a copy or a trap.
  if (parsed === null || parsed.protocol !== 'https:') return null;
  return detectSalesforceContext(parsed) ?? detectDynamicsContext(parsed);
}

/** The WHATWG parse of a string, or null for anything it rejects. */
export function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
