/**
 * Text as the store keeps and shows it, shared by the store modules and the webhook events built
 * in their transactions: emails as stored, JSON string lists read back, an order that is the same
 * on every database, and text cut to a length or to a title.
 */
import { z } from 'zod';

const StringList = z.array(z.string());

/** As `users.email` and `staff_accounts.email` are kept. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A JSON array of strings as the store writes it (`users.teams`, `users.roles`); anything else is a corrupt row. */
export function parseStringList(json: string): string[] {
  return StringList.parse(JSON.parse(json));
}

/** Code-point order, the same on every platform (database collations differ). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * At most `max` UTF-16 units (what zod's `max` counts), ending in an ellipsis when cut, and never
 * cut between the two halves of a surrogate pair (that would not survive UTF-8).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** The first non-blank line of a text, trimmed and at most `max` characters; empty when there is none. */
export function firstLine(text: string, max: number): string {
  const line = text.split(/\r\n|\n|\r/).map((candidate) => candidate.trim()).find((candidate) => candidate.length > 0);
  return line === undefined ? '' : truncate(line, max);
}
