// Invitations on the API: the Power Pages invitation record (adx_invitation) plus binding and locale.
import { z } from 'zod';
import { INT32_MAX, idSchema, isoTimeSchema, localeSchema, nameSchema, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';

export const invitationTypeSchema = z.enum(['single', 'group'], { error: 'must be "single" or "group"' });
export const bindingSchema = z.enum(['any', 'invited-email', 'email-domain'], {
  error: 'must be "any", "invited-email" or "email-domain"',
});
export const invitationStatusSchema = z.enum(['new', 'sent', 'redeemed', 'expired', 'inactive']);
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
  status: invitationStatusSchema,
  redemptionCount: z.number().int(),
  redeemedContactIds: z.array(idSchema),
  createdAt: timeOut,
  updatedAt: timeOut,
  sentAt: timeOut.nullable(),
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
};

export const invitationSettingsSchema = z.strictObject(settingsFields);
export type InvitationSettings = z.infer<typeof invitationSettingsSchema>;

export const createInvitationSchema = z.strictObject({
  ...settingsFields,
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
  ownerId: idSchema.optional(),
  expiringBefore: isoTimeSchema.optional(),
  q: z.string().max(200).optional(),
});
export type InvitationListQuery = z.infer<typeof invitationListQuery>;
export const invitationListSchema = listSchema(invitationSchema);

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
