/**
 * The wire contract for one-click support requests: what the extension sends when a user asks a
 * question, reports a problem or suggests an idea, and what it reads back (status, replies).
 * The attached context is labels and page types only: the CRM URL is the redacted one, and
 * breadcrumbs never carry field values.
 */
import { z } from 'zod';
import { CrmContextSchema } from '../crm/context-schema';
import { SUPPORT_DESCRIPTION_MAX, SUPPORT_KINDS, SUPPORT_REPLY_MAX, SUPPORT_SCREENSHOT_BASE64_MAX, SUPPORT_TRAIL_MAX } from './support-limits';

export * from './support-limits';

/** Most requests `GET /v1/support` returns (the newest). */
export const MY_SUPPORT_REQUESTS_MAX = 200;
/** Most replies one request may have. */
export const SUPPORT_REPLIES_MAX = 500;

const Instant = z.iso.datetime({ precision: 3 });
const Label = z.string().max(500);

/**
 * Free text a person wrote, stored and shown verbatim as data. NUL characters and lone
 * surrogates are refused: PostgreSQL text cannot hold the first, UTF-8 cannot hold the second.
 */
export const supportText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((text) => !text.includes('\u0000') && isWellFormed(text), 'Must be Unicode text without NUL characters or lone surrogates');

function isWellFormed(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** A `CrmContext` whose `url` is the redacted one (no record ids, query values or fragments). */
export const SupportCrmContextSchema = z.strictObject({
  ...CrmContextSchema.shape,
  url: z.string().max(2048),
});

export const SupportContextSchema = z.strictObject({
  crm: SupportCrmContextSchema,
  /** The guide on screen when the user asked, if any. */
  guide: z
    .strictObject({
      packId: z.string().min(1).max(128),
      itemId: z.string().min(1).max(128),
      stepId: z.string().min(1).max(128).optional(),
      stepIndex: z.int().min(0).max(999).optional(),
    })
    .nullable(),
  /** What the user did just before: page types and control labels, never field values. */
  breadcrumbs: z
    .array(z.strictObject({ at: Instant, kind: z.enum(['navigation', 'click']), label: Label }))
    .max(SUPPORT_TRAIL_MAX),
  /** Errors the extension caught on the page just before. */
  errors: z
    .array(
      z.strictObject({
        at: Instant,
        kind: z.enum(['error', 'unhandledrejection']),
        message: z.string().max(500),
        source: z.string().max(500).optional(),
      }),
    )
    .max(SUPPORT_TRAIL_MAX),
  environment: z.strictObject({
    extensionVersion: z.string().max(50),
    browser: z.string().max(200),
    os: z.string().max(200),
    locale: z.string().max(35),
    viewport: z.strictObject({ width: z.int().min(0).max(100_000), height: z.int().min(0).max(100_000) }),
    at: Instant,
  }),
});
export type SupportContext = z.infer<typeof SupportContextSchema>;

export const SUPPORT_SCREENSHOT_MEDIA_TYPES = ['image/png', 'image/jpeg'] as const;

export const SupportScreenshotSchema = z.strictObject({
  mediaType: z.enum(SUPPORT_SCREENSHOT_MEDIA_TYPES),
  /** Standard base64 with padding; the backend checks the bytes really are that image type. */
  dataBase64: z.string().min(1).max(SUPPORT_SCREENSHOT_BASE64_MAX),
});
export type SupportScreenshot = z.infer<typeof SupportScreenshotSchema>;

/** `POST /v1/support`. `id` is the idempotency key: resending the same request is harmless. */
export const SupportRequestSchema = z.strictObject({
  id: z.uuidv4(),
  kind: z.enum(SUPPORT_KINDS),
  description: supportText(1, SUPPORT_DESCRIPTION_MAX),
  context: SupportContextSchema,
  screenshot: SupportScreenshotSchema.optional(),
});
export type SupportRequest = z.infer<typeof SupportRequestSchema>;

export const SUPPORT_STATUSES = ['new', 'in_progress', 'waiting_for_user', 'answered', 'closed'] as const;
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];
export const SupportStatusSchema = z.enum(SUPPORT_STATUSES);

/**
 * The status workflow: from → the statuses it may move to. Setting the current status again is a
 * no-op, not a transition.
 *
 * | from             | to                                  | typically                              |
 * |------------------|-------------------------------------|----------------------------------------|
 * | new              | in_progress, answered, closed       | picked up; answered at once; solved    |
 * | in_progress      | waiting_for_user, answered, closed  | asks the user; answers; solved         |
 * | waiting_for_user | in_progress, answered, closed       | the user answered; answered; solved    |
 * | answered         | in_progress, closed                 | the user answers back; marks it solved |
 * | closed           | in_progress                         | reopened by staff (otherwise final)    |
 *
 * Replies move the status too: a staff reply → `answered`; a user reply on `waiting_for_user`
 * or `answered` → `in_progress` (on `new` and `in_progress` it stays). Nobody replies to a
 * closed request; it must be reopened first.
 */
export const SUPPORT_TRANSITIONS: Readonly<Record<SupportStatus, readonly SupportStatus[]>> = {
  new: ['in_progress', 'answered', 'closed'],
  in_progress: ['waiting_for_user', 'answered', 'closed'],
  waiting_for_user: ['in_progress', 'answered', 'closed'],
  answered: ['in_progress', 'closed'],
  closed: ['in_progress'],
};

export function canMoveSupportStatus(from: SupportStatus, to: SupportStatus): boolean {
  return SUPPORT_TRANSITIONS[from].includes(to);
}

/** The answer to `POST /v1/support` (201 created, 200 an idempotent repeat) and to the user's actions on it. */
export const SupportAckSchema = z.strictObject({ id: z.uuidv4(), status: SupportStatusSchema });
export type SupportAck = z.infer<typeof SupportAckSchema>;

export const SUPPORT_AUTHOR_ROLES = ['support', 'champion', 'admin', 'user'] as const;
export type SupportAuthorRole = (typeof SUPPORT_AUTHOR_ROLES)[number];

export const SupportReplySchema = z.strictObject({
  id: z.uuid(),
  at: Instant,
  author: z.strictObject({ displayName: z.string().max(320), role: z.enum(SUPPORT_AUTHOR_ROLES) }),
  body: z.string().max(SUPPORT_REPLY_MAX),
});
export type SupportReply = z.infer<typeof SupportReplySchema>;

/** `POST /v1/support/:id/replies`: the user answers back. */
export const SupportReplyRequestSchema = z.strictObject({ body: supportText(1, SUPPORT_REPLY_MAX) });
export type SupportReplyRequest = z.infer<typeof SupportReplyRequestSchema>;

export const MySupportRequestSchema = z.strictObject({
  id: z.uuidv4(),
  kind: z.enum(SUPPORT_KINDS),
  description: z.string().max(SUPPORT_DESCRIPTION_MAX),
  status: SupportStatusSchema,
  createdAt: Instant,
  updatedAt: Instant,
  /** Oldest first. */
  replies: z.array(SupportReplySchema).max(SUPPORT_REPLIES_MAX),
});
export type MySupportRequest = z.infer<typeof MySupportRequestSchema>;

/** `GET /v1/support`: the caller's own requests, newest first. */
export const MySupportRequestsSchema = z.strictObject({
  requests: z.array(MySupportRequestSchema).max(MY_SUPPORT_REQUESTS_MAX),
});
export type MySupportRequests = z.infer<typeof MySupportRequestsSchema>;
