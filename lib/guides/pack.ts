/**
 * The content model of guidance: a content pack is a versioned JSON document of tips, tours,
 * checklists and announcements. These zod schemas are the single definition: the types are
 * inferred from them, `validatePack` reports their issues to authors, and
 * `scripts/content-schema.ts` turns them into the JSON Schema editors autocomplete from.
 */
import { z } from 'zod';
import { CrmContextSchema } from '../crm/context-schema';
import { AnchorTargetSchema } from '../crm/locate/target';
import { SUPPORTED_LOCALES } from '../i18n';
import { compileUrlPattern } from './context-match';

export const TITLE_MAX_LENGTH = 120;
export const BODY_MAX_LENGTH = 1000;
const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Ids and descriptions for the generated JSON Schema; a schema with an `id` becomes a `$defs` entry. */
export const contentPackDocs = z.registry<{ id?: string; title?: string; description?: string }>();

function documented<T extends z.ZodType>(schema: T, description: string, id?: string): T {
  contentPackDocs.add(schema, id === undefined ? { description } : { id, description });
  return schema;
}

const Slug = documented(
  z
    .string()
    .regex(
      SLUG_PATTERN,
      'Expected a slug: 2–63 lower-case letters, digits or hyphens, starting with a letter or digit (e.g. "log-a-call")',
    ),
  'Lower-case letters, digits and hyphens; stable across versions, because analytics count by it.',
  'Slug',
);

/** A schema-level message that still says "Missing" when the property is absent. */
const expecting = (what: string) => (issue: { input?: unknown }) =>
  `${issue.input === undefined ? 'Missing: expected' : 'Expected'} ${what}`;

const DateTime = documented(
  z.iso.datetime({
    offset: true,
    error: expecting('an ISO 8601 date-time with a time zone, e.g. "2025-03-01T08:00:00Z" or "2025-03-01T09:00:00+01:00"'),
  }),
  'ISO 8601 date-time with a time zone (`Z` or an offset such as `+01:00`).',
  'DateTime',
);

export const LocaleSchema = documented(
  z.enum(SUPPORTED_LOCALES, {
    error: expecting(`a supported locale: ${SUPPORTED_LOCALES.map((locale) => `"${locale}"`).join(', ')}`),
  }),
  'A locale Ombord ships: English, Norsk bokmål, Svenska, Dansk, Suomi.',
  'Locale',
);
export type Locale = z.infer<typeof LocaleSchema>;

function localizedText(maxLength: number, id: string) {
  const text = z
    .string()
    .max(maxLength, `Expected at most ${maxLength} characters`)
    .regex(/\S/, 'Expected text, not an empty or blank string');
  const unknownLocale = `Unknown locale; a text may have ${SUPPORTED_LOCALES.join(', ')}`;
  return documented(
    z.strictObject(
      {
        en: text.optional(),
        nb: text.optional(),
        sv: text.optional(),
        da: text.optional(),
        fi: text.optional(),
      } satisfies Record<Locale, z.ZodType>,
      { error: (issue) => (issue.code === 'unrecognized_keys' ? unknownLocale : undefined) },
    ),
    `Text per locale; must include the pack's defaultLocale. At most ${maxLength} characters each.`,
    id,
  );
}

/** Short text: titles, names, labels (≤ 120 characters). */
export const LocalizedTitleSchema = localizedText(TITLE_MAX_LENGTH, 'LocalizedTitle');
/** Longer text: bodies and messages (≤ 1000 characters). */
export const LocalizedBodySchema = localizedText(BODY_MAX_LENGTH, 'LocalizedBody');
export type LocalizedText = z.infer<typeof LocalizedBodySchema>;

const nonEmptyList = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'Expected at least one entry; leave the property out to match any');

const ObjectName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]*$/,
    'Expected an object API name (Salesforce, e.g. "Opportunity") or table logical name (Dynamics, e.g. "account")',
  );

const UrlPattern = z.string().superRefine((pattern, ctx) => {
  const compiled = compileUrlPattern(pattern);
  if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.error });
});

export const ContextMatchSchema = documented(
  z.strictObject({
    pageTypes: nonEmptyList(CrmContextSchema.shape.pageType).optional(),
    objects: documented(
      nonEmptyList(ObjectName),
      'Salesforce object API names (compared exactly) or Dynamics table logical names (compared case-insensitively).',
    ).optional(),
    surfaces: nonEmptyList(CrmContextSchema.shape.surface).optional(),
    environments: nonEmptyList(CrmContextSchema.shape.environment).optional(),
    urlPattern: documented(
      UrlPattern,
      'Glob on the URL path (and the query, when the pattern has a "?"): "*" matches within one path segment, "**" across "/".',
    ).optional(),
  }),
  'Which CRM pages: every criterion given must match; a list matches when any entry does.',
  'ContextMatch',
);
export type ContextMatch = z.infer<typeof ContextMatchSchema>;

