/** Which supported UI and content locale a browser language tag falls to. */
import { SUPPORTED_LOCALES, type SupportedLocale } from '.';

// Tags browsers report for Norwegian that are not `nb`: the macrolanguage `no` and Nynorsk,
// whose readers read Bokmål far more easily than the English default.
const LANGUAGE_ALIASES: Readonly<Record<string, SupportedLocale>> = { no: 'nb', nn: 'nb' };

/** The supported locale a BCP 47 tag (`nb-NO`, `sv_SE`, `fi`) falls to, or null. */
export function toSupportedLocale(tag: string): SupportedLocale | null {
  const normalized = tag.trim().toLowerCase().replaceAll('_', '-');
  const exact = SUPPORTED_LOCALES.find((locale) => locale === normalized);
  if (exact) return exact;
  const language = normalized.split('-')[0] ?? '';
  return SUPPORTED_LOCALES.find((locale) => locale === language) ?? LANGUAGE_ALIASES[language] ?? null;
}
