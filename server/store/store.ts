/**
 * The backend's one storage interface: organisations, enrollment tokens, users, devices,
 * published content packs (every version kept), progress events, support requests (with their
 * replies and audit trail), staff accounts and their inbox sessions, webhooks (with their
 * deliveries) and rate-limit counters.
 * `openStore` implements it once with Kysely over SQLite or PostgreSQL.
 *
 * Device-facing methods take the caller's scope (organisation, user) and never read or write
 * outside it. Methods that take a bare token or device id (`revokeEnrollmentToken`,
 * `revokeDevice`) are operator commands for the admin CLI, which runs with database access.
 */
import type {
  EnrollRequest,
  InboxListQuery,
  InboxRequestDetail,
  InboxRequestSummary,
  MySupportRequest,
  ProgressAck,
  ProgressEvent,
  StaffRole,
  SupportAuthorRole,
  SupportContext,
  SupportKind,
  SupportReply,
  SupportRequest,
  SupportStatus,
} from '../../lib/api';
import type { ContentPack, Locale } from '../../lib/guides/pack';
import type { WebhookEventType } from '../webhooks/events';
import type { WebhookFormat } from '../webhooks/format';

export type StoreDialect = 'sqlite' | 'postgres';

export interface Organisation {
  id: string;
  name: string;
  createdAt: string;
}

export interface EnrollmentToken {
  id: string;
  organisationId: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  uses: number;
}

export interface User {
  id: string;
  organisationId: string;
  email: string;
  displayName: string | null;
  roles: string[];
  teams: string[];
  locale: Locale | null;
}

export interface Device {
  id: string;
  organisationId: string;
  userId: string;
  userEmail: string;
  label: string | null;
  extensionVersion: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

/** Who is calling: the result of authenticating a device token. */
export interface DeviceSession {
  deviceId: string;
  organisation: Pick<Organisation, 'id' | 'name'>;
  user: User;
}

export type EnrollResult =
  | { ok: true; deviceId: string; deviceToken: string; organisation: Pick<Organisation, 'id' | 'name'>; user: User }
  | { ok: false; reason: 'unknown_token' | 'revoked' }
  | { ok: false; reason: 'expired'; expiredAt: string };

export type AuthenticateResult =
  | { ok: true; session: DeviceSession }
  | { ok: false; reason: 'unknown_token' | 'revoked' };

/** Fields `setUser` changes; absent fields keep their value (or their default on a new user). */
export interface UserPatch {
  displayName?: string | null;
  roles?: string[];
  teams?: string[];
  locale?: Locale | null;
}

/** Most packs an organisation may have published at once (`PacksResponseSchema` allows 200). */
export const PUBLISHED_PACKS_MAX = 200;
/** Pack versions are stored as 32-bit integers on both dialects. */
export const PACK_VERSION_MAX = 2_147_483_647;

export type PublishResult =
  | { ok: true; packId: string; version: number }
  | { ok: false; reason: 'not_newer'; latestVersion: number }
  | { ok: false; reason: 'version_too_large' | 'too_many_packs' };

export interface PackSummary {
  packId: string;
  /** Highest version ever published. */
  latestVersion: number;
  /** The version devices get, or null when unpublished. */
  publishedVersion: number | null;
  versions: number;
  updatedAt: string;
}

export interface PublishedPackVersion {
  packId: string;
  version: number;
}

/** Whose progress: every progress query is limited to one user of one organisation. */
export interface ProgressScope {
  organisationId: string;
  userId: string;
}

/** A position in a user's progress, in the order the server received the events. */
export interface ProgressCursor {
  receivedAt: string;
  id: string;
}

export interface ProgressPageResult {
  events: ProgressEvent[];
  next: ProgressCursor | null;
}

/** Whose support requests: a user of one organisation. */
export type SupportScope = ProgressScope;

/** A support request as the intake stores it: the screenshot already decoded and checked. */
export interface NewSupportRequest extends Omit<SupportRequest, 'screenshot'> {
  screenshot: { mediaType: 'image/png' | 'image/jpeg'; bytes: Uint8Array } | null;
}

/**
 * Who acts on a support request. `userId` is null for staff who are not users of the
 * organisation (vendor support). A `user` actor may only act on their own requests.
 */
export interface SupportActor {
  userId: string | null;
  displayName: string;
  role: SupportAuthorRole;
}

export type CreateSupportResult =
  | { ok: true; created: boolean; id: string; status: SupportStatus }
  | { ok: false; reason: 'id_taken' };

/** A request as the staff side sees it (without the screenshot's bytes). */
export interface SupportRequestRecord {
  organisationId: string;
  id: string;
  userId: string;
  kind: SupportKind;
  description: string;
  status: SupportStatus;
  assigneeUserId: string | null;
  screenshotMediaType: 'image/png' | 'image/jpeg' | null;
  createdAt: string;
  updatedAt: string;
}

export type SupportChangeResult =
  | { ok: true; request: SupportRequestRecord; changed: boolean }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid_transition'; from: SupportStatus; to: SupportStatus }
  | { ok: false; reason: 'unknown_assignee' };

export type SupportReplyResult =
  | { ok: true; request: SupportRequestRecord; replyId: string }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'closed' };

