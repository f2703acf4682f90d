import { describe, expect, it } from 'vitest';
import { parsePackJson, validatePack, type PackError } from './validate';

/** A valid pack with one item of each kind: tip (0), tour (1), checklist (2), announcement (3). */
function basePack() {
  const anchor = { strategies: [{ kind: 'salesforceField', object: 'Opportunity', field: 'StageName' }] };
  return {
    schemaVersion: 1,
    id: 'test-pack',
    version: 1,
    name: { en: 'Test pack' },
    defaultLocale: 'en',
    items: [
      {
        id: 'stage-tip',
        kind: 'tip',
        targeting: { where: { objects: ['Opportunity'] } },
        wiifm: { minutesSaved: 1, reason: { en: 'Fewer questions from your manager' } },
        anchor,
        title: { en: 'Stage' },
        body: { en: 'Keep the stage current.' },
      },
      {
        id: 'stage-tour',
        kind: 'tour',
        targeting: {},
        title: { en: 'Stages' },
        steps: [
          { id: 'intro', title: { en: 'Hello' }, body: { en: 'Welcome.' }, advanceOn: { kind: 'next' } },
          { id: 'stage', anchor, title: { en: 'Stage' }, body: { en: 'Pick one.' }, advanceOn: { kind: 'input' } },
        ],
      },
      {
        id: 'first-week',
        kind: 'checklist',
        targeting: {},
        title: { en: 'First week' },
        tasks: [
          { id: 'take-tour', title: { en: 'Take the tour' }, completedBy: { kind: 'tour', tourId: 'stage-tour' } },
          { id: 'edit-stage', title: { en: 'Edit a stage' }, completedBy: { kind: 'action', on: 'input', anchor } },
          { id: 'see-dashboard', title: { en: 'See the dashboard' }, completedBy: { kind: 'visit', where: { pageTypes: ['dashboard'] } } },
        ],
      },
      {
        id: 'new-stages',
        kind: 'announcement',
        targeting: {},
        title: { en: 'New stages' },
        body: { en: 'From March.' },
        endorsement: { name: 'Ingrid Solberg', role: { en: 'Head of Sales' }, message: { en: 'I asked for this.' } },
        startsAt: '2025-03-01T07:00:00Z',
        endsAt: '2025-03-31T22:00:00+01:00',
      },
    ],
  };
}

const DELETE = Symbol('delete');

/** The base pack with one value replaced (or deleted) at a path. */
function packWith(path: readonly PropertyKey[], value: unknown): unknown {
  const pack: unknown = JSON.parse(JSON.stringify(basePack()));
  let parent = pack;
  path.forEach((key, index) => {
    if (typeof parent !== 'object' || parent === null) throw new Error(`bad test path ${String(key)}`);
    const container = parent as Record<PropertyKey, unknown>;
    if (index < path.length - 1) {
      parent = container[key];
    } else if (value === DELETE) {
      delete container[key];
    } else {
      container[key] = value;
    }
  });
  return pack;
}

function errorsOf(json: unknown): PackError[] {
  const result = validatePack(json, 'test.json');
  if (result.ok) throw new Error('expected the pack to be invalid');
  return result.errors;
}

const step = (id: string) => ({ id, title: { en: 'T' }, body: { en: 'B' }, advanceOn: { kind: 'next' } });
const task = (id: string) => ({ id, title: { en: 'T' }, completedBy: { kind: 'visit', where: {} } });

