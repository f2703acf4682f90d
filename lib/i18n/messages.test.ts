import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '.';

const localesDir = join(import.meta.dirname, '../../public/_locales');
const read = (locale: string): Record<string, { message: string; placeholders?: Record<string, unknown> }> =>
  JSON.parse(readFileSync(join(localesDir, locale, 'messages.json'), 'utf8'));

describe('_locales', () => {
  const english = read('en');

  it('has exactly the supported locales', () => {
    expect(readdirSync(localesDir).sort()).toEqual([...SUPPORTED_LOCALES].sort());
  });

  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))('%s has every English key, non-empty, same placeholders', (locale) => {
    const translated = read(locale);
    expect(Object.keys(translated).sort()).toEqual(Object.keys(english).sort());
    for (const [key, entry] of Object.entries(translated)) {
      expect(entry.message.trim(), key).not.toBe('');
      expect(Object.keys(entry.placeholders ?? {}), key).toEqual(Object.keys(english[key]?.placeholders ?? {}));
    }
  });
});
