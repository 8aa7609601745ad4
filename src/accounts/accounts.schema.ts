// Accounts: companies (Dataverse "account"), optionally under a parent account.
import { z } from 'zod';
import { idSchema, nameSchema, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';

export const accountSchema = z.object({
  id: idSchema,
  name: z.string(),
  parentAccountId: idSchema.nullable(),
  createdAt: timeOut,
  updatedAt: timeOut,
});
export type Account = z.infer<typeof accountSchema>;

export const createAccountSchema = z.strictObject({
  name: nameSchema(),
  parentAccountId: idSchema.nullable().optional(),
});
export type CreateAccountInput = z.infer<typeof createAccountSchema>;
export const updateAccountSchema = createAccountSchema.partial();
export type UpdateAccountInput = z.infer<typeof updateAccountSchema>;

export const accountListQuery = pageQuerySchema.extend({
  q: z.string().max(200).optional(),
  parentAccountId: idSchema.optional(),
});
export const accountListSchema = listSchema(accountSchema);
