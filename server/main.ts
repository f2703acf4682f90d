/**
 * The backend's entry point (`npm run server`): reads PORT, HOST, DATA_DIR, DATABASE_URL and
 * ALLOWED_ORIGINS, migrates the database, listens, and shuts down gracefully on SIGTERM/SIGINT.
 */
import { configFromEnv } from './config';
import { jsonLogger } from './http/log';
import { startBackend, stopOnSignals } from './run';

const log = jsonLogger(process.stdout);
try {
  const backend = await startBackend(configFromEnv(process.env), log);
  stopOnSignals(backend.stop, log);
} catch (error) {
  log({ level: 'error', msg: 'cannot start', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
