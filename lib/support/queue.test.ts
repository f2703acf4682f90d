import { describe, expect, it, vi } from 'vitest';
import type { SupportRequest } from '../api/support';
import { ENROLLMENT_KEY, SYNC_SETTINGS_KEY } from '../sync/settings';
import { memoryLocks, memoryStorage } from '../sync/testing';
import { createSupportOutbox, SUPPORT_QUEUE_KEY } from './queue';

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
});
