// System users: back-office people, admins or staff.
import { z } from 'zod';
import { emailSchema, idSchema, nameSchema, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';
import { PASSWORD_MAX_LENGTH } from '../shared/passwords.ts';

export const roleSchema = z.enum(['admin', 'staff'], { error: 'must be "admin" or "staff"' });
const passwordField = z.string().max(PASSWORD_MAX_LENGTH);

export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  fullName: z.string(),
  role: roleSchema,
  createdAt: timeOut,
  updatedAt: timeOut,
});
export type User = z.infer<typeof userSchema>;

export const createUserSchema = z.strictObject({
  email: emailSchema,
  fullName: nameSchema(),
  role: roleSchema.default('staff'),
  password: passwordField.optional(),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserSchema = z.strictObject({
  email: emailSchema.optional(),
  fullName: nameSchema().optional(),
  role: roleSchema.optional(),
  password: passwordField.optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const userListQuery = pageQuerySchema.extend({ email: z.string().max(320).optional() });
export const userListSchema = listSchema(userSchema);
