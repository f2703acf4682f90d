/**
 * Data and helpers the API suites share: a valid progress event, a small valid content pack,
 * and enrolment of a device through the real app.
 */
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { expect } from 'vitest';
import { ApiErrorSchema, EnrollResponseSchema, type EnrollResponse, type ProgressEvent } from '../../lib/api';
import type { ContentPack } from '../../lib/guides/pack';
import { validatePack } from '../../lib/guides/validate';
import type { AppEnv } from '../http/env';
import type { Store } from '../store/store';

export function progressEvent(patch: Partial<ProgressEvent> = {}): ProgressEvent {
  return {
    type: 'seen',
    id: randomUUID(),
    at: '2030-01-01T08:00:00.000Z',
    packId: 'sales-basics',
    packVersion: 1,
    itemId: 'log-a-call',
    context: { crm: 'salesforce', environment: 'production', pageType: 'record_view', object: 'Opportunity', surface: 'lightning' },
    ...patch,
  } as ProgressEvent;
}

/** A valid pack with one tip; `title` makes versions distinguishable. */
export function contentPack(id: string, version: number, title = `${id} v${version}`): ContentPack {
  const json = {
    schemaVersion: 1,
    id,
    version,
    name: { en: `Pack ${id}` },
    defaultLocale: 'en',
    items: [
      {
        id: 'log-a-call',
        kind: 'tip',
        targeting: { crm: 'salesforce', where: { pageTypes: ['record_view'], objects: ['Opportunity'] } },
        title: { en: title },
        body: { en: 'Log the call while it is fresh.' },
        anchor: { strategies: [{ kind: 'label', text: 'Phone' }] },
      },
    ],
  };
  const result = validatePack(json, id);
  if (!result.ok) throw new Error(`fixture pack is invalid: ${JSON.stringify(result.errors)}`);
  return result.pack;
}

export interface Enrolled extends EnrollResponse {
  auth: { Authorization: string };
}

export async function setUpOrganisation(store: Store, name: string) {
  const organisation = await store.createOrganisation(name);
  const { secret } = await store.issueEnrollmentToken(organisation.id, { expiresAt: null });
  return { organisation, enrollmentToken: secret };
}

export async function enrol(app: Hono<AppEnv>, enrollmentToken: string, email: string): Promise<Enrolled> {
  const response = await app.request('/v1/enroll', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ enrollmentToken, user: { email }, extensionVersion: '0.1.0', deviceLabel: 'Chrome on test' }),
  });
  expect(response.status).toBe(201);
  const body = EnrollResponseSchema.parse(await response.json());
  return { ...body, auth: { Authorization: `Bearer ${body.deviceToken}` } };
}

export function postJson(app: Hono<AppEnv>, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Asserts an `ApiError` response with the status and code; returns the error. */
export async function expectApiError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = ApiErrorSchema.parse(await response.json());
  expect(body.error.code).toBe(code);
  return body.error;
}
