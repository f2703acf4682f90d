/**
 * Translates UI strings from `_locales/<lang>/messages.json` catalogs in the language the user
 * chose, which `browser.i18n` cannot do (it always follows the browser's UI language). Same
 * format and `$NAME$` placeholder rules as `browser.i18n.getMessage`, so one set of catalogs
 * serves the manifest and the UI.
 */
import type { MessageKey, SupportedLocale, Translate } from '.';
import { toSupportedLocale } from './locale';

export interface CatalogEntry {
  message: string;
  placeholders?: Record<string, { content: string }>;
}
export type Catalog = Partial<Record<string, CatalogEntry>>;

/** The user's choice when there is one, else the browser's language, else English. */
export function chooseLocale(choice: string | null | undefined, browserLanguage: string): SupportedLocale {
  return (choice ? toSupportedLocale(choice) : null) ?? toSupportedLocale(browserLanguage) ?? 'en';
}

export function createTranslator(catalog: Catalog, fallback: Catalog): Translate {
  return (key: MessageKey, substitutions?: string | string[]) => {
    const entry = catalog[key] ?? fallback[key];
    if (!entry) return key;
    const values = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
    const positional = (text: string) => text.replace(/\$(\d)/g, (_, n: string) => values[Number(n) - 1] ?? '');
    const placeholders = new Map(
      Object.entries(entry.placeholders ?? {}).map(([name, { content }]) => [name.toLowerCase(), positional(content)]),
    );
    return entry.message.replace(/\$\$|\$([A-Za-z0-9_@]+)\$/g, (whole, name: string | undefined) =>
      name === undefined ? '$' : (placeholders.get(name.toLowerCase()) ?? whole),
    );
  };
}