export type SupportAuditAction = 'created' | 'status' | 'assignment' | 'reply';

export interface SupportAuditEntry {
  at: string;
  actor: SupportActor;
  action: SupportAuditAction;
  from: string | null;
  to: string | null;
}

/**
 * A staff member: a user of the organisation who signs in to the inbox (`lib/api/inbox.ts`)
 * with email and password. A champion answers for the user's `teams`.
 */
export interface StaffAccount {
  userId: string;
  organisationId: string;
  /** Lower-cased; unique across every organisation, so signing in by email is unambiguous. */
  email: string;
  /** The staff account's own name, set by the operator; never the one a device enrolled with. */
  displayName: string | null;
  role: StaffRole;
  teams: string[];
  createdAt: string;
  passwordChangedAt: string;
  disabledAt: string | null;
}

/** `setStaffAccount`: the user is created or its teams updated; the name is the staff account's. */
export interface StaffAccountInput {
  email: string;
  role: StaffRole;
  displayName?: string | null;
  teams?: string[];
  /** An Argon2id hash from `server/store/passwords.ts`, never the password itself. */
  passwordHash: string;
}

/** A signed-in staff member, found by the session cookie's token. */
export interface StaffSession {
  staff: StaffAccount;
  organisation: Pick<Organisation, 'id' | 'name'>;
  /** The session's CSRF token: every state-changing request must echo it. */
  csrfToken: string;
}

/**
 * Who reads the inbox. Admins and support see every request of their organisation; champions
 * only those routed to one of their teams.
 */
export interface InboxViewer {
  organisationId: string;
  userId: string;
  role: StaffRole;
  teams: readonly string[];
}

/** The list filters of `GET /inbox/api/requests`, without the paging. */
export type InboxFilters = Omit<InboxListQuery, 'cursor' | 'limit'>;

/** A position in the inbox list, newest first: (created_at desc, id desc). */
export interface InboxCursor {
  createdAt: string;
  id: string;
}

export interface InboxPageResult {
  requests: InboxRequestSummary[];
  /** Null when nothing is left. A page may hold fewer than `limit` requests and still go on (see `listInboxRequests`). */
  next: InboxCursor | null;
}

/** One request as staff read it; the route adds the CRM links and the next statuses. */
export interface InboxRequestRecord {
  summary: InboxRequestSummary;
  description: string;
  context: SupportContext;
  replies: SupportReply[];
  audit: InboxRequestDetail['audit'];
}

/** Where an organisation's support events are posted; the secret is never read back. */
export interface Webhook {
  id: string;
  organisationId: string;
  url: string;
  format: WebhookFormat;
  events: WebhookEventType[];
  createdAt: string;
  /** Set when the receiver answered 410 Gone. */
  disabledAt: string | null;
}

export interface NewWebhook {
  url: string;
  format: WebhookFormat;
  events: readonly WebhookEventType[];
}

/** The signing secret is returned once, like an enrollment token's. */
export type AddWebhookResult = { ok: true; webhook: Webhook; secret: string } | { ok: false; error: string };

export interface WebhookDelivery {
  id: string;
  organisationId: string;
  webhookId: string;
  eventType: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** When a pending delivery is next due; null once delivered or failed. */
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  createdAt: string;
}

/**
 * A delivery a dispatcher holds a lease on, with what it needs to send it. Values are as stored;
 * the dispatcher checks them before sending. `attempt` (1, 2, …) names this attempt: a
 * settlement must give it back, so a dispatcher whose lease ran out cannot settle.
 */
export interface ClaimedWebhookDelivery {
  id: string;
  organisationId: string;
  eventType: string;
  payload: string;
  attempt: number;
  webhook: { id: string; url: string; format: string; secret: string };
}

