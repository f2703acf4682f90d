/**
 * Sends webhook deliveries: every few seconds each backend instance claims the due ones with a
 * lease (so instances never send the same delivery at once), posts each signed body, and records
 * the outcome: delivered (2xx), retried later with exponential backoff (408, 429, 5xx, no
 * answer), failed for good (other 4xx, redirects), or the webhook disabled (410 Gone).
 * A process that dies mid-attempt leaves its lease to run out; another instance retries then.
 */
import type { Logger } from '../http/log';
import type { ClaimedWebhookDelivery, Store, WebhookDeliveryOutcome } from '../store/store';
import { WebhookEventSchema } from './events';
import { formatWebhookBody, WebhookFormatSchema } from './format';
import { webhookHeaders } from './sign';
import { checkWebhookUrl } from './url';

/** First retry after about 30 s, then twice as long each time… */
export const WEBHOOK_BACKOFF_BASE_MS = 30_000;
/** …but never more than an hour between attempts. */
export const WEBHOOK_BACKOFF_CAP_MS = 60 * 60_000;
/** Attempts in all, the first included: the last one comes 1.5 to 3 hours after the first. */
export const WEBHOOK_MAX_ATTEMPTS = 10;
/** A `Retry-After` longer than this is taken as a misconfigured receiver, not as a wish. */
const RETRY_AFTER_MAX_MS = 24 * 60 * 60_000;
/** How much of a receiver's error answer is kept in `last_error`. */
const ERROR_BODY_MAX_BYTES = 300;

export interface WebhookDispatcherOptions {
  store: Pick<Store, 'claimWebhookDeliveries' | 'settleWebhookDelivery'>;
  /** `ServerConfig.publicUrl`: messages link to the request in the inbox under it. */
  publicUrl: string;
  log: Logger;
  fetch?: typeof fetch;
  clock?: () => Date;
  random?: () => number;
  /** How often an idle dispatcher looks for due deliveries. */
  pollIntervalMs?: number;
  /** How long a receiver has to answer. */
  timeoutMs?: number;
  /** How long a claim holds a delivery; longer than `timeoutMs`, so a slow answer is still ours. */
  leaseMs?: number;
  /** Deliveries claimed and sent (concurrently) at once. */
  batchSize?: number;
}

export interface WebhookDispatcher {
  /** Claims one batch of due deliveries and attempts each; resolves with how many, all settled. */
  runOnce(): Promise<number>;
  /** Polls until `stop`: at once while batches come back full, else every `pollIntervalMs`. */
  start(): void;
  /** Stops polling; resolves when the batch in flight is settled. */
  stop(): Promise<void>;
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const {
    store,
    publicUrl,
    log,
    fetch: send = fetch,
    clock = () => new Date(),
    random = Math.random,
    pollIntervalMs = 5_000,
    timeoutMs = 10_000,
    leaseMs = 60_000,
    batchSize = 20,
  } = options;
  if (leaseMs <= timeoutMs) throw new Error('A webhook lease must outlast the request timeout');

