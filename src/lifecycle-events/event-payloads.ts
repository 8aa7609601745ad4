// What each lifecycle event's `data` holds, as zod schemas, and the OpenAPI 3.1 `webhooks` object
// made of them (one entry per event type: the POST an endpoint receives). Ids and ISO times only,
// never a secret (no code, no redemption URL, no token).
import { z } from 'zod';
import { lifecycleEventTypes, type LifecycleEventType } from './lifecycle-events.ts';

const id = z.uuid();
const invitation = z.looseObject({
  invitationId: id,
  name: z.string().optional(),
  type: z.enum(['single', 'group']).optional(),
  status: z.string().optional().describe('The invitation status after the change'),
});
const contact = z.object({
  id,
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  emailaddress1: z.string().nullable(),
  parentAccountId: z.string().nullable(),
});
const email = z.object({
  emailId: id,
  toContactId: id.nullable(),
  regardingType: z.string().nullable(),
  regardingId: id.nullable(),
  status: z.enum(['sent', 'failed', 'unknown', 'bounced']),
  reason: z.string().nullable().describe('The server reply or the bounce reason; null when sent'),
});

export const eventDataSchemas: Record<LifecycleEventType, z.ZodType> = {
  'invitation.created': invitation,
  'invitation.sent': invitation.extend({ contactIds: z.array(id).optional() }),
  'invitation.resent': invitation,
  'invitation.redeemed': invitation.extend({
    contactId: id,
    redemptionId: id,
    contact,
    redemption: z.object({ id, redeemedAt: z.string(), isNewContact: z.boolean().optional() }),
  }),
  'invitation.expired': invitation,
  'invitation.declined': invitation,
  'invitation.deactivated': invitation,
  'invitation.activated': invitation,
  'email.sent': email,
  'email.failed': email,
  'email.bounced': email.extend({ hard: z.boolean().describe('A permanent (5.x.x) failure') }),
  'email.unknown': email,
  'contact.created': z.object({ contactId: id, contact }),
};

/** The body of every delivery: `{ type, timestamp, data }`. */
export const eventBodySchema = (type: LifecycleEventType) =>
  z.object({
    type: z.literal(type),
    timestamp: z.string().describe('When the change happened (ISO 8601 UTC)'),
    data: eventDataSchemas[type],
  });

const signatureHeaders = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
  name,
  in: 'header',
  required: true,
  schema: { type: 'string' },
  description:
    name === 'webhook-id'
      ? 'The event id: the same on every retry and redelivery (drop repeats by it).'
      : 'Standard Webhooks signature header: verify with the endpoint secret (whsec_…).',
}));

/** OpenAPI 3.1 `webhooks`: one POST per event type. */
export function lifecycleWebhooks(): Record<string, unknown> {
  return Object.fromEntries(
    lifecycleEventTypes.map((type) => [
      type,
      {
        post: {
          summary: `${type} (lifecycle event)`,
          operationId: `on${type.replace(/(^|\.)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`,
          tags: ['Lifecycle events'],
          parameters: signatureHeaders,
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: z.toJSONSchema(eventBodySchema(type), { target: 'draft-2020-12' }) },
            },
          },
          responses: { '2XX': { description: 'Received; any other answer is retried (docs/webhooks.md)' } },
        },
      },
    ]),
  );
}
