/**
 * Issue 4's chaos test: in real Chromium, progress recorded by the extension reaches the real
 * backend exactly once — none lost, none counted twice — while the backend is SIGKILLed in the
 * middle of a drain and restarted, the network is cut (the service worker offline through the
 * DevTools protocol, then the backend down), and the service worker is stopped three times
 * (right after a `progress:record`, while the backend is down, and in the middle of a drain).
 *
 * - The backend is `node --import tsx server/main.ts` (`./backend.ts`) on a free port with SQLite
 *   in a temp `DATA_DIR`; the organisation and its enrollment token come from the admin CLI, run
 *   as a process on the same `DATA_DIR` before the backend starts, as an operator would.
 * - Events travel the content script's path: `progress:record` messages from an extension page,
 *   built with `newProgressEvent` (random UUID v4 ids, ISO millisecond times, trimmed contexts).
 *   Two in three are `anchor_missing` events with long strategy lists (~4 KB), so the 512 KB
 *   request limit splits a drain into several requests and there is a "middle" to land in.
 * - "Mid-drain" is made exact, not left to timing: the worker's answers to `POST /v1/progress` are
 *   held with the `Fetch` domain at the response stage (the server has stored that batch), and the
 *   backend is killed, or the worker stopped, while one is held: the lost-acknowledgement case,
 *   whose events are re-sent and must come back as duplicates, not as second rows.
 * - Playwright does not notice a service worker stopped over CDP (its `Worker` stays in
 *   `context.serviceWorkers()` and no `serviceworker` event follows the restart), so stops and
 *   restarts are observed with `ServiceWorker.workerVersionUpdated`, and a marker global set in the
 *   worker before each stop must be gone after the restart (a fresh JavaScript realm). The worker
 *   keeps its target id across a restart, and a CDP session on it (with its offline emulation or
 *   `Fetch` interception) survives too: both are switched off explicitly.
 * - The first 200 events go out by the restarted worker's own 5 s timer; the other drains are
 *   "Sync now" (`sync:now`), as the options page sends it.
 * - At the end the server's rows (SQLite, read-only) and `GET /v1/progress` (with the device
 *   token) must hold exactly the produced ids, the extension's own store too, with no dead letters.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newProgressEvent, type ProgressContext, type ProgressEvent, ProgressPageSchema } from '../../lib/api/progress';
import type { Envelope, GuidanceData, MessageName, MessageResponse } from '../../lib/messages';
import type { EnrollOutcome, SyncStatus } from '../../lib/sync/service';
import { ENROLLMENT_KEY, EnrollmentSchema, type Enrollment } from '../../lib/sync/settings';
import { createOrganisationWithToken, freePort, startBackend, type RunningBackend } from './backend';
import { launchBrowser, type ExtensionBrowser } from './harness';

const ORGANISATION = 'Chaos Org';
const EMAIL = 'chaos.tester@example.com';
/** Events per `progress:record` message, as a busy tab might batch them. */
const CHUNK = 50;
const SETTLE_TIMEOUT_MS = 90_000;

// ---- Events ---------------------------------------------------------------------------------

const CONTEXTS: ProgressContext[] = [
  { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: 'Opportunity', surface: 'lightning' },
  { crm: 'salesforce', environment: 'sandbox', pageType: 'list_view', object: 'Account', surface: 'lightning' },
  { crm: 'dynamics', environment: 'production', pageType: 'record_edit', object: 'account', surface: 'uci' },
  { crm: 'dynamics', environment: 'unknown', pageType: 'dashboard', object: null, surface: 'uci' },
];

/** Long, valid strategy descriptions: an `anchor_missing` event of ~4 KB. */
const STRATEGIES = Array.from({ length: 20 }, (_, index) => `css:[data-chaos-anchor="${index}"] ${'x'.repeat(160)}`);

/** Event `n` of the run: a mix of kinds, two in three of them large. */
function makeEvent(n: number): ProgressEvent {
  const context = CONTEXTS[n % CONTEXTS.length] as ProgressContext;
  const common = { packId: 'chaos-pack', packVersion: 3, itemId: `item-${n % 37}`, context };
  switch (n % 6) {
    case 0:
      return newProgressEvent({ type: 'seen', ...common });
    case 1:
      return newProgressEvent({ type: 'step_completed', ...common, stepId: `step-${n % 5}`, stepIndex: n % 5 });
    case 2:
      return newProgressEvent({ type: 'tip_adopted', ...common, minutesSaved: 2.5 });
    default:
      return newProgressEvent({ type: 'anchor_missing', ...common, stepId: `step-${n % 5}`, strategiesTried: STRATEGIES, waitedMs: 5_000 });
  }
}

