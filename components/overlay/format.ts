/**
 * Numbers in overlay sentences. `_locales` messages have no number formatting, so minutes are
 * formatted here with the browser's locale, which is also the one `browser.i18n` picks.
 */
const minutesFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** Minutes with at most one decimal: 0.5 → "0.5" ("0,5" in the Nordic locales), 2 → "2". */
export function formatMinutes(minutes: number): string {
  return minutesFormat.format(minutes);
}

/** Whether `minutes` reads as exactly one once formatted, to pick a singular sentence. */
export function isOneMinute(minutes: number): boolean {
  return Math.round(minutes * 10) === 10;
}
