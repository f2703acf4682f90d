/**
 * The real backend as a child process for e2e tests: `node --import tsx server/main.ts` on
 * 127.0.0.1 with an SQLite database in a temp `DATA_DIR`, killed with any signal and restarted on
 * the same port and data (the extension keeps the address it enrolled with). The admin CLI
 * (`scripts/admin.ts`) runs as a process too, on the same `DATA_DIR`, as an operator would.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
/** How much of the process output a failure message quotes. */
const LOG_TAIL_CHARS = 4_000;

export interface BackendOptions {
  /** Where `ombord.db` lives; kept across restarts. */
  dataDir: string;
  /** Fixed for the backend's whole life: restarts listen on the same one (see `freePort`). */
  port: number;
}

/** One JSON log line of the backend (`server/http/log.ts`). */
export type BackendLogLine = Record<string, unknown>;

export interface RunningBackend {
  /** `http://127.0.0.1:<port>`, the same across restarts. */
  url: string;
  /** Whether a backend process is alive right now. */
  running(): boolean;
  /** Sends `signal` (SIGTERM by default) and resolves when the process has exited; no-op when none runs. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a new process on the same port and data directory (killing a running one with SIGKILL first); resolves when `/readyz` answers 200. */
  restart(): Promise<void>;
  /** Calls `listener` with every JSON log line of this and later processes; returns an unsubscribe. */
  onLog(listener: (line: BackendLogLine) => void): () => void;
  /** The last few kilobytes of output, for failure messages. */
  logTail(): string;
}

/** An ephemeral port that was free a moment ago (the OS picks it; reused by every restart). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('No ephemeral port was assigned'))));
    });
  });
}

function backendEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
  // SQLite in DATA_DIR, whatever the developer's shell points at.
  delete env.DATABASE_URL;
  delete env.ALLOWED_ORIGINS;
  return env;
}

/**
 * Runs `npm run admin -- <args>` as a process on `dataDir`; its stdout, or an error with both
 * streams. `env` adds variables (such as `OMBORD_STAFF_PASSWORD` for `staff create`).
 */
export async function runAdmin(dataDir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
      cwd: ROOT,
      env: { ...backendEnv(dataDir, 0), ...env },
      timeout: 30_000,
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`admin ${args.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}\n${stdout}\n${stderr}`, { cause: error });
  }
}

/** Creates an organisation and an enrollment token with the admin CLI; the token is parsed from its output. */
export async function createOrganisationWithToken(dataDir: string, name: string): Promise<{ organisationId: string; token: string }> {
  const created = await runAdmin(dataDir, ['org', 'create', name]);
  const organisationId = /\(([0-9a-f-]{36})\)/.exec(created)?.[1];
  if (organisationId === undefined) throw new Error(`No organisation id in: ${created}`);
  const issued = await runAdmin(dataDir, ['token', 'issue', '--org', organisationId]);
  // The secret is printed alone on an indented line: 32 random bytes in base64url.
  const token = /^ {2}([A-Za-z0-9_-]{40,})$/m.exec(issued)?.[1];
  if (token === undefined) throw new Error(`No enrollment token in: ${issued}`);
  return { organisationId, token };
}

export async function startBackend({ dataDir, port }: BackendOptions): Promise<RunningBackend> {
  const url = `http://127.0.0.1:${port}`;
  const listeners = new Set<(line: BackendLogLine) => void>();
  let output = '';
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const record = (text: string): void => {
    output = (output + text).slice(-LOG_TAIL_CHARS);
  };

  const spawnOne = (): void => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: backendEnv(dataDir, port),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        record(`[backend pid ${proc.pid} exited: ${signal ?? code}]\n`);
        if (child === proc) child = null;
        resolve();
      });
    });
    let pending = '';
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      record(chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) {
        let line: BackendLogLine;
        try {
          line = JSON.parse(text) as BackendLogLine;
        } catch {
          continue;
        }
        for (const listener of listeners) listener(line);
      }
    });
    proc.stderr?.setEncoding('utf8').on('data', record);
  };

  const waitReady = async (): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (child === null) throw new Error(`The backend exited before it was ready:\n${output}`);
      try {
        const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The backend at ${url} was not ready within ${READY_TIMEOUT_MS} ms (${last}):\n${output}`);
  };

  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const current = child;
    if (current === null) return;
    current.kill(signal);
    await exited;
  };

  const backend: RunningBackend = {
    url,
    running: () => child !== null,
    kill,
    async restart() {
      await kill('SIGKILL');
      spawnOne();
      await waitReady();
    },
    onLog(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    logTail: () => output,
  };
  spawnOne();
  try {
    await waitReady();
  } catch (error) {
    await kill('SIGKILL');
    throw error;
  }
  return backend;
}
