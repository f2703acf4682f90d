/**
 * Fuzzing every endpoint, on SQLite and PostgreSQL, with 10,000 malformed or hostile requests
 * from a seeded generator: wrong types, huge strings, deep nesting, unknown and
 * prototype-polluting keys, other organisations' ids and tokens, bad content types, invalid
 * UTF-8, junk paths, queries and headers, on the API and the public probes. None may get a
 * 5xx or crash the server; every malformed one gets a 4xx `ApiError`. A failure prints the
 * seed and the request (`FUZZ_SEED=<seed>` replays the run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, type ProgressEvent } from '../lib/api';
import { createApp } from './app';
import type { LogFields } from './http/log';
import type { Store } from './store/store';
import { enrol, postJson, progressEvent, setUpOrganisation, type Enrolled } from './test/fixtures';
import { ADAPTERS, createTestDatabase, type TestDatabase } from './test/stores';

const SEED = Number(process.env.FUZZ_SEED ?? 20_250_324);
const REQUESTS = 10_000;
/** SQLite answers fastest one at a time; PostgreSQL overlaps round trips. */
const CONCURRENCY = { sqlite: 1, postgres: 8 } as const;
const BODY_LIMIT = 64 * 1024;

interface FuzzCase {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** Malformed by construction: must be answered with a 4xx. Otherwise only "no 5xx". */
  malformed: boolean;
}

/** mulberry32: small, fast, good enough to spread inputs, and replayable from the seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T,>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof prng>;

const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];
const UNKNOWN_KEYS = [...POLLUTING_KEYS, 'isAdmin', 'organisationId', 'userId', 'role', '', ' ', 'k'.repeat(600), 'ключ', '\u0000'];
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '💥'.repeat(50),
  '<script>alert(1)</script>',
  "'; drop table progress_events; --",
  '../../../../etc/passwd',
  '%00%ff',
  '${7*7}{{7*7}}',
  'a'.repeat(10_000),
  'Z'.repeat(129),
  'null',
  '2025-03-24T08:00:00Z',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
];
const NASTY_NUMBERS = ['0', '-0', '-1', '1.5', '1e308', '-1e308', '1e999', '9007199254740993', '0.0000001', '123456789012345678901234567890'];

/** JSON text of a hostile value (text, so that `__proto__` keys survive). */
function hostileJson(random: Random, depth = 0): string {
  const roll = random.int(depth > 3 ? 4 : 7);
  switch (roll) {
    case 0:
      return random.pick(['null', 'true', 'false']);
    case 1:
      return random.pick(NASTY_NUMBERS);
    case 2:
    case 3:
      return JSON.stringify(random.pick(NASTY_STRINGS));
    case 4:
      return `[${Array.from({ length: random.int(4) }, () => hostileJson(random, depth + 1)).join(',')}]`;
    case 5: {
      const entries = Array.from({ length: 1 + random.int(4) }, () => `${JSON.stringify(random.pick(UNKNOWN_KEYS))}:${hostileJson(random, depth + 1)}`);
      return `{${entries.join(',')}}`;
    }
    default: {
      const depthOfNesting = 1 + random.int(random.chance(0.1) ? 100_000 : 2_000);
      return random.chance(0.5)
        ? '['.repeat(depthOfNesting) + ']'.repeat(depthOfNesting)
        : '{"a":'.repeat(depthOfNesting) + '1' + '}'.repeat(depthOfNesting);
    }
  }
}

