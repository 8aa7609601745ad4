// The back office's webhook endpoints (admins only, as the API): the view, + New and the form with its
// delivery log, the secret shown once after create and after Rotate secret; Rotate and Delete are confirmed first.
// Every read and change goes through webhook-endpoints.service, checked by the API's schemas.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import {
  createWebhookEndpointSchema,
  deliveryStatuses,
  updateWebhookEndpointSchema,
  type WebhookEndpoint,
} from '../../lifecycle-events/webhook-endpoints.schema.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookDelivery,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookEndpointSecret,
  updateWebhookEndpoint,
} from '../../lifecycle-events/webhook-endpoints.service.ts';
import { AppError } from '../../shared/errors.ts';
import { requireAdmin } from '../../users/users.service.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { checked, errorsOf, refuse, SubmittedForm } from '../forms.ts';
import { redirectWithNotice, type StaffPageContext, staffPageContext } from '../page-context.ts';
import { WebhookEndpointForm, WebhookEndpointsView, WebhookSecretPage } from '../pages/webhooks/webhook-endpoints.tsx';
import { viewQuery } from '../view-query.ts';
import { idParam, pageSize } from './route-helpers.ts';

const base = '/admin/webhook-endpoints';

/** The form as the API's body: url, the checked events (["*"] for all), enabled. */
function endpointInput(pc: StaffPageContext, form: SubmittedForm) {
  const input = { url: form.values.url ?? '', events: form.list('events'), enabled: form.flag('enabled') };
  const result = checked(pc.t, createWebhookEndpointSchema, input, pc.locale === 'en');
  if (!result.data) refuse(result.errors);
  return result.data;
}

/** One page of the endpoint's delivery log, newest first, filtered by status (?status=, ?cursor=). */
async function deliveriesOf(ctx: AppContext, pc: StaffPageContext, endpointId: string, req: FastifyRequest) {
  const query = viewQuery(req, ['status']);
  const status = deliveryStatuses.find((s) => s === query.filters.status);
  if (!status) delete query.filters.status;
  const page = await listWebhookDeliveries(ctx, pc.actor, {
    limit: pageSize,
    endpointId,
    status,
    cursor: query.cursor,
  });
  return { query, items: page.items, nextCursor: page.nextCursor };
}

/** The form again after a refusal: what was typed and checked, each problem at its field (422). */
async function refusedEndpointForm(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  endpoint: WebhookEndpoint | null,
) {
  if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
  const pc = await staffPageContext(ctx, req, reply, {
    canonical: endpoint ? `${base}/${endpoint.id}` : `${base}/new`,
  });
  const form = new SubmittedForm(req.body);
  const state = {
    values: form.kept(),
    events: form.list('events'),
    enabled: form.flag('enabled'),
    errors: errorsOf(pc.t, err, pc.locale === 'en'),
  };
  const deliveries = endpoint ? await deliveriesOf(ctx, pc, endpoint.id, req) : undefined;
  return sendPage(reply, 422, WebhookEndpointForm({ pc, endpoint, form: state, deliveries }));
}

export function webhookEndpointRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/webhook-endpoints', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req);
    const page = await listWebhookEndpoints(ctx, pc.actor, { limit: pageSize, cursor: query.cursor });
    return sendPage(reply, 200, WebhookEndpointsView({ pc, query, items: page.items, nextCursor: page.nextCursor }));
  });

  admin.get('/webhook-endpoints/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    requireAdmin(pc.actor);
    const form = { values: {}, events: ['*'], enabled: true, errors: {} };
    return sendPage(reply, 200, WebhookEndpointForm({ pc, endpoint: null, form }));
  });

  admin.post('/webhook-endpoints/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    requireAdmin(pc.actor);
    try {
      const created = await createWebhookEndpoint(ctx, pc.actor, endpointInput(pc, new SubmittedForm(req.body)));
      return sendPage(reply, 201, WebhookSecretPage({ pc, endpoint: created }));
    } catch (err) {
      return refusedEndpointForm(ctx, req, reply, err, null);
    }
  });

  admin.get('/webhook-endpoints/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const endpoint = await getWebhookEndpoint(ctx, pc.actor, idParam(req));
    const form = { values: { url: endpoint.url }, events: endpoint.events, enabled: endpoint.enabled, errors: {} };
    const deliveries = await deliveriesOf(ctx, pc, endpoint.id, req);
    return sendPage(reply, 200, WebhookEndpointForm({ pc, endpoint, form, deliveries }));
  });

  admin.post('/webhook-endpoints/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const endpoint = await getWebhookEndpoint(ctx, pc.actor, idParam(req));
    try {
      const input = updateWebhookEndpointSchema.parse(endpointInput(pc, new SubmittedForm(req.body)));
      await updateWebhookEndpoint(ctx, pc.actor, endpoint.id, input);
      return redirectWithNotice(reply, `${base}/${endpoint.id}`, 'saved');
    } catch (err) {
      return refusedEndpointForm(ctx, req, reply, err, endpoint);
    }
  });

  admin.get('/webhook-endpoints/:id/rotate-secret', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const endpoint = await getWebhookEndpoint(ctx, pc.actor, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.webhooks.rotate}: ${pc.t.webhooks.entity}`,
        question: pc.t.webhooks.confirmRotate,
        recordName: endpoint.url,
        action: `${base}/${endpoint.id}/rotate-secret`,
        confirmLabel: pc.t.webhooks.rotate,
        cancelHref: `${base}/${endpoint.id}`,
      }),
    );
  });

  admin.post('/webhook-endpoints/:id/rotate-secret', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const rotated = await rotateWebhookEndpointSecret(ctx, pc.actor, idParam(req));
    return sendPage(reply, 200, WebhookSecretPage({ pc, endpoint: rotated }));
  });

  admin.get('/webhook-endpoints/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const endpoint = await getWebhookEndpoint(ctx, pc.actor, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.commands.delete}: ${pc.t.webhooks.entity}`,
        question: pc.t.webhooks.confirmDelete,
        recordName: endpoint.url,
        action: `${base}/${endpoint.id}/delete`,
        confirmLabel: pc.t.commands.delete,
        cancelHref: `${base}/${endpoint.id}`,
      }),
    );
  });

  admin.post('/webhook-endpoints/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    await deleteWebhookEndpoint(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, base, 'deleted');
  });

  admin.post('/webhook-deliveries/:id/redeliver', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const delivery = await getWebhookDelivery(ctx, pc.actor, idParam(req));
    await redeliverWebhook(ctx, pc.actor, delivery.id);
    return redirectWithNotice(reply, `${base}/${delivery.endpointId}`, 'redelivered');
  });
}
