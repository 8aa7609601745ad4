// Web roles: named sets of portal rights; the "authenticated users role" applies to every signed-in contact.
import { z } from 'zod';
import { idSchema, nameSchema, optionalText, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';

export const webRoleSchema = z.object({
  id: idSchema,
  name: z.string(),
  description: z.string().nullable(),
  authenticatedUsersRole: z.boolean(),
  /** Holders may invite colleagues of their own account from the portal (issue #19). */
  canInvite: z.boolean(),
  /** The roles holders may hand on when they invite (each only if they hold it themselves). */
  grantableWebRoleIds: z.array(idSchema),
  createdAt: timeOut,
  updatedAt: timeOut,
});
export type WebRole = z.infer<typeof webRoleSchema>;

export const createWebRoleSchema = z.strictObject({
  name: nameSchema(100),
  description: optionalText(2000).optional(),
  authenticatedUsersRole: z.boolean().default(false),
  canInvite: z.boolean().default(false),
  grantableWebRoleIds: z.array(idSchema).max(100).default([]),
});
export type CreateWebRoleInput = z.infer<typeof createWebRoleSchema>;
export const updateWebRoleSchema = z.strictObject({
  name: nameSchema(100).optional(),
  description: optionalText(2000).optional(),
  authenticatedUsersRole: z.boolean().optional(),
  canInvite: z.boolean().optional(),
  grantableWebRoleIds: z.array(idSchema).max(100).optional(),
});
export type UpdateWebRoleInput = z.infer<typeof updateWebRoleSchema>;

export const webRoleListQuery = pageQuerySchema.extend({ q: z.string().max(100).optional() });
export const webRoleListSchema = listSchema(webRoleSchema);
