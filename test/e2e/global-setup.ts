/**
 * Global setup of the e2e suite: refuses to run without Chromium or a built extension (a skipped
 * e2e suite looks like a passing one), then starts one fixture server for every test file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { STRICT_CSP_ROUTE } from './fixture-data';
import { startFixtureServer } from './fixture-server';
import { CHROMIUM_PATH, EXTENSION_DIR } from './harness';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Port of the HTTPS fixture server on 127.0.0.1. */
    fixturePort: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} — install it with \`apt-get install -y chromium\``);
  }
  const manifest = path.join(EXTENSION_DIR, 'manifest.json');
  if (!existsSync(manifest)) {
    throw new Error(`The built extension is missing (${manifest}): run \`npm run build\` first`);
  }
  const inbox = fileURLToPath(new URL('../../server/inbox/dist/index.html', import.meta.url));
  if (!existsSync(inbox)) {
    throw new Error(`The built inbox page is missing (${inbox}): run \`npm run build:inbox\` first`);
  }
  const server = await startFixtureServer({ routeHeaders: [STRICT_CSP_ROUTE] });
  project.provide('fixturePort', server.port);
  return () => server.close();
}
