// `npm start`: builds the Chrome/Edge extension and the support inbox page, starts the backend
// (SQLite in ./data unless DATABASE_URL is set) and says how to connect the two. On a new
// database it creates a demo organisation with the starter packs published and prints its
// enrollment token and the inbox admin's generated password. Ctrl-C stops the backend cleanly.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { register } from 'tsx/esm/api';

for (const [command, args] of [
  ['npx', ['wxt', 'build']],
  ['npm', ['run', 'build:inbox']],
]) {
  const build = spawnSync(command, args, { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The backend is TypeScript: load it through tsx, as `npm run server` does.
register();
const { configFromEnv, describeStore } = await import('../server/config.ts');
const { jsonLogger } = await import('../server/http/log.ts');
const { startBackend, stopOnSignals } = await import('../server/run.ts');
const { seedDemoIfEmpty } = await import('../server/demo.ts');

const log = jsonLogger(process.stdout);
let config;
let backend;
try {
  config = configFromEnv(process.env);
  backend = await startBackend(config, log);
} catch (error) {
  console.error(`\nThe backend could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
stopOnSignals(backend.stop, log);

const packsDir = resolve('content/packs');
const packFiles = readdirSync(packsDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({ source: `content/packs/${name}`, json: JSON.parse(readFileSync(join(packsDir, name), 'utf8')) }));
const seed = await seedDemoIfEmpty(backend.store, packFiles);

const dir = resolve('.output/chrome-mv3');
// Browsers keep the inbox's Secure session cookie over plain http only on loopback.
const inboxUrl = `http://127.0.0.1:${new URL(backend.url).port}/inbox/`;
const inbox = seed
  ? `Support inbox: ${inboxUrl}
Sign in as ${seed.inboxAdmin.email} with this password (shown only now):

  ${seed.inboxAdmin.password}

(change it with: npm run admin -- staff set-password --email ${seed.inboxAdmin.email})`
  : `Support inbox: ${inboxUrl}
Create staff accounts with: npm run admin -- staff create --org <organisation> --email <email> --role admin`;
const connect = seed
  ? `A new database: created the organisation "${seed.organisation.name}" with ${seed.published.length} starter pack(s) published
(${seed.published.join(', ') || 'none'}).${
      seed.errors.length > 0
        ? `\nNot published:\n${seed.errors.map((error) => `  ${error.pack} ${error.path}: ${error.message}`).join('\n')}`
        : ''
    }

Enrollment token (shown only now; the database keeps only its hash):

  ${seed.enrollmentToken}`
  : `An existing database. Issue an enrollment token with the admin CLI:

  npm run admin -- org list
  npm run admin -- token issue --org <organisation>`;

console.log(`
Ombord is built: ${dir}
Backend: ${backend.url}  (${describeStore(config.store)})

${connect}

${inbox}

Load it in Chrome or Edge:
  1. Open chrome://extensions (Edge: edge://extensions).
  2. Turn on "Developer mode".
  3. Click "Load unpacked" and choose the folder above.
Then open your Salesforce or Dynamics 365 org and click the Ombord button in the toolbar
to see what it detected about the page. On-premises Dynamics: add the server in Ombord's settings.
To connect the extension to the backend, give it the backend URL and the enrollment token above.

Press Ctrl-C to stop the backend.
`);
