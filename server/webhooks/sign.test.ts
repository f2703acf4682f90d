/**
 * Webhook signatures as a receiver checks them: a signed body verifies; a changed body, another
 * secret, a changed timestamp, a malformed header or a timestamp outside the tolerance does not.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  webhookHeaders,
  webhookSignature,
} from './sign';

const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I';
const body = '{"type":"support.request.created","data":{"title":"Sävé fails – ✓"}}';
const now = new Date('2030-01-01T08:00:00.000Z');

function signed() {
  const headers = webhookHeaders({ secret, body, eventType: 'support.request.created', deliveryId: 'd-1', now });
  return { timestamp: headers[TIMESTAMP_HEADER], signature: headers[SIGNATURE_HEADER], headers };
}

describe('webhook signatures', () => {
  it('signs `timestamp.body` with HMAC-SHA256 and names the event and delivery', () => {
    const { timestamp, signature, headers } = signed();
    expect(timestamp).toBe(String(now.getTime() / 1000));
    // What a receiver in any language computes: hex HMAC-SHA256 of "<timestamp>.<raw body>".
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(signature).toBe(`v1=${expected}`);
    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'User-Agent': 'Ombord-Webhooks',
      [EVENT_HEADER]: 'support.request.created',
      [DELIVERY_HEADER]: 'd-1',
    });
  });

  it('verifies what it signed, within the tolerance either way', () => {
    const { timestamp, signature } = signed();
    expect(verifyWebhookSignature(secret, timestamp, body, signature, now)).toBe(true);
    expect(verifyWebhookSignature(secret, timestamp, body, signature, new Date(now.getTime() + 300_000))).toBe(true);
    expect(verifyWebhookSignature(secret, timestamp, body, signature, new Date(now.getTime() - 300_000))).toBe(true);
  });

  it('refuses a tampered body, another secret, a moved timestamp or a malformed header', () => {
    const { timestamp, signature } = signed();
    expect(verifyWebhookSignature(secret, timestamp, body.replace('fails', 'works'), signature, now)).toBe(false);
    expect(verifyWebhookSignature(`${secret}x`, timestamp, body, signature, now)).toBe(false);
    expect(verifyWebhookSignature(secret, String(Number(timestamp) + 1), body, signature, now)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, body, signature?.replace('v1=', 'v2='), now)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, body, signature?.slice(0, -1), now)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, body, '', now)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, body, undefined, now)).toBe(false);
    expect(verifyWebhookSignature(secret, null, body, signature, now)).toBe(false);
    expect(verifyWebhookSignature(secret, '1.5e9', body, webhookSignature(secret, '1.5e9', body), now)).toBe(false);
  });

  it('refuses a timestamp outside the tolerance: a replayed or post-dated request', () => {
    const { timestamp, signature } = signed();
    expect(verifyWebhookSignature(secret, timestamp, body, signature, new Date(now.getTime() + 301_000))).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, body, signature, new Date(now.getTime() - 301_000))).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, body, signature, new Date(now.getTime() + 60_000), 30)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, body, signature, new Date(now.getTime() + 20_000), 30)).toBe(true);
  });
});
