/**
 * Sync settings and state in `storage.local` — backend address, email, the enrolment with its
 * device credential, last sync and last problem — merged with the organisation's managed policy
 * (`storage.managed`), whose values win and lock the fields they set.
 */
import { z } from 'zod';
import { EnrollRequestSchema, EnrollResponseSchema } from '../api/enrollment';
import type { ApiFailure } from './client';
import { readKey, type KeyValueStorage } from './storage';

export const SYNC_SETTINGS_KEY = 'sync.settings';
export const ENROLLMENT_KEY = 'sync.enrollment';
export const SYNC_STATE_KEY = 'sync.state';

/** The keys of the managed policy, as `public/managed-schema.json` declares them. */
export const MANAGED_POLICY_FIELDS = ['backendUrl', 'enrollmentToken', 'userEmail'] as const;
export type ManagedPolicyField = (typeof MANAGED_POLICY_FIELDS)[number];

const EmailSchema = z.email().max(320);
const TokenSchema = EnrollRequestSchema.shape.enrollmentToken;

const StoredSettingsSchema = z.object({ backendUrl: z.string().nullable(), email: z.string().nullable() });
type StoredSettings = z.infer<typeof StoredSettingsSchema>;

export const EnrollmentSchema = EnrollResponseSchema.extend({
  /** The normalized backend address the device was enrolled with. */
  backendUrl: z.string(),
  enrolledAt: z.number(),
  /** The server stopped accepting the device credential (401/403): enrol again. */
  revoked: z.boolean(),
});
export type Enrollment = z.infer<typeof EnrollmentSchema>;

/** What went wrong last, as data; the options page puts it in words in the user's language. */
export const SyncProblemSchema = z.discriminatedUnion('kind', [
  /** No answer: offline, server down, or a firewall in the way. */
  z.object({ kind: z.literal('unreachable') }),
  /** The server asked to come back later (429/503). */
  z.object({ kind: z.literal('busy'), retryAt: z.number().nullable() }),
  z.object({ kind: z.literal('server_error'), status: z.number() }),
  /** The device credential or the enrollment token is not accepted. */
  z.object({ kind: z.literal('signed_out') }),
  /** The server refused a request, with its reason. */
  z.object({ kind: z.literal('refused'), message: z.string() }),
  /** The address answered, but not like an Ombord server. */
  z.object({ kind: z.literal('not_ombord'), detail: z.string() }),
  /** Ombord may not contact the backend's origin: the user has not granted it. */
  z.object({ kind: z.literal('no_permission'), origin: z.string() }),
  /** The policy enrols this browser, but nobody has said whose it is. */
  z.object({ kind: z.literal('needs_email') }),
]);
export type SyncProblem = z.infer<typeof SyncProblemSchema>;

const SyncStateSchema = z.object({
  /** Epoch milliseconds of the last exchange that went through. */
  lastSyncAt: z.number().nullable(),
  problem: SyncProblemSchema.nullable(),
  problemAt: z.number().nullable(),
});
export type SyncState = z.infer<typeof SyncStateSchema>;
const NO_STATE: SyncState = { lastSyncAt: null, problem: null, problemAt: null };

export interface SyncSettings {
  backendUrl: string | null;
  email: string | null;
  /** Only ever from the policy: a token the user types is used once and never stored. */
  enrollmentToken: string | null;
  /** Fields the organisation's policy set: shown read-only. */
  locked: Record<'backendUrl' | 'enrollmentToken' | 'email', boolean>;
  /** Policy values that were present but unusable (not an https address, not an email…). */
  policyIgnored: ManagedPolicyField[];
}

export type NormalizedUrl = { ok: true; url: string } | { ok: false; reason: 'invalid' | 'insecure' };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `https://ombord.example.com/base/` → `https://ombord.example.com/base`. Plain http is allowed
 * only on this computer: elsewhere it would send the device credential in the clear.
 */
