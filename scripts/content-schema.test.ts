import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SCHEMA_PATH, contentPackJsonSchema } from './content-schema';

describe('content/content-pack.schema.json', () => {
  it('is generated from the zod schema', () => {
    expect(
      readFileSync(CONTENT_SCHEMA_PATH, 'utf8') === contentPackJsonSchema(),
      'content/content-pack.schema.json is stale: run `npm run content:schema` and commit the result',
    ).toBe(true);
  });

  it('is JSON Schema 2020-12 where fields with defaults are optional', () => {
    const schema = JSON.parse(contentPackJsonSchema()) as {
      $schema: string;
      $defs: Record<string, { required?: string[] }>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$defs.Tip?.required).not.toContain('presentation');
    expect(schema.$defs.TourStep?.required).not.toContain('waitForAnchorMs');
    expect(schema.$defs.Targeting?.required ?? []).not.toContain('priority');
  });
});
