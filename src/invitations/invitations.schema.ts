// Invitations on the API: the Power Pages invitation record (adx_invitation) plus binding and locale.
import { z } from 'zod';
import { INT32_MAX, idSchema, isoTimeSchema, localeSchema, nameSchema, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';
import { scheduleProblem } from './reminder-schedule.ts';
import { normalizeCode } from './codes.ts';

export const invitationTypeSchema = z.enum(['single', 'group'], { error: 'must be "single" or "group"' });
export const bindingSchema = z.enum(['any', 'invited-email', 'email-domain'], {
  error: 'must be "any", "invited-email" or "email-domain"',
});
export const invitationStatusSchema = z.enum(['new', 'sent', 'redeemed', 'expired', 'inactive', 'declined']);
export type InvitationStatus = z.infer<typeof invitationStatusSchema>;

const DOMAIN_RE = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
export const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^@/, ''))
  .refine((d) => DOMAIN_RE.test(d), 'must be a domain name such as example.com');

export const invitationSchema = z.object({
  id: idSchema,
  name: z.string(),
  type: invitationTypeSchema,
  ownerId: idSchema.nullable(),
  expiresAt: timeOut.nullable(),
  inviterContactId: idSchema.nullable(),
  invitedContactIds: z.array(idSchema),
  assignToAccountId: idSchema.nullable(),
  redeemWorkflowId: idSchema.nullable(),
  webRoleIds: z.array(idSchema),
  maxRedemptions: z.number().int().nullable(),
  binding: bindingSchema,
  allowedDomains: z.array(z.string()),
  locale: localeSchema.nullable(),
  /** The one identity provider the invitee must redeem through; null = any enabled method. */
  signInProviderId: idSchema.nullable(),
  status: invitationStatusSchema,
  redemptionCount: z.number().int(),
  redeemedContactIds: z.array(idSchema),
  createdAt: timeOut,
  updatedAt: timeOut,
  sentAt: timeOut.nullable(),
  /** Own reminder schedule; null = the site's Invitations/ReminderSchedule; '' = none. */
  reminderSchedule: z.string().nullable(),
  /** Read only: the reminders planned when it was sent, and when each went out (null: not yet, or skipped). */
  reminders: z.array(z.object({ dueAt: z.string(), sentAt: z.string().nullable() })),
});
export type Invitation = z.infer<typeof invitationSchema>;

export const createdInvitationSchema = invitationSchema.extend({ code: z.string(), redeemUrl: z.string() });
export type CreatedInvitation = z.infer<typeof createdInvitationSchema>;

/** The settings an invitation can carry besides its type and invited contacts. */
const settingsFields = {
  name: nameSchema().optional(),
  ownerId: idSchema.optional(),
  expiresAt: isoTimeSchema.nullable().optional(),
  inviterContactId: idSchema.nullable().optional(),
  assignToAccountId: idSchema.nullable().optional(),
  redeemWorkflowId: idSchema.nullable().optional(),
  webRoleIds: z.array(idSchema).max(100).optional(),
  maxRedemptions: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(INT32_MAX, `must be at most ${INT32_MAX}`)
    .nullable()
    .optional(),
  binding: bindingSchema.optional(),
  allowedDomains: z.array(domainSchema).max(100).optional(),
  locale: localeSchema.nullable().optional(),
  signInProviderId: idSchema.nullable().optional(),
  reminderSchedule: z
    .string()
    .max(1000)
    .trim()
    .superRefine((v, c) => {
      const problem = scheduleProblem(v);
      if (problem) c.addIssue({ code: 'custom', message: problem });
    })
    .nullable()
    .optional(),
};

/** A code an admin chooses (as Power Pages allows): at least 10 letters and digits after the one normalisation. */
export const chosenCodeSchema = z
  .string()
  .max(200)
  .refine((c) => /^[A-Z0-9]{10,100}$/.test(normalizeCode(c)), {
    message: 'must be 10 to 100 letters (A–Z) and digits, after hyphens and spaces are removed',
  });

