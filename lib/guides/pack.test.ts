import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentPackSchema, type ContentPack, type GuideItem } from './pack';
import { parsePackJson, validatePack } from './validate';

const EXAMPLES = join(import.meta.dirname, '../../content/examples');
const examples = (folder: 'valid' | 'invalid') =>
  readdirSync(join(EXAMPLES, folder)).map((name) => [name, readFileSync(join(EXAMPLES, folder, name), 'utf8')] as const);

const anchor = { strategies: [{ kind: 'dynamicsField', name: 'telephone1' }] };

/** A minimal pack around one item: nothing but what is required. */
function packOf(item: Record<string, unknown>): ContentPack {
  const result = validatePack({ schemaVersion: 1, id: 'minimal', version: 1, name: { en: 'Minimal' }, defaultLocale: 'en', items: [item] });
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.pack;
}

function onlyItem(item: Record<string, unknown>): GuideItem {
  const [parsed] = packOf(item).items;
  if (!parsed) throw new Error('no item');
  return parsed;
}

describe('valid packs', () => {
  it('accepts a minimal tip and fills in the defaults', () => {
    expect(onlyItem({ id: 'phone', kind: 'tip', targeting: {}, anchor, title: { en: 'Phone' }, body: { en: 'Use +47.' } })).toEqual({
      id: 'phone',
      kind: 'tip',
      targeting: { priority: 50 },
      anchor,
      title: { en: 'Phone' },
      body: { en: 'Use +47.' },
      presentation: 'beacon',
    });
  });

  it('accepts a tip with adoption and fractional WIIFM minutes', () => {
    const tip = onlyItem({
      id: 'phone',
      kind: 'tip',
      targeting: { crm: 'dynamics', locales: ['en'], audience: { teams: ['Support'] }, frequency: { minHoursBetween: 0.5 } },
      wiifm: { minutesSaved: 0.5, reason: { en: 'Click-to-call works' } },
      anchor,
      title: { en: 'Phone' },
      body: { en: 'Use +47.' },
      presentation: 'tooltip',
      adoption: { on: 'input' },
    });
    expect(tip.kind === 'tip' && [tip.wiifm?.minutesSaved, tip.adoption]).toEqual([0.5, { on: 'input' }]);
  });

  it('accepts a tour, with step defaults and a centred step', () => {
    const tour = onlyItem({
      id: 'tour',
      kind: 'tour',
      targeting: {},
      title: { en: 'Tour' },
      steps: [
        { id: 'hello', title: { en: 'Hello' }, body: { en: 'Centred.' }, advanceOn: { kind: 'next' } },
        { id: 'phone', anchor, title: { en: 'Phone' }, body: { en: 'Type.' }, placement: 'right', advanceOn: { kind: 'input' } },
        { id: 'go', title: { en: 'Go' }, body: { en: 'Open cases.' }, advanceOn: { kind: 'navigate', to: { objects: ['incident'] } } },
      ],
    });
    expect(tour.kind === 'tour' && tour.steps[0]).toEqual({
      id: 'hello',
      title: { en: 'Hello' },
      body: { en: 'Centred.' },
      advanceOn: { kind: 'next' },
      waitForAnchorMs: 8000,
      onAnchorMissing: 'skip',
    });
  });

  it('accepts a checklist whose task names a tour of the same pack', () => {
    const pack = packOf({
      id: 'list',
      kind: 'checklist',
      targeting: {},
      title: { en: 'List' },
      tasks: [{ id: 'visit', title: { en: 'Visit' }, completedBy: { kind: 'visit', where: { pageTypes: ['home'] } } }],
    });
    expect(pack.items[0]?.kind).toBe('checklist');
  });

  it('accepts an announcement with an endorsement', () => {
    const item = onlyItem({
      id: 'news',
      kind: 'announcement',
      targeting: {},
      title: { en: 'News' },
      body: { en: 'Body' },
      endorsement: { name: 'Ingrid Solberg', role: { en: 'Head of Sales' }, message: { en: 'I back this.' } },
      startsAt: '2025-03-01T08:00:00+01:00',
      endsAt: '2025-03-01T07:00:01Z',
    });
    expect(item.kind === 'announcement' && item.endorsement?.name).toBe('Ingrid Solberg');
  });

  it.each(examples('valid'))('accepts the example %s', (name, text) => {
    const result = parsePackJson(text, name);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe('ContentPackSchema', () => {
  it.each([...examples('valid'), ...examples('invalid')])('agrees with validatePack on %s', (name, text) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    expect(ContentPackSchema.safeParse(json).success).toBe(validatePack(json, name).ok);
  });

  it('gives validatePack the same data', () => {
    const [[name, text] = ['', '']] = examples('valid');
    const result = parsePackJson(text, name);
    expect(result.ok && result.pack).toEqual(ContentPackSchema.parse(JSON.parse(text)));
  });
});

describe('content/README.md', () => {
  const readme = readFileSync(join(EXAMPLES, '../README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map(([, block = '']) => block.trim());

  it('shows items that form a valid pack', () => {
    const items = blocks.filter((block) => block.startsWith('{\n  "id"')).map((block): unknown => JSON.parse(block));
    expect(items.map((item) => (item as { kind: string }).kind)).toEqual(['tip', 'tour', 'checklist', 'announcement']);
    const result = validatePack({ schemaVersion: 1, id: 'readme', version: 1, name: { en: 'README' }, defaultLocale: 'en', items });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('shows valid fragments', () => {
    const fragments = blocks.filter((block) => block.startsWith('"')).map((block): unknown => JSON.parse(`{${block}}`));
    expect(fragments).toHaveLength(2);
    const item = { id: 'fragment', kind: 'tip', targeting: {}, anchor, title: { en: 'T' }, body: { en: 'B' } };
    for (const fragment of fragments) {
      const result = validatePack({ schemaVersion: 1, id: 'readme', version: 1, name: { en: 'README' }, defaultLocale: 'en', items: [{ ...item, ...(fragment as object) }] });
      expect(result.ok ? [] : result.errors).toEqual([]);
    }
  });
});
