/**
 * The wire contract between the extension and the backend, as zod schemas both sides import.
 * The backend re-validates everything; the extension validates what it receives.
 *
 * Endpoints (all under `/v1`, JSON, device endpoints with `Authorization: Bearer <deviceToken>`):
 * - `POST /v1/enroll` — `EnrollRequest` → `EnrollResponse`
 * - `GET  /v1/me` — `MeResponse`
 * - `GET  /v1/packs` — `PacksResponse`, `ETag` / `If-None-Match` → 304
 * - `POST /v1/progress` — `ProgressBatch` → `ProgressAck` (idempotent per event id)
 * - `GET  /v1/progress?after=` — `ProgressPage`
 * - `POST /v1/support` — `SupportRequest` → `SupportAck` (201; 200 for a repeat of the same id)
 * - `GET  /v1/support` — `MySupportRequests`
 * - `POST /v1/support/:id/replies` — `SupportReplyRequest` → `SupportAck` (201)
 * - `POST /v1/support/:id/solved` — `SupportAck` (the request is closed)
 * - `GET  /v1/openapi.json`, `GET /healthz`, `GET /readyz`
 * Errors: `ApiError` with an HTTP status; 429 and 503 carry `Retry-After`.
 */
export * from './enrollment';
export * from './errors';
export * from './inbox';
export * from './packs';
export * from './progress';
export * from './support';