/** How an attempt ended; `gone` (410) also disables the webhook and fails its pending deliveries. */
export type WebhookDeliveryOutcome =
  | { result: 'delivered'; status: number }
  | { result: 'retry'; status: number | null; error: string; nextAttemptAt: Date }
  | { result: 'failed'; status: number | null; error: string }
  | { result: 'gone'; status: number; error: string };

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A unique key (organisation name, …) is already taken. */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
}

export interface Store {
  /** Applies pending migrations; returns the names applied (none on an up-to-date database). */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createOrganisation(name: string): Promise<Organisation>;
  listOrganisations(): Promise<Organisation[]>;
  /** By id or by exact name. */
  findOrganisation(idOrName: string): Promise<Organisation | null>;

  /** The secret is returned once; only its SHA-256 hash is stored. */
  issueEnrollmentToken(organisationId: string, options: { expiresAt: Date | null }): Promise<{ token: EnrollmentToken; secret: string }>;
  listEnrollmentTokens(organisationId: string): Promise<EnrollmentToken[]>;
  revokeEnrollmentToken(tokenId: string): Promise<EnrollmentToken | null>;

  /** Redeems an enrollment token: creates or finds the user by email, creates a device. */
  enroll(request: EnrollRequest): Promise<EnrollResult>;
  authenticateDevice(deviceToken: string): Promise<AuthenticateResult>;
  listDevices(organisationId: string): Promise<Device[]>;
  revokeDevice(deviceId: string): Promise<Device | null>;

  /** Creates the user (by email, case-insensitive) or updates the given fields. */
  setUser(organisationId: string, email: string, patch: UserPatch): Promise<User>;

  /** Keeps every version; refuses a version not greater than the highest one published. */
  publishPack(organisationId: string, pack: ContentPack): Promise<PublishResult>;
  /** Stops serving the pack; its versions stay. False when it was not published. */
  unpublishPack(organisationId: string, packId: string): Promise<boolean>;
  listPacks(organisationId: string): Promise<PackSummary[]>;
  /** What `GET /v1/packs` serves, ordered by pack id: cheap enough to compute an ETag from. */
  publishedPackVersions(organisationId: string): Promise<PublishedPackVersion[]>;
  publishedPacks(organisationId: string): Promise<ContentPack[]>;

  /**
   * Stores each event once, keyed by (organisation, event id). An id the caller stored before is
   * a duplicate; an id another user of the organisation stored is rejected, without revealing
   * anything about that event. Ids are scoped per organisation, so other organisations' ids
   * never collide.
   */
  recordProgress(scope: ProgressScope & { deviceId: string }, events: readonly ProgressEvent[]): Promise<ProgressAck>;
  listProgress(scope: ProgressScope, page: { after: ProgressCursor | null; limit: number }): Promise<ProgressPageResult>;

  /**
   * Stores a support request once, keyed by (organisation, id): the same user sending the same
   * id again gets the stored request back (`created: false`); an id another user of the
   * organisation used is refused without revealing anything of that request.
   */
  createSupportRequest(scope: SupportScope, request: NewSupportRequest): Promise<CreateSupportResult>;
  /** The user's own requests with their replies (oldest first), newest request first. */
  listMySupportRequests(scope: SupportScope): Promise<MySupportRequest[]>;
  /**
   * Moves a request along `SUPPORT_TRANSITIONS` (`lib/api/support.ts`); the current status again
   * is a no-op (`changed: false`). A `user` actor reaches only their own requests.
   */
  setSupportStatus(organisationId: string, requestId: string, status: SupportStatus, actor: SupportActor): Promise<SupportChangeResult>;
  /** Assigns to a user of the organisation, or unassigns with null. */
  assignSupportRequest(organisationId: string, requestId: string, assigneeUserId: string | null, actor: SupportActor): Promise<SupportChangeResult>;
  /**
   * A staff reply moves the request to `answered`; a user reply (own requests only) moves
   * `waiting_for_user` and `answered` to `in_progress`. Closed requests take no replies.
   */
  addSupportReply(organisationId: string, requestId: string, author: SupportActor, body: string): Promise<SupportReplyResult>;
  /** The audit trail of one request, oldest first. */
  listSupportAudit(organisationId: string, requestId: string): Promise<SupportAuditEntry[]>;

