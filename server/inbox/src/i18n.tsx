/**
 * The inbox in the staff member's language: English, Norsk bokmål, Svenska, Dansk or Suomi,
 * from their choice (remembered in localStorage) or else the browser's language. Catalogs are in
 * `locales/<lang>.json`, in the extension's `messages.json` format, translated by the
 * extension's own `createTranslator`; dates and relative times come from `Intl` in that language.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { SupportedLocale } from '../../../lib/i18n';
import { chooseLocale, createTranslator, type Catalog } from '../../../lib/i18n/translator';
import da from './locales/da.json';
import en from './locales/en.json';
import fi from './locales/fi.json';
import nb from './locales/nb.json';
import sv from './locales/sv.json';

export type InboxMessageKey = keyof typeof en;
export type Translate = (key: InboxMessageKey, substitutions?: string | string[]) => string;

export const CATALOGS: Record<SupportedLocale, Catalog> = { en, nb, sv, da, fi };

/** Each language named in itself, as a language menu should. */
export const LOCALE_NAMES: Record<SupportedLocale, string> = {
  en: 'English',
  nb: 'Norsk bokmål',
  sv: 'Svenska',
  da: 'Dansk',
  fi: 'Suomi',
};

const STORAGE_KEY = 'ombord.inbox.locale';

type LocaleStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The remembered choice, else the browser's language, else English. */
export function initialLocale(storage: LocaleStorage | null, browserLanguage: string): SupportedLocale {
  let remembered: string | null = null;
  try {
    remembered = storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    // Storage can be switched off by policy; the browser's language is a fine default then.
  }
  return chooseLocale(remembered, browserLanguage);
}

export function rememberLocale(storage: LocaleStorage | null, locale: SupportedLocale): void {
  try {
    storage?.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered across visits, but still used for this one.
  }
}

export function translatorFor(locale: SupportedLocale): Translate {
  // `createTranslator` is typed with the extension's message keys, but it only looks keys up in
  // the catalogs it is given: with the inbox's catalogs, the inbox's keys are the right ones.
  const translate = createTranslator(CATALOGS[locale], CATALOGS.en) as (key: string, substitutions?: string | string[]) => string;
  return (key, substitutions) => translate(key, substitutions);
}

export interface I18n {
  locale: SupportedLocale;
  t: Translate;
  /** "24 Mar 2025, 09:15". */
  dateTime(iso: string): string;
  /** "09:15:42": for trails whose day is the request's. */
  time(iso: string): string;
  /** "3 hr. ago", "in 2 days" (short style: the narrow one reads "-3 t" in Norwegian). */
  relative(iso: string | number, now: number): string;
  /** "in 5 minutes": spelled out, for a sentence that ends after it ("Try again in 5 minutes."). */
  until(at: number, now: number): string;
  number(value: number): string;
}

export function createI18n(locale: SupportedLocale): I18n {
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const timeFormat = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
  const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const untilFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'long' });
  const numberFormat = new Intl.NumberFormat(locale);
  return {
    locale,
    t: translatorFor(locale),
    dateTime: (iso) => dateTimeFormat.format(new Date(iso)),
    time: (iso) => timeFormat.format(new Date(iso)),
    relative: (at, now) => relativeTime(relativeFormat, typeof at === 'number' ? at : Date.parse(at), now),
    until: (at, now) => waitTime(untilFormat, at, now),
    number: (value) => numberFormat.format(value),
  };
}

function relativeTime(format: Intl.RelativeTimeFormat, at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  if (Math.abs(seconds) < 45) return format.format(0, 'second');
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return format.format(hours, 'hour');
  const days = Math.round(hours / 24);
  if (Math.abs(days) < 30) return format.format(days, 'day');
  const months = Math.round(days / 30.44);
  return Math.abs(months) < 12 ? format.format(months, 'month') : format.format(Math.round(days / 365.25), 'year');
}

/** How long until `at`, rounded up: telling someone to retry a few seconds early only fails again. */
function waitTime(format: Intl.RelativeTimeFormat, at: number, now: number): string {
  const seconds = Math.ceil((at - now) / 1000);
  if (seconds <= 0) return format.format(0, 'second');
  if (seconds < 60) return format.format(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  return minutes < 60 ? format.format(minutes, 'minute') : format.format(Math.ceil(minutes / 60), 'hour');
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ locale, children }: { locale: SupportedLocale; children: ReactNode }) {
  const value = useMemo(() => createI18n(locale), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (i18n === null) throw new Error('useI18n needs an <I18nProvider> around it');
  return i18n;
}