export const invitationSettingsSchema = z.strictObject(settingsFields);
export type InvitationSettings = z.infer<typeof invitationSettingsSchema>;

export const createInvitationSchema = z.strictObject({
  ...settingsFields,
  code: chosenCodeSchema.optional(),
  name: nameSchema(),
  type: invitationTypeSchema.default('single'),
  invitedContactIds: z.array(idSchema).max(10_000).default([]),
});
export type CreateInvitationInput = z.infer<typeof createInvitationSchema>;

export const updateInvitationSchema = z.strictObject({
  ...settingsFields,
  type: invitationTypeSchema.optional(),
  invitedContactIds: z.array(idSchema).max(10_000).optional(),
});
export type UpdateInvitationInput = z.infer<typeof updateInvitationSchema>;

export const MAX_BULK = 10_000;
export const bulkCreateSchema = z.strictObject({
  contactIds: z
    .array(idSchema)
    .min(1, 'must name at least one contact')
    .max(MAX_BULK, `must name at most ${MAX_BULK} contacts`),
  settings: invitationSettingsSchema.default({}),
});
export type BulkCreateInput = z.infer<typeof bulkCreateSchema>;
export const bulkCreatedSchema = z.object({
  items: z.array(z.object({ id: idSchema, contactId: idSchema })),
  contactsWithoutEmail: z.array(idSchema),
});
export type BulkCreated = z.infer<typeof bulkCreatedSchema>;

export const invitationListQuery = pageQuerySchema.extend({
  status: invitationStatusSchema.optional(),
  type: invitationTypeSchema.optional(),
  invitedContactId: idSchema.optional(),
  /** The invitations a contact made (on the portal's "Invite a colleague", or named as inviter). */
  inviterContactId: idSchema.optional(),
  ownerId: idSchema.optional(),
  expiringBefore: isoTimeSchema.optional(),
  q: z.string().max(200).optional(),
});
export type InvitationListQuery = z.infer<typeof invitationListQuery>;
export const invitationListSchema = listSchema(invitationSchema);

/** "Create Invitation" for one contact: the settings, and (admins) a chosen code. */
export const createForContactSchema = invitationSettingsSchema.extend({ code: chosenCodeSchema.optional() });
export type CreateForContactInput = z.infer<typeof createForContactSchema>;

export const resendInvitationSchema = z.strictObject({
  /** A new code replaces the old one at once (the old one then answers invitation-not-found). */
  rotateCode: z.boolean().optional(),
  /** A new expiry, in the future (e.g. to revive an expired invitation). */
  expiresAt: isoTimeSchema.nullable().optional(),
  /** Admins, with rotateCode: the new code. */
  code: chosenCodeSchema.optional(),
});
export type ResendInvitationInput = z.infer<typeof resendInvitationSchema>;

export const bulkResendSchema = z.strictObject({
  ids: z.array(idSchema).min(1).max(MAX_BULK).optional(),
  status: z.enum(['new', 'sent', 'expired']).optional(),
  rotateCode: z.boolean().optional(),
  expiresAt: isoTimeSchema.nullable().optional(),
});
export type BulkResendInput = z.infer<typeof bulkResendSchema>;

/** The answer of resend, like POST /workflows/{id}/run's: the Send Invitation runs queued, and what was skipped. */
export const resendResultSchema = z.object({
  items: z.array(z.object({ id: idSchema, targetId: idSchema, status: z.literal('queued') })),
  skipped: z.array(z.object({ targetId: idSchema, reason: z.string() })),
});
export type ResendResult = z.infer<typeof resendResultSchema>;

export const invitationLinkSchema = z.object({ code: z.string(), redeemUrl: z.string() });

export const redemptionSchema = z.object({
  id: idSchema,
  invitationId: idSchema,
  contactId: idSchema,
  redeemedAt: timeOut,
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  signInMethod: z.string().nullable(),
});
export const redemptionListSchema = listSchema(redemptionSchema);
