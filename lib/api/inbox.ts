/**
 * The staff inbox's contract: what the inbox page (`server/inbox/`, React) and the backend's
 * `/inbox/api/*` routes exchange. Staff sign in with email and password and then carry an
 * httpOnly session cookie; every state-changing request also carries the session's CSRF token in
 * the `X-CSRF-Token` header. Nothing here is reachable with a device token, and a device
 * endpoint never takes a staff cookie.
 *
 * Endpoints (JSON unless said otherwise):
 * - `POST /inbox/api/login` — `StaffLoginRequest` → `StaffSessionInfo` (sets the cookie; 401 on a
 *   wrong email or password, 429 with `Retry-After` after too many attempts)
 * - `POST /inbox/api/logout` — 204 (clears the cookie)
 * - `GET  /inbox/api/session` — `StaffSessionInfo`, or 401 when not signed in
 * - `GET  /inbox/api/requests?…` — `InboxListQuery` → `InboxList`
 * - `GET  /inbox/api/requests/:id` — `InboxRequestDetail`
 * - `GET  /inbox/api/requests/:id/screenshot` — the image bytes (`image/png` or `image/jpeg`)
 * - `POST /inbox/api/requests/:id/replies` — `InboxReplyRequest` → `InboxRequestDetail` (201)
 * - `POST /inbox/api/requests/:id/status` — `InboxStatusRequest` → `InboxRequestDetail`
 * - `POST /inbox/api/requests/:id/assignee` — `InboxAssignRequest` → `InboxRequestDetail`
 * - `GET  /inbox/api/staff` — `StaffDirectory` (who a request can be assigned to)
 * Errors are `ApiError` (`./errors`), as on `/v1`.
 */
import { z } from 'zod';
import { CrmContextSchema } from '../crm/context-schema';
import {
  SUPPORT_KINDS,
  SUPPORT_REPLY_MAX,
  SupportContextSchema,
  SupportReplySchema,
  SupportStatusSchema,
  supportText,
} from './support';

export const STAFF_ROLES = ['admin', 'support', 'champion'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const StaffRoleSchema = z.enum(STAFF_ROLES);

/** The header a state-changing inbox request carries its CSRF token in. */
export const CSRF_HEADER = 'X-CSRF-Token';
export const STAFF_PASSWORD_MIN = 12;
export const STAFF_PASSWORD_MAX = 1024;
/** Most requests one list page holds. */
export const INBOX_PAGE_MAX = 100;

const Instant = z.iso.datetime({ precision: 3 });

export const StaffLoginRequestSchema = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email().max(320)),
  password: z.string().min(1).max(STAFF_PASSWORD_MAX),
});
export type StaffLoginRequest = z.infer<typeof StaffLoginRequestSchema>;

export const StaffMemberSchema = z.strictObject({
  /** The staff member's user id in the organisation. */
  id: z.string().min(1).max(128),
  email: z.string().max(320),
  displayName: z.string().max(320),
  role: StaffRoleSchema,
  /** The teams a champion answers for (empty for admin and support). */
  teams: z.array(z.string().max(100)).max(100),
});
export type StaffMember = z.infer<typeof StaffMemberSchema>;

export const StaffSessionInfoSchema = z.strictObject({
  staff: StaffMemberSchema,
  organisation: z.strictObject({ id: z.string().max(128), name: z.string().max(200) }),
  /** Send back in `X-CSRF-Token` on every POST. */
  csrfToken: z.string().min(32).max(200),
});
export type StaffSessionInfo = z.infer<typeof StaffSessionInfoSchema>;

/**
 * Whose queue a request is in. A request from a member of a team with champions goes to the
 * champions first (`champions`) and to the central CRM team (`central`) when it is still
 * unanswered after the organisation's champion window; everything else goes to `central` at once.
 */
export const INBOX_QUEUES = ['central', 'champions'] as const;
export type InboxQueue = (typeof INBOX_QUEUES)[number];

/** List ages: requests created within the last day, week or month, or older than a week. */
export const INBOX_AGES = ['1d', '7d', '30d', 'older_than_7d'] as const;
export type InboxAge = (typeof INBOX_AGES)[number];

/**
 * `GET /inbox/api/requests` query. Every filter is optional; `q` searches the description, the
 * replies and the requester's name and email (case-insensitive substring). Champions only ever
 * see their teams' requests, whatever the filters say.
 */
