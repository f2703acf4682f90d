import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { browser } from '#imports';
import { LanguageChoice } from '@/components/LanguageChoice';
import { OnPremisesServers } from '@/components/OnPremisesServers';
import { onPremisesOrigins } from '@/lib/crm/on-premises';
import type { SupportedLocale } from '@/lib/i18n';
import { translatorFor } from '@/lib/i18n/catalogs';
import { toSupportedLocale } from '@/lib/i18n/locale';
import { chooseLocale } from '@/lib/i18n/translator';
import { LOCALE_KEY } from '@/lib/messages';
import '../popup/style.css';

/**
 * The options page: the user's language, and on-premises Dynamics servers (the background keeps
 * the content script registered on whatever is granted here).
 */
const stored = (await browser.storage.local.get(LOCALE_KEY))[LOCALE_KEY];
const initialChoice = typeof stored === 'string' ? toSupportedLocale(stored) : null;

function Options() {
  const [choice, setChoice] = useState<SupportedLocale | null>(initialChoice);
  const locale = chooseLocale(choice, browser.i18n.getUILanguage());
  const t = translatorFor(locale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const [origins, setOrigins] = useState<string[]>([]);
  const refresh = useCallback(async () => {
    setOrigins(onPremisesOrigins((await browser.permissions.getAll()).origins ?? []));
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <main>
      <h1>{t('optionsHeading')}</h1>
      <LanguageChoice
        value={choice}
        t={t}
        onChange={(next) => {
          setChoice(next);
          void (next === null ? browser.storage.local.remove(LOCALE_KEY) : browser.storage.local.set({ [LOCALE_KEY]: next }));
        }}
      />
      <OnPremisesServers
        origins={origins}
        t={t}
        onAdd={async (pattern) => {
          const granted = await browser.permissions.request({ origins: [pattern] });
          await refresh();
          return granted;
        }}
        onRemove={async (pattern) => {
          await browser.permissions.remove({ origins: [pattern] });
          await refresh();
        }}
      />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Options />
  </StrictMode>,
);
