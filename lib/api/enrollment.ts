/**
 * Enrolment: a browser joins an organisation with the enrollment token its CRM team handed out
 * (or that an enterprise policy pre-configured) and gets a device credential for everything
 * after. The credential is shown once; the backend stores only its hash.
 */
import { z } from 'zod';
import { LocaleSchema } from '../guides/pack';

export const EnrollRequestSchema = z.strictObject({
  enrollmentToken: z.string().min(16).max(200),
  /** Who uses this browser: progress is per user, across their devices. */
  user: z.strictObject({
    email: z.email().max(320),
    displayName: z.string().trim().min(1).max(200).optional(),
  }),
  /** Shown to admins in the device list ("Chrome on Windows"). */
  deviceLabel: z.string().trim().min(1).max(200).optional(),
  extensionVersion: z.string().max(50),
});
export type EnrollRequest = z.infer<typeof EnrollRequestSchema>;

export const EnrollResponseSchema = z.strictObject({
  deviceId: z.uuid(),
  /** The device credential, sent as `Authorization: Bearer <deviceToken>`; never shown again. */
  deviceToken: z.string().min(32).max(200),
  organisation: z.strictObject({ id: z.uuid(), name: z.string().max(200) }),
  user: z.strictObject({
    id: z.uuid(),
    email: z.email(),
    /** Targeting audience: set by admins per user. */
    roles: z.array(z.string().max(100)).max(50),
    teams: z.array(z.string().max(100)).max(50),
    locale: LocaleSchema.nullable(),
  }),
});
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;

/** `GET /v1/me`: the enrolled user as the backend knows them now (roles and teams may change). */
export const MeResponseSchema = EnrollResponseSchema.pick({ organisation: true, user: true }).extend({
  deviceId: z.uuid(),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;
