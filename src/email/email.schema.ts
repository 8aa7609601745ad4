// The email activity: every message the product sends, as the API shows it.
import { z } from 'zod';
import { idSchema, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';

/**
 * `unknown`: the connection broke (or the process died) after the message was handed to the mail
 * server and before its answer; the message may or may not have arrived, so it is not sent again
 * by itself (see `POST /emails/{id}/resend`).
 */
export const emailStatusSchema = z.enum(['pending', 'sending', 'sent', 'failed', 'unknown']);

export const emailActivitySchema = z.object({
  id: idSchema,
  toContactId: idSchema.nullable(),
  to: z.string(),
  from: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  /**
   * True when the message carries secrets (an invitation code, a link's token): they are shown as
   * `••••` here; the code can be revealed only by an admin through `POST /invitations/{id}/link`.
   */
  secretsMasked: z.boolean(),
  /** `sending` while a hand-over to the mail server is under way. */
  status: emailStatusSchema,
  attempts: z.number().int(),
  /** The RFC 5322 Message-ID the message carries, the same on every attempt. */
  messageId: z.string(),
  providerMessageId: z.string().nullable(),
  lastError: z.string().nullable(),
  regardingType: z.string().nullable(),
  regardingId: idSchema.nullable(),
  workflowRunId: idSchema.nullable(),
  createdAt: timeOut,
  sentAt: timeOut.nullable(),
});
export type EmailActivity = z.infer<typeof emailActivitySchema>;

export const emailListQuery = pageQuerySchema.extend({
  regardingId: idSchema.optional(),
  workflowRunId: idSchema.optional(),
  toContactId: idSchema.optional(),
  status: emailStatusSchema.optional(),
});
export type EmailListQuery = z.infer<typeof emailListQuery>;
export const emailListSchema = listSchema(emailActivitySchema);
