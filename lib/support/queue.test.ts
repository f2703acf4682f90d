import { describe, expect, it, vi } from 'vitest';
import type { SupportRequest } from '../api/support';
import { ENROLLMENT_KEY, SYNC_SETTINGS_KEY } from '../sync/settings';
import { memoryLocks, memoryStorage } from '../sync/testing';
import { createSupportOutbox, SUPPORT_QUEUE_KEY, SUPPORT_QUEUE_SCREENSHOT_CHARS_MAX, withinScreenshotBudget } from './queue';

const BACKEND = 'https://ombord.example.com';
const enrollment = {
  deviceId: '1f0e6f3a-8c1b-4c55-9b43-6f3e2a1d0c01',
  deviceToken: 'd'.repeat(40),
  organisation: { id: '8d7a4f5e-7c2b-4e0a-9a57-3f2b1c0d9e11', name: 'Acme Nordic' },
  user: { id: '2a1b0c9d-8e7f-4a6b-9c5d-4e3f2a1b0c9d', email: 'kari@example.com', roles: [], teams: [], locale: null },
  backendUrl: BACKEND,
  enrolledAt: 0,
  revoked: false,
};
const enrolled = () => memoryStorage({ [SYNC_SETTINGS_KEY]: { backendUrl: BACKEND, email: 'kari@example.com' }, [ENROLLMENT_KEY]: enrollment });

const at = '2025-03-01T10:00:00.000Z';
function request(id: string): SupportRequest {
  return {
    id,
    kind: 'problem',
    description: 'The Save button does nothing',
    context: {
      crm: {
        crm: 'salesforce',
        environment: 'production',
        pageType: 'record_edit',
        object: 'Opportunity',
        recordId: null,
        surface: 'lightning',
        host: 'acme.lightning.force.com',
        orgName: 'acme',
        sandboxName: null,
        app: null,
        listView: null,
        url: 'https://acme.lightning.force.com/lightning/o/Opportunity/new',
      },
      guide: null,
      breadcrumbs: [{ at, kind: 'click', label: 'Save' }],
      errors: [],
      environment: { extensionVersion: '0.1.0', browser: 'Chrome 126', os: 'Windows', locale: 'en', viewport: { width: 1280, height: 800 }, at },
    },
  };
}
const ID_A = '3b241101-e2bb-4255-8caf-4136c566a962';
const ID_B = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const ID_C = '9b2f3c1e-5d4a-4e6b-8c7d-1a2b3c4d5e6f';
const ID_D = 'c4a7e2d1-0b9f-4e8a-9d6c-5b4a3f2e1d0c';
const ID_E = 'e1d2c3b4-a5f6-4a7b-8c9d-0e1f2a3b4c5d';

const ack = (id: string) => new Response(JSON.stringify({ id, status: 'new' }), { status: 201, headers: { 'Content-Type': 'application/json' } });

function outbox(storage = enrolled(), fetch = vi.fn<typeof globalThis.fetch>()) {
  const clock = { now: 0 };
  const box = createSupportOutbox({ storage, readManaged: async () => ({}), fetch, locks: memoryLocks(), now: () => clock.now, random: () => 0.5 });
  return { storage, fetch, clock, outbox: box };
}

