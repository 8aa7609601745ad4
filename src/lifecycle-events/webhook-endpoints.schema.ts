// Webhook endpoints and their delivery log as the API spells them (SPEC.md "webhook-endpoints").
import { z } from 'zod';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';
import { idSchema } from '../shared/schemas.ts';
import { lifecycleEventTypes } from './lifecycle-events.ts';

const eventName = z.enum([...lifecycleEventTypes, '*'], {
  error: `must be one of ${lifecycleEventTypes.join(', ')}, or "*"`,
});

export const eventsSchema = z
  .array(eventName)
  .min(1, 'must name at least one event, or "*"')
  .max(lifecycleEventTypes.length + 1)
  .refine((a) => !a.includes('*') || a.length === 1, '"*" stands alone: ["*"]')
  .refine((a) => new Set(a).size === a.length, 'must not name an event twice');

const urlSchema = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http:// or https:// URL');

export const webhookEndpointSchema = z.object({
  id: idSchema,
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

/** The create and rotate-secret responses alone carry the `whsec_…` secret. */
export const webhookEndpointWithSecretSchema = webhookEndpointSchema.extend({ secret: z.string() });
export type WebhookEndpointWithSecret = z.infer<typeof webhookEndpointWithSecretSchema>;

export const createWebhookEndpointSchema = z.strictObject({
  url: urlSchema,
  events: eventsSchema,
  enabled: z.boolean().default(true),
});
export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointSchema>;

export const updateWebhookEndpointSchema = z.strictObject({
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointSchema>;

export const webhookEndpointListQuery = pageQuerySchema;
export const webhookEndpointListSchema = listSchema(webhookEndpointSchema);

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const;
const deliveryStatusSchema = z.enum(deliveryStatuses);

export const deliveryAttemptSchema = z.object({
  at: z.string(),
  /** The receiver's HTTP status; null when it did not answer (refused, unreachable, timed out). */
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
});

export const webhookDeliverySchema = z.object({
  id: idSchema,
  endpointId: idSchema,
  /** The Standard Webhooks `webhook-id`: the event's id, the same on every attempt. */
  eventId: idSchema,
  eventType: z.string(),
  /** `pending` while attempts remain, `succeeded` after a 2xx, `failed` after the last attempt. */
  status: deliveryStatusSchema,
  attemptCount: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Every attempt, oldest first. */
  attempts: z.array(deliveryAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryListQuery = pageQuerySchema.extend({
  endpointId: idSchema.optional(),
  /** Only deliveries in this state (e.g. `failed`, to find what needs a redelivery). */
  status: deliveryStatusSchema.optional(),
});
export const webhookDeliveryListSchema = listSchema(webhookDeliverySchema);
