/**
 * Backend benchmarks, each on SQLite and on PostgreSQL:
 * (a) ingest throughput of `POST /v1/progress` (batches of 500 events over a real loopback socket)
 *     against raw inserts of the same rows into the same table with the plainest fast path;
 * (b) latency of the sync endpoint with 200 concurrent clients, each its own enrolled device,
 *     posting small batches in a closed loop. The load generator of (b) is a child process (this
 *     file, forked with `OMBORD_BENCH_LOADGEN=1`), so it runs on its own event loop; the machine
 *     has 2 cores, so it still competes for CPU with the server (and with PostgreSQL).
 *
 * The backend runs in this process, started like `startBackend` (open store → migrate →
 * createApp → listen on 127.0.0.1:0) but with the rate limits passed explicitly. Every database
 * is fresh: an SQLite file in a temporary folder, a PostgreSQL schema created and dropped here.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { EnrollResponseSchema, newProgressEvent, PROGRESS_BATCH_MAX, type NewProgressEvent, type ProgressContext, type ProgressEvent } from '../lib/api';
import { createApp, DEFAULT_RATE_LIMITS } from '../server/app';
import { DEFAULT_ALLOWED_ORIGINS } from '../server/config';
import type { RateLimits } from '../server/http/env';
import { jsonLogger } from '../server/http/log';
import { listen } from '../server/serve';
import { openStore, type StoreLocation } from '../server/store/open';
import type { Store } from '../server/store/store';
import type { BenchSection } from './run';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const LOADGEN_ENV = 'OMBORD_BENCH_LOADGEN';

type Kind = 'sqlite' | 'postgres';
const KINDS: readonly Kind[] = ['sqlite', 'postgres'];
const KIND_NAME: Record<Kind, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

// (a) ingest
const INGEST_EVENTS: Record<Kind, number> = { sqlite: 50_000, postgres: 20_000 };
const INGEST_REPEATS = 3;
const INGEST_TARGET = 0.5;
// (b) latency
const CLIENTS = 200;
const WARMUP_MS = 2_000;
const MEASURE_MS = 10_000;
const BATCH_MIN = 5;
const BATCH_MAX = 20;
const LATENCY_TARGET = 5;
/**
 * 200 clients from one address in a closed loop send thousands of requests a minute: the
 * defaults (1200 per address, 120 per device per minute) would answer most of them 429. The
 * limits are raised so nothing is refused, but every request still pays both counter upserts.
 */
const LATENCY_RATE_LIMITS: RateLimits = {
  perIp: { max: 1_000_000_000, windowSeconds: 60 },
  perDevice: { max: 1_000_000_000, windowSeconds: 60 },
};

// ---- databases and the backend -------------------------------------------------------------

interface BenchDatabase {
  location: StoreLocation;
  drop(): Promise<void>;
}

async function freshDatabase(kind: Kind): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ombord-bench-'));
    return { location: { kind, file: join(dir, 'ombord.db') }, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
  }
  const schema = `ombord_bench_${process.pid}_${randomBytes(6).toString('hex')}`;
  await withPgClient(PG_URL, (client) => client.query(`create schema ${schema}`));
  const url = new URL(PG_URL);
  // The server's own settings otherwise (synchronous_commit on, as in production).
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    location: { kind, connectionString: url.toString() },
    drop: () => withPgClient(PG_URL, (client) => client.query(`drop schema if exists ${schema} cascade`)).then(() => undefined),
  };
}