const AudienceName = z.string().max(100, 'Expected at most 100 characters').regex(/\S/, 'Expected a name, not a blank string');

/** An ordered check: `startsAt` before `endsAt`, reported on `endsAt`. */
function endsAfterStart(value: { startsAt?: string | undefined; endsAt?: string | undefined }, ctx: z.RefinementCtx) {
  if (value.startsAt === undefined || value.endsAt === undefined) return;
  if (Date.parse(value.endsAt) <= Date.parse(value.startsAt)) {
    ctx.addIssue({
      code: 'custom',
      path: ['endsAt'],
      message: `Expected a date-time after startsAt (${value.startsAt})`,
    });
  }
}

export const TargetingSchema = documented(
  z
    .strictObject({
      crm: z.enum(['salesforce', 'dynamics']).optional(),
      where: ContextMatchSchema.optional(),
      locales: documented(nonEmptyList(LocaleSchema), 'Show only to users whose UI language is one of these.').optional(),
      audience: z
        .strictObject({
          roles: nonEmptyList(AudienceName).optional(),
          teams: nonEmptyList(AudienceName).optional(),
        })
        .optional(),
      startsAt: DateTime.optional(),
      endsAt: DateTime.optional(),
      priority: documented(
        z.int().min(0).max(100).default(50),
        'When several items compete for the same place, the highest priority shows (0–100, default 50).',
      ),
      frequency: z
        .strictObject({
          maxShows: z.int().min(1).optional(),
          minHoursBetween: z.number().min(0).optional(),
        })
        .optional(),
    })
    .superRefine(endsAfterStart),
  'Who sees the item, where and when. {} targets everyone everywhere.',
  'Targeting',
);
export type Targeting = z.infer<typeof TargetingSchema>;

export const WiifmSchema = documented(
  z.strictObject({
    minutesSaved: documented(
      z
        .number()
        .gt(0, 'Expected more than 0 minutes')
        .max(240, 'Expected at most 240 minutes; count the time one use saves, not a month of it'),
      'Honest minutes one use saves the user (0 < x ≤ 240, fractions allowed: 0.5 is 30 seconds).',
    ),
    reason: LocalizedTitleSchema,
  }),
  '"What\'s in it for me": the minutes one adoption saves, and why.',
  'Wiifm',
);
export type Wiifm = z.infer<typeof WiifmSchema>;

const AnchorTarget = documented(
  AnchorTargetSchema,
  'Strategies tried in order, most meaningful first: field and button API names, then ARIA role + name, then CSS.',
  'AnchorTarget',
);

const UserAction = z.enum(['click', 'input']);

const itemBase = {
  id: Slug,
  targeting: TargetingSchema,
  wiifm: WiifmSchema.optional(),
};

export const TipSchema = documented(
  z.strictObject({
    kind: z.literal('tip'),
    ...itemBase,
    anchor: AnchorTarget,
    title: LocalizedTitleSchema,
    body: LocalizedBodySchema,
    presentation: z.enum(['tooltip', 'beacon']).default('beacon'),
    adoption: documented(
      z.strictObject({ on: UserAction, anchor: AnchorTarget.optional() }),
      "The action the tip promotes, recorded as tip_adopted; anchor defaults to the tip's anchor.",
    ).optional(),
  }),
  'A tooltip or beacon on one element.',
  'Tip',
);
export type Tip = z.infer<typeof TipSchema>;

const AdvanceOnSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('next') }),
  z.strictObject({ kind: z.literal('click') }),
  z.strictObject({ kind: z.literal('input') }),
  z.strictObject({ kind: z.literal('navigate'), to: ContextMatchSchema }),
]);

export const TourStepSchema = documented(
  z
    .strictObject({
      id: Slug,
      anchor: AnchorTarget.optional(),
      title: LocalizedTitleSchema,
      body: LocalizedBodySchema,
      placement: z.enum(['top', 'bottom', 'left', 'right', 'auto']).optional(),
      advanceOn: documented(
        AdvanceOnSchema,
        'What moves the tour on: the Next button, a click on or input into the anchor, or reaching a page.',
      ),
      waitForAnchorMs: z.int().min(0).max(60_000, 'Expected at most 60000 ms (one minute)').default(8000),
      onAnchorMissing: z.enum(['skip', 'end']).default('skip'),
    })
    .superRefine((step, ctx) => {
      const { kind } = step.advanceOn;
      if ((kind === 'click' || kind === 'input') && step.anchor === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['advanceOn', 'kind'],
          message:
            `advanceOn "${kind}" waits for the user to ${kind === 'click' ? 'click' : 'type into'} the ` +
            `step's anchor, but this step has no anchor: add one, or use "next"`,
        });
      }
    }),
  'One step; without an anchor it shows as a centred dialog.',
  'TourStep',
);
export type TourStep = z.infer<typeof TourStepSchema>;

