/**
 * Imported first by `main.tsx`, before any schema exists: zod compiles object parsers with
 * `new Function` unless told not to, and probes for it when a schema is built. The inbox is
 * served with `script-src 'self'` (no `unsafe-eval`), where the probe fails and is reported as a
 * CSP violation on every page load. Jitless parsing is plenty fast for a page of requests.
 */
import { z } from 'zod';

z.config({ jitless: true });
