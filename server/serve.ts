/**
 * Puts the app on a socket with @hono/node-server and takes it off gracefully: stop accepting,
 * let in-flight requests finish (closing idle keep-alive connections), and after a grace
 * period cut whatever is left.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppEnv } from './http/env';

export interface ListeningServer {
  url: string;
  port: number;
  /** Resolves when every connection is closed. */
  close(): Promise<void>;
}

const DEFAULT_GRACE_MS = 10_000;

export function listen(app: Hono<AppEnv>, options: { port: number; host: string; graceMs?: number }): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }) as Server;
    let stopping = false;
    // Once stopping, a keep-alive connection is closed as soon as its current response is done.
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      if (stopping) response.setHeader('Connection', 'close');
      response.on('finish', () => {
        if (stopping) setImmediate(() => server.closeIdleConnections());
      });
    });
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${options.host}:${options.port}`;
      reject(new Error(error.code === 'EADDRINUSE' ? `Port ${where} is already in use; set PORT to another port` : `Cannot listen on ${where}: ${error.message}`));
    });
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            stopping = true;
            const cut = setTimeout(() => server.closeAllConnections(), options.graceMs ?? DEFAULT_GRACE_MS);
            server.close(() => {
              clearTimeout(cut);
              done();
            });
            server.closeIdleConnections();
          })),
      });
    });
  });
}