/** Reports a repeated `id` among siblings (`steps`, `tasks`) on the later one. */
function uniqueIds<K extends string>(list: K, what: string) {
  return (value: Record<K, ReadonlyArray<{ id: string }>>, ctx: z.RefinementCtx) => {
    const firstIndex = new Map<string, number>();
    value[list].forEach((entry, index) => {
      const earlier = firstIndex.get(entry.id);
      if (earlier === undefined) {
        firstIndex.set(entry.id, index);
      } else {
        ctx.addIssue({
          code: 'custom',
          path: [list, index, 'id'],
          message: `Duplicate ${what} id "${entry.id}": ${list}[${earlier}] already uses it`,
        });
      }
    });
  };
}

export const TourSchema = documented(
  z
    .strictObject({
      kind: z.literal('tour'),
      ...itemBase,
      title: LocalizedTitleSchema,
      steps: z
        .array(TourStepSchema)
        .min(1, 'Expected at least one step')
        .max(30, 'Expected at most 30 steps; split a longer tour in two'),
    })
    .superRefine(uniqueIds('steps', 'step')),
  'Steps shown one after another, across pages.',
  'Tour',
);
export type Tour = z.infer<typeof TourSchema>;

const CompletedBySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('tour'), tourId: Slug }),
  z.strictObject({ kind: z.literal('action'), on: UserAction, anchor: AnchorTarget, where: ContextMatchSchema.optional() }),
  z.strictObject({ kind: z.literal('visit'), where: ContextMatchSchema }),
]);

export const ChecklistSchema = documented(
  z
    .strictObject({
      kind: z.literal('checklist'),
      ...itemBase,
      title: LocalizedTitleSchema,
      tasks: z
        .array(
          z.strictObject({
            id: Slug,
            title: LocalizedTitleSchema,
            completedBy: documented(
              CompletedBySchema,
              'Finishing a tour of this pack, an action on an element, or visiting a page.',
            ),
          }),
        )
        .min(1, 'Expected at least one task')
        .max(20, 'Expected at most 20 tasks'),
    })
    .superRefine(uniqueIds('tasks', 'task')),
  'Tasks the user ticks off by doing them.',
  'Checklist',
);
export type Checklist = z.infer<typeof ChecklistSchema>;

export const AnnouncementSchema = documented(
  z
    .strictObject({
      kind: z.literal('announcement'),
      ...itemBase,
      title: LocalizedTitleSchema,
      body: LocalizedBodySchema,
      endorsement: documented(
        z.strictObject({
          name: z
            .string()
            .max(TITLE_MAX_LENGTH, `Expected at most ${TITLE_MAX_LENGTH} characters`)
            .regex(/\S/, 'Expected a name'),
          role: LocalizedTitleSchema,
          message: LocalizedBodySchema,
        }),
        'The leader who backs the change, in their own words.',
      ).optional(),
      startsAt: DateTime,
      endsAt: DateTime,
    })
    .superRefine(endsAfterStart),
  'News shown between startsAt and endsAt, optionally endorsed by a leader.',
  'Announcement',
);
export type Announcement = z.infer<typeof AnnouncementSchema>;

export const GuideItemSchema = z.discriminatedUnion('kind', [TipSchema, TourSchema, ChecklistSchema, AnnouncementSchema]);
export type GuideItem = z.infer<typeof GuideItemSchema>;
export type GuideItemKind = GuideItem['kind'];

const packHeader = {
  $schema: documented(z.string(), 'Path or URL of content-pack.schema.json, for editor autocomplete.').optional(),
  schemaVersion: z.literal(1, { error: expecting('schemaVersion 1, the only content format this Ombord reads') }),
  id: Slug,
  version: documented(z.int().min(1, 'Expected a whole number of at least 1'), 'Bumped on every publish.'),
  name: LocalizedTitleSchema,
  defaultLocale: documented(
    LocaleSchema.clone(),
    'Every text must have this locale; users of other locales fall back to it.',
  ),
};

