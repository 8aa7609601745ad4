// Web roles: named sets of portal rights; the "authenticated users role" applies to every signed-in contact.
import { z } from 'zod';
import { idSchema, nameSchema, optionalText, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';

export const webRoleSchema = z.object({
  id: idSchema,
  name: z.string(),
  description: z.string().nullable(),
  authenticatedUsersRole: z.boolean(),
  createdAt: timeOut,
  updatedAt: timeOut,
});
export type WebRole = z.infer<typeof webRoleSchema>;

export const createWebRoleSchema = z.strictObject({
  name: nameSchema(100),
  description: optionalText(2000).optional(),
  authenticatedUsersRole: z.boolean().default(false),
});
export type CreateWebRoleInput = z.infer<typeof createWebRoleSchema>;
export const updateWebRoleSchema = z.strictObject({
  name: nameSchema(100).optional(),
  description: optionalText(2000).optional(),
  authenticatedUsersRole: z.boolean().optional(),
});
export type UpdateWebRoleInput = z.infer<typeof updateWebRoleSchema>;

export const webRoleListQuery = pageQuerySchema.extend({ q: z.string().max(100).optional() });
export const webRoleListSchema = listSchema(webRoleSchema);
