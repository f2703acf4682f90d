/**
 * `GET /v1/packs`: the organisation's published packs, current version of each. The ETag names
 * exactly which versions are published, so a client that sends it back in `If-None-Match` gets
 * `304` until an admin publishes or unpublishes something.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { PacksResponse } from '../../lib/api';
import { requireDevice } from '../http/auth';
import type { AppEnv, RouteDeps } from '../http/env';
import { NoQuerySchema, readQuery } from '../http/input';
import type { PublishedPackVersion } from '../store/store';

export function packsRoutes(deps: RouteDeps) {
  return new Hono<AppEnv>().get('/packs', requireDevice(deps), async (c) => {
    const query = readQuery(c, NoQuerySchema);
    if (!query.ok) return query.response;
    const organisationId = c.get('session').organisation.id;
    // Responses differ per organisation: no shared cache may keep them, and clients revalidate.
    c.header('Cache-Control', 'private, no-cache');
    c.header('Vary', 'Authorization', { append: true });

    const current = packsETag(organisationId, await deps.store.publishedPackVersions(organisationId));
    if (matchesETag(c.req.header('if-none-match'), current)) {
      c.header('ETag', current);
      return c.body(null, 304);
    }
    const packs = await deps.store.publishedPacks(organisationId);
    // Computed from what is sent, in case a publish landed between the two reads.
    c.header('ETag', packsETag(organisationId, packs.map((pack) => ({ packId: pack.id, version: pack.version }))));
    const body: PacksResponse = { packs };
    return c.json(body);
  });
}

export function packsETag(organisationId: string, versions: readonly PublishedPackVersion[]): string {
  const names = versions.map(({ packId, version }) => `${packId}@${version}`).sort();
  const digest = createHash('sha256').update(`${organisationId}\n${names.join('\n')}`).digest('base64url');
  return `"${digest.slice(0, 32)}"`;
}

/** RFC 9110 weak comparison against a list of entity tags or `*`. */
function matchesETag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
