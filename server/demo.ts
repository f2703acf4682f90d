/**
 * The demo organisation `npm start` creates on a new database: the starter packs published and
 * an enrollment token, so a freshly loaded extension has something to enrol with and show.
 */
import { validatePack, type PackError } from '../lib/guides/validate';
import type { Organisation, Store } from './store/store';

export const DEMO_ORGANISATION = 'Demo';

export interface DemoSeed {
  organisation: Organisation;
  enrollmentToken: string;
  published: string[];
  /** Starter packs that did not validate (or publish), with their errors; the rest are published. */
  errors: PackError[];
}

/** Seeds only an empty database (no organisations); returns null otherwise. */
export async function seedDemoIfEmpty(store: Store, packFiles: ReadonlyArray<{ source: string; json: unknown }>): Promise<DemoSeed | null> {
  if ((await store.listOrganisations()).length > 0) return null;
  const organisation = await store.createOrganisation(DEMO_ORGANISATION);
  const published: string[] = [];
  const errors: PackError[] = [];
  for (const { source, json } of packFiles) {
    const validation = validatePack(json, source);
    if (!validation.ok) {
      errors.push(...validation.errors);
      continue;
    }
    const result = await store.publishPack(organisation.id, validation.pack);
    if (result.ok) published.push(`${result.packId}@${result.version}`);
    else errors.push({ pack: validation.pack.id, path: '$', message: `Not published: ${result.reason}` });
  }
  const { secret } = await store.issueEnrollmentToken(organisation.id, { expiresAt: null });
  return { organisation, enrollmentToken: secret, published, errors };
}
