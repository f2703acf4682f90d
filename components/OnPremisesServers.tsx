/**
 * The list of on-premises Dynamics servers Ombord may run on, with add and remove. Granting is
 * the browser's own permission prompt; this component only asks for it and shows the outcome.
 */
import { useId, useState, type FormEvent } from 'react';
import { originPatternFor } from '@/lib/crm/on-premises';
import type { Translate } from '@/lib/i18n';

interface Props {
  origins: string[];
  t: Translate;
  /** Asks the browser for the origin; resolves false when the user declines. */
  onAdd: (pattern: string) => Promise<boolean>;
  onRemove: (pattern: string) => Promise<void>;
}

export function OnPremisesServers({ origins, t, onAdd, onRemove }: Props) {
  const inputId = useId();
  const errorId = useId();
  const [address, setAddress] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = originPatternFor(address);
    if (!result.ok) return setError(t('onPremBadAddress'));
    const granted = await onAdd(result.pattern);
    setError(granted ? null : t('onPremDenied', result.pattern));
    if (granted) setAddress('');
  }

  return (
    <section aria-labelledby={`${inputId}-heading`}>
      <h2 id={`${inputId}-heading`}>{t('onPremHeading')}</h2>
      <p>{t('onPremHelp')}</p>
      {origins.length === 0 ? (
        <p>{t('onPremEmpty')}</p>
      ) : (
        <ul>
          {origins.map((origin) => (
            <li key={origin}>
              <code>{origin}</code>{' '}
              <button type="button" onClick={() => void onRemove(origin)}>
                {t('onPremRemove', origin)}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor={inputId}>{t('onPremAddressLabel')}</label>{' '}
        <input
          id={inputId}
          type="url"
          value={address}
          placeholder="https://crm.contoso.local/Contoso"
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => setAddress(event.target.value)}
        />{' '}
        <button type="submit">{t('onPremAdd')}</button>
        {error && (
          <p id={errorId} role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
