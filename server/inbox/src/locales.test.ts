import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../../lib/i18n';
import { translatorFor } from './i18n';

const localesDir = join(import.meta.dirname, 'locales');
type Entry = { message: string; placeholders?: Record<string, { content: string }> };
const read = (locale: string): Record<string, Entry> => JSON.parse(readFileSync(join(localesDir, `${locale}.json`), 'utf8'));
const namesIn = (message: string) => [...message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((match) => match[1]?.toLowerCase()).sort();

describe('inbox catalogs', () => {
  const english = read('en');

  it('has one catalog per supported language', () => {
    expect(readdirSync(localesDir).sort()).toEqual(SUPPORTED_LOCALES.map((locale) => `${locale}.json`).sort());
  });

  it.each(SUPPORTED_LOCALES)('%s has exactly the English keys, non-empty, with the same placeholders, all used', (locale) => {
    const catalog = read(locale);
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(english).sort());
    for (const [key, entry] of Object.entries(catalog)) {
      expect(entry.message.trim(), key).not.toBe('');
      const placeholders = Object.keys(entry.placeholders ?? {});
      expect(placeholders, key).toEqual(Object.keys(english[key]?.placeholders ?? {}));
      expect(namesIn(entry.message), key).toEqual([...placeholders].sort());
    }
  });

  it('fills placeholders in each language', () => {
    expect(translatorFor('en')('replyCounter', ['12', '5000'])).toBe('12 of 5000 characters');
    expect(translatorFor('nb')('signedInAs', ['Ola', 'Brukerstøtte'])).toBe('Logget inn som Ola (Brukerstøtte)');
    expect(translatorFor('fi')('replyCounter', ['3', '5000'])).toBe('3/5000 merkkiä');
  });
});
