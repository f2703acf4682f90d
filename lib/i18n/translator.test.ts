import { describe, expect, it } from 'vitest';
import { translatorFor } from './catalogs';
import { chooseLocale, createTranslator } from './translator';

describe('createTranslator', () => {
  const catalog = {
    hello: { message: 'Hello $NAME$, you saved $Minutes$ min ($$)', placeholders: { name: { content: '$1' }, minutes: { content: '$2' } } },
  };

  it('fills named placeholders from positional substitutions, case-insensitively, and $$ is a dollar', () => {
    const t = createTranslator(catalog, {});
    expect(t('hello' as never, ['Kari', '12'])).toBe('Hello Kari, you saved 12 min ($)');
  });

  it('falls back to the fallback catalog, then to the key', () => {
    const t = createTranslator({}, catalog);
    expect(t('hello' as never, 'Ola')).toBe('Hello Ola, you saved  min ($)');
    expect(t('missing' as never)).toBe('missing');
  });

  it('translates with the bundled catalogs', () => {
    expect(translatorFor('nb')('pageType_list_view')).toBe('Listevisning');
    expect(translatorFor('fi')('onPremRemove', 'https://crm.local/*')).toBe('Poista https://crm.local/*');
  });
});

describe('locale choice', () => {
  it('prefers the user choice, then the browser, then English', () => {
    expect(chooseLocale('sv', 'fi-FI')).toBe('sv');
    expect(chooseLocale(null, 'fi-FI')).toBe('fi');
    expect(chooseLocale(undefined, 'de-DE')).toBe('en');
  });
});