/** The pack with its items unchecked: `validatePack` checks each item on its own to report them all. */
export const PackEnvelopeSchema = z.strictObject({ ...packHeader, items: z.array(z.unknown()) });

/** What the checks across items need to know of one item, even of one that is malformed. */
export interface PackItemEntry {
  index: number;
  id: unknown;
  kind: unknown;
  /** The item when it is well-formed; the checks that read its content skip it otherwise. */
  item: GuideItem | null;
}

export interface PackIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * The checks a single item cannot make: unique item ids, the default locale in every text,
 * checklist tasks naming tours of the same pack.
 */
export function crossCheckPack(
  defaultLocale: Locale | null,
  name: LocalizedText | null,
  items: readonly PackItemEntry[],
): PackIssue[] {
  const issues: PackIssue[] = [];
  const byId = new Map<unknown, PackItemEntry>();
  for (const entry of items) {
    const first = byId.get(entry.id);
    if (first === undefined) {
      byId.set(entry.id, entry);
    } else if (typeof entry.id === 'string') {
      issues.push({
        path: ['items', entry.index, 'id'],
        message:
          `Duplicate item id "${entry.id}": items[${first.index}] (a ${String(first.kind)}) already uses it; ` +
          'item ids must be unique within a pack',
      });
    }
  }

  if (defaultLocale !== null) {
    const missingDefault = (text: LocalizedText) => {
      const present = Object.keys(text);
      const has = present.length > 0 ? `; this text has ${present.join(', ')}` : '';
      return `Missing the pack's defaultLocale "${defaultLocale}"${has}`;
    };
    if (name !== null && name[defaultLocale] === undefined) issues.push({ path: ['name'], message: missingDefault(name) });
    for (const { index, item } of items) {
      if (item === null) continue;
      for (const [path, text] of localizedTextsOf(item)) {
        if (text[defaultLocale] === undefined) issues.push({ path: ['items', index, ...path], message: missingDefault(text) });
      }
    }
  }

  const tours = [...byId.values()].filter((entry) => entry.kind === 'tour').map((entry) => String(entry.id));
  for (const { index, item } of items) {
    if (item?.kind !== 'checklist') continue;
    item.tasks.forEach((task, taskIndex) => {
      if (task.completedBy.kind !== 'tour') return;
      const { tourId } = task.completedBy;
      const target = byId.get(tourId);
      if (target?.kind === 'tour') return;
      const known = tours.length > 0 ? `its tours are ${tours.map((id) => `"${id}"`).join(', ')}` : 'it has no tours';
      issues.push({
        path: ['items', index, 'tasks', taskIndex, 'completedBy', 'tourId'],
        message:
          target !== undefined
            ? `"${tourId}" is a ${String(target.kind)}, not a tour`
            : `No tour with id "${tourId}" in this pack; ${known}`,
      });
    });
  }
  return issues;
}

/** Every localized text of an item, with its path inside the item. */
export function localizedTextsOf(item: GuideItem): Array<[PropertyKey[], LocalizedText]> {
  const texts: Array<[PropertyKey[], LocalizedText]> = [];
  if (item.wiifm) texts.push([['wiifm', 'reason'], item.wiifm.reason]);
  switch (item.kind) {
    case 'tip':
      texts.push([['title'], item.title], [['body'], item.body]);
      break;
    case 'tour':
      texts.push([['title'], item.title]);
      item.steps.forEach((step, i) => texts.push([['steps', i, 'title'], step.title], [['steps', i, 'body'], step.body]));
      break;
    case 'checklist':
      texts.push([['title'], item.title]);
      item.tasks.forEach((task, i) => texts.push([['tasks', i, 'title'], task.title]));
      break;
    case 'announcement':
      texts.push([['title'], item.title], [['body'], item.body]);
      if (item.endorsement) {
        texts.push([['endorsement', 'role'], item.endorsement.role], [['endorsement', 'message'], item.endorsement.message]);
      }
      break;
  }
  return texts;
}

export const ContentPackSchema = z
  .strictObject({ ...packHeader, items: z.array(GuideItemSchema) })
  .superRefine((pack, ctx) => {
    const entries = pack.items.map((item, index) => ({ index, id: item.id, kind: item.kind, item }));
    for (const issue of crossCheckPack(pack.defaultLocale, pack.name, entries)) ctx.addIssue({ code: 'custom', ...issue });
  })
  .register(contentPackDocs, {
    title: 'Ombord content pack',
    description: 'Guidance for Salesforce and Dynamics 365: tips, tours, checklists and announcements. See content/README.md.',
  });
export type ContentPack = z.infer<typeof ContentPackSchema>;
