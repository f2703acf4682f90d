/**
 * Webhook signatures: every delivery carries `X-Ombord-Timestamp` (Unix seconds) and
 * `X-Ombord-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, so a receiver can
 * tell the request came from this backend, unchanged, and recently (a replayed old request
 * fails the timestamp check). The key is the webhook's secret as printed, UTF-8.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Ombord-Signature';
export const TIMESTAMP_HEADER = 'X-Ombord-Timestamp';
export const EVENT_HEADER = 'X-Ombord-Event';
export const DELIVERY_HEADER = 'X-Ombord-Delivery';
export const WEBHOOK_USER_AGENT = 'Ombord-Webhooks';
/** How far a receiver's clock and the signature's timestamp may be apart by default. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `v1=` and the hex HMAC-SHA256 of `${timestamp}.${body}`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** Every header a delivery is sent with. */
export function webhookHeaders(options: { secret: string; body: string; eventType: string; deliveryId: string; now: Date }): Record<string, string> {
  const timestamp = String(Math.floor(options.now.getTime() / 1000));
  return {
    'Content-Type': 'application/json',
    'User-Agent': WEBHOOK_USER_AGENT,
    [EVENT_HEADER]: options.eventType,
    [DELIVERY_HEADER]: options.deliveryId,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: webhookSignature(options.secret, timestamp, options.body),
  };
}

/**
 * What a receiver runs on the raw request body (before parsing it): true when `header` is the
 * signature of `timestamp` and `body` with `secret`, and the timestamp is within
 * `toleranceSeconds` of `now`. Compares in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | null | undefined,
  body: string,
  header: string | null | undefined,
  now: Date,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (timestamp == null || header == null || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const actual = Buffer.from(header.trim());
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
