// The portal's JSON calls (SPEC "Portal JSON API").
import { z } from 'zod';
import { emailSchema, localeSchema, timeOut } from '../shared/schemas.ts';
import { PASSWORD_MAX_LENGTH } from '../shared/passwords.ts';

const code = z.string().trim().min(1, 'must not be empty').max(200, 'is too long');

export const signUpBody = z.strictObject({
  email: emailSchema,
  password: z.string().max(PASSWORD_MAX_LENGTH),
  invitationCode: code.optional(),
  firstName: z.string().trim().max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
  locale: localeSchema.optional(),
});

export const signInBody = z
  .strictObject({
    email: z.string().trim().max(320).optional(),
    username: z.string().trim().max(200).optional(),
    password: z.string().max(PASSWORD_MAX_LENGTH),
  })
  .refine((b) => Boolean(b.email || b.username), { message: 'give email or username', path: ['email'] });

export const redeemBody = z.strictObject({ code });
export const previewQuery = z.object({ code: z.string().max(200).default('') });

export const sessionReply = z.object({
  contactId: z.string().nullable(),
  csrfToken: z.string(),
  confirmationRequired: z.boolean().optional(),
  redemption: z
    .object({
      invitationId: z.string(),
      contactId: z.string(),
      accountId: z.string().nullable(),
      webRoleIds: z.array(z.string()),
    })
    .nullable()
    .optional(),
});

export const meReply = z.object({
  contactId: z.string().nullable(),
  email: z.string().nullable().optional(),
  accountId: z.string().nullable().optional(),
  webRoles: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  csrfToken: z.string(),
});

export const redeemReply = z.object({
  invitationId: z.string(),
  contactId: z.string(),
  accountId: z.string().nullable(),
  webRoleIds: z.array(z.string()),
});

export const previewReply = z.object({
  name: z.string(),
  type: z.enum(['single', 'group']),
  inviterName: z.string().nullable(),
  ownerName: z.string().nullable(),
  accountName: z.string().nullable(),
  expiresAt: timeOut.nullable(),
  invitedEmailHint: z.string().nullable(),
  binding: z.enum(['any', 'invited-email', 'email-domain']),
  allowedDomains: z.array(z.string()),
  locale: z.string().nullable(),
});
