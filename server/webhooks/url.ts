/**
 * Which addresses a webhook may post to: `https:` anywhere, `http:` only to this machine (local
 * receivers and tests), so a notification never crosses a network in clear text. Checked when a
 * webhook is added and again before each delivery.
 */

export const WEBHOOK_URL_MAX = 2048;

export type WebhookUrlCheck = { ok: true; url: string } | { ok: false; error: string };

export function checkWebhookUrl(text: string): WebhookUrlCheck {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > WEBHOOK_URL_MAX) {
    return { ok: false, error: `A webhook URL is 1 to ${WEBHOOK_URL_MAX} characters` };
  }
  if (!URL.canParse(trimmed)) {
    return { ok: false, error: `"${trimmed}" is not a URL; give the receiver's full address, such as https://hooks.slack.com/services/…` };
  }
  const url = new URL(trimmed);
  // fetch refuses URLs with credentials; say so now rather than at every delivery.
  if (url.username !== '' || url.password !== '') {
    return { ok: false, error: 'A webhook URL may not contain a user name or password; receivers check the X-Ombord-Signature header instead' };
  }
  if (url.protocol === 'https:') return { ok: true, url: url.href };
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return { ok: true, url: url.href };
  if (url.protocol === 'http:') {
    return { ok: false, error: `A webhook URL must use https: (http: is allowed only to this machine: localhost, 127.0.0.1 or [::1]), not "${url.origin}"` };
  }
  return { ok: false, error: `A webhook URL must use https:, not ${url.protocol}` };
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
