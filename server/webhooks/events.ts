/**
 * What a webhook tells its receiver: the events (as zod schemas, so a stored payload is checked
 * again before it leaves) and the builders the support transactions call. Events carry labels
 * and ids only: never a record's field values, the full context or the screenshot.
 */
import { z } from 'zod';
import {
  SUPPORT_AUTHOR_ROLES,
  SUPPORT_KINDS,
  SupportStatusSchema,
  type SupportAuthorRole,
  type SupportKind,
  type SupportStatus,
} from '../../lib/api';
import type { CrmContext } from '../../lib/crm/context';
import { CrmContextSchema } from '../../lib/crm/context-schema';
import { firstLine, truncate } from '../store/text';

export const WEBHOOK_EVENT_TYPES = ['support.request.created', 'support.reply.created'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);

/** A request's title: the first line of its description, like the inbox shows it. */
export const WEBHOOK_TITLE_MAX = 200;
/** How much of a reply's body an event carries. */
export const WEBHOOK_EXCERPT_MAX = 500;
const DISPLAY_NAME_MAX = 320;
const TEAM_MAX = 100;

const Instant = z.iso.datetime({ precision: 3 });
const DisplayName = z.string().max(DISPLAY_NAME_MAX);

export const SupportRequestCreatedSchema = z.strictObject({
  requestId: z.uuid(),
  kind: z.enum(SUPPORT_KINDS),
  title: z.string().min(1).max(WEBHOOK_TITLE_MAX),
  requester: z.strictObject({ displayName: DisplayName }),
  crm: CrmContextSchema.shape.crm,
  pageType: CrmContextSchema.shape.pageType,
  object: CrmContextSchema.shape.object,
  /** The requester's team whose champions get the request first; null when it goes to the central team. */
  team: z.string().max(TEAM_MAX).nullable(),
  createdAt: Instant,
});
export type SupportRequestCreated = z.infer<typeof SupportRequestCreatedSchema>;

export const SupportReplyCreatedSchema = z.strictObject({
  requestId: z.uuid(),
  /** The request's title, so a chat message can say what the reply is about. */
  requestTitle: z.string().min(1).max(WEBHOOK_TITLE_MAX),
  replyId: z.uuid(),
  author: z.strictObject({ displayName: DisplayName, role: z.enum(SUPPORT_AUTHOR_ROLES) }),
  excerpt: z.string().max(WEBHOOK_EXCERPT_MAX),
  /** The request's status after the reply (a staff reply answers it, a user reply reopens it). */
  status: SupportStatusSchema,
});
export type SupportReplyCreated = z.infer<typeof SupportReplyCreatedSchema>;

const envelope = {
  organisationId: z.string().min(1).max(128),
  occurredAt: Instant,
};

export const WebhookEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('support.request.created'), ...envelope, data: SupportRequestCreatedSchema }),
  z.strictObject({ type: z.literal('support.reply.created'), ...envelope, data: SupportReplyCreatedSchema }),
]);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/** Each event type without its envelope (a conditional type distributes over the union). */
type WithoutEnvelope<Event> = Event extends unknown ? Omit<Event, 'organisationId' | 'occurredAt'> : never;
/** An event as its builder makes it; `enqueueWebhookEvent` adds the organisation and the time. */
export type WebhookEventInput = WithoutEnvelope<WebhookEvent>;

/** `support.request.created`, from what `createSupportRequest` has at hand. */
export function supportRequestCreated(input: {
  requestId: string;
  kind: SupportKind;
  description: string;
  requesterDisplayName: string;
  crm: Pick<CrmContext, 'crm' | 'pageType' | 'object'>;
  team: string | null;
  createdAt: string;
}): WebhookEventInput {
  return {
    type: 'support.request.created',
    data: {
      requestId: input.requestId,
      kind: input.kind,
      title: requestTitle(input.description),
      requester: { displayName: truncate(input.requesterDisplayName, DISPLAY_NAME_MAX) },
      crm: input.crm.crm,
      pageType: input.crm.pageType,
      object: input.crm.object === null ? null : truncate(input.crm.object, 255),
      team: input.team === null ? null : truncate(input.team, TEAM_MAX),
      createdAt: input.createdAt,
    },
  };
}

/** `support.reply.created`, from what `addSupportReply` has at hand. */
export function supportReplyCreated(input: {
  requestId: string;
  requestDescription: string;
  replyId: string;
  author: { displayName: string; role: SupportAuthorRole };
  body: string;
  status: SupportStatus;
}): WebhookEventInput {
  return {
    type: 'support.reply.created',
    data: {
      requestId: input.requestId,
      requestTitle: requestTitle(input.requestDescription),
      replyId: input.replyId,
      author: { displayName: truncate(input.author.displayName, DISPLAY_NAME_MAX), role: input.author.role },
      excerpt: truncate(input.body.trim(), WEBHOOK_EXCERPT_MAX),
      status: input.status,
    },
  };
}

/** The first non-blank line of a description, at most `WEBHOOK_TITLE_MAX` characters. */
export function requestTitle(description: string): string {
  return firstLine(description, WEBHOOK_TITLE_MAX) || '(no description)';
}
