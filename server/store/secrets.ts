/**
 * Secrets handed to people and browsers (enrollment tokens, device tokens): 32 random bytes,
 * base64url. The database keeps only their SHA-256, so a copy of it lets nobody in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/**
 * Rows are found by the hash (an index lookup on a digest of a 256-bit secret reveals nothing
 * useful through timing); this final check compares the digests in constant time anyway.
 */
export function hashMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret));
  const expected = Buffer.from(storedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
