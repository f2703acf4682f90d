/**
 * Picks the text of a guidance item for the user's language: the exact locale, else its
 * language (`nb-NO` → `nb`), else the pack's default locale, which validation guarantees.
 */
import { toSupportedLocale } from '../i18n/locale';
import type { Locale, LocalizedText } from './pack';

export function localize(text: LocalizedText, locale: string, defaultLocale: Locale): string {
  const supported = toSupportedLocale(locale);
  const chosen = (supported !== null ? text[supported] : undefined) ?? text[defaultLocale];
  // Only a pack that skipped validation lacks its default locale; any text beats none.
  return chosen ?? Object.values(text).find((value) => value !== undefined) ?? '';
}