// ---- Messages from the extension page (the content script's path to the background) ---------

interface ChromeGlobal {
  chrome: {
    runtime: { sendMessage(message: unknown): Promise<unknown> };
    storage: { local: { get(keys: string[]): Promise<Record<string, unknown>> } };
  };
}

async function send<N extends MessageName>(page: Page, message: Envelope<N>): Promise<MessageResponse<N>> {
  const answer = await page.evaluate((envelope) => (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage(envelope), message);
  return answer as MessageResponse<N>;
}

/**
 * Sends without waiting for the answer: resolves with "answered" or the error the page saw (a
 * worker stopped mid-request closes the message port).
 */
function sendInBackground<N extends MessageName>(page: Page, message: Envelope<N>): Promise<string> {
  return page.evaluate(
    (envelope) =>
      (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage(envelope).then(
        () => 'answered',
        (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    message,
  );
}

const status = (page: Page): Promise<SyncStatus> => send(page, { type: 'sync:status', data: {} });

// ---- The service worker through the DevTools protocol ----------------------------------------

/** `Fetch.requestPaused`, the fields used here. */
interface PausedRequest {
  requestId: string;
  request: { method: string; url: string };
  responseStatusCode?: number;
}

interface WorkerSession {
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
}

/**
 * Stops the extension's service worker and cuts its network with CDP: `ServiceWorker.*` on a page
 * session of the extension's origin, and a browser session attached to the worker's target
 * (`Target.attachToTarget` without `flatten`, messages through `Target.sendMessageToTarget`, as
 * Playwright's `CDPSession` cannot address a flattened child session).
 */
class WorkerControl {
  /** Latest `runningStatus` of the extension's worker version. */
  runningStatus = 'unknown';
  /** How many times the worker went to `running` since this object was made. */
  starts = 0;
  stops = 0;
  private versionId: string | null = null;
  private marked = false;
  private onRequestPaused: ((paused: PausedRequest) => void) | null = null;
  private session: { id: string; control: WorkerSession } | null = null;
  private nextCallId = 0;
  private readonly replies = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly ext: ExtensionBrowser,
    private readonly browserSession: CDPSession,
    private readonly pageSession: CDPSession,
  ) {}

  static async open(ext: ExtensionBrowser): Promise<WorkerControl> {
    const browser = ext.context.browser();
    if (browser === null) throw new Error('No browser behind the persistent context: cannot open a browser CDP session');
    const control = new WorkerControl(ext, await browser.newBrowserCDPSession(), await ext.context.newCDPSession(ext.extensionPage));
    const scriptPrefix = `chrome-extension://${ext.extensionId}/`;
    control.pageSession.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const version of versions) {
        if (!version.scriptURL.startsWith(scriptPrefix)) continue;
        control.versionId = version.versionId;
        if (version.runningStatus === 'running' && control.runningStatus !== 'running') control.starts++;
        control.runningStatus = version.runningStatus;
      }
    });
    control.browserSession.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
      if (sessionId !== control.session?.id) return;
      const reply = JSON.parse(message) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message?: string } };
      if (reply.method === 'Fetch.requestPaused') control.requestPaused(reply.params as PausedRequest);
      const waiting = reply.id === undefined ? undefined : control.replies.get(reply.id);
      if (waiting === undefined || reply.id === undefined) return;
      control.replies.delete(reply.id);
      if (reply.error !== undefined) waiting.reject(new Error(`CDP (worker): ${reply.error.message ?? JSON.stringify(reply.error)}`));
      else waiting.resolve(reply.result);
    });
    control.browserSession.on('Target.detachedFromTarget', ({ sessionId }) => {
      if (sessionId === control.session?.id) control.session = null;
    });
    await control.pageSession.send('ServiceWorker.enable');
    await waitUntil('the extension service worker is reported running', 10_000, () => control.runningStatus === 'running');
    return control;
  }

  /** A session on the worker's current target (attached on first use and after a detach). */
  async worker(): Promise<WorkerSession> {
    if (this.session !== null) return this.session.control;
    const { targetInfos } = await this.browserSession.send('Target.getTargets');
    const target = targetInfos.find((info) => info.type === 'service_worker' && info.url.startsWith(`chrome-extension://${this.ext.extensionId}/`));
    if (target === undefined) throw new Error(`No service worker target of the extension among: ${targetInfos.map((info) => `${info.type} ${info.url}`).join(', ')}`);
    const { sessionId } = await this.browserSession.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
    const control: WorkerSession = {
      call: (method, params = {}) =>
        new Promise((resolve, reject) => {
          const id = ++this.nextCallId;
          const timer = setTimeout(() => {
            this.replies.delete(id);
            reject(new Error(`CDP (worker): no answer to ${method} within 10 s`));
          }, 10_000);
          this.replies.set(id, {
            resolve: (value) => {
              clearTimeout(timer);
              resolve(value);
            },
            reject: (error) => {
              clearTimeout(timer);
              reject(error);
            },
          });
          this.browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
        }),
    };
    this.session = { id: sessionId, control };
    return control;
  }

  /** `Network.emulateNetworkConditions` on the worker's target: `fetch` fails at once while offline. */
  async setOffline(offline: boolean): Promise<void> {
    await (await this.worker()).call('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  }

  /**
   * Pauses the answers to the worker's `POST /v1/progress` requests (`Fetch`, response stage: the
   * server has already stored the batch) and hands each to `onPost`, which continues it, fails it
   * or leaves it hanging; other requests (CORS preflights) go on. Errors of `onPost` reject `failed`.
   */
  async interceptProgressAnswers(backendUrl: string, onPost: (paused: PausedRequest, worker: WorkerSession) => Promise<void>, failed: (error: unknown) => void): Promise<void> {
    const worker = await this.worker();
    this.onRequestPaused = (paused) => {
      const handled = paused.request.method === 'POST' ? onPost(paused, worker) : worker.call('Fetch.continueResponse', { requestId: paused.requestId });
      handled.catch(failed);
    };
    await worker.call('Fetch.enable', { patterns: [{ urlPattern: `${backendUrl}/v1/progress*`, requestStage: 'Response' }] });
  }

  /** Ends `interceptProgressAnswers`; anything paused from now on goes on unchanged. */
  async stopIntercepting(): Promise<void> {
    this.onRequestPaused = null;
    await (await this.worker()).call('Fetch.disable');
  }

  private requestPaused(paused: PausedRequest): void {
    if (this.onRequestPaused !== null) return this.onRequestPaused(paused);
    // The session (and its interception) outlives a worker restart: never leave a request hanging.
    void this.worker().then((worker) => worker.call('Fetch.continueResponse', { requestId: paused.requestId })).catch(() => undefined);
  }

  private async evaluateInWorker(expression: string): Promise<unknown> {
    const answer = (await (await this.worker()).call('Runtime.evaluate', { expression, returnByValue: true })) as { result?: { value?: unknown } };
    return answer.result?.value;
  }

  /**
   * Marks the running worker's realm with a global that a restarted worker cannot have. Called by
   * `stop`, or before it where the stop must follow an event without a CDP round trip.
   */
  async markRealm(): Promise<void> {
    await this.evaluateInWorker(`globalThis.__ombordChaosMarker = ${this.stops + 1}`);
    this.marked = true;
  }

  /** Stops the worker (marking its realm first unless `markRealm` did) and waits until Chromium reports it stopped. */
  async stop(): Promise<void> {
    if (this.versionId === null) throw new Error('The extension service worker version is unknown');
    if (!this.marked) await this.markRealm();
    this.marked = false;
    const startsBefore = this.starts;
    await this.pageSession.send('ServiceWorker.stopWorker', { versionId: this.versionId });
    this.stops++;
    await waitUntil(`service worker stop #${this.stops}`, 10_000, () => this.runningStatus === 'stopped' || this.starts > startsBefore);
    expect(this.starts, 'the worker was stopped, not left running').toBe(startsBefore);
  }

  /** Waits for a start after the last stop and checks that the realm is fresh (the marker is gone). */
  async expectRestarted(): Promise<void> {
    await waitUntil(`the service worker starts again after stop #${this.stops}`, 15_000, () => this.runningStatus === 'running');
    expect(this.starts, 'one start per stop, plus the first').toBe(this.stops + 1);
    expect(await this.evaluateInWorker('typeof globalThis.__ombordChaosMarker'), 'a fresh worker realm').toBe('undefined');
  }

  async close(): Promise<void> {
    await this.browserSession.detach().catch(() => undefined);
    await this.pageSession.detach().catch(() => undefined);
  }
}

// ---- Helpers ---------------------------------------------------------------------------------

async function waitUntil(what: string, timeoutMs: number, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `promise`, or an error naming `what` after `timeoutMs`. */
async function within<T>(what: string, timeoutMs: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface ServerRows {
  rows: number;
  distinct: number;
  ids: string[];
  devices: number;
  users: number;
}

/** The organisation's progress rows, read straight from SQLite (read-only, beside a running or killed server). */
function serverRows(dataDir: string, organisationId: string): ServerRows {
  const db = new SQLite(path.join(dataDir, 'ombord.db'), { readonly: true, fileMustExist: true });
  try {
    const counts = db
      .prepare('SELECT COUNT(*) AS rows_, COUNT(DISTINCT id) AS distinct_, COUNT(DISTINCT user_id) AS users FROM progress_events WHERE organisation_id = ?')
      .get(organisationId) as { rows_: number; distinct_: number; users: number };
    const ids = (db.prepare('SELECT id FROM progress_events WHERE organisation_id = ?').all(organisationId) as Array<{ id: string }>).map((row) => row.id);
    const devices = (db.prepare('SELECT COUNT(*) AS n FROM devices WHERE organisation_id = ?').get(organisationId) as { n: number }).n;
    return { rows: counts.rows_, distinct: counts.distinct_, ids, devices, users: counts.users };
  } finally {
    db.close();
  }
}

/** Every id `GET /v1/progress` pages out for the device's user, in order, repeats included. */
async function pagedIds(backendUrl: string, deviceToken: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const query = new URLSearchParams({ limit: '1000', ...(after === null ? {} : { after }) });
    const response = await fetch(`${backendUrl}/v1/progress?${query.toString()}`, { headers: { Authorization: `Bearer ${deviceToken}` } });
    if (response.status !== 200) throw new Error(`GET /v1/progress answered ${response.status}: ${await response.text()}`);
    const body = ProgressPageSchema.parse(await response.json());
    ids.push(...body.events.map((event) => event.id));
    if (body.next === null) return ids;
    after = body.next;
  }
  throw new Error('GET /v1/progress did not end within 100 pages');
}

/** Produced vs. found: how many are missing, unexpected, and repeated. */
function compare(produced: ReadonlySet<string>, found: readonly string[]): { missing: number; unexpected: number; duplicated: number } {
  const seen = new Set(found);
  return {
    missing: [...produced].filter((id) => !seen.has(id)).length,
    unexpected: [...seen].filter((id) => !produced.has(id)).length,
    duplicated: found.length - seen.size,
  };
}

function describeComparison(where: string, produced: ReadonlySet<string>, found: readonly string[]): string {
  const { missing, unexpected, duplicated } = compare(produced, found);
  return `${where}: produced ${produced.size} events, found ${found.length} (${new Set(found).size} distinct): ${missing} missing, ${duplicated} duplicated, ${unexpected} never produced`;
}

// ---- The test --------------------------------------------------------------------------------

describe('sync under chaos: backend killed, network cut, service worker stopped', () => {
  let dataDir: string | undefined;
  let backend: RunningBackend | undefined;
  let ext: ExtensionBrowser | undefined;
  let workers: WorkerControl | undefined;
  let organisationId = '';
  let enrollmentToken = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ombord-chaos-'));
    ({ organisationId, token: enrollmentToken } = await createOrganisationWithToken(dataDir, ORGANISATION));
    backend = await startBackend({ dataDir, port: await freePort() });
    ext = await launchBrowser({ fixturePort: inject('fixturePort') });
    workers = await WorkerControl.open(ext);
  });

  afterAll(async () => {
    await workers?.close().catch(() => undefined);
    await ext?.close().catch(() => undefined);
    await backend?.kill('SIGKILL').catch(() => undefined);
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers every recorded event exactly once', { timeout: 150_000 }, async () => {
    if (ext === undefined || backend === undefined || workers === undefined || dataDir === undefined) throw new Error('beforeAll did not finish');
    const { extensionPage: page } = ext;
    const server = backend;
    const control = workers;
    const directory = dataDir;
    const produced = new Set<string>();
    let serial = 0;
    const timeline: string[] = [];
    const started = Date.now();
    const mark = (what: string): void => {
      timeline.push(`${((Date.now() - started) / 1000).toFixed(1)} s ${what}`);
    };
    /** Records `count` new events in chunks, as content scripts do. */
    const record = async (count: number): Promise<void> => {
      for (let done = 0; done < count; done += CHUNK) {
        const events = Array.from({ length: Math.min(CHUNK, count - done) }, () => makeEvent(serial++));
        const { added } = await send(page, { type: 'progress:record', data: { events } });
        expect(added, 'each new event is stored once').toBe(events.length);
        for (const event of events) produced.add(event.id);
      }
    };

    try {
      // Enrol as the options page does (the token is used once, never stored).
      const enrolled: EnrollOutcome = await send(page, {
        type: 'sync:enroll',
        data: { backendUrl: server.url, enrollmentToken, email: EMAIL },
      });
      expect(enrolled).toEqual({ ok: true, enrolledAs: { email: EMAIL, organisation: ORGANISATION } });
      const afterEnrol = await status(page);
      expect(afterEnrol.enrolledAs).toEqual({ email: EMAIL, organisation: ORGANISATION });
      expect(afterEnrol.revoked).toBe(false);
      expect(afterEnrol.settings.backendUrl).toBe(server.url);
      mark('enrolled');

      // 1. Healthy backend; the worker is stopped right after a progress:record (its 5 s timer dies with it).
      await record(150);
      await control.stop();
      mark('worker stop #1, right after progress:record');
      await record(50);
      await control.expectRestarted();
      // No "Sync now": the restarted worker's own timer (5 s after new events) sends them.
      await waitUntil('the restarted worker to send the first 200 events by itself', 20_000, async () => (await status(page)).queued === 0);
      expect(serverRows(directory, organisationId).rows).toBe(200);
      mark('200 delivered by the 5 s timer');

      // 2. Network cut with CDP: the worker is offline, the backend up and untouched. The timer's
      // attempt fails and backs off, then "Sync now" fails too.
      await control.setOffline(true);
      await record(400);
      await waitUntil('the timer-driven drain to fail while offline', 20_000, async () => (await status(page)).problem !== null);
      const offline = await send(page, { type: 'sync:now', data: {} });
      expect(offline.queued).toBe(400);
      expect(offline.problem, 'a failed drain is reported').not.toBeNull();
      expect(serverRows(directory, organisationId).rows, 'nothing got through while offline').toBe(200);
      await control.setOffline(false);
      mark(`400 queued while offline (problem ${offline.problem?.kind ?? 'none'})`);

      // 3. The backend is SIGKILLed mid-drain: its answer to the first batch is held back (it has
      // stored the batch), the process is killed, and the worker sees the connection reset.
      const killedMidDrain = new Promise<number>((resolve, reject) => {
        void control.interceptProgressAnswers(
          server.url,
          async (paused, worker) => {
            if (!server.running()) return worker.call('Fetch.failRequest', { requestId: paused.requestId, errorReason: 'ConnectionRefused' }).then(() => undefined);
            await server.kill('SIGKILL');
            await worker.call('Fetch.failRequest', { requestId: paused.requestId, errorReason: 'ConnectionReset' });
            resolve(paused.responseStatusCode ?? 0);
          },
          reject,
        ).catch(reject);
      });
      const drainA = sendInBackground(page, { type: 'sync:now', data: {} });
      const heldStatus = await within('the first batch of the drain to be answered', 20_000, killedMidDrain);
      mark(`backend SIGKILLed mid-drain, its HTTP ${heldStatus} answer lost (sync:now ${await drainA})`);
      await control.stopIntercepting();
      const afterKill = serverRows(directory, organisationId).rows;
      const queuedAfterKill = (await status(page)).queued;
      expect(heldStatus, 'the held answer was a success').toBe(200);
      expect(afterKill, 'the first batch was stored before the kill').toBeGreaterThan(200);
      expect(queuedAfterKill, 'the lost answer acknowledged nothing').toBe(400);
      mark(`after the kill: ${afterKill} rows on the server, ${queuedAfterKill} queued`);

      // 4. Backend down: more events; the worker is stopped again right after recording.
      await record(100);
      await control.stop();
      mark('worker stop #2, backend down');
      await record(200);
      await control.expectRestarted();
      const down = await send(page, { type: 'sync:now', data: {} });
      expect(down.queued).toBe(queuedAfterKill + 300);
      expect(down.problem).not.toBeNull();
      await server.restart();
      mark('backend restarted on the same port and data');

      // 5. The worker is stopped mid-drain: the first batch goes through, the answer to the
      // second is held back (the server has stored it) and the worker dies waiting for it.
      await control.markRealm();
      let posts = 0;
      const stoppedMidDrain = new Promise<void>((resolve, reject) => {
        void control.interceptProgressAnswers(
          server.url,
          async (paused, worker) => {
            posts++;
            if (posts === 1) return worker.call('Fetch.continueResponse', { requestId: paused.requestId }).then(() => undefined);
            if (posts > 2) return;
            await control.stop();
            resolve();
          },
          reject,
        ).catch(reject);
      });
      const drainB = sendInBackground(page, { type: 'sync:now', data: {} });
      await within('the second batch of the drain to be answered', 20_000, stoppedMidDrain);
      mark(`worker stop #3, mid-drain (sync:now ${await drainB})`);
      const queuedAfterStop = (await status(page)).queued;
      await control.expectRestarted();
      await control.stopIntercepting();
      expect(queuedAfterStop, 'the stop left part of the outbox unsent').toBeGreaterThan(0);
      // Rows the server holds that the worker still has queued: the batch whose answer died with the worker.
      const overlap = serverRows(directory, organisationId).rows + queuedAfterStop - produced.size;
      expect(overlap, 'the second batch was stored but not acknowledged').toBeGreaterThan(0);
      mark(`after stop #3: ${queuedAfterStop} queued, ${overlap} of them already on the server`);
      await record(200);

      // 6. Settle: "Sync now" until nothing is queued.
      let settled: SyncStatus = await status(page);
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      while (settled.queued > 0 && Date.now() < deadline) {
        settled = await send(page, { type: 'sync:now', data: {} });
        if (settled.queued > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      mark(`settled: ${settled.queued} queued`);
      expect(settled.queued, `events still queued after ${SETTLE_TIMEOUT_MS / 1000} s; last problem ${JSON.stringify(settled.problem)}`).toBe(0);
      expect(settled.deadLetters, 'no dead letters').toEqual([]);
      expect(settled.revoked).toBe(false);
      expect(settled.problem).toBeNull();
      expect(produced.size).toBe(1_100);

      // The server's rows: exactly the produced ids, each once, one user, one device.
      const rows = serverRows(directory, organisationId);
      const inDatabase = describeComparison('SQLite progress_events', produced, rows.ids);
      expect(compare(produced, rows.ids), inDatabase).toEqual({ missing: 0, unexpected: 0, duplicated: 0 });
      expect(rows.rows, inDatabase).toBe(rows.distinct);
      expect(rows.users, 'one user').toBe(1);
      expect(rows.devices, 'one device: nothing re-enrolled').toBe(1);

      // The API agrees, with the device token the extension keeps.
      const stored = await page.evaluate((key) => (globalThis as unknown as ChromeGlobal).chrome.storage.local.get([key]), ENROLLMENT_KEY);
      const enrollment: Enrollment = EnrollmentSchema.parse(stored[ENROLLMENT_KEY]);
      const paged = await pagedIds(server.url, enrollment.deviceToken);
      const viaApi = describeComparison('GET /v1/progress', produced, paged);
      expect(compare(produced, paged), viaApi).toEqual({ missing: 0, unexpected: 0, duplicated: 0 });

      // And the extension kept every event it was given.
      const local: GuidanceData = await send(page, { type: 'guidance:load', data: {} });
      const locally = describeComparison('the extension store', produced, local.events.map((event) => event.id));
      expect(compare(produced, local.events.map((event) => event.id)), locally).toEqual({ missing: 0, unexpected: 0, duplicated: 0 });
      mark('verified');
      console.info(`[sync-chaos] ${timeline.join(' | ')}`);
    } catch (error) {
      console.error(`[sync-chaos] timeline: ${timeline.join(' | ')}\nbackend log tail:\n${server.logTail()}`);
      throw error;
    }
  });
});
