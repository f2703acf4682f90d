import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { browser } from '#imports';
import { LanguageChoice } from '@/components/LanguageChoice';
import { OnPremisesServers } from '@/components/OnPremisesServers';
import { SyncSettings } from '@/components/SyncSettings';
import { onPremisesOrigins } from '@/lib/crm/on-premises';
import type { SupportedLocale } from '@/lib/i18n';
import { translatorFor } from '@/lib/i18n/catalogs';
import { toSupportedLocale } from '@/lib/i18n/locale';
import { chooseLocale } from '@/lib/i18n/translator';
import {
  envelope,
  LOCALE_KEY,
  PROGRESS_REVISION_KEY,
  type MessageName,
  type MessageRequest,
  type MessageResponse,
} from '@/lib/messages';
import type { SyncStatus } from '@/lib/sync/service';
import { backendOriginPattern } from '@/lib/sync/settings';
import '../popup/style.css';

/**
 * The options page: the user's language, sync with the organisation's Ombord server, and
 * on-premises Dynamics servers (the background keeps the content script registered on whatever
 * is granted here).
 */
const stored = (await browser.storage.local.get(LOCALE_KEY))[LOCALE_KEY];
const initialChoice = typeof stored === 'string' ? toSupportedLocale(stored) : null;

const send = <N extends MessageName>(type: N, data: MessageRequest<N>): Promise<MessageResponse<N>> =>
  browser.runtime.sendMessage(envelope(type, data)) as Promise<MessageResponse<N>>;

/** How often "2 minutes ago" is brought up to date. */
const CLOCK_TICK_MS = 30_000;

function Options() {
  const [choice, setChoice] = useState<SupportedLocale | null>(initialChoice);
  const locale = chooseLocale(choice, browser.i18n.getUILanguage());
  const t = translatorFor(locale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const [granted, setGranted] = useState<string[]>([]);
  const refresh = useCallback(async () => {
    setGranted((await browser.permissions.getAll()).origins ?? []);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const [syncStatus, setSyncStatus] = useState<SyncStatus | null>(null);
  const [now, setNow] = useState(Date.now);
  const refreshSync = useCallback(async () => {
    setSyncStatus(await send('sync:status', {}));
  }, []);
  useEffect(() => {
    void refreshSync();
    // Sync state lives in storage: any change there (by the background or a policy) shows here.
    const onChanged = (changes: Record<string, unknown>, area: string): void => {
      const keys = Object.keys(changes);
      if (area === 'managed' || keys.some((key) => key.startsWith('sync.') || key === PROGRESS_REVISION_KEY)) void refreshSync();
    };
    browser.storage.onChanged.addListener(onChanged);
    const clock = setInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
    return () => {
      browser.storage.onChanged.removeListener(onChanged);
      clearInterval(clock);
    };
  }, [refreshSync]);

  const backendUrl = syncStatus?.settings.backendUrl ?? null;
  const backendPattern = backendUrl === null ? null : backendOriginPattern(backendUrl);

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
      <SyncSettings
        status={syncStatus}
        t={t}
        locale={locale}
        now={now}
        grantedOrigins={granted}
        requestOrigin={async (pattern) => {
          const allowed = await browser.permissions.request({ origins: [pattern] });
          await refresh();
          return allowed;
        }}
        onEnroll={async (input) => {
          const outcome = await send('sync:enroll', input);
          await refreshSync();
          return outcome;
        }}
        onSyncNow={async () => {
          setSyncStatus(await send('sync:now', {}));
          setNow(Date.now());
        }}
        onForget={async () => {
          setSyncStatus(await send('sync:forget', {}));
        }}
      />
      <OnPremisesServers
        origins={onPremisesOrigins(granted).filter((origin) => origin !== backendPattern)}
        t={t}
        onAdd={async (pattern) => {
          const allowed = await browser.permissions.request({ origins: [pattern] });
          await refresh();
          return allowed;
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
