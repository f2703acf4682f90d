/**
 * `npm run content:schema`: writes content/content-pack.schema.json from the zod schema in
 * lib/guides/pack.ts, so editors autocomplete and check packs that name it in `$schema`.
 * A test fails when the committed file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ContentPackSchema, contentPackDocs } from '../lib/guides/pack';

export const CONTENT_SCHEMA_PATH = fileURLToPath(new URL('../content/content-pack.schema.json', import.meta.url));

/** The JSON Schema text, as committed. `io: 'input'` so that fields with defaults are optional. */
export function contentPackJsonSchema(): string {
  const schema = z.toJSONSchema(ContentPackSchema, {
    target: 'draft-2020-12',
    io: 'input',
    metadata: contentPackDocs,
  });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(CONTENT_SCHEMA_PATH, contentPackJsonSchema());
  console.log(`Wrote ${CONTENT_SCHEMA_PATH}`);
}
