/**
 * The five UI catalogs, bundled so every part of the extension can translate in the user's
 * chosen language without fetching extension files from a page's context.
 */
import da from '../../public/_locales/da/messages.json';
import en from '../../public/_locales/en/messages.json';
import fi from '../../public/_locales/fi/messages.json';
import nb from '../../public/_locales/nb/messages.json';
import sv from '../../public/_locales/sv/messages.json';
import type { SupportedLocale, Translate } from '.';
import { createTranslator, type Catalog } from './translator';

const CATALOGS: Record<SupportedLocale, Catalog> = { en, nb, sv, da, fi };

export function translatorFor(locale: SupportedLocale): Translate {
  return createTranslator(CATALOGS[locale], CATALOGS.en);
}

/** One language's catalog (for a part that does not bundle them, such as the content script). */
export function catalogFor(locale: SupportedLocale): Catalog {
  return CATALOGS[locale];
}
