import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { browser } from '#imports';
import { ContextDetails } from '@/components/ContextDetails';
import { ChecklistSection, minutesSentence } from '@/components/overlay';
import type { CrmContext } from '@/lib/crm/context';
import { selectGuidance } from '@/lib/guides/select';
import { translatorFor } from '@/lib/i18n/catalogs';
import { chooseLocale } from '@/lib/i18n/translator';
import { envelope, type GuidanceData, type MessageResponse } from '@/lib/messages';
import { deriveProgressState, minutesSavedThisWeek } from '@/lib/progress';
import { localize } from '@/lib/guides/localize';
import './style.css';

/**
 * The toolbar popup: what Ombord knows about the current tab, and "Get help with this page".
 * `?tabId=N` shows another tab's context instead of the active one (for support staff and
 * automated tests).
 */

async function targetTabId(): Promise<number | undefined> {
  const fromQuery = Number(new URLSearchParams(location.search).get('tabId'));
  if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

/**
 * Opens the help dialog in the tab and closes the popup. Opening the popup from the toolbar
 * granted `activeTab` for that tab, so the dialog's screenshot can be taken from here (from the
 * page's own launcher it cannot).
 */
function GetHelpButton({ tabId }: { tabId: number }) {
  const [failed, setFailed] = useState(false);
  const open = async () => {
    try {
      await browser.tabs.sendMessage(tabId, envelope('help:open', {}));
      window.close();
    } catch {
      // No content script answered: the tab was open before Ombord was installed or updated.
      setFailed(true);
    }
  };
  return (
    <>
      <button type="button" className="primary" aria-haspopup="dialog" onClick={() => void open()}>
        {t('popupGetHelp')}
      </button>
      {failed && <p role="alert">{t('popupGetHelpFailed')}</p>}
    </>
  );
}

function Popup({ guidance }: { guidance: GuidanceData }) {
  const [context, setContext] = useState<CrmContext | null | undefined>(undefined);
  const [tabId, setTabId] = useState<number | undefined>(undefined);

  useEffect(() => {
    void (async () => {
      const tabId = await targetTabId();
      setTabId(tabId);
      if (tabId === undefined) return setContext(null);
      const reply = (await browser.runtime.sendMessage(envelope('context:get', { tabId }))) as MessageResponse<'context:get'>;
      setContext(reply ?? null);
    })();
  }, []);

  const now = new Date();
  const checklists = context
    ? selectGuidance({
        packs: guidance.packs,
        context,
        progress: deriveProgressState(guidance.events, now),
        user: { locale, roles: guidance.roles, teams: guidance.teams },
        now,
      }).checklists
    : [];

  return (
    <main aria-busy={context === undefined}>
      <h1>{t('popupHeading')}</h1>
      {context === null && <p role="status">{t('popupNotCrm')}</p>}
      {context && tabId !== undefined && <GetHelpButton tabId={tabId} />}
      {context && <ContextDetails context={context} t={t} />}
      <h2>{t('popupProgressHeading')}</h2>
      <p data-testid="minutes-saved">{minutesSentence(minutesSavedThisWeek(guidance.events, now, locale), t)}</p>
      {checklists.map((view) => (
        <ChecklistSection
          key={`${view.packId}/${view.item.id}`}
          t={t}
          checklist={{
            id: view.item.id,
            title: localize(view.item.title, locale, view.defaultLocale),
            tasks: view.tasks.map(({ task, done }) => ({ id: task.id, title: localize(task.title, locale, view.defaultLocale), done })),
          }}
        />
      ))}
      <p>
        <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
          {t('popupOptions')}
        </a>
      </p>
    </main>
  );
}

const guidance = (await browser.runtime.sendMessage(envelope('guidance:load', {}))) as GuidanceData;
const locale = chooseLocale(guidance.locale, browser.i18n.getUILanguage());
const t = translatorFor(locale);
document.documentElement.lang = locale;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Popup guidance={guidance} />
  </StrictMode>,
);
