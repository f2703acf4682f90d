/**
 * HTTPS server for the CRM-like pages in `test/fixtures`. It picks the site by the `Host` header,
 * so Chromium reaches it under real CRM host names (the harness maps them to 127.0.0.1) and the
 * extension's real manifest `matches` decide where its content script runs.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'selfsigned';
import { DYNAMICS_HOST_PATTERNS, SALESFORCE_HOST_PATTERNS } from '../../lib/crm/hosts';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export type FixtureSite = 'lightning' | 'dynamics' | 'other';

/** Extra response headers for the requests a rule matches (e.g. a strict Content-Security-Policy). */
export interface RouteHeaders {
  site?: FixtureSite;
  host?: RegExp;
  path?: RegExp;
  headers: Record<string, string>;
}

export interface FixtureServerOptions {
  routeHeaders?: readonly RouteHeaders[];
}

export interface FixtureServer {
  port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** `https://*.lightning.force.com/*` → a RegExp for the host part, with Chrome's match-pattern meaning of `*.`. */
function hostRegExp(pattern: string): RegExp {
  const host = new URL(pattern.replace('*.', 'wildcard.')).hostname.replace(/^wildcard\./, '');
  return new RegExp(`^(?:.+\\.)?${host.replaceAll('.', '\\.')}$`);
}

const SALESFORCE_HOSTS = SALESFORCE_HOST_PATTERNS.map(hostRegExp);
const DYNAMICS_HOSTS = DYNAMICS_HOST_PATTERNS.map(hostRegExp);

export function siteForHost(host: string): FixtureSite {
  if (SALESFORCE_HOSTS.some((pattern) => pattern.test(host))) return 'lightning';
  if (DYNAMICS_HOSTS.some((pattern) => pattern.test(host))) return 'dynamics';
  return 'other';
}

type Resolution = { file: string } | { redirect: string } | null;

/** The single-page-app entry (or redirect) for a path that is not a static file. */
function spaEntry(site: FixtureSite, host: string, pathname: string): Resolution {
  switch (site) {
    case 'lightning':
      if (pathname === '/') return { redirect: '/lightning/page/home' };
      if (pathname.startsWith('/lightning/') || pathname === '/one/one.app') return { file: 'index.html' };
      return null;
    case 'dynamics':
      if (pathname === '/') return { redirect: '/main.aspx' };
      if (/^\/(?:apps\/[^/]+\/)?main\.aspx$/i.test(pathname)) return { file: 'index.html' };
      return null;
    case 'other':
      // Experience Cloud sites route every path (`/s/...`) to their app.
      if (host.endsWith('.my.site.com')) return { file: 'experience-cloud.html' };
      if (pathname !== '/') return null;
      // Hosts that only look like a CRM (acme.lightning.force.com.phish.example) get a Lightning look-alike.
      return { file: /force\.com|salesforce|dynamics/.test(host) ? 'lookalike.html' : 'example.html' };
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function resolve(site: FixtureSite, host: string, pathname: string): Promise<Resolution> {
  const siteDir = path.join(FIXTURES_DIR, site);
  const candidate = path.join(siteDir, pathname);
  if (candidate.startsWith(siteDir + path.sep) && (await isFile(candidate))) return { file: path.relative(siteDir, candidate) };
  return spaEntry(site, host, pathname);
}

function extraHeaders(rules: readonly RouteHeaders[], site: FixtureSite, host: string, pathname: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const rule of rules) {
    if (rule.site && rule.site !== site) continue;
    if (rule.host && !rule.host.test(host)) continue;
    if (rule.path && !rule.path.test(pathname)) continue;
    Object.assign(headers, rule.headers);
  }
  return headers;
}

async function handle(request: IncomingMessage, response: ServerResponse, rules: readonly RouteHeaders[]): Promise<void> {
  const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const url = new URL(request.url ?? '/', `https://${host || 'localhost'}`);
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    response.writeHead(400).end('Bad path');
    return;
  }
  const site = siteForHost(host);
  const headers = { 'cache-control': 'no-store', ...extraHeaders(rules, site, host, pathname) };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
    return;
  }
  const resolution = await resolve(site, host, pathname);
  if (!resolution) {
    response.writeHead(404, { ...headers, 'content-type': CONTENT_TYPES['.txt'] }).end(`No fixture for ${site} ${pathname}\n`);
    return;
  }
  if ('redirect' in resolution) {
    response.writeHead(302, { ...headers, location: resolution.redirect }).end();
    return;
  }
  const body = await readFile(path.join(FIXTURES_DIR, site, resolution.file));
  const type = CONTENT_TYPES[path.extname(resolution.file)] ?? 'application/octet-stream';
  response.writeHead(200, { ...headers, 'content-type': type, 'content-length': body.length });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** Starts the server on 127.0.0.1 with a fresh self-signed certificate; port 0 picks a free port. */
export async function startFixtureServer(options: FixtureServerOptions = {}): Promise<FixtureServer> {
  const rules = options.routeHeaders ?? [];
  const pems = await generate([{ name: 'commonName', value: 'ombord-fixtures.test' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
  });
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    handle(request, response, rules).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': CONTENT_TYPES['.txt'] });
      response.end(`Fixture server error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Fixture server has no TCP address');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}