  /**
   * Creates the staff account of the user with this email in the organisation (creating or
   * updating the user too), or updates its role and password and enables it again. Throws
   * `StoreConflictError` when the email is a staff account of another organisation.
   */
  setStaffAccount(organisationId: string, input: StaffAccountInput): Promise<{ account: StaffAccount; created: boolean }>;
  /** Every staff account of the organisation, disabled ones too, by email. */
  listStaffAccounts(organisationId: string): Promise<StaffAccount[]>;
  findStaffAccount(organisationId: string, userId: string): Promise<StaffAccount | null>;
  /** The account with this email (any organisation, disabled too) and its password hash, to check a sign-in. */
  findStaffLogin(email: string): Promise<{ account: StaffAccount; passwordHash: string } | null>;
  /** Replaces the password hash and ends the account's sessions; null for an unknown email. */
  setStaffPassword(email: string, passwordHash: string): Promise<StaffAccount | null>;
  /** Disables the account and ends its sessions at once; null for an unknown email. */
  disableStaffAccount(email: string): Promise<StaffAccount | null>;
  /** A new session; the token (for the cookie) is returned once, only its SHA-256 is stored. */
  createStaffSession(userId: string): Promise<{ token: string; session: StaffSession }>;
  /**
   * The session of a cookie's token, or null when it is unknown, past its absolute or idle
   * timeout, or its account is disabled. Refreshes the idle timeout.
   */
  authenticateStaffSession(token: string): Promise<StaffSession | null>;
  endStaffSession(token: string): Promise<void>;
  /** How long champions have a request before it goes to the central team; false for an unknown organisation. */
  setChampionWindow(organisationId: string, minutes: number): Promise<boolean>;

  /**
   * The viewer's requests, newest first, filtered. Filters the database cannot apply the same
   * way on SQLite and PostgreSQL (`q`, `team`, `crm`, `pageType`) are applied here to a bounded
   * number of rows per call, so a page may come back short with a `next` cursor to go on from.
   */
  listInboxRequests(viewer: InboxViewer, filters: InboxFilters, page: { after: InboxCursor | null; limit: number }): Promise<InboxPageResult>;
  /** The distinct teams of the organisation's users, sorted. */
  listOrganisationTeams(organisationId: string): Promise<string[]>;
  /**
   * The team a request is routed to (null: the central team), or null when the request does not
   * exist or the viewer may not see it. One small query: what a change checks before it is made.
   */
  findInboxRequestRouting(viewer: InboxViewer, requestId: string): Promise<{ team: string | null } | null>;
  /** Null when the request does not exist or the viewer may not see it. */
  getInboxRequest(viewer: InboxViewer, requestId: string): Promise<InboxRequestRecord | null>;
  getSupportScreenshot(viewer: InboxViewer, requestId: string): Promise<{ mediaType: 'image/png' | 'image/jpeg'; bytes: Uint8Array<ArrayBuffer> } | null>;

  /** Validates the URL (`server/webhooks/url.ts`) and generates the signing secret. */
  addWebhook(organisationId: string, webhook: NewWebhook): Promise<AddWebhookResult>;
  listWebhooks(organisationId: string): Promise<Webhook[]>;
  /** Operator command: deletes the webhook and its deliveries; null when there is no such webhook. */
  removeWebhook(webhookId: string): Promise<{ webhook: Webhook; deliveries: number } | null>;
  /** Newest first. */
  listWebhookDeliveries(organisationId: string, options: { failedOnly: boolean; limit: number }): Promise<WebhookDelivery[]>;
  /**
   * Takes up to `limit` due deliveries of active webhooks, of every organisation, whose lease is
   * free or ran out, and leases them until `now + leaseMs`: one atomic update, so two
   * dispatchers (also in two processes) never hold the same delivery at once.
   */
  claimWebhookDeliveries(options: { now: Date; leaseMs: number; limit: number }): Promise<ClaimedWebhookDelivery[]>;
  /** Records an attempt's outcome and frees the lease; false when the claim was lost (lease taken over, webhook removed). */
  settleWebhookDelivery(claim: { id: string; attempt: number }, outcome: WebhookDeliveryOutcome, now: Date): Promise<boolean>;

  /** Counts one hit in the current fixed window of `bucket`; shared by every backend instance. */
  hitRateLimit(bucket: string, limit: { max: number; windowSeconds: number }): Promise<RateLimitResult>;
  /** Whether `bucket` is over its limit in the current window, without counting a hit. */
  peekRateLimit(bucket: string, limit: { max: number; windowSeconds: number }): Promise<RateLimitResult>;
}
