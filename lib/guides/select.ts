/**
 * Decides what guidance to show on the page the user is on: quiet tips, at most one item that
 * interrupts (a running tour, else an announcement), the tours the launcher offers and the
 * checklists. Pure and linear in the number of items; the content script calls it on every
 * navigation and whenever the progress changes.
 */
import type { CrmContext } from '../crm/context';
import type { SupportedLocale } from '../i18n';
import { checklistDone, itemProgress, tourProgress, type ProgressState, type TourStatus } from '../progress/state';
import { matchesContext } from './context-match';
import type { Announcement, Checklist, ContentPack, GuideItem, Locale, Targeting, Tip, Tour } from './pack';
import { resumeStepIndex, tourStepApplies } from './tour';

export interface GuidanceUser {
  locale: SupportedLocale;
  roles: readonly string[];
  teams: readonly string[];
}

export interface GuidanceInput {
  packs: readonly ContentPack[];
  context: CrmContext;
  progress: ProgressState;
  user: GuidanceUser;
  now: Date;
}

/** An item with what its UI and its progress events need to know of its pack. */
export interface PlacedItem<T extends GuideItem> {
  packId: string;
  packVersion: number;
  defaultLocale: Locale;
  item: T;
}

/** A running tour to resume (with `resumeTour`), or an announcement to show. */
export type InterruptingItem = ({ kind: 'tour' } & PlacedItem<Tour>) | ({ kind: 'announcement' } & PlacedItem<Announcement>);

export interface LauncherTour extends PlacedItem<Tour> {
  status: Exclude<TourStatus, 'running'>;
}

export type ChecklistTask = Checklist['tasks'][number];

export interface ChecklistView extends PlacedItem<Checklist> {
  /** In the checklist's order. */
  tasks: Array<{ task: ChecklistTask; done: boolean }>;
}

export interface GuidanceSelection {
  /** By priority (highest first), then pack id, then item id. */
  tips: Array<PlacedItem<Tip>>;
  interrupting: InterruptingItem | null;
  /** Tours the user can start here; by priority, then pack id, then item id. */
  tours: LauncherTour[];
  checklists: ChecklistView[];
}

const HOUR_MS = 3_600_000;

export function selectGuidance({ packs, context, progress, user, now }: GuidanceInput): GuidanceSelection {
  const nowMs = now.getTime();
  const tips: Array<PlacedItem<Tip>> = [];
  const tours: LauncherTour[] = [];
  const checklists: ChecklistView[] = [];
  let runningTour: PlacedItem<Tour> | null = null;
  let announcement: PlacedItem<Announcement> | null = null;

  for (const pack of packs) {
    const place = <T extends GuideItem>(item: T): PlacedItem<T> => ({
      packId: pack.id,
      packVersion: pack.version,
      defaultLocale: pack.defaultLocale,
      item,
    });
    // Who and when: what every item must pass, a running tour included.
    const forThisUser = (item: GuideItem): boolean => {
      const { targeting } = item;
      const seen = itemProgress(progress, pack.id, item.id);
      return (
        (targeting.crm === undefined || targeting.crm === context.crm) &&
        (targeting.locales === undefined || targeting.locales.includes(user.locale)) &&
        inAudience(targeting, user) &&
        withinWindow(targeting, nowMs) &&
        !seen.dismissed &&
        (seen.snoozedUntil === null || Date.parse(seen.snoozedUntil) <= nowMs)
      );
    };
    // What an item offered (not yet running) must pass besides: this page, and its frequency caps.
    const offeredHere = (item: GuideItem): boolean =>
      forThisUser(item) &&
      (item.targeting.where === undefined || matchesContext(item.targeting.where, context)) &&
      underFrequencyCaps(item.targeting, progress, pack.id, item.id, nowMs);

    for (const item of pack.items) {
      switch (item.kind) {
        case 'tip':
          if (offeredHere(item)) tips.push(place(item));
          break;
        case 'announcement':
          if (offeredHere(item) && withinWindow(item, nowMs)) announcement = higherRanked(place(item), announcement);
          break;
        case 'tour': {
          const run = tourProgress(progress, pack.id, item.id);
          if (run.status === 'running') {
            // Neither `where` nor the frequency caps hold a running tour back: the user started it,
            // and its steps say which page it goes on from.
            if (forThisUser(item) && tourStepApplies(item, resumeStepIndex(item, run), context)) {
              runningTour = higherRanked(place(item), runningTour);
            }
          } else if (offeredHere(item)) {
            tours.push({ ...place(item), status: run.status });
          }
          break;
        }
        case 'checklist':
          if (offeredHere(item)) {
            const done = checklistDone(progress, pack.id, item.id);
            const tasks = item.tasks.map((task) => ({
              task,
              done:
                done.has(task.id) ||
                (task.completedBy.kind === 'tour' && tourProgress(progress, pack.id, task.completedBy.tourId).status === 'completed'),
            }));
            checklists.push({ ...place(item), tasks });
          }
          break;
      }
    }
  }

  const interrupting: InterruptingItem | null =
    runningTour !== null
      ? { kind: 'tour', ...runningTour }
      : announcement !== null
        ? { kind: 'announcement', ...announcement }
        : null;
  return { tips: tips.sort(byRank), interrupting, tours: tours.sort(byRank), checklists };
}

/** With roles or teams given, the user needs one of the roles or one of the teams (names compare exactly). */
function inAudience({ audience }: Targeting, user: GuidanceUser): boolean {
  if (audience === undefined || (audience.roles === undefined && audience.teams === undefined)) return true;
  return (
    (audience.roles?.some((role) => user.roles.includes(role)) ?? false) ||
    (audience.teams?.some((team) => user.teams.includes(team)) ?? false)
  );
}

/** `startsAt` ≤ now ≤ `endsAt`, each bound only when given. */
function withinWindow(window: { startsAt?: string | undefined; endsAt?: string | undefined }, nowMs: number): boolean {
  return (
    (window.startsAt === undefined || Date.parse(window.startsAt) <= nowMs) &&
    (window.endsAt === undefined || nowMs <= Date.parse(window.endsAt))
  );
}

function underFrequencyCaps(targeting: Targeting, progress: ProgressState, packId: string, itemId: string, nowMs: number): boolean {
  const { frequency } = targeting;
  if (frequency === undefined) return true;
  const { seenCount, lastSeenAt } = itemProgress(progress, packId, itemId);
  if (frequency.maxShows !== undefined && seenCount >= frequency.maxShows) return false;
  if (frequency.minHoursBetween !== undefined && lastSeenAt !== null) {
    return nowMs - Date.parse(lastSeenAt) >= frequency.minHoursBetween * HOUR_MS;
  }
  return true;
}

/** Priority descending, then pack id, then item id: a stable order whatever order packs load in. */
function byRank(a: PlacedItem<GuideItem>, b: PlacedItem<GuideItem>): number {
  const priority = b.item.targeting.priority - a.item.targeting.priority;
  if (priority !== 0) return priority;
  if (a.packId !== b.packId) return a.packId < b.packId ? -1 : 1;
  if (a.item.id !== b.item.id) return a.item.id < b.item.id ? -1 : 1;
  return 0;
}

const higherRanked = <T extends PlacedItem<GuideItem>>(candidate: T, best: T | null): T =>
  best === null || byRank(candidate, best) < 0 ? candidate : best;
