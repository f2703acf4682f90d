/**
 * `GET /v1/openapi.json`: an OpenAPI 3.1 description of this API. The schemas are generated
 * from the zod contract in `lib/api` with `z.toJSONSchema`, so they cannot drift from what the
 * server validates; the paths below are written by hand and kept to what the routes do.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  ApiErrorSchema,
  EnrollRequestSchema,
  EnrollResponseSchema,
  MeResponseSchema,
  PacksResponseSchema,
  PROGRESS_BATCH_MAX,
  ProgressAckSchema,
  ProgressBatchSchema,
  ProgressPageSchema,
  MySupportRequestsSchema,
  SUPPORT_SCREENSHOT_MAX_BYTES,
  SupportAckSchema,
  SupportReplyRequestSchema,
  SupportRequestSchema,
} from '../../lib/api';
import type { AppEnv } from '../http/env';
import { PROGRESS_PAGE_DEFAULT, PROGRESS_PAGE_MAX } from './progress';
import { SUPPORT_BODY_LIMIT_BYTES } from './support';

type JsonObject = { [key: string]: unknown };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonObject) => ({ 'application/json': { schema } });
const error = (description: string, headers?: JsonObject) => ({
  description,
  content: json(ref('ApiError')),
  ...(headers !== undefined && { headers }),
});
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } };

const commonErrors = {
  '429': error('Too many requests from this address or device', retryAfter),
  '500': error('The server failed; the message names the request id to find in the server log'),
};
const deviceErrors = {
  '400': error('Malformed request: invalid JSON or UTF-8, unknown fields or query parameters, or values that fail validation (`issues` lists each path)'),
  '401': error('Missing, unknown or revoked device token'),
  ...commonErrors,
};
const bodyErrors = {
  '413': error('Body larger than the limit'),
  '415': error('Body not sent as `application/json`'),
};

function buildDocument(): JsonObject {
  const registry = z.registry<{ id: string }>();
  const schemas = {
    EnrollRequest: EnrollRequestSchema,
    EnrollResponse: EnrollResponseSchema,
    MeResponse: MeResponseSchema,
    PacksResponse: PacksResponseSchema,
    ProgressBatch: ProgressBatchSchema,
    ProgressAck: ProgressAckSchema,
    ProgressPage: ProgressPageSchema,
    SupportRequest: SupportRequestSchema,
    SupportAck: SupportAckSchema,
    SupportReplyRequest: SupportReplyRequestSchema,
    MySupportRequests: MySupportRequestsSchema,
    ApiError: ApiErrorSchema,
  };
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  // Components are not standalone documents: drop their `$schema` and `$id`.
  const components = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );

  const device = [{ deviceToken: [] }];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ombord backend',
      version: '1',
      description: 'Enrolment, published content packs, progress sync and support requests for the Ombord browser extension. Every error is an `ApiError`.',
    },
    paths: {
      '/v1/enroll': {
        post: {
          summary: 'Redeem an enrollment token for a device token (shown once)',
          requestBody: { required: true, content: json(ref('EnrollRequest')) },
          responses: {
            '201': { description: 'Enrolled', content: json(ref('EnrollResponse')) },
            ...deviceErrors,
            '401': error('Unknown, revoked or expired enrollment token'),
            ...bodyErrors,
          },
        },
      },
      '/v1/me': {
        get: {
          summary: 'The enrolled user as the backend knows them now',
          security: device,
          responses: { '200': { description: 'The user', content: json(ref('MeResponse')) }, ...deviceErrors },
        },
      },
      '/v1/packs': {
        get: {
          summary: "The organisation's published content packs, current version of each",
          security: device,
          parameters: [{ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The ETag of a previous response' }],
          responses: {
            '200': {
              description: 'The packs',
              headers: { ETag: { description: 'Names the published versions', schema: { type: 'string' } } },
              content: json(ref('PacksResponse')),
            },
            '304': { description: 'Nothing was published or unpublished since the given ETag' },
            ...deviceErrors,
          },
        },
      },
      '/v1/progress': {
        post: {
          summary: `Store up to ${PROGRESS_BATCH_MAX} progress events; idempotent per event id`,
          security: device,
          requestBody: { required: true, content: json(ref('ProgressBatch')) },
          responses: {
            '200': { description: 'Per event: accepted, duplicate (stored before) or rejected with a reason', content: json(ref('ProgressAck')) },
            ...deviceErrors,
            ...bodyErrors,
          },
        },
        get: {
          summary: "The caller's own progress events, in the order the server received them",
          security: device,
          parameters: [
            { name: 'after', in: 'query', required: false, schema: { type: 'string', maxLength: 200 }, description: 'The `next` cursor of the previous page' },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: PROGRESS_PAGE_MAX, default: PROGRESS_PAGE_DEFAULT } },
          ],
          responses: { '200': { description: 'A page of events', content: json(ref('ProgressPage')) }, ...deviceErrors },
        },
      },
      '/v1/support': {
        post: {
          summary: 'Send a support request (question, problem, idea) with its context and an optional PNG or JPEG screenshot; idempotent per id',
          security: device,
          requestBody: { required: true, content: json(ref('SupportRequest')) },
          responses: {
            '201': { description: 'Stored', content: json(ref('SupportAck')) },
            '200': { description: 'Stored before (the same id from the same user): the stored request', content: json(ref('SupportAck')) },
            ...deviceErrors,
            '409': error('The id is used by another user of the organisation'),
            '413': error(`Body larger than ${SUPPORT_BODY_LIMIT_BYTES} bytes, or a screenshot larger than ${SUPPORT_SCREENSHOT_MAX_BYTES} bytes`),
            '415': error('Body not sent as `application/json`, or screenshot bytes that are not the PNG or JPEG its `mediaType` says'),
            '422': error('Screenshot data that is not valid base64'),
          },
        },
        get: {
          summary: "The caller's own support requests with their replies, newest first",
          security: device,
          responses: { '200': { description: 'The requests', content: json(ref('MySupportRequests')) }, ...deviceErrors },
        },
      },
      '/v1/support/{id}/replies': {
        post: {
          summary: 'The user answers back on their own request',
          security: device,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          requestBody: { required: true, content: json(ref('SupportReplyRequest')) },
          responses: {
            '201': { description: 'Stored; the request status after the reply', content: json(ref('SupportAck')) },
            ...deviceErrors,
            '404': error('No such request of the caller'),
            '409': error('The request is closed'),
            ...bodyErrors,
          },
        },
      },
      '/v1/support/{id}/solved': {
        post: {
          summary: 'The user marks their own request solved: it is closed',
          security: device,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '200': { description: 'Closed', content: json(ref('SupportAck')) }, ...deviceErrors, '404': error('No such request of the caller') },
        },
      },
      '/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } } },
      },
      '/healthz': {
        get: { summary: 'The process is up', responses: { '200': { description: 'Up', content: json({ type: 'object' }) } } },
      },
      '/readyz': {
        get: {
          summary: 'The database is reachable',
          responses: { '200': { description: 'Ready', content: json({ type: 'object' }) }, '503': error('The database is not reachable', retryAfter) },
        },
      },
    },
    components: {
      schemas: components,
      securitySchemes: {
        deviceToken: { type: 'http', scheme: 'bearer', description: 'The `deviceToken` from `POST /v1/enroll`' },
      },
    },
  };
}

export function openApiRoutes() {
  let document: JsonObject | undefined;
  return new Hono<AppEnv>().get('/openapi.json', (c) => {
    document ??= buildDocument();
    return c.json(document);
  });
}
