/**
 * The backend on a real socket: requests over TCP (streamed bodies, client addresses), and
 * graceful shutdown, in process and as `server/main.ts` receiving SIGTERM, with a request in
 * flight that must still complete.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, MeResponseSchema, ProgressAckSchema } from '../lib/api';
import { createApp } from './app';
import { listen, type ListeningServer } from './serve';
import { migrations } from './store/migrations';
import type { Store } from './store/store';
import { progressEvent, setUpOrganisation } from './test/fixtures';
import { ADAPTERS, createTestDatabase, type TestDatabase } from './test/stores';

/** Starts a POST whose body is only half sent; `finish()` sends the rest and resolves with the response. */
function startSlowPost(url: string, path: string, headers: Record<string, string>, body: string) {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  let request: ClientRequest;
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request = httpRequest(`${url}${path}`, { method: 'POST', headers: { ...headers, 'Content-Length': String(bytes.length) } }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.write(bytes.subarray(0, half));
  });
  return {
    /** Resolves once the first half is on the wire. */
    started: new Promise<void>((resolve) => setTimeout(resolve, 100)),
    finish: () => {
      request.end(bytes.subarray(half));
      return response;
    },
  };
}

async function enrolOver(url: string, enrollmentToken: string, email: string) {
  const response = await fetch(`${url}/v1/enroll`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ enrollmentToken, user: { email }, extensionVersion: '0.1.0' }),
  });
  expect(response.status).toBe(201);
  const { deviceToken } = (await response.json()) as { deviceToken: string };
  return { Authorization: `Bearer ${deviceToken}`, 'Content-Type': 'application/json' };
}

describe.each(ADAPTERS)('on a socket, %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let server: ListeningServer;
  let enrollmentToken: string;

  beforeAll(async () => {
    database = await createTestDatabase(adapter);
    store = await database.openStore();
    ({ enrollmentToken } = await setUpOrganisation(store, 'Socket'));
    server = await listen(createApp({ store, bodyLimitBytes: 64 * 1024 }), { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    await database?.drop();
  });

  it('serves the API over TCP', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const auth = await enrolOver(server.url, enrollmentToken, 'tcp@example.com');
    const me = await fetch(`${server.url}/v1/me`, { headers: auth });
    expect(MeResponseSchema.parse(await me.json()).user.email).toBe('tcp@example.com');
  });

  it('refuses streamed (chunked) and declared bodies over the limit with 413', async () => {
    const auth = await enrolOver(server.url, enrollmentToken, 'big@example.com');
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const chunked = await fetch(`${server.url}/v1/progress`, { method: 'POST', headers: auth, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(ApiErrorSchema.parse(await chunked.json()).error.code).toBe('payload_too_large');
    const declared = await fetch(`${server.url}/v1/progress`, { method: 'POST', headers: auth, body: 'x'.repeat(65 * 1024) });
    expect(declared.status).toBe(413);
  });

  it('limits by the client address', async () => {
    const limited = await listen(createApp({ store, rateLimits: { perIp: { max: 2, windowSeconds: 3600 }, perDevice: { max: 100, windowSeconds: 60 } } }), { port: 0, host: '127.0.0.1' });
    try {
      // The bucket is this address's: other tests' requests from 127.0.0.1 count too, so only the end state is certain.
      let last = 0;
      for (let i = 0; i < 3; i++) last = (await fetch(`${limited.url}/v1/openapi.json`)).status;
      expect(last).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('graceful shutdown', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('finishes an in-flight request, refuses new connections, then resolves', async () => {
    const store = await database.openStore();
    const { enrollmentToken } = await setUpOrganisation(store, 'Graceful');
    const server = await listen(createApp({ store }), { port: 0, host: '127.0.0.1' });
    const auth = await enrolOver(server.url, enrollmentToken, 'inflight@example.com');
    const event = progressEvent();

    const slow = startSlowPost(server.url, '/v1/progress', auth, JSON.stringify({ events: [event] }));
    await slow.started;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(closed).toBe(false);

    const response = await slow.finish();
    const finishedAt = Date.now();
    expect(response.status).toBe(200);
    expect(ProgressAckSchema.parse(JSON.parse(response.text)).accepted).toEqual([event.id]);
    await closing;
    // Not held open by the keep-alive connection the request came on.
    expect(Date.now() - finishedAt).toBeLessThan(1000);
    expect(closed).toBe(true);
    await store.close();
  });
});

describe('server/main.ts', () => {
  it('migrates a new DATA_DIR, serves, and on SIGTERM finishes the in-flight request and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ombord-main-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, DATA_DIR: join(dataDir, 'nested'), PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening" line within 20 s:\n${output}`)), 20_000);
        child.stdout.on('data', () => {
          const match = /"msg":"listening","url":"([^"]+)"/.exec(output);
          if (match?.[1] !== undefined) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect(output).toContain(`"migrationsApplied":"${Object.keys(migrations).join(',')}"`);

      // Seed through the store on the same SQLite file, as the admin CLI does.
      const { openStore } = await import('./store/open');
      const store = openStore({ kind: 'sqlite', file: join(dataDir, 'nested', 'ombord.db') });
      const { enrollmentToken } = await setUpOrganisation(store, 'Main');
      await store.close();
      const auth = await enrolOver(url, enrollmentToken, 'main@example.com');

      const slow = startSlowPost(url, '/v1/progress', auth, JSON.stringify({ events: [progressEvent()] }));
      await slow.started;
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const response = await slow.finish();
      expect(response.status).toBe(200);
      expect(await exited).toBe(0);
      expect(output).toContain('"msg":"stopped"');
      const lines = output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.filter((line) => line.msg === 'request').map((line) => line.path)).toEqual(['/v1/enroll', '/v1/progress']);
      expect(output).not.toContain(auth.Authorization.slice('Bearer '.length));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 40_000);
});
