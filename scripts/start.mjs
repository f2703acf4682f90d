// `npm start`: builds the Chrome/Edge extension and says how to load it. (The backend joins
// this command when it exists.)
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dir = resolve('.output/chrome-mv3');
console.log(`
Ombord is built: ${dir}

Load it in Chrome or Edge:
  1. Open chrome://extensions (Edge: edge://extensions).
  2. Turn on "Developer mode".
  3. Click "Load unpacked" and choose the folder above.
Then open your Salesforce or Dynamics 365 org and click the Ombord button in the toolbar
to see what it detected about the page. On-premises Dynamics: add the server in Ombord's settings.
`);
