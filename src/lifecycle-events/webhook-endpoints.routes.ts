// /webhook-endpoints and /webhook-deliveries: lifecycle event subscribers and their delivery log (admins only).
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { idParams } from '../shared/schemas.ts';
import {
  createWebhookEndpointSchema,
  updateWebhookEndpointSchema,
  webhookDeliveryListQuery,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookEndpointListQuery,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  webhookEndpointWithSecretSchema,
} from './webhook-endpoints.schema.ts';
import * as service from './webhook-endpoints.service.ts';

export function webhookEndpointsRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Webhook endpoints'];
  app.get(
    '/webhook-endpoints',
    {
      schema: {
        summary: 'List webhook endpoints',
        tags,
        operationId: 'listWebhookEndpoints',
        querystring: webhookEndpointListQuery,
        response: { 200: webhookEndpointListSchema },
      },
    },
    (req) => service.listWebhookEndpoints(ctx, req.actor, req.query),
  );
  app.post(
    '/webhook-endpoints',
    {
      schema: {
        summary: 'Create a webhook endpoint (the response alone carries its secret)',
        tags,
        operationId: 'createWebhookEndpoint',
        body: createWebhookEndpointSchema,
        response: { 201: webhookEndpointWithSecretSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createWebhookEndpoint(ctx, req.actor, req.body)),
  );
  app.get(
    '/webhook-endpoints/:id',
    {
      schema: {
        summary: 'Get a webhook endpoint',
        tags,
        operationId: 'getWebhookEndpoint',
        params: idParams,
        response: { 200: webhookEndpointSchema },
      },
    },
    (req) => service.getWebhookEndpoint(ctx, req.actor, req.params.id),
  );
  app.patch(
    '/webhook-endpoints/:id',
    {
      schema: {
        summary: 'Change a webhook endpoint',
        tags,
        operationId: 'updateWebhookEndpoint',
        params: idParams,
        body: updateWebhookEndpointSchema,
        response: { 200: webhookEndpointSchema },
      },
    },
    (req) => service.updateWebhookEndpoint(ctx, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/webhook-endpoints/:id',
    {
      schema: {
        summary: 'Delete a webhook endpoint and its delivery log',
        tags,
        operationId: 'deleteWebhookEndpoint',
        params: idParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (req, reply) => {
      await service.deleteWebhookEndpoint(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/webhook-endpoints/:id/rotate-secret',
    {
      schema: {
        summary: 'Give a webhook endpoint a new secret (shown in this response only)',
        tags,
        operationId: 'rotateWebhookEndpointSecret',
        params: idParams,
        response: { 200: webhookEndpointWithSecretSchema },
      },
    },
    (req) => service.rotateWebhookEndpointSecret(ctx, req.actor, req.params.id),
  );
  app.get(
    '/webhook-deliveries',
    {
      schema: {
        summary: 'The delivery log, newest first, each delivery with its attempts (filters endpointId, status)',
        tags,
        operationId: 'listWebhookDeliveries',
        querystring: webhookDeliveryListQuery,
        response: { 200: webhookDeliveryListSchema },
      },
    },
    (req) => service.listWebhookDeliveries(ctx, req.actor, req.query),
  );
  app.get(
    '/webhook-deliveries/:id',
    {
      schema: {
        summary: 'Get one delivery with its attempts',
        tags,
        operationId: 'getWebhookDelivery',
        params: idParams,
        response: { 200: webhookDeliverySchema },
      },
    },
    (req) => service.getWebhookDelivery(ctx, req.actor, req.params.id),
  );
  app.post(
    '/webhook-deliveries/:id/redeliver',
    {
      schema: {
        summary: 'Deliver the event again now, with the same webhook-id',
        tags,
        operationId: 'redeliverWebhook',
        params: idParams,
        response: { 202: webhookDeliverySchema },
      },
    },
    async (req, reply) => reply.code(202).send(await service.redeliverWebhook(ctx, req.actor, req.params.id)),
  );
}