/** A copy of `value` made invalid: an unknown key somewhere, or a leaf of the wrong type. */
function breakValue(random: Random, value: unknown): unknown {
  const copy = structuredClone(value);
  const containers: Array<Record<string, unknown> | unknown[]> = [];
  const leaves: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number; leaf: unknown }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((child, index) => (typeof child === 'object' && child !== null ? walk(child) : leaves.push({ parent: node, key: index, leaf: child })));
    } else if (typeof node === 'object' && node !== null) {
      containers.push(node as Record<string, unknown>);
      for (const [key, child] of Object.entries(node)) {
        if (typeof child === 'object' && child !== null) walk(child);
        else leaves.push({ parent: node as Record<string, unknown>, key, leaf: child });
      }
    }
  };
  walk(copy);
  const target = leaves.length > 0 && random.chance(0.5) ? random.pick(leaves) : undefined;
  if (target !== undefined) {
    const wrong = typeof target.leaf === 'string' ? random.pick([7, true, {}, [], 1e308]) : random.pick(['7', null, {}, [], 'NaN']);
    Object.defineProperty(target.parent, target.key, { value: wrong, enumerable: true, writable: true, configurable: true });
  } else {
    const object = random.pick(containers.filter((container) => !Array.isArray(container)));
    const key = random.pick(UNKNOWN_KEYS);
    Object.defineProperty(object, key, { value: random.chance(0.5) ? { polluted: true } : 'extra', enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

describe.each(ADAPTERS)('fuzz on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  const logs: LogFields[] = [];
  let token: string;
  let mine: Enrolled;
  let otherOrg: Enrolled;
  let otherOrgToken: string;
  let sameOrgOther: Enrolled;
  let foreignEvents: ProgressEvent[];

  beforeAll(async () => {
    database = await createTestDatabase(adapter);
    store = await database.openStore();
    app = createApp({
      store,
      log: (fields) => logs.push(fields),
      rateLimits: { perIp: { max: 1_000_000, windowSeconds: 60 }, perDevice: { max: 1_000_000, windowSeconds: 60 } },
      bodyLimitBytes: BODY_LIMIT,
    });
    const a = await setUpOrganisation(store, 'Fuzzed');
    const b = await setUpOrganisation(store, 'Bystander');
    token = a.enrollmentToken;
    otherOrgToken = b.enrollmentToken;
    mine = await enrol(app, token, 'me@fuzz.example');
    sameOrgOther = await enrol(app, token, 'colleague@fuzz.example');
    otherOrg = await enrol(app, otherOrgToken, 'victim@bystander.example');
    foreignEvents = Array.from({ length: 20 }, () => progressEvent({ itemId: 'victim' }));
    await postJson(app, '/v1/progress', { events: foreignEvents.slice(0, 10) }, otherOrg.auth);
    await postJson(app, '/v1/progress', { events: foreignEvents.slice(10) }, sameOrgOther.auth);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  function generate(random: Random): FuzzCase {
    const json = { 'Content-Type': 'application/json' };
    const validEnroll = () => ({ enrollmentToken: token, user: { email: 'fuzz@fuzz.example', displayName: 'F' }, deviceLabel: 'fuzz', extensionVersion: '1' });
    const validBatch = () => ({ events: Array.from({ length: 1 + random.int(3) }, () => progressEvent()) });
    const post = random.chance(0.5)
      ? { path: '/v1/enroll', auth: {}, valid: validEnroll }
      : { path: '/v1/progress', auth: mine.auth, valid: validBatch };
    const kinds = [
      'hostile body',
      'broken body',
      'truncated body',
      'bad content type',
      'invalid UTF-8',
      'oversized body',
      'hostile auth',
      'hostile query',
      'junk path',
      'probe',
      "others' ids",
    ] as const;
    const kind = random.pick(kinds);
    switch (kind) {
      case 'hostile body':
        return { kind, method: 'POST', path: post.path, headers: { ...json, ...post.auth }, body: hostileJson(random), malformed: true };
      case 'broken body':
        return { kind, method: 'POST', path: post.path, headers: { ...json, ...post.auth }, body: JSON.stringify(breakValue(random, post.valid())), malformed: true };
      case 'truncated body': {
        const text = JSON.stringify(post.valid());
        return { kind, method: 'POST', path: post.path, headers: { ...json, ...post.auth }, body: text.slice(0, random.int(text.length - 1)), malformed: true };
      }
      case 'bad content type': {
        const type = random.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/jsonx', 'application/xml', '', 'application/json, text/plain']);
        const headers: Record<string, string> = { ...post.auth };
        if (type !== '' || random.chance(0.5)) headers['Content-Type'] = type;
        return { kind, method: 'POST', path: post.path, headers, body: JSON.stringify(post.valid()), malformed: true };
      }
      case 'invalid UTF-8': {
        const prefix = new TextEncoder().encode('{"enrollmentToken":"');
        const bad = Uint8Array.from({ length: 1 + random.int(8) }, () => random.pick([0x80, 0xbf, 0xc0, 0xc1, 0xf5, 0xff, 0xfe, 0xed]));
        return { kind, method: 'POST', path: post.path, headers: { ...json, ...post.auth }, body: new Uint8Array([...prefix, ...bad, 0x22, 0x7d]), malformed: true };
      }
      case 'oversized body':
        return { kind, method: 'POST', path: post.path, headers: { ...json, ...post.auth }, body: `{"events":"${'x'.repeat(BODY_LIMIT + random.int(1000))}"}`, malformed: true };
      case 'hostile auth': {
        const value = random.pick([
          '',
          'Bearer',
          'Bearer ',
          `Bearer ${'A'.repeat(43)}`,
          `Bearer ${token}`,
          `Bearer ${otherOrgToken}`,
          `Basic ${Buffer.from('admin:admin').toString('base64')}`,
          `Bearer ${mine.deviceToken}x`,
          `Bearer ${'x'.repeat(5000)}`,
          `Bearer ${mine.deviceToken.slice(0, -1)}`,
          'Bearer ../../etc/passwd',
          `Bearer ${mine.deviceToken} ${mine.deviceToken}`,
        ]);
        const path = random.pick(['/v1/me', '/v1/packs', '/v1/progress']);
        const headers: Record<string, string> = value === '' ? {} : { Authorization: value };
        return random.chance(0.3)
          ? { kind, method: 'POST', path: '/v1/progress', headers: { ...headers, ...json }, body: JSON.stringify(validBatch()), malformed: true }
          : { kind, method: 'GET', path, headers, malformed: true };
      }
      case 'hostile query': {
        const path = random.pick(['/v1/me', '/v1/packs', '/v1/progress']);
        const bad = random.pick([
          `after=${encodeURIComponent(hostileJson(random).slice(0, 300))}`,
          `after=${Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', foreignEvents[0]?.id, 'extra'])).toString('base64url')}`,
          `limit=${random.pick(['0', '-1', '1001', '1e3', '0x10', 'NaN', '', '99999999999', '1.5'])}`,
          `user=${otherOrg.user.id}`,
          `organisation=${otherOrg.organisation.id}`,
          '__proto__[polluted]=1',
          'constructor.prototype.polluted=1',
          'limit=1&limit=2',
          'after=%zz',
          `${'q'.repeat(500)}=1`,
        ]);
        const query = path === '/v1/progress' ? bad : random.pick([bad, 'debug=1']);
        return { kind, method: 'GET', path: `${path}?${query}`, headers: mine.auth, malformed: true };
      }
      case 'junk path': {
        const method = random.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
        const path = random.pick([
          `/v1/x-${random.int(1e9)}`,
          '/v1/progress/../me/x',
          `/v1/${encodeURIComponent('\u0000')}`,
          `/v1/${'a/'.repeat(200)}`,
          '/v1/enroll/extra',
          '/v1/packs/a-only',
          `/v1/progress/${foreignEvents[0]?.id ?? ''}`,
          '/v2/me',
          '/%2e%2e/%2e%2e/etc/passwd',
          '/v1/me%00',
          `/admin/${random.int(100)}`,
        ]);
        return { kind, method, path, headers: { ...json, ...mine.auth }, ...(method !== 'GET' && { body: hostileJson(random) }), malformed: true };
      }
      case 'probe': {
        // The public endpoints ignore queries and credentials; only GET is routed.
        const method = random.pick(['GET', 'GET', 'POST', 'PUT', 'DELETE']);
        const path = `${random.pick(['/healthz', '/readyz', '/v1/openapi.json'])}${random.chance(0.5) ? `?${encodeURIComponent(hostileJson(random).slice(0, 200))}=1` : ''}`;
        const headers = { ...json, Authorization: random.pick(['Bearer x', `Bearer ${otherOrg.deviceToken}`, 'junk']) };
        return { kind, method, path, headers, ...(method !== 'GET' && { body: hostileJson(random) }), malformed: method !== 'GET' };
      }
      case "others' ids": {
        if (random.chance(0.3)) {
          const enrollmentToken = random.pick([otherOrg.deviceToken, mine.deviceToken, otherOrg.organisation.id, otherOrg.user.id]);
          return { kind, method: 'POST', path: '/v1/enroll', headers: json, body: JSON.stringify({ ...validEnroll(), enrollmentToken }), malformed: true };
        }
        const events = Array.from({ length: 1 + random.int(4) }, () => ({ ...random.pick(foreignEvents), itemId: 'stolen' }));
        return { kind, method: 'POST', path: '/v1/progress', headers: { ...json, ...mine.auth }, body: JSON.stringify({ events }), malformed: false };
      }
    }
  }

  it(`answers ${REQUESTS} hostile requests with 4xx ApiErrors, never a 5xx`, async () => {
    const random = prng(SEED);
    const cases = Array.from({ length: REQUESTS }, () => generate(random));
    const failures: string[] = [];
    const statuses = new Map<number, number>();

    let nextIndex = 0;
    const worker = async () => {
      while (nextIndex < cases.length) {
        const index = nextIndex++;
        const fuzzCase = cases[index] as FuzzCase;
        const describeCase = () =>
          `#${index} (${fuzzCase.kind}) ${fuzzCase.method} ${fuzzCase.path.slice(0, 120)} ${JSON.stringify(fuzzCase.headers).slice(0, 200)} ${
            typeof fuzzCase.body === 'string' ? fuzzCase.body.slice(0, 200) : fuzzCase.body === undefined ? '' : `<${fuzzCase.body.length} bytes>`
          }`;
        let response: Response;
        try {
          response = await app.request(fuzzCase.path, { method: fuzzCase.method, headers: fuzzCase.headers, ...(fuzzCase.body !== undefined && { body: fuzzCase.body }) });
        } catch (error) {
          failures.push(`${describeCase()} threw ${String(error)}`);
          continue;
        }
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        if (response.status >= 500) failures.push(`${describeCase()} → ${response.status} ${text.slice(0, 300)}`);
        else if (fuzzCase.malformed && (response.status < 400 || response.status >= 500)) failures.push(`${describeCase()} → ${response.status}, expected a 4xx`);
        else if (response.status >= 400) {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
          const parsed = ApiErrorSchema.safeParse(body);
          if (!parsed.success) failures.push(`${describeCase()} → ${response.status} without an ApiError body: ${text.slice(0, 200)}`);
          else if (/\bat .+\.(ts|js):\d+/.test(parsed.data.error.message)) failures.push(`${describeCase()} → a stack trace in the message`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY[adapter] }, worker));

    expect(failures.slice(0, 10), `seed ${SEED}: ${failures.length} failures`).toEqual([]);
    expect(logs.filter((fields) => fields.msg === 'unhandled error')).toEqual([]);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect(statuses.get(413)).toBeGreaterThan(0);
    expect(statuses.get(415)).toBeGreaterThan(0);

    // Still up, and nothing of the bystanders changed.
    expect((await app.request('/healthz')).status).toBe(200);
    const theirs = await app.request('/v1/progress', { headers: otherOrg.auth });
    const events = ((await theirs.json()) as { events: ProgressEvent[] }).events;
    expect(events.map((event) => event.itemId)).toEqual(Array(10).fill('victim'));
  }, 60_000);
});
