/**
 * UI strings come from the extension's `_locales/<lang>/messages.json` (English, Norsk bokmål,
 * Svenska, Dansk, Suomi) through `browser.i18n`. This module names the keys and the few
 * derived labels; the entry points pass in `browser.i18n.getMessage`.
 */
import type enMessages from '../../public/_locales/en/messages.json';
import type { CrmContext, CrmEnvironment, CrmPageType, CrmSurface } from '../crm/context';

export type MessageKey = keyof typeof enMessages;
export type Translate = (key: MessageKey, substitutions?: string | string[]) => string;

export const SUPPORTED_LOCALES = ['en', 'nb', 'sv', 'da', 'fi'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

export const pageTypeKey = (pageType: CrmPageType): MessageKey => `pageType_${pageType}`;
export const environmentKey = (environment: CrmEnvironment): MessageKey => `environment_${environment}`;
export const surfaceKey = (surface: CrmSurface): MessageKey => `surface_${surface}`;

/** The context fields the popup shows, in order, with their label keys. */
export const CONTEXT_FIELDS = [
  ['crm', 'fieldCrm'],
  ['environment', 'fieldEnvironment'],
  ['pageType', 'fieldPageType'],
  ['object', 'fieldObject'],
  ['recordId', 'fieldRecordId'],
  ['surface', 'fieldSurface'],
  ['orgName', 'fieldOrg'],
] as const satisfies ReadonlyArray<readonly [keyof CrmContext, MessageKey]>;
