// API tokens of system users: shown once on create, stored only as a keyed hash.
import { z } from 'zod';
import { idSchema, nameSchema, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';

export const tokenSchema = z.object({
  id: idSchema,
  name: z.string(),
  userId: idSchema,
  createdAt: timeOut,
  lastUsedAt: timeOut.nullable(),
});
export type ApiToken = z.infer<typeof tokenSchema>;
export const createdTokenSchema = tokenSchema.extend({ token: z.string() });

export const createTokenSchema = z.strictObject({
  name: nameSchema(),
  userId: idSchema.optional(),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const tokenListQuery = pageQuerySchema.extend({ userId: idSchema.optional() });
export const tokenListSchema = listSchema(tokenSchema);
