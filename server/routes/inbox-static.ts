/**
 * The inbox page itself: `/inbox/` and its `/inbox/assets/*`, from the directory the page's build
 * writes (`npm run build:inbox`, Vite with `base: '/inbox/'`). Every response carries a strict
 * Content-Security-Policy and refuses framing; without a build, `/inbox/` says how to make one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/env';

export const INBOX_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const MISSING_BUILD = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Ombord inbox: not built</title>
<h1>The inbox page is not built yet</h1>
<p>Run <code>npm run build:inbox</code> on the server, then reload this page.</p>
</html>
`;

export function inboxStaticRoutes({ dir }: { dir: string }) {
  const index = join(dir, 'index.html');
  // Made on first use, so a server started before the build serves it once it exists.
  let assets: MiddlewareHandler<AppEnv> | undefined;

  return new Hono<AppEnv>()
    .use('/inbox', securityHeaders)
    .use('/inbox/', securityHeaders)
    .use('/inbox/assets/*', securityHeaders)
    .get('/', (c) => c.redirect('/inbox/', 302))
    .get('/inbox', (c) => c.redirect('/inbox/', 301))
    .get('/inbox/', async (c, next) => {
      if (!existsSync(index)) return c.html(MISSING_BUILD, 503);
      // The page names its hashed assets, so it must be fetched fresh to pick up a new build.
      c.header('Cache-Control', 'no-cache');
      return serveStatic<AppEnv>({ path: index })(c, next);
    })
    .get('/inbox/assets/*', async (c, next) => {
      if (!existsSync(dir)) return next();
      assets ??= serveStatic<AppEnv>({ root: dir, rewriteRequestPath: (path) => path.slice('/inbox'.length) });
      const response = await assets(c, next);
      // Vite puts a content hash in every asset name: a changed file is a new URL.
      if (response instanceof Response && response.ok) response.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
      return response;
    });
}

const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header('Content-Security-Policy', INBOX_CSP);
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Content-Type-Options', 'nosniff');
};
