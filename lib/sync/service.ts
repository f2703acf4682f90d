/**
 * What the background runs on every alarm, on "Sync now" and after new events: enrol when the
 * organisation's policy says so, restore a new device's progress, drain the outbox, refresh the
 * user and the published packs — and the status the options page shows. Every piece of state is
 * in storage or IndexedDB, so a service worker killed at any point picks up where it stopped.
 */
import type { EnrollResponse } from '../api/enrollment';
import type { ContentPack } from '../guides/pack';
import type { SupportedLocale } from '../i18n';
import type { ProgressStore } from '../progress/store';
import { persistedBackoff } from './backoff';
import { createApiClient, type ApiClient, type ApiFailure } from './client';
import { tryWithLock, withLock, type Locks } from './lock';
import { DEAD_LETTERS_KEY, OUTBOX_BACKOFF_KEY, drainOutbox, readDeadLetters, type DeadLetter } from './outbox';
import { PACKS_CACHE_KEY, isPacksRefreshDue, orgPacksReader, refreshPacks } from './packs';
import { RESTORE_KEY, isRestorePending, restoreProgress } from './restore';
import {
  ENROLLMENT_KEY,
  SYNC_STATE_KEY,
  activeEnrollment,
  backendOriginPattern,
  isEmail,
  isEnrollmentToken,
  normalizeBackendUrl,
  problemFrom,
  readEnrollment,
  readSyncSettings,
  readSyncState,
  saveSyncSettings,
  writeSyncState,
  type Enrollment,
  type SyncProblem,
  type SyncSettings,
} from './settings';
import type { Clock, KeyValueStorage } from './storage';

/** Held for a whole sync run, enrolment and unenrolment: one of them at a time. */
export const SYNC_LOCK = 'ombord-sync';
export const ENROLL_BACKOFF_KEY = 'sync.enrollBackoff';
export const RESTORE_BACKOFF_KEY = 'sync.restoreBackoff';
export const PACKS_BACKOFF_KEY = 'sync.packsBackoff';

export interface SyncServiceDeps {
  /** `browser.storage.local`. */
  storage: KeyValueStorage;
  /** `browser.storage.managed.get()`. */
  readManaged: () => Promise<unknown>;
  fetch: typeof fetch;
  locks: Locks;
  progressStore: () => Promise<ProgressStore>;
  now: Clock;
  random: () => number;
  extensionVersion: string;
  /** Whether a host permission pattern is granted: asked only to explain a request that got no answer. */
  hasOriginPermission: (pattern: string) => Promise<boolean>;
  /** Restored events were stored: open tabs should reload their progress. */
  onProgressRestored: () => Promise<void>;
  timeoutMs?: number;
}

export interface EnrollInput {
  backendUrl: string;
  enrollmentToken: string;
  email: string;
}

/** Which input is unusable; `backendUrlInsecure`: plain http to another computer. */
export type EnrollInvalid = 'backendUrl' | 'backendUrlInsecure' | 'enrollmentToken' | 'email';

export type EnrollOutcome =
  | { ok: true; enrolledAs: EnrolledAs }
  | { ok: false; invalid: EnrollInvalid[] }
  | { ok: false; problem: SyncProblem };

export interface EnrolledAs {
  email: string;
  organisation: string;
}

export interface SyncStatus {
  settings: SyncSettings;
  enrolledAs: EnrolledAs | null;
  /** The server no longer accepts this browser's credential. */
  revoked: boolean;
  lastSyncAt: number | null;
  /** Events recorded here and not yet acknowledged by the server. */
  queued: number;
  deadLetters: DeadLetter[];
  problem: SyncProblem | null;
  problemAt: number | null;
  /** When the next attempt to send is allowed, while backing off. */
  nextAttemptAt: number | null;
  /** Earlier progress is still being fetched for this new device. */
  restoring: boolean;
}

/** The enrolled user as guidance targets them. */
export interface SyncProfile {
  roles: string[];
  teams: string[];
  locale: SupportedLocale | null;
}

export interface SyncService {
  /** One sync run; `manual` (the user asked) waits for a running one and skips our own backoff. */
  tick(options?: { manual?: boolean }): Promise<void>;
  enroll(input: EnrollInput): Promise<EnrollOutcome>;
  /** Unenrols: drops the credential and everything learnt from the server; keeps address, email and local progress. */
  forget(): Promise<void>;
  status(): Promise<SyncStatus>;
  profile(): Promise<SyncProfile | null>;
  /** The organisation's validated packs from the cache (none when not enrolled). */
  orgPacks(): Promise<ContentPack[]>;
}

