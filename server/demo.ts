/**
 * The demo organisation `npm start` creates on a new database: the starter packs published, an
 * enrollment token, so a freshly loaded extension has something to enrol with and show, and an
 * admin who can sign in to the support inbox.
 */
import { randomBytes } from 'node:crypto';
import { validatePack, type PackError } from '../lib/guides/validate';
import { hashPassword } from './store/passwords';
import type { Organisation, Store } from './store/store';

export const DEMO_ORGANISATION = 'Demo';
export const DEMO_ADMIN_EMAIL = 'admin@demo.example';

export interface DemoSeed {
  organisation: Organisation;
  enrollmentToken: string;
  /** The inbox admin; the password is generated and shown only now (the database keeps a hash). */
  inboxAdmin: { email: string; password: string };
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
  // 18 random bytes: 24 characters, well over the inbox's minimum password length.
  const password = randomBytes(18).toString('base64url');
  await store.setStaffAccount(organisation.id, { email: DEMO_ADMIN_EMAIL, role: 'admin', displayName: 'Demo admin', passwordHash: await hashPassword(password) });
  return { organisation, enrollmentToken: secret, inboxAdmin: { email: DEMO_ADMIN_EMAIL, password }, published, errors };
}
