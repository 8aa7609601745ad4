// Partners' own invitations on the portal JSON API (SPEC "Portal JSON API": /portal/api/invitations):
// what an inviter sends to invite a colleague, and what they see of the invitations they made.
import { z } from 'zod';
import { emailSchema, idSchema, isoTimeSchema } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';

export const inviteColleagueBody = z.strictObject({
  email: z.string().trim().pipe(emailSchema),
  firstName: z.string().trim().max(100, 'must be at most 100 characters').optional(),
  lastName: z.string().trim().max(100, 'must be at most 100 characters').optional(),
  /** Roles from the inviter's grantable set that they hold themselves; may be empty. */
  webRoleIds: z.array(idSchema).max(100),
  /** At most Invitations/Portal/MaxExpiryDays ahead; absent = exactly that maximum. */
  expiresAt: isoTimeSchema.optional(),
});
export type InviteColleagueInput = z.infer<typeof inviteColleagueBody>;

/** An invitation as its inviter sees it: never its code (the colleague's mailbox proves who redeems). */
export const colleagueInvitationSchema = z.object({
  id: idSchema,
  name: z.string(),
  /** `new`, `sent`, `redeemed`, `expired`, `inactive` (and `declined` where the invitee declined). */
  status: z.string(),
  contactId: idSchema.nullable(),
  email: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  webRoles: z.array(z.object({ id: idSchema, name: z.string() })),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  redeemedAt: z.string().nullable(),
  /** Resend and Deactivate apply (the invitation is new or sent and not expired). */
  open: z.boolean(),
});
export type ColleagueInvitation = z.infer<typeof colleagueInvitationSchema>;

export const colleagueInvitationListSchema = listSchema(colleagueInvitationSchema);
export const colleagueInvitationListQuery = pageQuerySchema;
