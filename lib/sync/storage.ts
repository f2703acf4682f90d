/**
 * The key–value storage sync keeps its state in (`browser.storage.local` in the extension, a map
 * in tests), and typed reads that survive whatever an older version of Ombord left behind.
 */
import type { z } from 'zod';

/** The part of `browser.storage.local` (and `storage.managed`) that sync uses. */
export interface KeyValueStorage {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

/** Milliseconds since the epoch, like `Date.now`; passed in so tests control time. */
export type Clock = () => number;

/**
 * Reads one key and parses it; a missing or malformed value (written by an older version, or
 * edited by hand) reads as `fallback` rather than breaking sync.
 */
export async function readKey<T>(storage: KeyValueStorage, key: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
  const parsed = schema.safeParse((await storage.get([key]))[key]);
  return parsed.success ? parsed.data : fallback;
}
