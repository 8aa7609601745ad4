// Contacts: people, with three email addresses, a parent account, web roles and a portal identity.
import { z } from 'zod';
import { idSchema, localeSchema, optionalEmail, optionalText, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';
import { PASSWORD_MAX_LENGTH } from '../shared/passwords.ts';

export const contactSchema = z.object({
  id: idSchema,
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  fullName: z.string(),
  emailaddress1: z.string().nullable(),
  emailaddress2: z.string().nullable(),
  emailaddress3: z.string().nullable(),
  parentAccountId: idSchema.nullable(),
  locale: localeSchema.nullable(),
  webRoleIds: z.array(idSchema),
  username: z.string().nullable(),
  loginEnabled: z.boolean(),
  emailConfirmed: z.boolean(),
  createdAt: timeOut,
  updatedAt: timeOut,
});
export type Contact = z.infer<typeof contactSchema>;

const usernameSchema = z
  .string()
  .trim()
  .min(3, 'must be at least 3 characters')
  .max(100, 'must be at most 100 characters')
  .regex(/^[\p{L}\p{N}._@+-]+$/u, 'may hold letters, digits and . _ @ + - only')
  .nullable();

const contactFields = {
  firstName: optionalText(100).optional(),
  lastName: optionalText(100).optional(),
  emailaddress1: optionalEmail.optional(),
  emailaddress2: optionalEmail.optional(),
  emailaddress3: optionalEmail.optional(),
  parentAccountId: idSchema.nullable().optional(),
  locale: localeSchema.nullable().optional(),
  webRoleIds: z.array(idSchema).max(100).optional(),
  username: usernameSchema.optional(),
  loginEnabled: z.boolean().optional(),
};

const needsAName = (c: {
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  emailaddress1?: string | null | undefined;
}) => Boolean(c.firstName || c.lastName || c.emailaddress1);

export const createContactSchema = z
  .strictObject(contactFields)
  .refine(needsAName, { message: 'a contact needs a first name, a last name or an email address', path: ['lastName'] });
export type CreateContactInput = z.infer<typeof createContactSchema>;

export const updateContactSchema = z.strictObject(contactFields);
export type UpdateContactInput = z.infer<typeof updateContactSchema>;

export const setPasswordSchema = z.strictObject({ password: z.string().max(PASSWORD_MAX_LENGTH) });

export const contactListQuery = pageQuerySchema.extend({
  email: z.string().max(320).optional(),
  accountId: idSchema.optional(),
  q: z.string().max(200).optional(),
});
export type ContactListQuery = z.infer<typeof contactListQuery>;
export const contactListSchema = listSchema(contactSchema);
