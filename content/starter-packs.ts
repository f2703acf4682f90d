/// <reference types="vite/client" />
/**
 * The starter packs shipped inside the extension, read at build time from `content/packs/`.
 * They are validated like any organisation's pack when the background loads them.
 */

const files = import.meta.glob<unknown>('./packs/*.json', { eager: true, import: 'default' });

export const STARTER_PACK_FILES: ReadonlyArray<{ source: string; json: unknown }> = Object.entries(files).map(
  ([path, json]) => ({ source: `content/${path.slice(2)}`, json }),
);
