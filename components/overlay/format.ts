/**
 * Numbers in overlay sentences. `_locales` messages have no number formatting, so minutes are
 * formatted here with the browser's locale, which is also the one `browser.i18n` picks.
 */
let minutesFormat: Intl.NumberFormat | undefined;

/** Minutes with at most one decimal: 0.5 → "0.5" ("0,5" in the Nordic locales), 2 → "2". */
export function formatMinutes(minutes: number): string {
  // Made on first use: the first Intl formatter of a page costs milliseconds (locale data), too
  // much to spend while the content script loads, before there is a number to show.
  minutesFormat ??= new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  return minutesFormat.format(minutes);
}

/** Whether `minutes` reads as exactly one once formatted, to pick a singular sentence. */
export function isOneMinute(minutes: number): boolean {
  return Math.round(minutes * 10) === 10;
}
