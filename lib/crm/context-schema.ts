/**
 * `CrmContext` as a zod schema, for every place a context crosses a trust boundary (extension
 * messages, support requests, the backend). Apart from the type in `./context`, which the
 * content script uses and which must not build schemas when it loads.
 */
import { z } from 'zod';
import type { CrmContext } from './context';

export const CrmContextSchema = z.object({
  crm: z.enum(['salesforce', 'dynamics']),
  environment: z.enum(['production', 'sandbox', 'developer', 'scratch', 'demo', 'patch', 'unknown']),
  pageType: z.enum([
    'record_view',
    'record_edit',
    'record_new',
    'list_view',
    'object_home',
    'home',
    'dashboard',
    'report',
    'setup',
    'search',
    'other',
  ]),
  object: z.string().max(255).nullable(),
  recordId: z.string().max(64).nullable(),
  surface: z.enum(['lightning', 'classic', 'setup', 'visualforce', 'uci']),
  host: z.string().max(255),
  orgName: z.string().max(255).nullable(),
  sandboxName: z.string().max(255).nullable(),
  app: z.string().max(255).nullable(),
  listView: z.string().max(255).nullable(),
  url: z.string().max(65_536),
}) satisfies z.ZodType<CrmContext>;