// [what, path to change, new value, expected error path, fragments of the expected message]
const invalidCases: Array<[string, PropertyKey[], unknown, string, string[]]> = [
  ['a future schemaVersion', ['schemaVersion'], 2, '$.schemaVersion', ['Expected schemaVersion 1', 'found 2']],
  ['a pack id with spaces', ['id'], 'Sales Onboarding', '$.id', ['Expected a slug', 'found "Sales Onboarding"']],
  ['version 0', ['version'], 0, '$.version', ['at least 1', 'found 0']],
  ['a fractional version', ['version'], 1.5, '$.version', ['Expected a whole number', 'found 1.5']],
  ['an unsupported defaultLocale', ['defaultLocale'], 'de', '$.defaultLocale', ['Expected a supported locale', 'found "de"']],
  ['a name without the default locale', ['name'], { nb: 'Testpakke' }, '$.name', ['Missing the pack\'s defaultLocale "en"', 'this text has nb']],
  ['an unknown top-level property', ['author'], 'me', '$.author', ['Unknown property', 'allowed here: $schema, schemaVersion']],
  ['items that are not a list', ['items'], {}, '$.items', ['Expected a list', 'found an object']],
  ['no items at all', ['items'], DELETE, '$.items', ['Missing: expected a list']],
  ['an unknown locale key', ['items', 0, 'title', 'de'], 'Phase', '$.items[0].title.de', ['Unknown locale', 'en, nb, sv, da, fi']],
  ['a title of 121 characters', ['items', 0, 'title', 'en'], 'x'.repeat(121), '$.items[0].title.en', ['Expected at most 120 characters', '(121 characters)']],
  ['a body of 1001 characters', ['items', 0, 'body', 'en'], 'x'.repeat(1001), '$.items[0].body.en', ['Expected at most 1000 characters']],
  ['a blank title', ['items', 0, 'title', 'en'], '   ', '$.items[0].title.en', ['not an empty or blank string']],
  ['a number as a title', ['items', 0, 'title', 'en'], 42, '$.items[0].title.en', ['Expected text', 'found 42']],
  ['a duplicate item id', ['items', 3, 'id'], 'stage-tip', '$.items[3].id', ['Duplicate item id "stage-tip"', 'items[0] (a tip)']],
  ['an unknown item kind', ['items', 0, 'kind'], 'popup', '$.items[0].kind', ['Expected one of "tip", "tour", "checklist", "announcement"', 'found "popup"']],
  ['an item without kind', ['items', 0, 'kind'], DELETE, '$.items[0].kind', ['Missing: expected one of "tip"']],
  ['a misspelt tip property', ['items', 0, 'colour'], 'red', '$.items[0].colour', ['Unknown property', 'presentation']],
  ['an unknown presentation', ['items', 0, 'presentation'], 'modal', '$.items[0].presentation', ['Expected one of "tooltip", "beacon"', 'found "modal"']],
  ['no targeting', ['items', 0, 'targeting'], DELETE, '$.items[0].targeting', ['Missing: expected an object']],
  ['a field label instead of an API name', ['items', 1, 'steps', 1, 'anchor', 'strategies', 0, 'field'], 'Stage Name', '$.items[1].steps[1].anchor.strategies[0].field', ['Salesforce API name', 'found "Stage Name"']],
  ['an anchor without strategies', ['items', 0, 'anchor', 'strategies'], [], '$.items[0].anchor.strategies', ['at least one strategy']],
  ['an unknown anchor strategy', ['items', 0, 'anchor', 'strategies', 0, 'kind'], 'xpath', '$.items[0].anchor.strategies[0].kind', ['Expected one of "salesforceField"', 'found "xpath"']],
  ['an adoption on hover', ['items', 0, 'adoption'], { on: 'hover' }, '$.items[0].adoption.on', ['Expected one of "click", "input"']],
  ['zero minutes saved', ['items', 0, 'wiifm', 'minutesSaved'], 0, '$.items[0].wiifm.minutesSaved', ['Expected more than 0 minutes', 'found 0']],
  ['a day of minutes saved', ['items', 0, 'wiifm', 'minutesSaved'], 480, '$.items[0].wiifm.minutesSaved', ['at most 240 minutes', 'found 480']],
  ['a WIIFM reason without the default locale', ['items', 0, 'wiifm', 'reason'], { sv: 'Snabbare' }, '$.items[0].wiifm.reason', ['Missing the pack\'s defaultLocale "en"']],
  ['a priority above 100', ['items', 0, 'targeting', 'priority'], 101, '$.items[0].targeting.priority', ['Expected at most 100', 'found 101']],
  ['an unknown CRM', ['items', 0, 'targeting', 'crm'], 'hubspot', '$.items[0].targeting.crm', ['Expected one of "salesforce", "dynamics"']],
  ['a relative urlPattern', ['items', 0, 'targeting', 'where', 'urlPattern'], 'lightning/r/*', '$.items[0].targeting.where.urlPattern', ['starting with "/"', 'found "lightning/r/*"']],
  ['a triple wildcard', ['items', 0, 'targeting', 'where', 'urlPattern'], '/lightning/***', '$.items[0].targeting.where.urlPattern', ['"***" is not a wildcard']],
  ['an empty pageTypes list', ['items', 0, 'targeting', 'where', 'pageTypes'], [], '$.items[0].targeting.where.pageTypes', ['at least one entry', 'leave the property out']],
  ['an unknown page type', ['items', 0, 'targeting', 'where', 'pageTypes'], ['record'], '$.items[0].targeting.where.pageTypes[0]', ['"record_view"', 'found "record"']],
  ['an object label', ['items', 0, 'targeting', 'where', 'objects'], ['Sales Opportunity'], '$.items[0].targeting.where.objects[0]', ['object API name']],
  ['an unsupported targeting locale', ['items', 0, 'targeting', 'locales'], ['en', 'de'], '$.items[0].targeting.locales[1]', ['supported locale', 'found "de"']],
  ['maxShows 0', ['items', 0, 'targeting', 'frequency'], { maxShows: 0 }, '$.items[0].targeting.frequency.maxShows', ['at least 1']],
  ['a blank role', ['items', 0, 'targeting', 'audience'], { roles: [' '] }, '$.items[0].targeting.audience.roles[0]', ['not a blank string']],
  ['targeting that ends before it starts', ['items', 0, 'targeting'], { startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }, '$.items[0].targeting.endsAt', ['after startsAt']],
  ['a tour without steps', ['items', 1, 'steps'], [], '$.items[1].steps', ['at least one step']],
  ['a tour of 31 steps', ['items', 1, 'steps'], Array.from({ length: 31 }, (_, i) => step(`s${i}`)), '$.items[1].steps', ['at most 30 steps', 'found a list of 31']],
  ['a click step without anchor', ['items', 1, 'steps', 0, 'advanceOn'], { kind: 'click' }, '$.items[1].steps[0].advanceOn.kind', ['advanceOn "click"', 'has no anchor']],
  ['an unknown advanceOn', ['items', 1, 'steps', 0, 'advanceOn'], { kind: 'hover' }, '$.items[1].steps[0].advanceOn.kind', ['"next", "click", "input", "navigate"']],
  ['navigate without a destination', ['items', 1, 'steps', 0, 'advanceOn'], { kind: 'navigate' }, '$.items[1].steps[0].advanceOn.to', ['Missing: expected an object']],
  ['a wait of two minutes', ['items', 1, 'steps', 1, 'waitForAnchorMs'], 120_000, '$.items[1].steps[1].waitForAnchorMs', ['at most 60000 ms', 'found 120000']],
  ['an unknown onAnchorMissing', ['items', 1, 'steps', 1, 'onAnchorMissing'], 'retry', '$.items[1].steps[1].onAnchorMissing', ['Expected one of "skip", "end"']],
  ['a duplicate step id', ['items', 1, 'steps', 1, 'id'], 'intro', '$.items[1].steps[1].id', ['Duplicate step id "intro"', 'steps[0]']],
  ['a step title without the default locale', ['items', 1, 'steps', 0, 'title'], { fi: 'Hei' }, '$.items[1].steps[0].title', ['Missing the pack\'s defaultLocale "en"', 'this text has fi']],
  ['a task naming a missing tour', ['items', 2, 'tasks', 0, 'completedBy', 'tourId'], 'stage-tuor', '$.items[2].tasks[0].completedBy.tourId', ['No tour with id "stage-tuor"', 'its tours are "stage-tour"']],
  ['a task naming a tip as tour', ['items', 2, 'tasks', 0, 'completedBy', 'tourId'], 'stage-tip', '$.items[2].tasks[0].completedBy.tourId', ['"stage-tip" is a tip, not a tour']],
  ['an action task without anchor', ['items', 2, 'tasks', 1, 'completedBy', 'anchor'], DELETE, '$.items[2].tasks[1].completedBy.anchor', ['Missing: expected an object']],
  ['a checklist of 21 tasks', ['items', 2, 'tasks'], Array.from({ length: 21 }, (_, i) => task(`t${i}`)), '$.items[2].tasks', ['at most 20 tasks']],
  ['a duplicate task id', ['items', 2, 'tasks', 2, 'id'], 'take-tour', '$.items[2].tasks[2].id', ['Duplicate task id "take-tour"']],
  ['an announcement without startsAt', ['items', 3, 'startsAt'], DELETE, '$.items[3].startsAt', ['Missing: expected an ISO 8601 date-time']],
  ['a pack without defaultLocale', ['defaultLocale'], DELETE, '$.defaultLocale', ['Missing: expected a supported locale']],
  ['a date-time without time zone', ['items', 3, 'startsAt'], '2025-03-01T08:00:00', '$.items[3].startsAt', ['ISO 8601 date-time with a time zone', 'found "2025-03-01T08:00:00"']],
  ['an announcement ending before it starts', ['items', 3, 'endsAt'], '2025-02-01T00:00:00Z', '$.items[3].endsAt', ['Expected a date-time after startsAt (2025-03-01T07:00:00Z)', 'found "2025-02-01T00:00:00Z"']],
  ['an endorsement role without the default locale', ['items', 3, 'endorsement', 'role'], { da: 'Salgschef' }, '$.items[3].endorsement.role', ['Missing the pack\'s defaultLocale']],
];

