/**
 * Support requests and replies notify the organisation's webhooks: the delivery is written in
 * the same transaction as the request or reply, and the dispatcher sends it signed to a real
 * receiver. Other organisations' webhooks hear nothing; a repeated request (same id) is not
 * announced twice.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SupportRequest } from '../../lib/api';
import { createApp } from '../app';
import type { Store } from '../store/store';
import { enrol, postJson, setUpOrganisation, type Enrolled } from '../test/fixtures';
import { ADAPTERS, createTestDatabase, type TestDatabase } from '../test/stores';
import { createWebhookDispatcher } from './dispatcher';
import { verifyWebhookSignature } from './sign';

const GENEROUS = { perIp: { max: 100_000, windowSeconds: 60 }, perDevice: { max: 100_000, windowSeconds: 60 } };
const PUBLIC_URL = 'https://ombord.example.com';

function supportRequest(): SupportRequest {
  return {
    id: randomUUID(),
    kind: 'question',
    description: 'How do I log a call?\nI looked everywhere.',
    context: {
      crm: {
        crm: 'dynamics',
        environment: 'production',
        pageType: 'record_view',
        object: 'account',
        recordId: null,
        surface: 'uci',
        host: 'contoso.crm4.dynamics.com',
        orgName: 'contoso',
        sandboxName: null,
        app: null,
        listView: null,
        url: 'https://contoso.crm4.dynamics.com/main.aspx',
      },
      guide: null,
      breadcrumbs: [],
      errors: [],
      environment: { extensionVersion: '0.1.0', browser: 'Chrome 130', os: 'Linux', locale: 'sv', viewport: { width: 1280, height: 800 }, at: '2030-01-01T08:00:00.000Z' },
    },
  };
}

describe.each(ADAPTERS)('support webhooks on %s', (adapter) => {
  let database: TestDatabase;
  let store: Store;
  let received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }>;
  let close: () => Promise<void>;
  let url: string;

  beforeEach(async () => {
    database = await createTestDatabase(adapter);
    store = await database.openStore();
    received = [];
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterEach(async () => {
    await close();
    await store.close();
    await database.drop();
  });

  it('announces a new request and each reply, signed, to its own organisation only', async () => {
    const app = createApp({ store, rateLimits: GENEROUS });
    const { organisation, enrollmentToken } = await setUpOrganisation(store, 'Contoso');
    const organisationId = organisation.id;
    const other = await setUpOrganisation(store, 'Fabrikam');
    const added = await store.addWebhook(organisationId, { url, format: 'json', events: ['support.request.created', 'support.reply.created'] });
    const elsewhere = await store.addWebhook(other.organisation.id, { url: `${url}/other`, format: 'json', events: ['support.request.created'] });
    if (!added.ok || !elsewhere.ok) throw new Error('webhooks not added');
    const alice: Enrolled = await enrol(app, enrollmentToken, 'alice@contoso.example');

    const request = supportRequest();
    expect((await postJson(app, '/v1/support', request, alice.auth)).status).toBe(201);
    // The same request again (a retry after a lost answer) is not news.
    expect((await postJson(app, '/v1/support', request, alice.auth)).status).toBe(200);
    const replied = await store.addSupportReply(organisationId, request.id, { userId: null, displayName: 'Sam', role: 'support' }, 'Open the record and use Log a Call.');
    expect(replied.ok).toBe(true);

    const dispatcher = createWebhookDispatcher({ store, publicUrl: PUBLIC_URL, log: () => undefined });
    expect(await dispatcher.runOnce()).toBe(2);
    expect(await dispatcher.runOnce()).toBe(0);

    expect(received).toHaveLength(2);
    for (const delivery of received) {
      const timestamp = String(delivery.headers['x-ombord-timestamp']);
      const signature = String(delivery.headers['x-ombord-signature']);
      expect(verifyWebhookSignature(added.secret, timestamp, delivery.body, signature, new Date())).toBe(true);
    }
    const bodies = received.map((delivery) => JSON.parse(delivery.body) as { type: string; organisationId: string; data: Record<string, unknown>; inboxUrl: string });
    const created = bodies.find((body) => body.type === 'support.request.created');
    const reply = bodies.find((body) => body.type === 'support.reply.created');
    expect(created).toMatchObject({
      organisationId,
      data: { requestId: request.id, kind: 'question', title: 'How do I log a call?', crm: 'dynamics', pageType: 'record_view', object: 'account' },
      inboxUrl: `${PUBLIC_URL}/inbox/#/requests/${request.id}`,
    });
    expect(reply).toMatchObject({ data: { requestId: request.id, excerpt: 'Open the record and use Log a Call.', status: 'answered', author: { displayName: 'Sam', role: 'support' } } });
    // Nothing of Contoso's reached Fabrikam's webhook.
    expect(received.every((delivery) => !delivery.body.includes(other.organisation.id))).toBe(true);
  });
});
