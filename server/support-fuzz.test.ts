/**
 * A small fuzz of the support endpoints, on SQLite and PostgreSQL: 1,000 seeded requests with
 * broken, hostile or foreign payloads (wrong types, unknown keys, fake screenshots, other users'
 * ids, junk ids in paths). None may get a 5xx; each malformed one gets a 4xx `ApiError`.
 * `FUZZ_SEED=<seed>` replays a run.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema } from '../lib/api';
import { createApp } from './app';
import type { LogFields } from './http/log';
import type { Store } from './store/store';
import { enrol, postJson, setUpOrganisation, type Enrolled } from './test/fixtures';
import { ADAPTERS, createTestDatabase, type TestDatabase } from './test/stores';

const SEED = Number(process.env.FUZZ_SEED ?? 20_250_501);
const REQUESTS = 1000;

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
  return { int, pick: <T,>(items: readonly T[]): T => items[int(items.length)] as T, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof prng>;

const NASTY: unknown[] = [
  null, true, 0, -1, 1e308, '', '\u0000', '\ud800', '<script>alert(1)</script>', '\u202e', '💥'.repeat(3000), 'a'.repeat(6000),
  [], {}, { __proto__: { polluted: true } }, ['x'], 'not-a-uuid', '00000000-0000-0000-0000-000000000000',
];
const KEYS = ['__proto__', 'constructor', 'userId', 'organisationId', 'status', 'assignee', 'x'];

function validRequest() {
  return {
    id: randomUUID(),
    kind: 'question',
    description: 'How do I log a call?',
    context: {
      crm: {
        crm: 'dynamics', environment: 'sandbox', pageType: 'list_view', object: 'account', recordId: null, surface: 'uci',
        host: 'acme.crm4.dynamics.com', orgName: 'acme', sandboxName: null, app: null, listView: null, url: 'https://acme.crm4.dynamics.com/main.aspx',
      },
      guide: null,
      breadcrumbs: [{ at: '2030-01-01T08:00:00.000Z', kind: 'navigation', label: 'Accounts' }],
      errors: [],
      environment: { extensionVersion: '1', browser: 'Edge', os: 'macOS', locale: 'en', viewport: { width: 800, height: 600 }, at: '2030-01-01T08:00:00.000Z' },
    },
  };
}

/** A copy with one leaf replaced by a nasty value, or an unknown key added somewhere. */
function mutate(random: Random, value: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const objects: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    if (!Array.isArray(node)) objects.push(node as Record<string, unknown>);
    for (const child of Object.values(node)) walk(child);
  };
  walk(copy);
  const target = random.pick(objects);
  const keys = Object.keys(target);
  const key = keys.length > 0 && random.chance(0.7) ? random.pick(keys) : random.pick(KEYS);
  Object.defineProperty(target, key, { value: random.pick(NASTY), enumerable: true, writable: true, configurable: true });
  return copy;
}