describe('validatePack: invalid packs', () => {
  it('starts from a valid base pack', () => {
    expect(validatePack(basePack()).ok).toBe(true);
  });

  it.each(invalidCases)('rejects %s', (_what, path, value, errorPath, fragments) => {
    const errors = errorsOf(packWith(path, value));
    expect(errors.map((error) => error.path)).toEqual([errorPath]);
    for (const fragment of fragments) expect(errors[0]?.message).toContain(fragment);
  });
});

describe('validatePack: error context', () => {
  it('names the pack and the item, and reports every problem at once', () => {
    const pack = packWith(['items', 0, 'title'], { en: 'x'.repeat(200) }) as ReturnType<typeof basePack>;
    pack.items[3] = { ...pack.items[3], id: 'stage-tip' } as (typeof pack.items)[3];
    pack.name = { en: 'Test', nb: '' } as typeof pack.name;
    expect(errorsOf(pack)).toEqual([
      { pack: 'test-pack', path: '$.name.nb', message: 'Expected text, not an empty or blank string, found ""' },
      { pack: 'test-pack', itemId: 'stage-tip', path: '$.items[0].title.en', message: expect.stringContaining('Expected at most 120 characters') },
      { pack: 'test-pack', itemId: 'stage-tip', path: '$.items[3].id', message: expect.stringContaining('Duplicate item id') },
    ]);
  });

  it('names the pack by its source when its id is invalid', () => {
    expect(errorsOf(packWith(['id'], 'X'))[0]?.pack).toBe('test.json');
  });

  it('checks the other items when one is malformed', () => {
    const pack = packWith(['items', 0, 'anchor'], 'Stage') as ReturnType<typeof basePack>;
    pack.items[3] = { ...pack.items[3], endsAt: 'soon' } as (typeof pack.items)[3];
    expect(errorsOf(pack).map((error) => error.path)).toEqual(['$.items[0].anchor', '$.items[3].endsAt']);
  });

  it('reports unknown keys one by one', () => {
    const pack = packWith(['items', 0, 'title'], { en: 'Stage', de: 'Phase', fr: 'Étape' });
    expect(errorsOf(pack).map((error) => error.path)).toEqual(['$.items[0].title.de', '$.items[0].title.fr']);
  });

  it('uses bracket notation for keys that are not identifiers', () => {
    expect(errorsOf(packWith(['items', 0, 'my key'], 1))[0]?.path).toBe('$.items[0]["my key"]');
  });
});

