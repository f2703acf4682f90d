/**
 * The limits of the support wire contract, and the kinds of request: what the "Get help" dialog
 * enforces as the user types. Plain constants, apart from the schemas in `./support` (which
 * re-exports them): the content script uses these and must not build schemas when it loads.
 */

/** Most breadcrumbs and errors a request may carry (the newest ones). */
export const SUPPORT_TRAIL_MAX = 20;
export const SUPPORT_DESCRIPTION_MAX = 5000;
export const SUPPORT_REPLY_MAX = 5000;
/** Largest screenshot, decoded. */
export const SUPPORT_SCREENSHOT_MAX_BYTES = 4 * 1024 * 1024;
/** The base64 text of the largest screenshot. */
export const SUPPORT_SCREENSHOT_BASE64_MAX = Math.ceil(SUPPORT_SCREENSHOT_MAX_BYTES / 3) * 4;

export const SUPPORT_KINDS = ['question', 'problem', 'idea'] as const;
export type SupportKind = (typeof SUPPORT_KINDS)[number];