export function createSyncService(deps: SyncServiceDeps): SyncService {
  const { storage, now, random } = deps;
  const backoff = (key: string) => persistedBackoff(storage, key, now, random);
  /** Memoized validation of the cached packs: rebuilt from storage by a restarted worker. */
  const readOrgPacks = orgPacksReader(storage);
  const clientFor = (backendUrl: string, deviceToken?: string): ApiClient =>
    createApiClient({ baseUrl: backendUrl, deviceToken, fetch: deps.fetch, now, timeoutMs: deps.timeoutMs });

  async function settingsAndEnrollment(): Promise<{ settings: SyncSettings; enrollment: Enrollment | null }> {
    const [settings, enrollment] = await Promise.all([readSyncSettings(storage, deps.readManaged), readEnrollment(storage)]);
    return { settings, enrollment: activeEnrollment(enrollment, settings) };
  }

  /**
   * A request with no answer to an origin the user never granted is most likely the missing
   * permission — before this browser ever reached the server. Once enrolled, the server has
   * answered from here (its CORS lets the extension in), so no answer means it is unreachable.
   * A policy-set address is never a permission matter either.
   */
  async function describe(failure: ApiFailure, backendUrl: string): Promise<SyncProblem> {
    if (failure.kind === 'network') {
      const { settings, enrollment } = await settingsAndEnrollment();
      const pattern = backendOriginPattern(backendUrl);
      if (!settings.locked.backendUrl && enrollment === null && !(await deps.hasOriginPermission(pattern))) {
        return { kind: 'no_permission', origin: pattern };
      }
    }
    return problemFrom(failure, now());
  }

  async function recordProblem(problem: SyncProblem): Promise<void> {
    await writeSyncState(storage, { ...(await readSyncState(storage)), problem, problemAt: now() });
  }

  type Enrolled = { ok: true; enrollment: Enrollment } | { ok: false; failure: ApiFailure; problem: SyncProblem };

  async function enrollWith(backendUrl: string, enrollmentToken: string, email: string): Promise<Enrolled> {
    const result = await clientFor(backendUrl).enroll({ enrollmentToken, user: { email }, extensionVersion: deps.extensionVersion });
    if (!result.ok) {
      const problem = await describe(result.failure, backendUrl);
      await recordProblem(problem);
      return { ok: false, failure: result.failure, problem };
    }
    const enrollment: Enrollment = { ...result.value, backendUrl, enrolledAt: now(), revoked: false };
    await storage.remove([ENROLL_BACKOFF_KEY, OUTBOX_BACKOFF_KEY, RESTORE_BACKOFF_KEY, PACKS_BACKOFF_KEY]);
    await storage.set({ [ENROLLMENT_KEY]: enrollment });
    await writeSyncState(storage, { ...(await readSyncState(storage)), problem: null, problemAt: null });
    return { ok: true, enrollment };
  }

  /** Enrols with the policy's token when the policy names the backend and nothing valid is enrolled. */
  async function enrollByPolicy(settings: SyncSettings, manual: boolean): Promise<Enrollment | null> {
    if (!settings.locked.backendUrl || settings.backendUrl === null || settings.enrollmentToken === null) return null;
    if (settings.email === null) {
      await recordProblem({ kind: 'needs_email' });
      return null;
    }
    const attempts = backoff(ENROLL_BACKOFF_KEY);
    if (!(await attempts.due(manual))) return null;
    const enrolled = await enrollWith(settings.backendUrl, settings.enrollmentToken, settings.email);
    if (enrolled.ok) return enrolled.enrollment;
    await attempts.failed(retryAfterOf(enrolled.failure));
    return null;
  }

  async function run(manual: boolean): Promise<void> {
    const { settings, enrollment: current } = await settingsAndEnrollment();
    const enrollment = current === null || current.revoked ? await enrollByPolicy(settings, manual) : current;
    if (enrollment === null || enrollment.revoked) return;

    const client = clientFor(enrollment.backendUrl, enrollment.deviceToken);
    const userId = enrollment.user.id;
    const organisationId = enrollment.organisation.id;

    /** Each step says whether something went through and what failed; a refused credential stops the run. */
    const steps: Array<() => Promise<{ synced: boolean; failure: ApiFailure | null }>> = [
      async () => {
        const attempts = backoff(RESTORE_BACKOFF_KEY);
        if (!(await isRestorePending(storage, userId)) || !(await attempts.due(manual))) return { synced: false, failure: null };
        const restored = await restoreProgress({ client, store: await deps.progressStore(), storage, userId });
        if (restored.restored > 0) await deps.onProgressRestored();
        if (restored.ok) await attempts.succeeded();
        else await attempts.failed(retryAfterOf(restored.failure));
        return { synced: restored.ok, failure: restored.ok ? null : restored.failure };
      },
      async () => {
        const store = await deps.progressStore();
        const drained = await drainOutbox({ store, client, storage, locks: deps.locks, now, random }, { manual });
        return { synced: drained.status === 'drained', failure: drained.status === 'failed' ? drained.failure : null };
      },
      async () => {
        const attempts = backoff(PACKS_BACKOFF_KEY);
        const due = manual || (await isPacksRefreshDue(storage, organisationId, now()));
        if (!due || !(await attempts.due(manual))) return { synced: false, failure: null };
        const me = await client.me();
        if (me.ok) await updateEnrollment(enrollment, me.value);
        const packs = me.ok ? await refreshPacks({ client, storage, now, organisationId }) : me;
        if (!packs.ok) {
          await attempts.failed(retryAfterOf(packs.failure));
          return { synced: false, failure: packs.failure };
        }
        await attempts.succeeded();
        for (const error of packs.rejected) {
          console.error(`[Ombord] organisation pack rejected: ${error.pack}${error.itemId ? ` › ${error.itemId}` : ''} › ${error.path}: ${error.message}`);
        }
        return { synced: true, failure: null };
      },
    ];

    let synced = false;
    let failure: ApiFailure | null = null;
    for (const step of steps) {
      const outcome = await step();
      synced ||= outcome.synced;
      failure ??= outcome.failure;
      if (outcome.failure?.kind === 'auth') {
        await storage.set({ [ENROLLMENT_KEY]: { ...((await readEnrollment(storage)) ?? enrollment), revoked: true } });
        break;
      }
    }
    if (failure === null && !synced) return;
    const state = await readSyncState(storage);
    await writeSyncState(storage, {
      lastSyncAt: synced ? now() : state.lastSyncAt,
      problem: failure === null ? null : await describe(failure, enrollment.backendUrl),
      problemAt: failure === null ? null : now(),
    });
  }

  /** Roles and teams change on the server; the credential and enrolment stay. */
  async function updateEnrollment(enrollment: Enrollment, me: Pick<EnrollResponse, 'organisation' | 'user'>): Promise<void> {
    const latest = (await readEnrollment(storage)) ?? enrollment;
    if (latest.deviceId !== enrollment.deviceId) return;
    await storage.set({ [ENROLLMENT_KEY]: { ...latest, organisation: me.organisation, user: me.user } });
  }

  return {
    async tick(options = {}) {
      const manual = options.manual ?? false;
      if (manual) await withLock(deps.locks, SYNC_LOCK, () => run(true));
      else await tryWithLock(deps.locks, SYNC_LOCK, () => run(false));
    },

    async enroll(input) {
      const { settings } = await settingsAndEnrollment();
      const url = settings.locked.backendUrl && settings.backendUrl !== null ? { ok: true as const, url: settings.backendUrl } : normalizeBackendUrl(input.backendUrl);
      const enrollmentToken = settings.locked.enrollmentToken && settings.enrollmentToken !== null ? settings.enrollmentToken : input.enrollmentToken.trim();
      const email = settings.locked.email && settings.email !== null ? settings.email : input.email.trim();
      const invalid: EnrollInvalid[] = [];
      if (!url.ok) invalid.push(url.reason === 'insecure' ? 'backendUrlInsecure' : 'backendUrl');
      if (!isEnrollmentToken(enrollmentToken)) invalid.push('enrollmentToken');
      if (!isEmail(email)) invalid.push('email');
      if (!url.ok || invalid.length > 0) return { ok: false, invalid };
      await saveSyncSettings(storage, { backendUrl: url.url, email });
      const enrolled = await withLock(deps.locks, SYNC_LOCK, () => enrollWith(url.url, enrollmentToken, email));
      return enrolled.ok ? { ok: true, enrolledAs: enrolledAs(enrolled.enrollment) } : { ok: false, problem: enrolled.problem };
    },

    async forget() {
      await withLock(deps.locks, SYNC_LOCK, () =>
        storage.remove([
          ENROLLMENT_KEY,
          SYNC_STATE_KEY,
          PACKS_CACHE_KEY,
          RESTORE_KEY,
          DEAD_LETTERS_KEY,
          ENROLL_BACKOFF_KEY,
          OUTBOX_BACKOFF_KEY,
          RESTORE_BACKOFF_KEY,
          PACKS_BACKOFF_KEY,
        ]),
      );
    },

    async status() {
      const { settings, enrollment } = await settingsAndEnrollment();
      const [state, deadLetters, queued, outboxBackoff] = await Promise.all([
        readSyncState(storage),
        readDeadLetters(storage),
        deps.progressStore().then((store) => store.outboxSize()),
        backoff(OUTBOX_BACKOFF_KEY).read(),
      ]);
      return {
        settings,
        enrolledAs: enrollment === null ? null : enrolledAs(enrollment),
        revoked: enrollment?.revoked ?? false,
        lastSyncAt: state.lastSyncAt,
        queued,
        deadLetters,
        problem: state.problem,
        problemAt: state.problemAt,
        nextAttemptAt: outboxBackoff !== null && outboxBackoff.nextAttemptAt > now() ? outboxBackoff.nextAttemptAt : null,
        restoring: enrollment !== null && (await isRestorePending(storage, enrollment.user.id)),
      };
    },

    async profile() {
      const { enrollment } = await settingsAndEnrollment();
      if (enrollment === null) return null;
      const { roles, teams, locale } = enrollment.user;
      return { roles, teams, locale };
    },

    async orgPacks() {
      const { enrollment } = await settingsAndEnrollment();
      if (enrollment === null) return [];
      return (await readOrgPacks(enrollment.organisation.id))?.packs ?? [];
    },
  };
}

function enrolledAs(enrollment: Enrollment): EnrolledAs {
  return { email: enrollment.user.email, organisation: enrollment.organisation.name };
}

function retryAfterOf(failure: ApiFailure): number | null {
  return failure.kind === 'unavailable' ? failure.retryAfterMs : null;
}
