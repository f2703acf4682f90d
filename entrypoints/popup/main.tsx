import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { browser } from '#imports';
import { ContextDetails } from '@/components/ContextDetails';
import type { CrmContext } from '@/lib/crm/context';
import type { Translate } from '@/lib/i18n';
import { envelope, type MessageResponse } from '@/lib/messages';
import './style.css';

/**
 * The toolbar popup: what Ombord knows about the current tab. `?tabId=N` shows another tab's
 * context instead of the active one (for support staff and automated tests).
 */
const t: Translate = (key, substitutions) => browser.i18n.getMessage(key, substitutions);
document.documentElement.lang = browser.i18n.getUILanguage();

async function targetTabId(): Promise<number | undefined> {
  const fromQuery = Number(new URLSearchParams(location.search).get('tabId'));
  if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

function Popup() {
  const [context, setContext] = useState<CrmContext | null | undefined>(undefined);

  useEffect(() => {
    void (async () => {
      const tabId = await targetTabId();
      if (tabId === undefined) return setContext(null);
      const reply = (await browser.runtime.sendMessage(envelope('context:get', { tabId }))) as MessageResponse<'context:get'>;
      setContext(reply ?? null);
    })();
  }, []);

  return (
    <main aria-busy={context === undefined}>
      <h1>{t('popupHeading')}</h1>
      {context === null && <p role="status">{t('popupNotCrm')}</p>}
      {context && <ContextDetails context={context} t={t} />}
      <p>
        <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
          {t('popupOptions')}
        </a>
      </p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Popup />
  </StrictMode>,
);
