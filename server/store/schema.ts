/**
 * The database tables as Kysely sees them. Portable column types only (text, integer), so one
 * migration set serves SQLite and PostgreSQL: ids are UUID text, times are ISO 8601 UTC text
 * with milliseconds (they sort like the instants they name), JSON is text.
 */
import type { Generated } from 'kysely';

export interface Database {
  organisations: OrganisationsTable;
  enrollment_tokens: EnrollmentTokensTable;
  users: UsersTable;
  devices: DevicesTable;
  packs: PacksTable;
  pack_versions: PackVersionsTable;
  progress_events: ProgressEventsTable;
  rate_limits: RateLimitsTable;
  support_requests: SupportRequestsTable;
  support_replies: SupportRepliesTable;
  support_audit: SupportAuditTable;
  staff_accounts: StaffAccountsTable;
  staff_sessions: StaffSessionsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export interface OrganisationsTable {
  id: string;
  name: string;
  created_at: string;
  /** How long a request stays with the requester team's champions before it goes to the central team. */
  champion_window_minutes: Generated<number>;
}

export interface EnrollmentTokensTable {
  id: string;
  organisation_id: string;
  /** SHA-256 of the secret, base64url. */
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  uses: number;
}

export interface UsersTable {
  id: string;
  organisation_id: string;
  /** Lower-cased; unique per organisation. */
  email: string;
  display_name: string | null;
  /** JSON array of strings. */
  roles: string;
  /** JSON array of strings. */
  teams: string;
  locale: string | null;
  created_at: string;
  updated_at: string;
}

export interface DevicesTable {
  id: string;
  organisation_id: string;
  user_id: string;
  /** SHA-256 of the device token, base64url. */
  token_hash: string;
  label: string | null;
  extension_version: string;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

/** One row per pack id: which version is served. */
export interface PacksTable {
  organisation_id: string;
  pack_id: string;
  latest_version: number;
  /** Null when unpublished. */
  published_version: number | null;
  updated_at: string;
}

export interface PackVersionsTable {
  organisation_id: string;
  pack_id: string;
  version: number;
  /** The validated pack, JSON. */
  content: string;
  published_at: string;
}

export interface ProgressEventsTable {
  organisation_id: string;
  /** The event's own id, its idempotency key; unique per organisation. */
  id: string;
  user_id: string;
  device_id: string;
  type: string;
  pack_id: string;
  at: string;
  /** Server time of ingest: the order `GET /v1/progress` pages in. */
  received_at: string;
  /** The validated event, JSON. */
  payload: string;
}

/** Fixed-window request counters, kept in the database so every instance shares them. */
export interface RateLimitsTable {
  bucket: string;
  /** Start of the window, seconds since the epoch (64-bit: `bigint` column). */
  window_start: number;
  hits: number;
}

/** A user's support request; `id` is the client's idempotency key, unique per organisation. */
export interface SupportRequestsTable {
  organisation_id: string;
  id: string;
  user_id: string;
  kind: string;
  description: string;
  /** The validated `SupportContext`, JSON. */
  context: string;
  /** The screenshot's bytes (checked to be PNG or JPEG); `bytea`, a BLOB on SQLite. */
  screenshot: Buffer | null;
  screenshot_media_type: string | null;
  status: string;
  /** A user of the organisation (support staff), or null. */
  assignee_user_id: string | null;
  created_at: string;
  updated_at: string;
  /** The requester's team whose champions got the request first; null when it went to the central team at once. */
  routed_team: Generated<string | null>;
  /** When an unanswered request moves from the champions to the central team; null once staff picked it up (or never routed). */
  escalates_at: Generated<string | null>;
}

export interface SupportRepliesTable {
  organisation_id: string;
  request_id: string;
  id: string;
  /** 1, 2, … per request: the order replies were written in. */
  seq: number;
  /** Null for an author who is not a user of the organisation (vendor support). */
  author_user_id: string | null;
  author_display_name: string;
  author_role: string;
  body: string;
  at: string;
}

/** Who changed what on a support request, and when. */
export interface SupportAuditTable {
  organisation_id: string;
  request_id: string;
  /** 1, 2, … per request: the order of the trail; with the request, the primary key. */
  seq: number;
  at: string;
  actor_user_id: string | null;
  actor_display_name: string;
  actor_role: string;
  /** `created`, `status`, `assignment` or `reply`. */
  action: string;
  from_value: string | null;
  to_value: string | null;
}

/** A user of the organisation who may sign in to the inbox. */
export interface StaffAccountsTable {
  user_id: string;
  organisation_id: string;
  /** Lower-cased; unique across all organisations, so a sign-in by email finds one account. */
  email: string;
  /** `admin`, `support` or `champion`. */
  role: string;
  /** The name staff are shown by, set only by the operator (`staff create --name`); never by an enrolment. */
  display_name: string | null;
  /** Argon2id, PHC string format. */
  password_hash: string;
  created_at: string;
  password_changed_at: string;
  disabled_at: string | null;
}

/** A signed-in browser. The cookie holds the token; `id` is its SHA-256 (base64url). */
export interface StaffSessionsTable {
  id: string;
  user_id: string;
  organisation_id: string;
  csrf_token: string;
  created_at: string;
  /** Absolute end: created + 12 hours. */
  expires_at: string;
  /** The idle timeout (2 hours) runs from here. */
  last_seen_at: string;
}

/** Where an organisation's support events are posted (`server/webhooks`). */
export interface WebhooksTable {
  organisation_id: string;
  id: string;
  /** `https:`, or `http:` to a loopback address (`server/webhooks/url.ts`). */
  url: string;
  /** `slack`, `teams` or `json`. */
  format: string;
  /** The HMAC-SHA256 key, kept as is: deliveries must be signed with it. */
  secret: string;
  /** JSON array of the event types it gets. */
  events: string;
  created_at: string;
  /** Set when the receiver answered 410 Gone; nothing more is delivered. */
  disabled_at: string | null;
}

/** One event for one webhook: enqueued with the change it reports, sent by the dispatcher. */
export interface WebhookDeliveriesTable {
  organisation_id: string;
  id: string;
  webhook_id: string;
  event_type: string;
  /** The validated `WebhookEvent`, JSON (not the formatted body: the format is the webhook's). */
  payload: string;
  /** Attempts started; each claim adds one, and a settlement must name it (a lost lease cannot settle). */
  attempts: number;
  /** When it is due; null once delivered or failed, so the due index holds only pending ones. */
  next_attempt_at: string | null;
  /** A dispatcher holds it until then; after that another may take it. */
  lease_until: string | null;
  /** The receiver's last HTTP status; null when there was no answer. */
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  failed_at: string | null;
  created_at: string;
}
