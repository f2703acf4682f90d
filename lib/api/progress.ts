/**
 * The wire contract for progress events: what a user did with a piece of guidance (saw it,
 * completed a tour step, adopted a tip…). The extension records these and the backend
 * re-validates them with the same schemas; an event's `id` is its idempotency key.
 */
import { z } from 'zod';
import { CrmContextSchema } from '../crm/context-schema';

export { newProgressEvent, toProgressContext } from '../progress/new-event';

/** Most events one sync request may carry. */
export const PROGRESS_BATCH_MAX = 500;

/**
 * Where the event happened, trimmed to what analytics may keep: never record ids, host names,
 * org names or URLs.
 */
export const ProgressContextSchema = z.strictObject(
  CrmContextSchema.pick({ crm: true, environment: true, pageType: true, object: true, surface: true }).shape,
);
export type ProgressContext = z.infer<typeof ProgressContextSchema>;

/**
 * ISO 8601 UTC with exactly millisecond precision, as `Date.prototype.toISOString()` writes it.
 * One fixed format means these strings sort the same way as the instants they name, which the
 * store's `by-at` index and the ordering rule in `lib/progress/state.ts` rely on.
 */
const Instant = z.iso.datetime({ precision: 3 });
/** Pack, item, step and task ids as content packs define them. */
const ContentId = z.string().min(1).max(128);

const common = {
  id: z.uuidv4(),
  at: Instant,
  packId: ContentId,
  packVersion: z.int().min(0),
  itemId: ContentId,
  context: ProgressContextSchema,
};

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...common, ...shape });

export const ProgressEventSchema = z.discriminatedUnion('type', [
  /** The item (tip, tour offer, checklist, announcement) was shown. */
  event('seen', {}),
  /** "Don't show again". */
  event('dismissed', {}),
  /** "Remind me later": hidden until `until`. */
  event('snoozed', { until: Instant }),
  event('tour_started', {}),
  event('step_completed', { stepId: ContentId, stepIndex: z.int().min(0).max(999) }),
  /**
   * A step was passed over because its anchor was not on the page. `stepIndex` (not in the first
   * draft of this contract) lets the tour state say where a run is without knowing the tour.
   */
  event('step_skipped', {
    stepId: ContentId,
    stepIndex: z.int().min(0).max(999),
    reason: z.literal('anchor_missing'),
  }),
  event('tour_completed', {}),
  /** The tour stopped before its last step; `atStepId` is the step that was showing. */
  event('tour_ended', {
    atStepId: ContentId,
    reason: z.enum(['closed', 'anchor_missing', 'navigated_away']),
  }),
  /** The user did what a tip suggests; `minutesSaved` is copied from the tip's WIIFM at that time. */
  event('tip_adopted', { minutesSaved: z.number().min(0).max(24 * 60) }),
  event('checklist_item_done', { taskId: ContentId }),
  /** A step's target could not be found: what was tried and for how long, to help authors fix it. */
  event('anchor_missing', {
    stepId: ContentId.optional(),
    strategiesTried: z.array(z.string().min(1).max(200)).max(20),
    waitedMs: z.int().min(0).max(10 * 60_000),
  }),
]);

export type ProgressEvent = z.infer<typeof ProgressEventSchema>;
export type ProgressEventType = ProgressEvent['type'];
export type ProgressEventOf<T extends ProgressEventType> = Extract<ProgressEvent, { type: T }>;

/** An event as its producer describes it; `newProgressEvent` adds `id` and `at`. */
export type NewProgressEvent = ProgressEvent extends infer E
  ? E extends ProgressEvent
    ? Omit<E, 'id' | 'at'>
    : never
  : never;

/** Body of the sync request (`POST /v1/progress`, to come). */
export const ProgressBatchSchema = z.strictObject({
  events: z.array(ProgressEventSchema).min(1).max(PROGRESS_BATCH_MAX),
});
export type ProgressBatch = z.infer<typeof ProgressBatchSchema>;

/**
 * The backend's answer, one list per outcome. `duplicates` were accepted earlier (same id), so
 * the client treats them like `accepted`; `rejected` carries a message an admin can act on.
 */
export const ProgressAckSchema = z.strictObject({
  accepted: z.array(z.uuidv4()).max(PROGRESS_BATCH_MAX),
  duplicates: z.array(z.uuidv4()).max(PROGRESS_BATCH_MAX),
  rejected: z
    .array(z.strictObject({ id: z.string().max(128), error: z.string().max(1000) }))
    .max(PROGRESS_BATCH_MAX),
});
export type ProgressAck = z.infer<typeof ProgressAckSchema>;

/** `GET /v1/progress?after=<cursor>`: the user's own events, oldest first, for a new device or profile. */
export const ProgressPageSchema = z.strictObject({
  events: z.array(ProgressEventSchema).max(1000),
  /** Pass as `after` for the next page; null when this was the last one. */
  next: z.string().max(200).nullable(),
});
export type ProgressPage = z.infer<typeof ProgressPageSchema>;
