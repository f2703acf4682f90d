/**
 * The organisation's published content packs: pulled with `If-None-Match`, validated one pack at
 * a time (a broken pack is rejected with its errors, the others load), cached with the ETag in
 * storage, and merged with the starter packs shipped in the extension.
 */
import { z } from 'zod';
import { loadPacks } from '../guides/load';
import type { ContentPack } from '../guides/pack';
import type { PackError } from '../guides/validate';
import type { ApiClient, ApiFailure } from './client';
import { readKey, type Clock, type KeyValueStorage } from './storage';

export const PACKS_CACHE_KEY = 'sync.packs';
/** How often published packs are checked when nothing asks sooner. */
export const PACKS_REFRESH_MS = 15 * 60_000;

const PackErrorSchema = z.object({ pack: z.string(), itemId: z.string().optional(), path: z.string(), message: z.string() });

const PacksCacheSchema = z.object({
  /** The cache belongs to one organisation; another enrolment starts afresh. */
  organisationId: z.string(),
  etag: z.string().nullable(),
  /** Validated when stored, and again when read: an extension update may have changed the format. */
  packs: z.array(z.unknown()),
  errors: z.array(PackErrorSchema),
  /** Epoch milliseconds of the last answer (200 or 304). */
  checkedAt: z.number(),
});
type PacksCache = z.infer<typeof PacksCacheSchema>;

export interface OrgPacks {
  packs: ContentPack[];
  /** Every reason a published pack was not loaded. */
  errors: PackError[];
  etag: string | null;
  checkedAt: number;
}

export interface RefreshPacksDeps {
  client: Pick<ApiClient, 'packs'>;
  storage: KeyValueStorage;
  now: Clock;
  organisationId: string;
}

export type RefreshPacksResult = { ok: true; modified: boolean; rejected: PackError[] } | { ok: false; failure: ApiFailure };

async function readCache(storage: KeyValueStorage, organisationId: string): Promise<PacksCache | null> {
  const cache = await readKey(storage, PACKS_CACHE_KEY, PacksCacheSchema.nullable(), null);
  return cache?.organisationId === organisationId ? cache : null;
}

const sourceOf = (index: number): string => `organisation pack #${index + 1}`;

/**
 * Reads the organisation's cached packs (null when there are none yet), validating the cache only
 * when it changed: guidance is loaded by every tab after every recorded event, packs change
 * a few times a day.
 */
export function orgPacksReader(storage: KeyValueStorage): (organisationId: string) => Promise<OrgPacks | null> {
  let last: { cache: PacksCache; packs: OrgPacks } | null = null;
  return async (organisationId) => {
    const cache = await readCache(storage, organisationId);
    if (cache === null) return null;
    if (last !== null && last.cache.organisationId === cache.organisationId && last.cache.etag === cache.etag && last.cache.checkedAt === cache.checkedAt) {
      return last.packs;
    }
    const loaded = loadPacks(cache.packs.map((json, index) => ({ source: sourceOf(index), json })));
    const packs = { packs: loaded.packs, errors: [...cache.errors, ...loaded.errors], etag: cache.etag, checkedAt: cache.checkedAt };
    last = { cache, packs };
    return packs;
  };
}

export async function isPacksRefreshDue(storage: KeyValueStorage, organisationId: string, now: number): Promise<boolean> {
  const cache = await readCache(storage, organisationId);
  return cache === null || now - cache.checkedAt >= PACKS_REFRESH_MS || now < cache.checkedAt;
}

/**
 * Asks the backend for the published packs; 304 keeps the cache. A pack that fails validation
 * is rejected with its errors; if an earlier version of it was cached, that version stays in use.
 */
export async function refreshPacks(deps: RefreshPacksDeps): Promise<RefreshPacksResult> {
  const { storage, organisationId } = deps;
  const cache = await readCache(storage, organisationId);
  const result = await deps.client.packs(cache?.etag ?? null);
  if (!result.ok) return result;
  const checkedAt = deps.now();
  if (!result.value.modified) {
    if (cache !== null) await storage.set({ [PACKS_CACHE_KEY]: { ...cache, checkedAt } satisfies PacksCache });
    return { ok: true, modified: false, rejected: [] };
  }

  const loaded = loadPacks(result.value.packs.map((json, index) => ({ source: sourceOf(index), json })));
  const accepted = new Set(loaded.packs.map((pack) => pack.id));
  const rejectedIds = new Set(loaded.errors.map((error) => error.pack));
  const previous = cache === null ? [] : loadPacks(cache.packs.map((json, index) => ({ source: sourceOf(index), json }))).packs;
  const keptFromBefore = previous.filter((pack) => rejectedIds.has(pack.id) && !accepted.has(pack.id));
  const next: PacksCache = {
    organisationId,
    etag: result.value.etag,
    packs: [...loaded.packs, ...keptFromBefore],
    errors: loaded.errors,
    checkedAt,
  };
  await storage.set({ [PACKS_CACHE_KEY]: next });
  return { ok: true, modified: true, rejected: loaded.errors };
}

/**
 * The packs guidance uses: for the same pack id the higher version wins, and at the same version
 * the organisation's copy wins over the starter pack shipped in the extension.
 */
export function mergePacks(starter: readonly ContentPack[], organisation: readonly ContentPack[]): ContentPack[] {
  const byId = new Map<string, ContentPack>(starter.map((pack) => [pack.id, pack]));
  for (const pack of organisation) {
    const existing = byId.get(pack.id);
    if (existing === undefined || pack.version >= existing.version) byId.set(pack.id, pack);
  }
  return [...byId.values()];
}