  const attempt = async (delivery: ClaimedWebhookDelivery): Promise<WebhookDeliveryOutcome> => {
    if (delivery.attempt > WEBHOOK_MAX_ATTEMPTS) {
      // Only when attempts were started and never settled (a process died mid-attempt).
      return { result: 'failed', status: null, error: `Gave up after ${WEBHOOK_MAX_ATTEMPTS} attempts; the last ones did not finish` };
    }
    const event = WebhookEventSchema.safeParse(safeJson(delivery.payload));
    const format = WebhookFormatSchema.safeParse(delivery.webhook.format);
    const url = checkWebhookUrl(delivery.webhook.url);
    if (!event.success) return { result: 'failed', status: null, error: `The stored event is not valid: ${event.error.issues[0]?.message ?? 'unknown'}` };
    if (!format.success) return { result: 'failed', status: null, error: `The webhook's format "${delivery.webhook.format}" is not slack, teams or json` };
    if (!url.ok) return { result: 'failed', status: null, error: url.error };

    const body = formatWebhookBody(format.data, event.data, publicUrl);
    const headers = webhookHeaders({ secret: delivery.webhook.secret, body, eventType: event.data.type, deliveryId: delivery.id, now: clock() });
    let response: Response;
    try {
      // Redirects are not followed: a signed body goes only where the webhook says.
      response = await send(url.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      return retryOrGiveUp(delivery.attempt, null, describeFailure(error, timeoutMs), null);
    }
    const status = response.status;
    if (status >= 200 && status < 300) {
      await response.body?.cancel().catch(() => undefined);
      return { result: 'delivered', status };
    }
    const answer = `HTTP ${status}${await answerText(response)}`;
    if (status === 410) return { result: 'gone', status, error: `${answer}: the receiver says this webhook is gone; it is disabled` };
    if (status === 408 || status === 429 || status >= 500) {
      return retryOrGiveUp(delivery.attempt, status, answer, retryAfterMs(response.headers.get('Retry-After'), clock()));
    }
    if (status >= 300 && status < 400) {
      return { result: 'failed', status, error: `${answer}: redirects are not followed; set the webhook's URL to where it redirects` };
    }
    return { result: 'failed', status, error: `${answer}: the receiver refused the delivery` };
  };

  const retryOrGiveUp = (attemptNumber: number, status: number | null, error: string, retryAfter: number | null): WebhookDeliveryOutcome => {
    if (attemptNumber >= WEBHOOK_MAX_ATTEMPTS) return { result: 'failed', status, error: `Gave up after ${attemptNumber} attempts: ${error}` };
    const wait = retryAfter ?? webhookBackoffDelay(attemptNumber, random);
    return { result: 'retry', status, error, nextAttemptAt: new Date(clock().getTime() + wait) };
  };

  const deliver = async (delivery: ClaimedWebhookDelivery) => {
    const outcome = await attempt(delivery);
    const settled = await store.settleWebhookDelivery({ id: delivery.id, attempt: delivery.attempt }, outcome, clock());
    // Never the URL: a Slack or Teams webhook URL is itself a credential.
    const fields = { msg: 'webhook delivery', delivery: delivery.id, webhook: delivery.webhook.id, org: delivery.organisationId, attempt: delivery.attempt };
    if (!settled) log({ level: 'warn', ...fields, outcome: 'not recorded', detail: 'the lease ran out and another instance took the delivery over, or its webhook was removed' });
    else if (outcome.result === 'delivered') log({ level: 'info', ...fields, outcome: outcome.result, status: outcome.status });
    else log({ level: 'warn', ...fields, outcome: outcome.result, status: outcome.status, error: outcome.error });
  };

  const runOnce = async () => {
    const claimed = await store.claimWebhookDeliveries({ now: clock(), leaseMs, limit: batchSize });
    await Promise.all(
      claimed.map((delivery) =>
        deliver(delivery).catch((error: unknown) => {
          // The store failed to settle it: the lease runs out and the delivery is attempted again.
          log({ level: 'error', msg: 'webhook delivery not recorded', delivery: delivery.id, error: String(error) });
        }),
      ),
    );
    return claimed.length;
  };

  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let running = false;

  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      timer = undefined;
      inFlight = (async () => {
        let full = false;
        try {
          full = (await runOnce()) >= batchSize;
        } catch (error) {
          log({ level: 'error', msg: 'webhook dispatch failed', error: error instanceof Error ? error.message : String(error) });
        }
        // Not when stopped, nor when a `start` after a `stop` has already scheduled the next run.
        if (running && timer === undefined) schedule(full ? 0 : pollIntervalMs);
      })();
    }, delayMs);
    // A forgotten stop must not keep the process alive.
    timer.unref();
  };

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}

/**
 * The wait after the `failures`-th failed attempt: exponential (30 s, 1 min, 2 min, … up to an
 * hour) with "equal jitter", a random point in the upper half, so receivers that failed together
 * are not retried together, and never sooner than half the step.
 */
export function webhookBackoffDelay(failures: number, random: () => number): number {
  const step = Math.min(WEBHOOK_BACKOFF_CAP_MS, WEBHOOK_BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.floor(step / 2 + random() * (step / 2));
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (header === null) return null;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return null;
    ms = date - now.getTime();
  }
  return Math.min(Math.max(0, ms), RETRY_AFTER_MAX_MS);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `: <start of the answer>` for the error record, or nothing when the answer is empty. */
async function answerText(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_BODY_MAX_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // What arrived is enough; the status says the rest.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, ERROR_BODY_MAX_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
  return text === '' ? '' : `: ${text}`;
}

/** Why no answer came: a timeout, or the network error's code and message. */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `No answer within ${timeoutMs / 1000} s`;
  }
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `No answer: ${code === undefined ? cause.message : `${code} ${cause.message}`}`;
  }
  return `No answer: ${error instanceof Error ? error.message : String(error)}`;
}
