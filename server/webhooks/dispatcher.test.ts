/**
 * The webhook queue end to end, on SQLite and PostgreSQL, against a real local HTTP receiver:
 * enqueued with the caller's transaction (and gone with its rollback), delivered signed and once,
 * retried with growing delays (500, a dropped connection, no answer in time), `Retry-After`
 * honoured, given up on 4xx, the webhook disabled on 410, and never sent twice at once by two
 * dispatchers sharing the database.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogFields } from '../http/log';
import { DISABLED_BY_GONE, enqueueWebhookEvent } from '../store/kysely-webhooks';
import type { Database } from '../store/schema';
import type { Store, WebhookDelivery } from '../store/store';
import { ADAPTERS, createTestDatabase, manualClock, type TestDatabase } from '../test/stores';
import { createWebhookDispatcher, retryAfterMs, webhookBackoffDelay, WEBHOOK_MAX_ATTEMPTS, type WebhookDispatcherOptions } from './dispatcher';
import { supportReplyCreated, supportRequestCreated, WEBHOOK_EVENT_TYPES, type WebhookEventInput } from './events';
import type { WebhookFormat } from './format';
import { verifyWebhookSignature } from './sign';

const PUBLIC_URL = 'https://ombord.example.com';

type Reply = (request: IncomingMessage, response: ServerResponse) => void;
interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

const answer = (status: number, body = '', headers: Record<string, string> = {}): Reply => (_request, response) => {
  response.writeHead(status, headers).end(body);
};
const dropConnection: Reply = (request) => request.socket.destroy();

/** A receiver on 127.0.0.1: each request gets the next scripted reply, then `fallback`. */
async function startReceiver() {
  const received: Received[] = [];
  const script: Reply[] = [];
  let fallback: Reply = answer(200, 'ok');
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      (script.shift() ?? fallback)(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/ombord`,
    received,
    script,
    setFallback(reply: Reply) {
      fallback = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const header = (received: Received | undefined, name: string): string | undefined => {
  const value = received?.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function requestCreated(description = 'The Save button does nothing'): WebhookEventInput {
  return supportRequestCreated({
    requestId: randomUUID(),
    kind: 'problem',
    description,
    requesterDisplayName: 'Ann Example',
    crm: { crm: 'salesforce', pageType: 'record_edit', object: 'Opportunity' },
    team: null,
    createdAt: '2030-01-01T00:00:00.000Z',
  });
}

function replyCreated(): WebhookEventInput {
  return supportReplyCreated({
    requestId: randomUUID(),
    requestDescription: 'The Save button does nothing',
    replyId: randomUUID(),
    author: { displayName: 'Sam', role: 'support' },
    body: 'Fixed, try again',
    status: 'answered',
  });
}

describe('webhook retry schedule', () => {
  it('doubles from about 30 s up to an hour, with jitter in the upper half of each step', () => {
    expect(webhookBackoffDelay(1, () => 0)).toBe(15_000);
    expect(webhookBackoffDelay(1, () => 0.999_999)).toBeLessThan(30_000);
    expect(webhookBackoffDelay(2, () => 0)).toBe(30_000);
    expect(webhookBackoffDelay(7, () => 0)).toBe(960_000);
    expect(webhookBackoffDelay(8, () => 0)).toBe(1_800_000);
    expect(webhookBackoffDelay(30, () => 1)).toBe(3_600_000);
  });

  it('reads Retry-After as seconds or an HTTP date, within a day', () => {
    const now = new Date('2030-01-01T00:00:00.000Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(new Date(now.getTime() + 90_000).toUTCString(), now)).toBe(90_000);
    expect(retryAfterMs(new Date(now.getTime() - 90_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs('9999999', now)).toBe(24 * 60 * 60_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe.each(ADAPTERS)('webhooks on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let db: Kysely<Database>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let clock: ReturnType<typeof manualClock>;
  let logs: LogFields[];
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    clock = manualClock();
    logs = [];
    database = await createTestDatabase(adapter);
    store = await database.openStore({ clock: clock.now });
    db = database.openDatabase();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await receiver.close();
    await db.destroy();
    await store.close();
    await database.drop();
    // Never the URL in the logs: Slack's and Teams' webhook URLs are credentials.
    expect(JSON.stringify(logs)).not.toContain('/hooks/ombord');
  });

  const dispatcher = (options: Partial<WebhookDispatcherOptions> = {}) =>
    createWebhookDispatcher({ store, publicUrl: PUBLIC_URL, log: (fields) => logs.push(fields), clock: clock.now, random: () => 0.5, ...options });

  const organisation = async () => (await store.createOrganisation(`Org ${randomUUID()}`)).id;

  const addWebhook = async (organisationId: string, format: WebhookFormat = 'json', events = [...WEBHOOK_EVENT_TYPES]) => {
    const added = await store.addWebhook(organisationId, { url: receiver.url, format, events });
    if (!added.ok) throw new Error(added.error);
    return added;
  };

  const enqueue = (organisationId: string, event: WebhookEventInput) =>
    db.transaction().execute((trx) => enqueueWebhookEvent(trx, organisationId, event, clock.now().toISOString()));

  const onlyDelivery = async (organisationId: string): Promise<WebhookDelivery> => {
    const deliveries = await store.listWebhookDeliveries(organisationId, { failedOnly: false, limit: 10 });
    expect(deliveries).toHaveLength(1);
    return deliveries[0] as WebhookDelivery;
  };

  const waitAfter = (delivery: WebhookDelivery) => new Date(delivery.nextAttemptAt ?? '').getTime() - clock.now().getTime();

  it('delivers a signed event once, to the matching webhooks of its organisation only', async () => {
    const orgA = await organisation();
    const orgB = await organisation();
    const json = await addWebhook(orgA, 'json');
    const slack = await addWebhook(orgA, 'slack', ['support.reply.created']);
    await addWebhook(orgB, 'json');

    const event = requestCreated();
    expect(await enqueue(orgA, event)).toBe(1);
    expect(await dispatcher().runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(1);

    const [request] = receiver.received;
    const delivery = await onlyDelivery(orgA);
    expect(delivery).toMatchObject({ webhookId: json.webhook.id, eventType: 'support.request.created', state: 'delivered', attempts: 1, lastStatus: 200, lastError: null, nextAttemptAt: null });
    expect(header(request, 'content-type')).toBe('application/json');
    expect(header(request, 'user-agent')).toBe('Ombord-Webhooks');
    expect(header(request, 'x-ombord-event')).toBe('support.request.created');
    expect(header(request, 'x-ombord-delivery')).toBe(delivery.id);
    expect(verifyWebhookSignature(json.secret, header(request, 'x-ombord-timestamp'), request?.body ?? '', header(request, 'x-ombord-signature'), clock.now())).toBe(true);
    expect(verifyWebhookSignature(slack.secret, header(request, 'x-ombord-timestamp'), request?.body ?? '', header(request, 'x-ombord-signature'), clock.now())).toBe(false);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      ...event,
      organisationId: orgA,
      occurredAt: clock.now().toISOString(),
      inboxUrl: `${PUBLIC_URL}/inbox/#/requests/${event.data.requestId}`,
    });

    expect(await dispatcher().runOnce()).toBe(0);
    clock.advance(24 * 60 * 60_000);
    expect(await dispatcher().runOnce()).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(await store.listWebhookDeliveries(orgB, { failedOnly: false, limit: 10 })).toEqual([]);

    // A reply goes to both of A's webhooks, each in its own format.
    expect(await enqueue(orgA, replyCreated())).toBe(2);
    expect(await dispatcher().runOnce()).toBe(2);
    const bodies = receiver.received.slice(1).map((received) => JSON.parse(received.body) as Record<string, unknown>);
    expect(bodies.filter((body) => 'blocks' in body)).toHaveLength(1);
    expect(bodies.filter((body) => body.type === 'support.reply.created')).toHaveLength(1);
  });

  it('leaves no delivery behind when the transaction that enqueued it rolls back', async () => {
    const org = await organisation();
    await addWebhook(org);
    await expect(
      db.transaction().execute(async (trx) => {
        expect(await enqueueWebhookEvent(trx, org, requestCreated(), clock.now().toISOString())).toBe(1);
        throw new Error('the support request failed');
      }),
    ).rejects.toThrow('the support request failed');
    expect(await store.listWebhookDeliveries(org, { failedOnly: false, limit: 10 })).toEqual([]);

    // An event its schema refuses is not stored either, and says why.
    const invalid = { ...requestCreated(), data: { ...requestCreated().data, title: 'x'.repeat(201) } } as WebhookEventInput;
    await expect(enqueue(org, invalid)).rejects.toThrow(/200/);
    expect(await dispatcher().runOnce()).toBe(0);
    expect(receiver.received).toEqual([]);
  });

  it('retries after a 500 and after a dropped connection, waiting longer each time', async () => {
    const org = await organisation();
    await addWebhook(org);
    receiver.script.push(answer(500, 'database down'), dropConnection);
    await enqueue(org, requestCreated());
    const run = dispatcher();

    expect(await run.runOnce()).toBe(1);
    const first = await onlyDelivery(org);
    expect(first).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500 });
    expect(first.lastError).toContain('HTTP 500: database down');
    expect(waitAfter(first)).toBe(22_500);
    expect(await run.runOnce()).toBe(0);

    clock.advance(22_500);
    expect(await run.runOnce()).toBe(1);
    const second = await onlyDelivery(org);
    expect(second).toMatchObject({ state: 'pending', attempts: 2, lastStatus: null });
    expect(second.lastError).toMatch(/^No answer: /);
    expect(waitAfter(second)).toBe(45_000);

    clock.advance(44_999);
    expect(await run.runOnce()).toBe(0);
    clock.advance(1);
    expect(await run.runOnce()).toBe(1);
    expect(await onlyDelivery(org)).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 200, lastError: null });
    // The same delivery id every time, so a receiver can drop repeats.
    expect(new Set(receiver.received.map((received) => header(received, 'x-ombord-delivery'))).size).toBe(1);
    expect(receiver.received).toHaveLength(3);
  });

  it('honours Retry-After, in seconds and as a date, instead of its own backoff', async () => {
    const org = await organisation();
    await addWebhook(org);
    receiver.script.push(
      answer(429, 'slow down', { 'Retry-After': '120' }),
      (_request, response) => response.writeHead(503, { 'Retry-After': new Date(clock.now().getTime() + 600_000).toUTCString() }).end(),
    );
    await enqueue(org, requestCreated());
    const run = dispatcher();

    await run.runOnce();
    expect(waitAfter(await onlyDelivery(org))).toBe(120_000);
    clock.advance(120_000);
    await run.runOnce();
    const afterDate = await onlyDelivery(org);
    expect(afterDate).toMatchObject({ lastStatus: 503, lastError: 'HTTP 503' });
    expect(waitAfter(afterDate)).toBe(600_000);
    clock.advance(600_000);
    await run.runOnce();
    expect(await onlyDelivery(org)).toMatchObject({ state: 'delivered', attempts: 3 });
  });

  it('retries when the receiver does not answer in time', async () => {
    const org = await organisation();
    await addWebhook(org);
    receiver.script.push(() => undefined);
    await enqueue(org, requestCreated());
    await dispatcher({ timeoutMs: 200, leaseMs: 5_000 }).runOnce();
    expect(await onlyDelivery(org)).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: 'No answer within 0.2 s' });
  });

  it('fails for good on a 4xx, keeping the reason, and does not follow a redirect', async () => {
    const org = await organisation();
    await addWebhook(org, 'slack');
    receiver.script.push(answer(400, 'invalid_payload'), answer(301, '', { Location: 'https://elsewhere.example/' }));
    await enqueue(org, requestCreated());
    await enqueue(org, requestCreated());
    const run = dispatcher({ batchSize: 1 });

    await run.runOnce();
    await run.runOnce();
    clock.advance(24 * 60 * 60_000);
    expect(await run.runOnce()).toBe(0);
    expect(receiver.received).toHaveLength(2);
    const failed = await store.listWebhookDeliveries(org, { failedOnly: true, limit: 10 });
    expect(failed.map((delivery) => [delivery.state, delivery.attempts, delivery.lastStatus]).sort()).toEqual([
      ['failed', 1, 301],
      ['failed', 1, 400],
    ]);
    expect(failed.find((delivery) => delivery.lastStatus === 400)?.lastError).toBe('HTTP 400: invalid_payload: the receiver refused the delivery');
    expect(failed.find((delivery) => delivery.lastStatus === 301)?.lastError).toContain('redirects are not followed');
  });

  it('disables the webhook on 410 Gone and fails its other pending deliveries', async () => {
    const org = await organisation();
    const gone = await addWebhook(org, 'teams');
    receiver.script.push(answer(410, 'channel_is_archived'));
    for (let index = 0; index < 3; index++) await enqueue(org, requestCreated());
    expect(await dispatcher({ batchSize: 1 }).runOnce()).toBe(1);

    expect((await store.listWebhooks(org))[0]?.disabledAt).toBe(clock.now().toISOString());
    const deliveries = await store.listWebhookDeliveries(org, { failedOnly: true, limit: 10 });
    expect(deliveries.map((delivery) => delivery.state)).toEqual(['failed', 'failed', 'failed']);
    expect(deliveries.filter((delivery) => delivery.lastError === DISABLED_BY_GONE)).toHaveLength(2);
    expect(deliveries.find((delivery) => delivery.lastStatus === 410)?.lastError).toContain('channel_is_archived');

    // Nothing more for it; another webhook of the organisation goes on.
    clock.advance(60 * 60_000);
    const other = await addWebhook(org);
    expect(await enqueue(org, requestCreated())).toBe(1);
    expect(await dispatcher().runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(2);
    const latest = (await store.listWebhookDeliveries(org, { failedOnly: false, limit: 1 }))[0];
    expect(latest).toMatchObject({ webhookId: other.webhook.id, state: 'delivered' });
    expect(latest?.webhookId).not.toBe(gone.webhook.id);
  });

  it(`gives up after ${WEBHOOK_MAX_ATTEMPTS} attempts over about three hours`, async () => {
    const org = await organisation();
    await addWebhook(org);
    receiver.setFallback(answer(502));
    await enqueue(org, requestCreated());
    const run = dispatcher();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
      expect(await run.runOnce()).toBe(1);
      const delivery = await onlyDelivery(org);
      if (delivery.state === 'pending') {
        waits.push(waitAfter(delivery));
        clock.advance(waitAfter(delivery));
      }
    }
    expect(waits.map((ms) => ms / 1000)).toEqual([22.5, 45, 90, 180, 360, 720, 1440, 2700, 2700]);
    expect(await onlyDelivery(org)).toMatchObject({ state: 'failed', attempts: WEBHOOK_MAX_ATTEMPTS, lastStatus: 502, lastError: `Gave up after ${WEBHOOK_MAX_ATTEMPTS} attempts: HTTP 502` });
    clock.advance(24 * 60 * 60_000);
    expect(await run.runOnce()).toBe(0);
    expect(receiver.received).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
  });

  it('never lets two dispatchers sharing the database send the same delivery at once', async () => {
    const otherStore = await database.openStore({ clock: clock.now });
    cleanups.push(() => otherStore.close());
    const org = await organisation();
    await addWebhook(org);
    const total = 30;
    for (let index = 0; index < total; index++) await enqueue(org, requestCreated());

    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    receiver.setFallback((request, response) => {
      const id = String(request.headers['x-ombord-delivery']);
      if (inFlight.has(id)) overlaps.push(id);
      inFlight.add(id);
      setTimeout(() => {
        inFlight.delete(id);
        response.writeHead(204).end();
      }, 20);
    });
    const first = dispatcher({ batchSize: 4 });
    const second = createWebhookDispatcher({ store: otherStore, publicUrl: PUBLIC_URL, log: (fields) => logs.push(fields), clock: clock.now, batchSize: 4 });
    let sentByFirst = 0;
    let sentBySecond = 0;
    for (let round = 0; round < total && sentByFirst + sentBySecond < total; round++) {
      const [a, b] = await Promise.all([first.runOnce(), second.runOnce()]);
      sentByFirst += a;
      sentBySecond += b;
    }

    expect(overlaps).toEqual([]);
    const ids = receiver.received.map((received) => header(received, 'x-ombord-delivery'));
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(sentByFirst).toBeGreaterThan(0);
    expect(sentBySecond).toBeGreaterThan(0);
    const deliveries = await store.listWebhookDeliveries(org, { failedOnly: false, limit: 100 });
    expect(deliveries.every((delivery) => delivery.state === 'delivered' && delivery.attempts === 1)).toBe(true);
  });

  it('lets another dispatcher take over an expired lease, and ignores the late answer of the first', async () => {
    const otherStore = await database.openStore({ clock: clock.now });
    cleanups.push(() => otherStore.close());
    const org = await organisation();
    await addWebhook(org);
    await enqueue(org, requestCreated());

    const [stale] = await store.claimWebhookDeliveries({ now: clock.now(), leaseMs: 30_000, limit: 10 });
    expect(stale?.attempt).toBe(1);
    expect(await otherStore.claimWebhookDeliveries({ now: clock.now(), leaseMs: 30_000, limit: 10 })).toEqual([]);
    clock.advance(30_000);
    const [fresh] = await otherStore.claimWebhookDeliveries({ now: clock.now(), leaseMs: 30_000, limit: 10 });
    expect(fresh).toMatchObject({ id: stale?.id, attempt: 2 });

    expect(await store.settleWebhookDelivery({ id: stale?.id ?? '', attempt: 1 }, { result: 'failed', status: 400, error: 'late' }, clock.now())).toBe(false);
    expect(await otherStore.settleWebhookDelivery({ id: fresh?.id ?? '', attempt: 2 }, { result: 'delivered', status: 200 }, clock.now())).toBe(true);
    expect(await onlyDelivery(org)).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 200 });
  });

  it('polls on a timer once started, and stop waits for the delivery in flight', async () => {
    const org = await organisation();
    await addWebhook(org);
    let release: () => void = () => undefined;
    receiver.script.push((_request, response) => {
      release = () => response.writeHead(200).end();
    });
    const run = dispatcher({ clock: () => new Date(), pollIntervalMs: 20 });
    run.start();
    await db.transaction().execute((trx) => enqueueWebhookEvent(trx, org, requestCreated(), new Date().toISOString()));
    await until(() => receiver.received.length === 1);

    let stopped = false;
    const stopping = run.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await onlyDelivery(org)).toMatchObject({ state: 'delivered' });

    await db.transaction().execute((trx) => enqueueWebhookEvent(trx, org, requestCreated(), new Date().toISOString()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(1);
  });

  it('adds webhooks only with an https URL (or http to this machine) and an event; removes them with their deliveries', async () => {
    const org = await organisation();
    const add = (url: string, events = [...WEBHOOK_EVENT_TYPES]) => store.addWebhook(org, { url, format: 'slack', events });
    for (const url of ['https://hooks.slack.com/services/T0/B0/x', 'http://localhost:9/x', 'http://127.0.0.1:9/x', 'http://[::1]:9/x']) {
      expect((await add(url)).ok, url).toBe(true);
    }
    for (const [url, error] of [
      ['http://hooks.example.com/x', 'must use https:'],
      ['ftp://files.example.com/x', 'must use https:'],
      ['hooks.slack.com/services/x', 'is not a URL'],
      ['https://user:secret@hooks.example.com/x', 'user name or password'],
    ] as const) {
      expect(await add(url)).toEqual({ ok: false, error: expect.stringContaining(error) });
    }
    expect(await add('https://hooks.example.com/x', [])).toEqual({ ok: false, error: expect.stringContaining('at least one event') });

    const added = await addWebhook(org, 'json', ['support.request.created']);
    expect(added.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await store.listWebhooks(org);
    expect(listed).toHaveLength(5);
    expect(JSON.stringify(listed)).not.toContain(added.secret);
    expect(listed.find((webhook) => webhook.id === added.webhook.id)).toMatchObject({ format: 'json', events: ['support.request.created'], disabledAt: null });

    // Five webhooks take requests; only the json one is reachable, the others fail to connect.
    expect(await enqueue(org, requestCreated())).toBe(5);
    expect(await store.removeWebhook(added.webhook.id)).toMatchObject({ webhook: { id: added.webhook.id }, deliveries: 1 });
    expect(await store.removeWebhook(added.webhook.id)).toBeNull();
    expect(await store.listWebhooks(org)).toHaveLength(4);
    expect(await store.listWebhookDeliveries(org, { failedOnly: false, limit: 10 })).toHaveLength(4);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