describe('validatePack: never throws', () => {
  const deep = (depth: number): unknown => {
    let value: unknown = [];
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };
  const cyclic: Record<string, unknown> = { id: 'loop', kind: 'tip' };
  cyclic.anchor = cyclic;
  const throwingGetter = Object.defineProperty({}, 'schemaVersion', { enumerable: true, get: () => { throw new Error('boom'); } });
  const hostileProxy = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); }, get: () => { throw new Error('no get'); } });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'pack'],
    ['a list', []],
    ['deep nesting', deep(100_000)],
    ['deep nesting in items', { ...basePack(), items: [deep(100_000)] }],
    ['a cyclic item', { ...basePack(), items: [cyclic] }],
    ['a throwing getter', throwingGetter],
    ['a hostile proxy', hostileProxy],
    ['a huge string', { ...basePack(), name: { en: 'x'.repeat(1_000_000) } }],
  ])('returns errors for %s', (_what, input) => {
    const result = validatePack(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
  });

  it('reports a non-object as such', () => {
    expect(errorsOf(42)).toEqual([{ pack: 'test.json', path: '$', message: 'Expected an object, found 42' }]);
  });
});

describe('parsePackJson', () => {
  it('parses and validates', () => {
    const result = parsePackJson(`\uFEFF${JSON.stringify(basePack(), null, 2)}`, 'pack.json');
    expect(result.ok && result.pack.items.length).toBe(4);
  });

  it.each([
    ['a trailing comma', '{\n  "a": 1,\n}', 2, 9, 'trailing comma'],
    ['a missing comma', '{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}"'],
    ['a bare word', '{"a": tru}', 1, 7, 'expected a value'],
    ['single quotes', "{'a': 1}", 1, 2, 'expected a property name in double quotes'],
    ['a comment', '{\n  // note\n  "a": 1\n}', 2, 3, 'comments are not allowed'],
    ['an unterminated file', '{"a": [1, 2', 1, 12, 'unexpected end of file'],
    ['a line break in a string', '{"a": "x\ny"}', 1, 9, 'line break'],
    ['a bad escape', '{"a": "\\x"}', 1, 8, 'invalid escape'],
    ['text after the document', '{}\n{}', 2, 1, 'after the end'],
    ['an empty file', '', 1, 1, 'empty'],
  ])('reports %s with line and column', (_what, text, line, column, fragment) => {
    const result = parsePackJson(text, 'pack.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ pack: 'pack.json', path: '$' });
    expect(result.errors[0]?.message).toContain(`Invalid JSON at line ${line}, column ${column}: `);
    expect(result.errors[0]?.message).toContain(fragment);
  });

  it('survives deeply nested JSON text, closed or not', () => {
    expect(parsePackJson('['.repeat(200_000) + ']'.repeat(200_000), 'deep.json').ok).toBe(false);
    const unclosed = parsePackJson('['.repeat(200_000), 'deep.json');
    expect(!unclosed.ok && unclosed.errors[0]?.message).toContain('unexpected end of file');
  });
});