describe('support outbox', () => {
  it('sends at once with the device credential and forgets what the backend acknowledged', async () => {
    const { outbox: box, fetch, storage } = outbox();
    fetch.mockResolvedValueOnce(ack(ID_A));
    expect(await box.submit(request(ID_A))).toEqual({ status: 'sent' });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe(`${BACKEND}/v1/support`);
    expect(new Headers(init?.headers).get('Authorization')).toBe(`Bearer ${enrollment.deviceToken}`);
    expect(JSON.parse(String(init?.body)).id).toBe(ID_A);
    expect(storage.data.get(SUPPORT_QUEUE_KEY)).toEqual([]);
  });

  it('keeps a request while offline and sends it, once, on a later flush', async () => {
    const { outbox: box, fetch, clock } = outbox();
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    expect(await box.submit(request(ID_A))).toEqual({ status: 'queued' });
    // The user pressing Send again retries at once, and the queue still holds one request.
    expect(await box.submit(request(ID_A))).toEqual({ status: 'queued' });
    expect(await box.queued()).toHaveLength(1);
    fetch.mockReset();
    await box.flush(); // backing off: nothing sent
    expect(fetch).not.toHaveBeenCalled();
    clock.now = 60 * 60_000;
    fetch.mockResolvedValueOnce(ack(ID_A));
    await box.flush();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await box.queued()).toEqual([]);
  });

  it('a manual flush ("Sync now") sends at once, past the backoff', async () => {
    const { outbox: box, fetch } = outbox();
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    expect(await box.submit(request(ID_A))).toEqual({ status: 'queued' });
    fetch.mockReset();
    fetch.mockResolvedValueOnce(ack(ID_A));
    await box.flush({ manual: true });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await box.queued()).toEqual([]);
  });

  it('keeps requests for later when the browser is not enrolled', async () => {
    const { outbox: box, fetch } = outbox(memoryStorage());
    expect(await box.submit(request(ID_A))).toEqual({ status: 'not_enrolled' });
    expect(fetch).not.toHaveBeenCalled();
    expect(await box.queued()).toHaveLength(1);
  });

  it('drops a request the backend refuses, and goes on with the next', async () => {
    const { outbox: box, fetch } = outbox();
    fetch.mockRejectedValueOnce(new TypeError('offline'));
    await box.submit(request(ID_A));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    fetch.mockResolvedValueOnce(new Response('{"error":{"code":"invalid_request"}}', { status: 400 })).mockResolvedValueOnce(ack(ID_B));
    expect(await box.submit(request(ID_B))).toEqual({ status: 'sent' });
    expect(await box.queued()).toEqual([]);
  });

  it('refuses a malformed request before queueing it', async () => {
    const { outbox: box } = outbox();
    await expect(box.submit({ ...request(ID_A), description: '' })).rejects.toThrow();
    expect(await box.queued()).toEqual([]);
  });

  it('keeps a screenshot with its request while offline and sends it with it', async () => {
    const { outbox: box, fetch } = outbox();
    fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const screenshot = { mediaType: 'image/png' as const, dataBase64: 'iVBORw0KGgoAAAANSUhEUg==' };
    expect(await box.submit({ ...request(ID_A), screenshot })).toEqual({ status: 'queued' });
    expect((await box.queued())[0]?.screenshot).toEqual(screenshot);
    fetch.mockResolvedValueOnce(ack(ID_A));
    await box.flush({ manual: true });
    expect(JSON.parse(String(fetch.mock.calls[1]?.[1]?.body)).screenshot).toEqual(screenshot);
  });

  it('drops the oldest queued screenshots, never the requests, when their bytes outgrow the budget', async () => {
    const { outbox: box, fetch } = outbox();
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // Five of nearly the largest screenshots are more than the queue keeps.
    const ids = [ID_A, ID_B, ID_C, ID_D, ID_E];
    const large = 'A'.repeat(5_500_000);
    expect(ids.length * large.length).toBeGreaterThan(SUPPORT_QUEUE_SCREENSHOT_CHARS_MAX);
    for (const id of ids) await box.submit({ ...request(id), screenshot: { mediaType: 'image/png', dataBase64: large } });
    const queued = await box.queued();
    expect(queued.map((queuedRequest) => queuedRequest.id)).toEqual(ids);
    expect(queued.map((queuedRequest) => queuedRequest.screenshot !== undefined)).toEqual([false, true, true, true, true]);
  });
});

describe('withinScreenshotBudget', () => {
  const shot = (chars: number) => ({ mediaType: 'image/png' as const, dataBase64: 'A'.repeat(chars) });

  it('takes screenshots from the oldest requests first until the rest fit', () => {
    const requests = [
      { ...request(ID_A), screenshot: shot(40) },
      request(ID_B),
      { ...request(ID_C), screenshot: shot(40) },
      { ...request(ID_D), screenshot: shot(40) },
    ];
    const kept = withinScreenshotBudget(requests, 90);
    expect(kept.map((kept) => kept.id)).toEqual([ID_A, ID_B, ID_C, ID_D]);
    expect(kept.map((kept) => kept.screenshot?.dataBase64.length)).toEqual([undefined, undefined, 40, 40]);
    expect('screenshot' in (kept[0] ?? {})).toBe(false);
  });

  it('changes nothing within the budget', () => {
    const requests = [{ ...request(ID_A), screenshot: shot(40) }, { ...request(ID_B), screenshot: shot(40) }];
    expect(withinScreenshotBudget(requests, 80)).toEqual(requests);
  });
});
