/**
 * "You saved N minutes this week": the minutes of the tips a user adopted, summed over a period.
 * Each `tip_adopted` event carries the minutes its tip promised when it was adopted.
 */
import type { ProgressEvent } from '../api/progress';
import type { SupportedLocale } from '../i18n';

/**
 * First day of the week per UI locale (0 Sunday, 1 Monday), as `Date.prototype.getDay` counts.
 * Monday for all, as ISO 8601 and the Nordic countries have it. English is used across the
 * Nordic customer base, so it follows them rather than en-US's Sunday. A new locale must decide
 * here (the type requires it).
 */
const FIRST_DAY_OF_WEEK: Record<SupportedLocale, 0 | 1> = { en: 1, nb: 1, sv: 1, da: 1, fi: 1 };

/** Minutes saved by tips adopted from `from` (included) to `to` (excluded); repeated ids count once. */
export function minutesSaved(events: readonly ProgressEvent[], { from, to }: { from: Date; to: Date }): number {
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const counted = new Set<string>();
  let total = 0;
  for (const event of events) {
    if (event.type !== 'tip_adopted' || event.at < fromIso || event.at >= toIso || counted.has(event.id)) continue;
    counted.add(event.id);
    total += event.minutesSaved;
  }
  return total;
}

/**
 * The week containing `now`, in the local time zone: from midnight of its first day to
 * midnight seven days later (which may be 167 or 169 hours away across a daylight-saving change).
 */
export function weekOf(now: Date, locale: SupportedLocale): { from: Date; to: Date } {
  const from = new Date(now);
  from.setHours(0, 0, 0, 0);
  from.setDate(from.getDate() - ((from.getDay() - FIRST_DAY_OF_WEEK[locale] + 7) % 7));
  const to = new Date(from);
  to.setDate(to.getDate() + 7);
  return { from, to };
}

/** Minutes saved in the local week containing `now`. */
export function minutesSavedThisWeek(events: readonly ProgressEvent[], now: Date, locale: SupportedLocale): number {
  return minutesSaved(events, weekOf(now, locale));
}