async function withPgClient<T>(connectionString: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

interface BenchBackend {
  url: URL;
  store: Store;
  stop(): Promise<void>;
}

/** `startBackend`'s steps, with explicit rate limits and a JSON logger writing nowhere. */
async function startBenchBackend(location: StoreLocation, rateLimits: RateLimits): Promise<BenchBackend> {
  const store = openStore(location);
  await store.migrate();
  // Production logs one JSON line per request; the serialising is kept, the writing dropped.
  const log = jsonLogger({ write: () => true });
  const server = await listen(createApp({ store, allowedOrigins: DEFAULT_ALLOWED_ORIGINS, log, rateLimits }), { port: 0, host: '127.0.0.1' });
  return {
    url: new URL(server.url),
    store,
    async stop() {
      await server.close();
      await store.close();
    },
  };
}

/** An organisation and an enrollment token, as the admin CLI makes them (straight in the store). */
async function setUpOrganisation(store: Store): Promise<string> {
  const organisation = await store.createOrganisation('Bench Org');
  const { secret } = await store.issueEnrollmentToken(organisation.id, { expiresAt: null });
  return secret;
}

// ---- the machine --------------------------------------------------------------------------

/** Busy and total CPU time of the whole machine (every process), from /proc/stat; null elsewhere. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** What else the machine was doing: other work on these 2 cores moves every figure here. */
function machineNote(startLoad: number): string {
  return `Machine: ${availableParallelism()} cores; 1-minute load average ${startLoad.toFixed(1)} when the section started, ${(loadavg()[0] ?? NaN).toFixed(1)} when it ended (other jobs on the machine inflate both and widen the spread).`;
}

// ---- HTTP ---------------------------------------------------------------------------------

interface HttpResult {
  status: number;
  body: string;
}

function postJson(agent: http.Agent, url: URL, path: string, body: string, deviceToken?: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    if (deviceToken !== undefined) headers.Authorization = `Bearer ${deviceToken}`;
    const request = http.request({ agent, host: url.hostname, port: url.port, method: 'POST', path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function enrollDevice(agent: http.Agent, url: URL, enrollmentToken: string, n: number): Promise<string> {
  const body = JSON.stringify({ enrollmentToken, user: { email: `bench-user-${n}@example.com` }, extensionVersion: '0.1.0', deviceLabel: 'Chrome on bench' });
  const response = await postJson(agent, url, '/v1/enroll', body);
  if (response.status !== 201) throw new Error(`enrolment answered ${response.status}: ${response.body.slice(0, 300)}`);
  return EnrollResponseSchema.parse(JSON.parse(response.body)).deviceToken;
}

/** The number of accepted events in a `ProgressAck`, or null when the body is not one. */
function acceptedCount(body: string): number | null {
  const ack: unknown = JSON.parse(body);
  if (typeof ack !== 'object' || ack === null || !('accepted' in ack) || !Array.isArray(ack.accepted)) return null;
  return ack.accepted.length;
}

// ---- events -------------------------------------------------------------------------------

/** Deterministic, so both paths of (a) get the same events in every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OBJECTS = ['Account', 'Opportunity', 'Contact', 'Lead', 'Case'];
const PACKS = ['sales-basics', 'service-console', 'pipeline-hygiene'];

/** A mix like the extension's: mostly `seen` and tour steps, a few of everything else. */
function randomEvent(rand: () => number, at: Date): ProgressEvent {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const context: ProgressContext = { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: pick(OBJECTS), surface: 'lightning' };
  const base = { packId: pick(PACKS), packVersion: 1 + Math.floor(rand() * 5), itemId: `item-${Math.floor(rand() * 40)}`, context };
  const stepIndex = Math.floor(rand() * 8);
  const roll = rand();
  const event: NewProgressEvent =
    roll < 0.4 ? { type: 'seen', ...base }
    : roll < 0.6 ? { type: 'step_completed', ...base, stepId: `step-${stepIndex}`, stepIndex }
    : roll < 0.68 ? { type: 'dismissed', ...base }
    : roll < 0.74 ? { type: 'tour_started', ...base }
    : roll < 0.8 ? { type: 'tour_completed', ...base }
    : roll < 0.85 ? { type: 'tip_adopted', ...base, minutesSaved: 2 }
    : roll < 0.9 ? { type: 'checklist_item_done', ...base, taskId: `task-${stepIndex}` }
    : roll < 0.94 ? { type: 'snoozed', ...base, until: new Date(at.getTime() + 86_400_000).toISOString() }
    : roll < 0.97 ? { type: 'tour_ended', ...base, atStepId: `step-${stepIndex}`, reason: 'closed' }
    : roll < 0.99 ? { type: 'step_skipped', ...base, stepId: `step-${stepIndex}`, stepIndex, reason: 'anchor_missing' }
    : { type: 'anchor_missing', ...base, stepId: `step-${stepIndex}`, strategiesTried: ['label', 'css'], waitedMs: 5000 };
  return newProgressEvent(event, at);
}

function makeEvents(count: number, seed: number): ProgressEvent[] {
  const rand = prng(seed);
  const start = Date.parse('2030-01-01T08:00:00.000Z');
  return Array.from({ length: count }, (_, i) => randomEvent(rand, new Date(start + i * 1000)));
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

// ---- (a) ingest throughput -----------------------------------------------------------------

/** Events/s through `POST /v1/progress`, one client, one batch in flight, keep-alive. */
async function ingestOverHttp(kind: Kind, warmup: string[], bodies: string[], events: number): Promise<number> {
  const database = await freshDatabase(kind);
  // The defaults: 1 enrolment + ≤ 101 batches stay under 120 a device / 1200 an address a minute.
  const backend = await startBenchBackend(database.location, DEFAULT_RATE_LIMITS);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const deviceToken = await enrollDevice(agent, backend.url, await setUpOrganisation(backend.store), 0);
    const send = async (body: string) => {
      const response = await postJson(agent, backend.url, '/v1/progress', body, deviceToken);
      if (response.status !== 200 || acceptedCount(response.body) !== PROGRESS_BATCH_MAX) {
        throw new Error(`POST /v1/progress answered ${response.status}: ${response.body.slice(0, 300)}`);
      }
    };
    for (const body of warmup) await send(body);
    const started = performance.now();
    for (const body of bodies) await send(body);
    return events / ((performance.now() - started) / 1000);
  } finally {
    agent.destroy();
    await backend.stop();
    await database.drop();
  }
}

type RawRow = [id: string, type: string, packId: string, at: string, payload: string];

const INSERT_COLUMNS = '(organisation_id, id, user_id, device_id, type, pack_id, at, received_at, payload)';

/** Events/s of plain inserts into `progress_events`, one transaction (or statement) per 500 rows. */
async function ingestRaw(kind: Kind, warmup: RawRow[][], batches: RawRow[][], events: number): Promise<number> {
  const database = await freshDatabase(kind);
  try {
    // The rows the foreign keys need, made by the store; then the store steps aside.
    const store = openStore(database.location);
    await store.migrate();
    const enrollmentToken = await setUpOrganisation(store);
    const enrolled = await store.enroll({ enrollmentToken, user: { email: 'bench-user-0@example.com' }, extensionVersion: '0.1.0' });
    await store.close();
    if (!enrolled.ok) throw new Error(`enrolment failed: ${enrolled.reason}`);
    const owner = [enrolled.organisation.id, enrolled.user.id, enrolled.deviceId] as const;

    if (database.location.kind === 'sqlite') {
      // The store's connection settings (open.ts).
      const db = new SQLite(database.location.file);
      try {
        db.pragma('journal_mode = WAL');
        db.pragma('foreign_keys = ON');
        db.pragma('synchronous = NORMAL');
        const insert = db.prepare(`insert into progress_events ${INSERT_COLUMNS} values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        const insertBatch = db.transaction((rows: RawRow[]) => {
          const receivedAt = new Date().toISOString();
          for (const [id, type, packId, at, payload] of rows) insert.run(owner[0], id, owner[1], owner[2], type, packId, at, receivedAt, payload);
        });
        for (const rows of warmup) insertBatch(rows);
        const started = performance.now();
        for (const rows of batches) insertBatch(rows);
        return events / ((performance.now() - started) / 1000);
      } finally {
        db.close();
      }
    }

    return await withPgClient(database.location.connectionString, async (client) => {
      const placeholders = Array.from({ length: PROGRESS_BATCH_MAX }, (_, row) => `(${Array.from({ length: 9 }, (_, col) => `$${row * 9 + col + 1}`).join(', ')})`).join(', ');
      const text = `insert into progress_events ${INSERT_COLUMNS} values ${placeholders}`;
      const insertBatch = async (rows: RawRow[]) => {
        if (rows.length !== PROGRESS_BATCH_MAX) throw new Error('raw PostgreSQL batches must be full');
        const receivedAt = new Date().toISOString();
        await client.query(text, rows.flatMap(([id, type, packId, at, payload]) => [owner[0], id, owner[1], owner[2], type, packId, at, receivedAt, payload]));
      };
      for (const rows of warmup) await insertBatch(rows);
      const started = performance.now();
      for (const rows of batches) await insertBatch(rows);
      return events / ((performance.now() - started) / 1000);
    });
  } finally {
    await database.drop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const range = (values: readonly number[]) => `${whole(median(values))} (${whole(Math.min(...values))}–${whole(Math.max(...values))})`;

export async function runServerIngestBench(): Promise<BenchSection> {
  const startLoad = loadavg()[0] ?? NaN;
  const rows: string[][] = [];
  for (const kind of KINDS) {
    const events = makeEvents(INGEST_EVENTS[kind], 0x5eed);
    // One warm-up batch per measurement (other events), so JIT and caches are not timed.
    const warmupEvents = makeEvents(PROGRESS_BATCH_MAX, 0x3a7e);
    const toRaw = (batch: ProgressEvent[]) => batch.map((e): RawRow => [e.id, e.type, e.packId, e.at, JSON.stringify(e)]);
    const bodies = chunk(events, PROGRESS_BATCH_MAX).map((batch) => JSON.stringify({ events: batch }));
    const rawBatches = chunk(events, PROGRESS_BATCH_MAX).map(toRaw);
    const warmupBody = [JSON.stringify({ events: warmupEvents })];
    const warmupRaw = [toRaw(warmupEvents)];

    const raw: number[] = [];
    const viaHttp: number[] = [];
    // Interleaved, each on a fresh database.
    for (let i = 0; i < INGEST_REPEATS; i++) {
      raw.push(await ingestRaw(kind, warmupRaw, rawBatches, events.length));
      viaHttp.push(await ingestOverHttp(kind, warmupBody, bodies, events.length));
    }
    // Each pair ran back to back, so its ratio is less moved by other load drifting over the run.
    const ratio = median(viaHttp.map((value, i) => value / (raw[i] ?? NaN)));
    rows.push([
      KIND_NAME[kind],
      whole(events.length),
      range(raw),
      range(viaHttp),
      ratio.toFixed(2),
      ratio >= INGEST_TARGET ? 'yes' : 'NO',
    ]);
  }
  return {
    title: 'Backend: progress ingest, HTTP vs raw inserts',
    columns: ['Store', 'Events', 'Raw insert, events/s', 'POST /v1/progress, events/s', 'HTTP/raw (pairs)', `≥ ${INGEST_TARGET}`],
    rows,
    notes: [
      `Events/s: median of ${INGEST_REPEATS} runs (min–max), raw and HTTP interleaved (HTTP/raw is the median of the 3 back-to-back pairs' ratios), each run on a fresh database (SQLite file in WAL mode, synchronous=NORMAL; PostgreSQL schema with the server's defaults: fsync and synchronous_commit on) after one untimed 500-event warm-up batch.`,
      `HTTP: the backend in this process on 127.0.0.1:<ephemeral>, default rate limits, one device enrolled through POST /v1/enroll; one client (same process, node:http keep-alive) sends pre-serialised batches of ${PROGRESS_BATCH_MAX} events one after another and checks each answer (200, ${PROGRESS_BATCH_MAX} accepted).`,
      'Per batch the HTTP path adds: per-IP rate-limit upsert, device lookup by token hash, per-device rate-limit upsert, body limit, UTF-8 decode, JSON.parse, zod validation of 500 events, JSON.stringify of each payload, INSERT … ON CONFLICT DO NOTHING RETURNING id in a transaction (the idempotency check), the ack JSON and a request-log line (serialised, not written).',
      `Raw: the same ${PROGRESS_BATCH_MAX}-row batches with payloads pre-serialised (untimed); better-sqlite3 one prepared INSERT per row in one transaction per batch; pg one multi-row INSERT (4,500 parameters) per batch, autocommit. No conflict handling, no RETURNING.`,
      'The HTTP client shares the process with the server, so its work (writing ~200 KB, reading the ack) is in the HTTP time.',
      machineNote(startLoad),
    ],
  };
}

// ---- (b) latency at 200 clients ------------------------------------------------------------

interface LoadRequest {
  url: string;
  deviceTokens: string[];
  warmupMs: number;
  measureMs: number;
}

interface LoadResult {
  /** Latencies of the requests started in the measured window, ms. */
  latencies: number[];
  events: number;
  rateLimited: number;
  otherErrors: number;
  firstError: string | null;
  /** CPU the load generator used during the measured window, ms. */
  cpuMs: number;
}

type LoadMessage = { kind: 'measuring' } | { kind: 'done'; result: LoadResult };

/** The child's work: one closed-loop client per device token, all on one keep-alive agent. */
async function generateLoad({ url, deviceTokens, warmupMs, measureMs }: LoadRequest, onMeasuring: () => void): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: deviceTokens.length });
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const until = measureFrom + measureMs;
  const result: LoadResult = { latencies: [], events: 0, rateLimited: 0, otherErrors: 0, firstError: null, cpuMs: 0 };
  let cpuAtStart: NodeJS.CpuUsage | null = null;
  const markMeasuring = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    onMeasuring();
  }, warmupMs);

  const client = async (deviceToken: string, seed: number) => {
    const rand = prng(seed);
    while (performance.now() < until) {
      const size = BATCH_MIN + Math.floor(rand() * (BATCH_MAX - BATCH_MIN + 1));
      const now = new Date();
      const body = JSON.stringify({ events: Array.from({ length: size }, () => randomEvent(rand, now)) });
      const sentAt = performance.now();
      let error: string | null = null;
      let limited = false;
      try {
        const response = await postJson(agent, target, '/v1/progress', body, deviceToken);
        if (response.status === 429) limited = true;
        else if (response.status !== 200) error = `${response.status}: ${response.body.slice(0, 200)}`;
        else if (acceptedCount(response.body) !== size) error = `200 without ${size} accepted: ${response.body.slice(0, 200)}`;
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
      const latency = performance.now() - sentAt;
      if (sentAt < measureFrom || sentAt >= until) continue;
      if (limited) result.rateLimited++;
      else if (error !== null) {
        result.otherErrors++;
        result.firstError ??= error;
      } else {
        result.latencies.push(latency);
        result.events += size;
      }
    }
  };
  await Promise.all(deviceTokens.map((token, i) => client(token, 1000 + i)));
  clearTimeout(markMeasuring);
  const cpu = process.cpuUsage(cpuAtStart ?? undefined);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  agent.destroy();
  return result;
}

function isLoadRequest(value: unknown): value is LoadRequest {
  return typeof value === 'object' && value !== null && 'url' in value && typeof value.url === 'string' && 'deviceTokens' in value && Array.isArray(value.deviceTokens) &&
    'warmupMs' in value && typeof value.warmupMs === 'number' && 'measureMs' in value && typeof value.measureMs === 'number';
}

function isLoadMessage(value: unknown): value is LoadMessage {
  return typeof value === 'object' && value !== null && 'kind' in value && (value.kind === 'measuring' || value.kind === 'done');
}

/** Forks this file as the load generator and waits for its figures. */
function runLoadGenerator(request: LoadRequest): Promise<{ result: LoadResult; serverCpuMs: number; machineBusy: number | null }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, [LOADGEN_ENV]: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let cpuAtStart: NodeJS.CpuUsage | null = null;
    let machineAtStart: ReturnType<typeof machineCpu> = null;
    const killer = setTimeout(() => child.kill(), request.warmupMs + request.measureMs + 60_000);
    child.on('message', (message: unknown) => {
      if (!isLoadMessage(message)) return;
      if (message.kind === 'measuring') {
        cpuAtStart = process.cpuUsage();
        machineAtStart = machineCpu();
        return;
      }
      const cpu = process.cpuUsage(cpuAtStart ?? undefined);
      const machine = machineCpu();
      const machineBusy = machine === null || machineAtStart === null ? null : (machine.busy - machineAtStart.busy) / (machine.total - machineAtStart.total);
      clearTimeout(killer);
      resolve({ result: message.result, serverCpuMs: (cpu.user + cpu.system) / 1000, machineBusy });
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      reject(new Error(`the load generator exited (${code}) without figures`));
    });
    child.send(request);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

async function latencyRow(kind: Kind): Promise<string[]> {
  const database = await freshDatabase(kind);
  const backend = await startBenchBackend(database.location, LATENCY_RATE_LIMITS);
  try {
    const enrollmentToken = await setUpOrganisation(backend.store);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const deviceTokens: string[] = [];
    try {
      for (const group of chunk(Array.from({ length: CLIENTS }, (_, i) => i), 10)) {
        deviceTokens.push(...(await Promise.all(group.map((n) => enrollDevice(agent, backend.url, enrollmentToken, n)))));
      }
    } finally {
      agent.destroy();
    }
    const { result, serverCpuMs, machineBusy } = await runLoadGenerator({ url: backend.url.toString(), deviceTokens, warmupMs: WARMUP_MS, measureMs: MEASURE_MS });
    const sorted = [...result.latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const errors = result.rateLimited + result.otherErrors;
    const seconds = MEASURE_MS / 1000;
    if (result.firstError !== null) console.error(`${KIND_NAME[kind]} latency bench, first error: ${result.firstError}`);
    return [
      KIND_NAME[kind],
      whole(sorted.length / seconds),
      whole(result.events / seconds),
      ms(p50),
      ms(percentile(sorted, 90)),
      ms(p99),
      ms(sorted.at(-1) ?? NaN),
      `${(p99 / p50).toFixed(1)}×`,
      p99 / p50 <= LATENCY_TARGET ? 'yes' : 'NO',
      `${errors} (${result.rateLimited} × 429)`,
      `${Math.round(serverCpuMs / MEASURE_MS * 100)}% / ${Math.round(result.cpuMs / MEASURE_MS * 100)}%`,
      machineBusy === null ? '?' : `${Math.round(machineBusy * availableParallelism() * 100)}%`,
    ];
  } finally {
    await backend.stop();
    await database.drop();
  }
}

export async function runServerLatencyBench(): Promise<BenchSection> {
  const startLoad = loadavg()[0] ?? NaN;
  const rows: string[][] = [];
  for (const kind of KINDS) rows.push(await latencyRow(kind));
  return {
    title: `Backend: POST /v1/progress latency, ${CLIENTS} concurrent clients`,
    columns: ['Store', 'req/s', 'events/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'p99/p50', `≤ ${LATENCY_TARGET}×`, 'errors', 'CPU server / loadgen', 'CPU machine'],
    rows,
    notes: [
      `${CLIENTS} clients, each its own device enrolled through POST /v1/enroll, in a closed loop (one request in flight each) posting ${BATCH_MIN}–${BATCH_MAX} fresh events of a realistic mix; ${WARMUP_MS / 1000} s warm-up, then ${MEASURE_MS / 1000} s measured: latency from send to the whole answer read, for requests sent in the window; req/s and events/s count successes sent in the window.`,
      'The load generator is a child process (one event loop, node:http keep-alive agent with up to 200 sockets; undici is not an installable package here and fetch costs more CPU). The backend runs in the parent. Both share the cores with each other and, for PostgreSQL, with its backends.',
      `CPU columns, in % of one core over the measured window: the server process / the load generator; "machine" is every process on it (PostgreSQL, other jobs), at most ${availableParallelism() * 100}%.`,
      `Rate limits raised for this bench only (${LATENCY_RATE_LIMITS.perIp.max.toLocaleString('en-US')} per minute per address and per device): the defaults (1200/address, 120/device a minute) would refuse most requests, all clients being on 127.0.0.1. Both counter upserts still run on every request; the per-address counter is one row all clients update. A 429 or any non-200 (or a 200 not accepting every event) counts as an error, not a success.`,
      'Each request: 2 rate-limit upserts, a token lookup, a 5–20-row insert transaction; on PostgreSQL through the pool of 10 connections with synchronous_commit on (3 commits per request); on SQLite one connection, all queries serialised.',
      machineNote(startLoad),
    ],
  };
}

// ---- the child process ----------------------------------------------------------------------

if (process.env[LOADGEN_ENV] === '1' && process.send !== undefined) {
  const send = (message: LoadMessage, done?: () => void) => process.send?.(message, undefined, undefined, done);
  process.once('message', (message: unknown) => {
    if (!isLoadRequest(message)) {
      console.error('load generator: unexpected message');
      process.exit(1);
    }
    generateLoad(message, () => send({ kind: 'measuring' })).then(
      (result) => send({ kind: 'done', result }, () => process.exit(0)),
      (error: unknown) => {
        console.error('load generator failed:', error);
        process.exit(1);
      },
    );
  });
}
