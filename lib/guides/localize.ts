/**
 * Picks the text of a guidance item for the user's language: the exact locale, else its
 * language (`nb-NO` → `nb`), else the pack's default locale, which validation guarantees.
 */
import { SUPPORTED_LOCALES } from '../i18n';
import type { Locale, LocalizedText } from './pack';

// Tags browsers report for Norwegian that are not `nb`: the macrolanguage `no` and Nynorsk,
// whose readers read Bokmål far more easily than the English default.
const LANGUAGE_ALIASES: Readonly<Record<string, Locale>> = { no: 'nb', nn: 'nb' };

/** The supported locale a BCP 47 tag (`nb-NO`, `sv_SE`, `fi`) falls to, or null. */
export function toSupportedLocale(tag: string): Locale | null {
  const normalized = tag.trim().toLowerCase().replaceAll('_', '-');
  const exact = SUPPORTED_LOCALES.find((locale) => locale === normalized);
  if (exact) return exact;
  const language = normalized.split('-')[0] ?? '';
  return SUPPORTED_LOCALES.find((locale) => locale === language) ?? LANGUAGE_ALIASES[language] ?? null;
}

export function localize(text: LocalizedText, locale: string, defaultLocale: Locale): string {
  const supported = toSupportedLocale(locale);
  const chosen = (supported !== null ? text[supported] : undefined) ?? text[defaultLocale];
  // Only a pack that skipped validation lacks its default locale; any text beats none.
  return chosen ?? Object.values(text).find((value) => value !== undefined) ?? '';
}
