import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { browser } from '#imports';
import { OnPremisesServers } from '@/components/OnPremisesServers';
import { onPremisesOrigins } from '@/lib/crm/on-premises';
import type { Translate } from '@/lib/i18n';
import '../popup/style.css';

/** The options page. The background keeps the content script registered on whatever is granted here. */
const t: Translate = (key, substitutions) => browser.i18n.getMessage(key, substitutions);
document.documentElement.lang = browser.i18n.getUILanguage();

function Options() {
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