export const InboxListQuerySchema = z.strictObject({
  status: SupportStatusSchema.optional(),
  /** `open`: every status but closed. */
  open: z.enum(['true', 'false']).optional(),
  queue: z.enum(INBOX_QUEUES).optional(),
  team: z.string().min(1).max(100).optional(),
  crm: CrmContextSchema.shape.crm.optional(),
  pageType: CrmContextSchema.shape.pageType.optional(),
  age: z.enum(INBOX_AGES).optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), z.string().min(1).max(128)]).optional(),
  q: z.string().min(1).max(200).optional(),
  /** Opaque; from the previous page's `nextCursor`. */
  cursor: z.string().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(INBOX_PAGE_MAX).optional(),
});
export type InboxListQuery = z.infer<typeof InboxListQuerySchema>;

export const InboxRequesterSchema = z.strictObject({
  id: z.string().max(128),
  email: z.string().max(320),
  displayName: z.string().max(320),
  teams: z.array(z.string().max(100)).max(100),
});

export const InboxRoutingSchema = z.strictObject({
  queue: z.enum(INBOX_QUEUES),
  /** The requester's team whose champions get it first; null when it went to the central team at once. */
  team: z.string().max(100).nullable(),
  /** When it moves (or moved) to the central team if still unanswered; null for `central` from the start. */
  escalatesAt: Instant.nullable(),
});

export const InboxRequestSummarySchema = z.strictObject({
  id: z.uuidv4(),
  kind: z.enum(SUPPORT_KINDS),
  /** The first line of the description, at most 200 characters. */
  title: z.string().max(200),
  status: SupportStatusSchema,
  requester: InboxRequesterSchema,
  assignee: z.strictObject({ id: z.string().max(128), displayName: z.string().max(320) }).nullable(),
  crm: CrmContextSchema.shape.crm,
  pageType: CrmContextSchema.shape.pageType,
  object: CrmContextSchema.shape.object,
  routing: InboxRoutingSchema,
  hasScreenshot: z.boolean(),
  replyCount: z.int().min(0),
  createdAt: Instant,
  updatedAt: Instant,
});
export type InboxRequestSummary = z.infer<typeof InboxRequestSummarySchema>;

export const InboxListSchema = z.strictObject({
  requests: z.array(InboxRequestSummarySchema).max(INBOX_PAGE_MAX),
  /**
   * Null on the last page. A page may hold fewer than `limit` requests (even none) and still have
   * a cursor: with `q`, `team`, `crm` or `pageType` the server looks at a bounded number of
   * requests per call.
   */
  nextCursor: z.string().max(500).nullable(),
  /** Teams that appear in the organisation, for the team filter: on the first page (no `cursor`) only, empty on later pages. */
  teams: z.array(z.string().max(100)).max(1000),
});
export type InboxList = z.infer<typeof InboxListSchema>;

export const InboxAuditEntrySchema = z.strictObject({
  at: Instant,
  actor: z.strictObject({ displayName: z.string().max(320), role: z.enum(['support', 'champion', 'admin', 'user']) }),
  action: z.enum(['created', 'status', 'assignment', 'reply', 'escalated']),
  from: z.string().max(200).nullable(),
  to: z.string().max(200).nullable(),
});

export const InboxRequestDetailSchema = z.strictObject({
  ...InboxRequestSummarySchema.shape,
  description: z.string().max(5000),
  context: SupportContextSchema,
  /** Links back into the CRM, built from the context (null when the context names no such place). */
  links: z.strictObject({ page: z.url().nullable(), record: z.url().nullable() }),
  /** Oldest first. */
  replies: z.array(SupportReplySchema),
  /** Oldest first. */
  audit: z.array(InboxAuditEntrySchema),
  /** Statuses this request may move to now. */
  nextStatuses: z.array(SupportStatusSchema),
});
export type InboxRequestDetail = z.infer<typeof InboxRequestDetailSchema>;

export const InboxReplyRequestSchema = z.strictObject({ body: supportText(1, SUPPORT_REPLY_MAX) });
export type InboxReplyRequest = z.infer<typeof InboxReplyRequestSchema>;

export const InboxStatusRequestSchema = z.strictObject({ status: SupportStatusSchema });
export type InboxStatusRequest = z.infer<typeof InboxStatusRequestSchema>;

export const InboxAssignRequestSchema = z.strictObject({ assigneeId: z.string().min(1).max(128).nullable() });
export type InboxAssignRequest = z.infer<typeof InboxAssignRequestSchema>;

export const StaffDirectorySchema = z.strictObject({ staff: z.array(StaffMemberSchema).max(1000) });
export type StaffDirectory = z.infer<typeof StaffDirectorySchema>;
