/**
 * Published content packs: `GET /v1/packs` returns the organisation's current published version
 * of each pack with an `ETag`; a client that sends `If-None-Match` gets `304` when nothing changed.
 */
import { z } from 'zod';
import { ContentPackSchema } from '../guides/pack';

export const PacksResponseSchema = z.strictObject({
  packs: z.array(ContentPackSchema).max(200),
});
export type PacksResponse = z.infer<typeof PacksResponseSchema>;
