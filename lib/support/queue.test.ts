import { describe, expect, it, vi } from 'vitest';
import type { SupportRequest } from '../api/support';
import { ENROLLMENT_KEY, SYNC_SETTINGS_KEY } from '../sync/settings';
import { memoryLocks, memoryStorage } from '../sync/testing';
import {
  createSupportOutbox,
  SUPPORT_QUEUE_KEY,
  SUPPORT_QUEUE_SCREENSHOT_CHARS_MAX,
  supportScreenshotKey,
  withinScreenshotBudget,
  type QueuedRequest,
} from './queue';

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
    const { outbox: box, fetch, storage } = outbox();
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
    // The dropped screenshot is gone from storage, not only from its record.
    expect(ids.map((id) => storage.data.has(supportScreenshotKey(id)))).toEqual([false, true, true, true, true]);
  });

  it('keeps each screenshot under its own key, written once and removed with its request', async () => {
    const { outbox: box, fetch, storage } = outbox();
    const writes: string[][] = [];
    const set = storage.set.bind(storage);
    storage.set = async (items) => {
      writes.push(Object.keys(items));
      // Every change of the queue key reaches every tab: it must never carry a screenshot.
      if (SUPPORT_QUEUE_KEY in items) expect(JSON.stringify(items[SUPPORT_QUEUE_KEY])).not.toContain('iVBOR');
      return set(items);
    };
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    const screenshot = { mediaType: 'image/png' as const, dataBase64: `iVBOR${'A'.repeat(1_000)}` };
    await box.submit({ ...request(ID_A), screenshot });
    await box.submit(request(ID_B));
    expect(storage.data.get(supportScreenshotKey(ID_A))).toEqual(screenshot);
    expect(storage.data.get(SUPPORT_QUEUE_KEY)).toMatchObject([{ id: ID_A, screenshotChars: screenshot.dataBase64.length }, { id: ID_B }]);
    fetch.mockReset();
    fetch.mockResolvedValueOnce(ack(ID_A)).mockResolvedValueOnce(ack(ID_B));
    const outcomes = await box.flush({ manual: true });
    expect([...outcomes]).toEqual([
      [ID_A, { status: 'sent' }],
      [ID_B, { status: 'sent' }],
    ]);
    expect(JSON.parse(String(fetch.mock.calls[0]?.[1]?.body)).screenshot).toEqual(screenshot);
    expect(storage.data.has(supportScreenshotKey(ID_A))).toBe(false);
    expect(writes.filter((keys) => keys.includes(supportScreenshotKey(ID_A)))).toHaveLength(1);
  });

  it('flush says what it did: nothing when nothing waits or while backing off', async () => {
    const { outbox: box, fetch } = outbox();
    expect(await box.flush()).toEqual(new Map());
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    await box.submit(request(ID_A));
    expect(await box.flush()).toEqual(new Map());
    const { outbox: unenrolled } = outbox(memoryStorage());
    await unenrolled.submit(request(ID_A));
    expect(await unenrolled.flush()).toEqual(new Map([[ID_A, { status: 'not_enrolled' }]]));
  });

  it('reads and sends a queue an older version left with its screenshots inline, moving them to their own keys', async () => {
    const screenshot = { mediaType: 'image/png' as const, dataBase64: 'iVBORw0KGgoAAAANSUhEUg==' };
    const storage = memoryStorage({ [SUPPORT_QUEUE_KEY]: [{ ...request(ID_A), screenshot }, request(ID_B)] });
    const { outbox: box, fetch } = outbox(storage);
    expect(await box.flush()).toEqual(new Map([[ID_A, { status: 'not_enrolled' }], [ID_B, { status: 'not_enrolled' }]]));
    expect(storage.data.get(SUPPORT_QUEUE_KEY)).toEqual([{ ...request(ID_A), screenshotChars: screenshot.dataBase64.length }, request(ID_B)]);
    expect(storage.data.get(supportScreenshotKey(ID_A))).toEqual(screenshot);

    const enrolledStorage = enrolled();
    await enrolledStorage.set({ [SUPPORT_QUEUE_KEY]: [{ ...request(ID_A), screenshot }] });
    const { outbox: enrolledBox, fetch: enrolledFetch } = outbox(enrolledStorage, fetch);
    enrolledFetch.mockResolvedValueOnce(ack(ID_A));
    expect(await enrolledBox.flush()).toEqual(new Map([[ID_A, { status: 'sent' }]]));
    expect(JSON.parse(String(enrolledFetch.mock.calls[0]?.[1]?.body)).screenshot).toEqual(screenshot);
    expect(enrolledStorage.data.get(SUPPORT_QUEUE_KEY)).toEqual([]);
    expect(enrolledStorage.data.has(supportScreenshotKey(ID_A))).toBe(false);
  });

  it('sends a request whose screenshot went missing without it', async () => {
    const storage = enrolled();
    await storage.set({ [SUPPORT_QUEUE_KEY]: [{ ...request(ID_A), screenshotChars: 100 }] });
    const { outbox: box, fetch } = outbox(storage);
    fetch.mockResolvedValueOnce(ack(ID_A));
    expect(await box.flush()).toEqual(new Map([[ID_A, { status: 'sent' }]]));
    expect(JSON.parse(String(fetch.mock.calls[0]?.[1]?.body))).not.toHaveProperty('screenshot');
  });
});

describe('withinScreenshotBudget', () => {
  const withShot = (id: string, chars: number): QueuedRequest => ({ ...request(id), screenshotChars: chars });

  it('takes screenshots from the oldest requests first until the rest fit', () => {
    const requests = [
      withShot(ID_A, 40),
      request(ID_B),
      withShot(ID_C, 40),
      withShot(ID_D, 40),
    ];
    const kept = withinScreenshotBudget(requests, 90);
    expect(kept.map((kept) => kept.id)).toEqual([ID_A, ID_B, ID_C, ID_D]);
    expect(kept.map((kept) => kept.screenshotChars)).toEqual([undefined, undefined, 40, 40]);
    expect('screenshotChars' in (kept[0] ?? {})).toBe(false);
  });

  it('changes nothing within the budget', () => {
    const requests = [withShot(ID_A, 40), withShot(ID_B, 40)];
    expect(withinScreenshotBudget(requests, 80)).toEqual(requests);
  });
});
