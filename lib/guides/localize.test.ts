import { describe, expect, it } from 'vitest';
import { toSupportedLocale } from '../i18n/locale';
import { localize } from './localize';

describe('toSupportedLocale', () => {
  it.each([
    ['nb', 'nb'],
    ['nb-NO', 'nb'],
    ['NB_no', 'nb'],
    ['no', 'nb'],
    ['nn-NO', 'nb'],
    ['sv-FI', 'sv'],
    ['fi', 'fi'],
    ['da-DK', 'da'],
    ['en-GB', 'en'],
    ['de-DE', null],
    ['', null],
  ])('%s → %s', (tag, locale) => {
    expect(toSupportedLocale(tag)).toBe(locale);
  });
});

describe('localize', () => {
  const text = { en: 'Save', nb: 'Lagre', sv: 'Spara' };

  it('takes the exact locale', () => {
    expect(localize(text, 'sv', 'en')).toBe('Spara');
  });

  it('falls back from a regional tag to its language', () => {
    expect(localize(text, 'nb-NO', 'en')).toBe('Lagre');
    expect(localize(text, 'sv_SE', 'en')).toBe('Spara');
  });

  it('reads Norwegian tags as Bokmål', () => {
    expect(localize(text, 'no', 'en')).toBe('Lagre');
  });

  it('falls back to the default locale for a missing translation or an unsupported language', () => {
    expect(localize(text, 'fi-FI', 'en')).toBe('Save');
    expect(localize(text, 'de', 'nb')).toBe('Lagre');
  });

  it('still shows some text for a pack that skipped validation', () => {
    expect(localize({ da: 'Gem' }, 'fi', 'en')).toBe('Gem');
    expect(localize({}, 'fi', 'en')).toBe('');
  });
});
