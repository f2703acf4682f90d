/**
 * Loads content packs for use: valid ones are kept, each invalid one is rejected with its
 * precise errors (logged for the admin) and never reaches the page. When two packs share an
 * id, the higher version wins.
 */
import type { ContentPack } from './pack';
import { validatePack, type PackError } from './validate';

export interface LoadedPacks {
  packs: ContentPack[];
  errors: PackError[];
}

export function loadPacks(files: ReadonlyArray<{ source: string; json: unknown }>): LoadedPacks {
  const byId = new Map<string, ContentPack>();
  const errors: PackError[] = [];
  for (const { source, json } of files) {
    const result = validatePack(json, source);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const existing = byId.get(result.pack.id);
    if (!existing || existing.version < result.pack.version) byId.set(result.pack.id, result.pack);
  }
  return { packs: [...byId.values()], errors };
}
