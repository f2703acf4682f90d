import { describe, expect, it } from 'vitest';
import type { ContentPack } from '../guides/pack';
import { validatePack } from '../guides/validate';
import { createApiClient } from './client';
import { PACKS_CACHE_KEY, PACKS_REFRESH_MS, isPacksRefreshDue, mergePacks, orgPacksReader, refreshPacks } from './packs';
import { ORGANISATION, fakeBackend, memoryStorage, samplePack } from './testing';

const NOW = Date.parse('2025-03-24T08:00:00Z');

async function setup() {
  const backend = fakeBackend();
  const enrolled = await createApiClient({ baseUrl: 'https://ombord.example.com', fetch: backend.fetch, now: () => NOW }).enroll({
    enrollmentToken: 'enrol-acme-0123456789',
    user: { email: 'kari@acme.no' },
    extensionVersion: '0.1.0',
  });
  if (!enrolled.ok) throw new Error('enrolment failed');
  const client = createApiClient({ baseUrl: 'https://ombord.example.com', deviceToken: enrolled.value.deviceToken, fetch: backend.fetch, now: () => NOW });
  const storage = memoryStorage();
  const clock = { now: NOW };
  const refresh = () => refreshPacks({ client, storage, now: () => clock.now, organisationId: ORGANISATION.id });
  return { backend, storage, clock, refresh };
}

function pack(id: string, version: number, title?: string): ContentPack {
  const result = validatePack(samplePack(id, version, title));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.pack;
}

describe('refreshPacks', () => {
  it('caches the validated packs with the ETag; a 304 keeps the cache', async () => {
    const { backend, storage, clock, refresh } = await setup();
    backend.publish([samplePack('acme-sales', 2)]);
    expect(await refresh()).toEqual({ ok: true, modified: true, rejected: [] });
    const cached = await orgPacksReader(storage)(ORGANISATION.id);
    expect(cached).toMatchObject({ etag: '"packs-2"', checkedAt: NOW, errors: [] });
    expect(cached?.packs.map((p) => [p.id, p.version])).toEqual([['acme-sales', 2]]);

    clock.now += PACKS_REFRESH_MS;
    expect(await refresh()).toEqual({ ok: true, modified: false, rejected: [] });
    expect(backend.requests.at(-1)?.headers.get('If-None-Match')).toBe('"packs-2"');
    expect(await orgPacksReader(storage)(ORGANISATION.id)).toEqual({ ...cached, checkedAt: clock.now });
  });

  it('rejects an invalid pack with its errors while the others load', async () => {
    const { backend, storage, refresh } = await setup();
    const broken = { ...samplePack('acme-service', 1), version: 0 };
    backend.publish([samplePack('acme-sales', 1), broken, samplePack('acme-onboarding', 3)]);
    const result = await refresh();
    expect(result.ok && result.rejected).toEqual([
      { pack: 'acme-service', path: '$.version', message: expect.stringContaining('at least 1') },
    ]);
    const cached = await orgPacksReader(storage)(ORGANISATION.id);
    expect(cached?.packs.map((p) => p.id)).toEqual(['acme-sales', 'acme-onboarding']);
    expect(cached?.errors).toHaveLength(1);
  });

  it('keeps using the last good version of a pack whose new version is invalid', async () => {
    const { backend, storage, refresh } = await setup();
    backend.publish([samplePack('acme-sales', 1)]);
    await refresh();
    backend.publish([{ ...samplePack('acme-sales', 2), items: [{ id: 'x', kind: 'tip' }] }]);
    const result = await refresh();
    expect(result.ok && result.rejected[0]?.pack).toBe('acme-sales');
    expect((await orgPacksReader(storage)(ORGANISATION.id))?.packs.map((p) => [p.id, p.version])).toEqual([['acme-sales', 1]]);
  });

  it('leaves the cache alone when the server cannot be reached, and belongs to one organisation', async () => {
    const { backend, storage, refresh } = await setup();
    backend.publish([samplePack('acme-sales', 1)]);
    await refresh();
    const before = storage.data.get(PACKS_CACHE_KEY);
    backend.down = true;
    expect(await refresh()).toMatchObject({ ok: false, failure: { kind: 'network' } });
    expect(storage.data.get(PACKS_CACHE_KEY)).toEqual(before);
    expect(await orgPacksReader(storage)(crypto.randomUUID())).toBeNull();
  });

  it('validates the cache again only when it changed', async () => {
    const { backend, storage, clock, refresh } = await setup();
    backend.publish([samplePack('acme-sales', 1)]);
    await refresh();
    const read = orgPacksReader(storage);
    const first = await read(ORGANISATION.id);
    expect(await read(ORGANISATION.id)).toBe(first);
    backend.publish([samplePack('acme-sales', 2)]);
    clock.now += 1;
    await refresh();
    expect((await read(ORGANISATION.id))?.packs[0]?.version).toBe(2);
  });

  it('is due every 15 minutes, at once without a cache', async () => {
    const { storage, clock, refresh } = await setup();
    expect(await isPacksRefreshDue(storage, ORGANISATION.id, clock.now)).toBe(true);
    await refresh();
    expect(await isPacksRefreshDue(storage, ORGANISATION.id, clock.now + PACKS_REFRESH_MS - 1)).toBe(false);
    expect(await isPacksRefreshDue(storage, ORGANISATION.id, clock.now + PACKS_REFRESH_MS)).toBe(true);
  });
});

describe('mergePacks', () => {
  it('adds organisation packs to the starter packs', () => {
    expect(mergePacks([pack('starter-sales', 1)], [pack('acme-sales', 1)]).map((p) => p.id)).toEqual(['starter-sales', 'acme-sales']);
  });

  it('lets the organisation win for the same pack id at the same or a higher version', () => {
    const merged = mergePacks([pack('starter-sales', 2, 'shipped'), pack('other', 1)], [pack('starter-sales', 2, 'organisation')]);
    expect(merged.map((p) => [p.id, p.name.en])).toEqual([
      ['starter-sales', 'organisation'],
      ['other', 'other v1'],
    ]);
    expect(mergePacks([pack('starter-sales', 2)], [pack('starter-sales', 3)])[0]?.version).toBe(3);
  });

  it('keeps a newer shipped version over an older organisation copy', () => {
    expect(mergePacks([pack('starter-sales', 4, 'shipped')], [pack('starter-sales', 3, 'organisation')])[0]?.name.en).toBe('shipped');
  });
});