export function normalizeBackendUrl(input: string): NormalizedUrl {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'invalid' };
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) return { ok: false, reason: 'insecure' };
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return { ok: false, reason: 'invalid' };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The host permission pattern the backend needs (match patterns cannot name a port). */
export function backendOriginPattern(backendUrl: string): string {
  const url = new URL(backendUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

export const isEmail = (value: string): boolean => EmailSchema.safeParse(value).success;
export const isEnrollmentToken = (value: string): boolean => TokenSchema.safeParse(value).success;

/**
 * Reads `storage.managed`. Without a policy Chrome answers `{}`, Firefox throws: both mean
 * "no policy".
 */
export async function readManagedPolicy(readManaged: () => Promise<unknown>): Promise<{ values: Partial<Record<ManagedPolicyField, string>>; ignored: ManagedPolicyField[] }> {
  let raw: unknown;
  try {
    raw = await readManaged();
  } catch {
    raw = {};
  }
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const values: Partial<Record<ManagedPolicyField, string>> = {};
  const ignored: ManagedPolicyField[] = [];
  const valid: Record<ManagedPolicyField, (value: string) => string | null> = {
    backendUrl: (value) => {
      const normalized = normalizeBackendUrl(value);
      return normalized.ok ? normalized.url : null;
    },
    enrollmentToken: (value) => (isEnrollmentToken(value.trim()) ? value.trim() : null),
    userEmail: (value) => (isEmail(value.trim()) ? value.trim() : null),
  };
  for (const field of MANAGED_POLICY_FIELDS) {
    const value = record[field];
    if (value === undefined || value === '') continue;
    const usable = typeof value === 'string' ? valid[field](value) : null;
    if (usable === null) ignored.push(field);
    else values[field] = usable;
  }
  return { values, ignored };
}

export async function readSyncSettings(storage: KeyValueStorage, readManaged: () => Promise<unknown>): Promise<SyncSettings> {
  const [stored, policy] = await Promise.all([
    readKey<StoredSettings>(storage, SYNC_SETTINGS_KEY, StoredSettingsSchema, { backendUrl: null, email: null }),
    readManagedPolicy(readManaged),
  ]);
  const { backendUrl, enrollmentToken, userEmail } = policy.values;
  return {
    backendUrl: backendUrl ?? stored.backendUrl,
    email: userEmail ?? stored.email,
    enrollmentToken: enrollmentToken ?? null,
    locked: { backendUrl: backendUrl !== undefined, enrollmentToken: enrollmentToken !== undefined, email: userEmail !== undefined },
    policyIgnored: policy.ignored,
  };
}

/** Saves what the user typed; fields the policy sets are not stored (the policy keeps winning). */
export async function saveSyncSettings(storage: KeyValueStorage, settings: StoredSettings): Promise<void> {
  await storage.set({ [SYNC_SETTINGS_KEY]: settings satisfies StoredSettings });
}

export async function readEnrollment(storage: KeyValueStorage): Promise<Enrollment | null> {
  return readKey(storage, ENROLLMENT_KEY, EnrollmentSchema.nullable(), null);
}

/** The enrolment in force: only one made with the backend address the settings name now. */
export function activeEnrollment(enrollment: Enrollment | null, settings: SyncSettings): Enrollment | null {
  return enrollment !== null && enrollment.backendUrl === settings.backendUrl ? enrollment : null;
}

export async function readSyncState(storage: KeyValueStorage): Promise<SyncState> {
  return readKey(storage, SYNC_STATE_KEY, SyncStateSchema, NO_STATE);
}

export async function writeSyncState(storage: KeyValueStorage, state: SyncState): Promise<void> {
  await storage.set({ [SYNC_STATE_KEY]: state });
}

/** The user-facing reading of a failed request. */
export function problemFrom(failure: ApiFailure, now: number): SyncProblem {
  switch (failure.kind) {
    case 'network':
    case 'timeout':
      return { kind: 'unreachable' };
    case 'unavailable':
      return { kind: 'busy', retryAt: failure.retryAfterMs === null ? null : now + failure.retryAfterMs };
    case 'server':
      return { kind: 'server_error', status: failure.status };
    case 'auth':
      return { kind: 'signed_out' };
    case 'refused':
      return failure.status === 404 || failure.status === 405
        ? { kind: 'not_ombord', detail: `HTTP ${failure.status}` }
        : { kind: 'refused', message: failure.error?.message ?? `HTTP ${failure.status}` };
    case 'invalid_response':
      return { kind: 'not_ombord', detail: failure.message };
  }
}
