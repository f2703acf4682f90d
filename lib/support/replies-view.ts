/**
 * What the user sees of their help requests and the replies to them: the view the overlay shows,
 * request titles, the unread count on the extension icon. Apart from `./replies` (which fetches
 * and keeps them, with its schemas and API client): the content script needs only this, and
 * loading that module would build every support schema before the first tip could show.
 */
import type { MySupportRequest } from '../api/support';
import type { Translate } from '../i18n';

/** One request as the overlay shows it. */
export interface MySupportThread extends MySupportRequest {
  /** Staff replies the user has not read yet, oldest first. */
  unreadReplyIds: string[];
}

export interface MySupportView {
  /** Newest first; empty when not enrolled. */
  requests: MySupportThread[];
  /** Unread staff replies over every request: the badge's number. */
  unread: number;
  /** The request the overlay's notice is about (its newest reply is unread and not put off), or null for no notice. */
  noticeRequestId: string | null;
}

export const EMPTY_SUPPORT_VIEW: MySupportView = { requests: [], unread: 0, noticeRequestId: null };

/** The badge's background: white text on it has a contrast of 6.5:1. */
export const BADGE_BACKGROUND = '#b3261e';
export const BADGE_TEXT_COLOR = '#ffffff';
/** The badge has room for about four characters. */
const BADGE_MAX = 99;
/** Longest title a request gets in the notice and the launcher, from its description. */
const TITLE_MAX = 80;

/** A request's title: the first line of its description, shortened. */
export function supportRequestTitle(description: string): string {
  const line = description.split('\n').find((text) => text.trim() !== '') ?? '';
  const text = line.replace(/\s+/g, ' ').trim();
  const characters = [...text];
  return characters.length <= TITLE_MAX ? text : `${characters.slice(0, TITLE_MAX - 1).join('').trimEnd()}…`;
}

/** The badge on the extension icon: the unread count, empty for none. */
export function badgeText(unread: number): string {
  if (unread <= 0) return '';
  return unread > BADGE_MAX ? `${BADGE_MAX}+` : String(unread);
}

/** "N new replies from support", or null for none. */
export function unreadRepliesSentence(unread: number, t: Translate): string | null {
  if (unread <= 0) return null;
  return unread === 1 ? t('supportRepliesUnreadOne') : t('supportRepliesUnread', String(unread));
}

/** The icon's title: what it says anyway (`base`), and the unread replies when there are some. */
export function actionTitle(base: string, unread: number, t: Translate): string {
  const sentence = unreadRepliesSentence(unread, t);
  return sentence === null ? base : `${base} — ${sentence}`;
}