describe.each(ADAPTERS)('support fuzz on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  const logs: LogFields[] = [];
  let mine: Enrolled;
  let other: Enrolled;
  let othersId: string;
  let colleague: Enrolled;
  let colleaguesId: string;

  beforeAll(async () => {
    database = await createTestDatabase(adapter);
    store = await database.openStore();
    app = createApp({ store, log: (fields) => logs.push(fields), rateLimits: { perIp: { max: 1e6, windowSeconds: 60 }, perDevice: { max: 1e6, windowSeconds: 60 } } });
    const a = await setUpOrganisation(store, 'Fuzz A');
    const b = await setUpOrganisation(store, 'Fuzz B');
    mine = await enrol(app, a.enrollmentToken, 'me@a.example');
    other = await enrol(app, b.enrollmentToken, 'other@b.example');
    const request = validRequest();
    othersId = request.id;
    expect((await postJson(app, '/v1/support', request, other.auth)).status).toBe(201);
    colleague = await enrol(app, a.enrollmentToken, 'colleague@a.example');
    const colleagues = validRequest();
    colleaguesId = colleagues.id;
    expect((await postJson(app, '/v1/support', colleagues, colleague.auth)).status).toBe(201);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  function generate(random: Random): { method: string; path: string; body?: string; malformed: boolean } {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]).toString('base64');
    switch (random.int(6)) {
      case 0:
        // A mutation may happen to keep the request valid: only "no 5xx" here.
        return { method: 'POST', path: '/v1/support', body: JSON.stringify(mutate(random, validRequest())), malformed: false };
      case 1: {
        const dataBase64 = random.pick([png, png.slice(0, -2), `${png}=`, '====', '', 'AAAA', Buffer.from('junk').toString('base64'), '\u0000', 'A'.repeat(5_600_000)]);
        const mediaType = random.pick(['image/jpeg', 'image/gif', '', 'IMAGE/PNG', 'image/png; x=1']);
        return { method: 'POST', path: '/v1/support', body: JSON.stringify({ ...validRequest(), screenshot: { mediaType, dataBase64 } }), malformed: true };
      }
      case 2: {
        // A colleague's request or one that does not exist: never reachable.
        const id = random.pick([colleaguesId, randomUUID(), 'x', '..%2f..', '%00', encodeURIComponent('💥')]);
        const body = random.chance(0.5) ? JSON.stringify({ body: random.pick(NASTY) }) : JSON.stringify(mutate(random, { body: 'hi' }));
        return { method: 'POST', path: `/v1/support/${id}/${random.pick(['replies', 'solved', 'reopen'])}`, body, malformed: true };
      }
      case 3:
        // Another organisation's id is free in this one: a new request of the caller's own.
        return { method: 'POST', path: '/v1/support', body: JSON.stringify({ ...validRequest(), id: othersId }), malformed: false };
      case 4:
        return { method: random.pick(['GET', 'PUT', 'DELETE']), path: `/v1/support${random.pick(['?user=x', '?a=1&a=2', `/${colleaguesId}`])}`, malformed: true };
      default:
        return { method: 'POST', path: '/v1/support', body: JSON.stringify(validRequest()).slice(0, random.int(400)), malformed: true };
    }
  }

  it(`answers ${REQUESTS} hostile support requests without a 5xx`, async () => {
    const random = prng(SEED);
    const failures: string[] = [];
    for (let index = 0; index < REQUESTS; index++) {
      const fuzzCase = generate(random);
      const response = fuzzCase.body === undefined
        ? await app.request(fuzzCase.path, { method: fuzzCase.method, headers: mine.auth })
        : await app.request(fuzzCase.path, { method: fuzzCase.method, headers: { 'Content-Type': 'application/json', ...mine.auth }, body: fuzzCase.body });
      const text = await response.text();
      const where = `#${index} ${fuzzCase.method} ${fuzzCase.path} ${(fuzzCase.body ?? '').slice(0, 200)}`;
      if (response.status >= 500) failures.push(`${where} → ${response.status} ${text.slice(0, 300)}`);
      else if (fuzzCase.malformed && response.status < 400) failures.push(`${where} → ${response.status}, expected a 4xx`);
      else if (response.status >= 400 && !ApiErrorSchema.safeParse(JSON.parse(text)).success) failures.push(`${where} → not an ApiError: ${text.slice(0, 200)}`);
    }
    expect(failures.slice(0, 10), `seed ${SEED}: ${failures.length} failures`).toEqual([]);
    expect(logs.filter((fields) => fields.msg === 'unhandled error')).toEqual([]);
    expect(Object.prototype).not.toHaveProperty('polluted');
    // Nothing of the colleague's or the other organisation's request changed.
    for (const who of [other, colleague]) {
      const theirs = await app.request('/v1/support', { headers: who.auth });
      expect(((await theirs.json()) as { requests: Array<{ status: string; replies: unknown[] }> }).requests).toMatchObject([{ status: 'new', replies: [] }]);
    }
  }, 60_000);
});
