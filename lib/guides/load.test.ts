import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPacks } from './load';

const examples = join(import.meta.dirname, '../../content/examples');
const read = (dir: string, name: string) => ({
  source: name,
  json: JSON.parse(readFileSync(join(examples, dir, name), 'utf8')) as unknown,
});
// trailing-comma.json is a JSON syntax error, caught before loading (parsePackJson).
const all = (dir: string) =>
  readdirSync(join(examples, dir))
    .filter((name) => name !== 'trailing-comma.json')
    .map((name) => read(dir, name));

describe('loadPacks', () => {
  it('keeps valid packs and rejects each invalid one with errors naming it', () => {
    const valid = all('valid');
    const invalid = all('invalid');
    const loaded = loadPacks([...valid, ...invalid]);
    expect(loaded.packs.map((pack) => pack.id).sort()).toEqual(
      valid.map(({ json }) => (json as { id: string }).id).sort(),
    );
    expect(new Set(loaded.errors.map((error) => error.pack))).toEqual(
      new Set(invalid.map(({ json }) => (json as { id: string }).id)),
    );
  });

  it('keeps the highest version of a pack id', () => {
    const [base] = all('valid');
    if (!base) throw new Error('no example packs');
    const newer = { source: 'newer.json', json: { ...(base.json as object), version: 99 } };
    const loaded = loadPacks([newer, base]);
    expect(loaded.packs).toHaveLength(1);
    expect(loaded.packs[0]?.version).toBe(99);
  });
});
