/** The user's choice of language for Ombord's texts: one of the supported ones, or the browser's. */
import { useId } from 'react';
import { SUPPORTED_LOCALES, type SupportedLocale, type Translate } from '@/lib/i18n';

/** Each language named in itself, so a user can find theirs whatever language the page is in. */
const ENDONYMS: Record<SupportedLocale, string> = {
  en: 'English',
  nb: 'Norsk bokmål',
  sv: 'Svenska',
  da: 'Dansk',
  fi: 'Suomi',
};

interface Props {
  value: SupportedLocale | null;
  t: Translate;
  onChange: (locale: SupportedLocale | null) => void;
}

export function LanguageChoice({ value, t, onChange }: Props) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('optionsLanguageHeading')}</h2>
      <label htmlFor={id}>{t('optionsLanguageLabel')}</label>{' '}
      <select
        id={id}
        value={value ?? ''}
        onChange={(event) => onChange((SUPPORTED_LOCALES as readonly string[]).includes(event.target.value) ? (event.target.value as SupportedLocale) : null)}
      >
        <option value="">{t('optionsLanguageBrowser')}</option>
        {SUPPORTED_LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {ENDONYMS[locale]}
          </option>
        ))}
      </select>
    </section>
  );
}
