// /workflows (definitions, activation, webhook secret, run, dry run), /workflow-runs (history) and
// /email-templates (the templates of workflows' email steps). Importing the engine registers its
// job handlers in every process that builds the app.
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { noContent } from '../http/openapi.ts';
import { idParams } from '../shared/schemas.ts';
import {
  createEmailTemplateSchema,
  createWorkflowSchema,
  createdWorkflowSchema,
  dryRunResultSchema,
  dryRunSchema,
  emailTemplateListQuery,
  emailTemplateListSchema,
  emailTemplateSchema,
  previewSchema,
  queuedRunsSchema,
  renderedEmailSchema,
  runWorkflowSchema,
  updateEmailTemplateSchema,
  updateWorkflowSchema,
  webhookSecretSchema,
  workflowListQuery,
  workflowListSchema,
  workflowRunListQuery,
  workflowRunListSchema,
  workflowRunSchema,
  workflowSchema,
} from './workflows.schema.ts';
import * as service from './workflows.service.ts';
import * as templates from './email-templates.service.ts';
import { dryRun } from './workflow-dry-run.ts';

export function workflowsRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Workflows'];
  app.get(
    '/workflows',
    {
      schema: {
        tags,
        operationId: 'listWorkflows',
        summary: 'List workflows',
        querystring: workflowListQuery,
        response: { 200: workflowListSchema },
      },
    },
    (req) => service.listWorkflows(ctx, req.query),
  );
  app.post(
    '/workflows',
    {
      schema: {
        tags,
        operationId: 'createWorkflow',
        summary: 'Create a workflow (a draft; the answer alone carries its webhook secret)',
        body: createWorkflowSchema,
        response: { 201: createdWorkflowSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createWorkflow(ctx, req.actor, req.body)),
  );
  app.get(
    '/workflows/:id',
    {
      schema: {
        tags,
        operationId: 'getWorkflow',
        summary: 'Get a workflow',
        params: idParams,
        response: { 200: workflowSchema },
      },
    },
    (req) => service.getWorkflow(ctx, req.params.id),
  );
  app.patch(
    '/workflows/:id',
    {
      schema: {
        tags,
        operationId: 'updateWorkflow',
        errors: ['conflict', 'workflow-activated'],
        summary: 'Edit a deactivated workflow (409 workflow-activated otherwise)',
        params: idParams,
        body: updateWorkflowSchema,
        response: { 200: workflowSchema },
      },
    },
    (req) => service.updateWorkflow(ctx, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/workflows/:id',
    {
      schema: {
        tags,
        operationId: 'deleteWorkflow',
        errors: ['conflict'],
        summary: 'Delete an unused draft',
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.deleteWorkflow(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/workflows/:id/activate',
    {
      schema: {
        tags,
        operationId: 'activateWorkflow',
        summary: 'Activate a workflow',
        errors: ['conflict'],
        params: idParams,
        response: { 200: workflowSchema },
      },
    },
    (req) => service.activateWorkflow(ctx, req.actor, req.params.id),
  );
  app.post(
    '/workflows/:id/deactivate',
    {
      schema: {
        tags,
        operationId: 'deactivateWorkflow',
        summary: 'Deactivate a workflow',
        errors: ['conflict'],
        params: idParams,
        response: { 200: workflowSchema },
      },
    },
    (req) => service.deactivateWorkflow(ctx, req.actor, req.params.id),
  );
  app.post(
    '/workflows/:id/rotate-secret',
    {
      schema: {
        tags,
        operationId: 'rotateWorkflowSecret',
        summary: 'A new Standard Webhooks secret (shown once)',
        params: idParams,
        response: { 200: webhookSecretSchema },
      },
    },
    (req) => service.rotateWebhookSecret(ctx, req.actor, req.params.id),
  );
  app.post(
    '/workflows/:id/run',
    {
      schema: {
        tags,
        operationId: 'runWorkflow',
        errors: ['conflict'],
        summary: 'Run workflow on chosen records',
        params: idParams,
        body: runWorkflowSchema,
        response: { 202: queuedRunsSchema },
      },
    },
    async (req, reply) =>
      reply.code(202).send(await service.runWorkflow(ctx, req.actor, req.params.id, req.body.targetIds)),
  );
  app.post(
    '/workflows/:id/dry-run',
    {
      schema: {
        tags,
        operationId: 'dryRunWorkflow',
        summary: 'What each step would do for one record, changing nothing',
        params: idParams,
        body: dryRunSchema,
        response: { 200: dryRunResultSchema },
      },
    },
    (req) => dryRun(ctx, req.params.id, req.body.targetId),
  );

  app.get(
    '/workflow-runs',
    {
      schema: {
        tags,
        operationId: 'listWorkflowRuns',
        summary: 'List workflow runs',
        querystring: workflowRunListQuery,
        response: { 200: workflowRunListSchema },
      },
    },
    (req) => service.listRuns(ctx, req.query),
  );
  app.get(
    '/workflow-runs/:id',
    {
      schema: {
        tags,
        operationId: 'getWorkflowRun',
        summary: 'Get a workflow run with its step log',
        params: idParams,
        response: { 200: workflowRunSchema },
      },
    },
    (req) => service.getRun(ctx, req.params.id),
  );
  app.post(
    '/workflow-runs/:id/retry',
    {
      schema: {
        tags,
        operationId: 'retryWorkflowRun',
        errors: ['conflict'],
        summary: 'Run a failed run again, resuming after its last succeeded step',
        params: idParams,
        response: { 200: workflowRunSchema },
      },
    },
    (req) => service.retryRun(ctx, req.actor, req.params.id),
  );

  const templateTags = ['Email templates'];
  app.get(
    '/email-templates',
    {
      schema: {
        tags: templateTags,
        operationId: 'listEmailTemplates',
        summary: 'List email templates',
        querystring: emailTemplateListQuery,
        response: { 200: emailTemplateListSchema },
      },
    },
    (req) => templates.listEmailTemplates(ctx, req.query),
  );
  app.post(
    '/email-templates',
    {
      schema: {
        tags: templateTags,
        operationId: 'createEmailTemplate',
        errors: ['conflict', 'workflow-activated'],
        summary: 'A template for a deactivated workflow',
        body: createEmailTemplateSchema,
        response: { 201: emailTemplateSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await templates.createEmailTemplate(ctx, req.actor, req.body)),
  );
  app.get(
    '/email-templates/:id',
    {
      schema: {
        tags: templateTags,
        operationId: 'getEmailTemplate',
        summary: 'Get an email template',
        params: idParams,
        response: { 200: emailTemplateSchema },
      },
    },
    (req) => templates.getEmailTemplate(ctx, req.params.id),
  );
  app.patch(
    '/email-templates/:id',
    {
      schema: {
        tags: templateTags,
        operationId: 'updateEmailTemplate',
        summary: 'Update an email template of a deactivated workflow',
        errors: ['workflow-activated'],
        params: idParams,
        body: updateEmailTemplateSchema,
        response: { 200: emailTemplateSchema },
      },
    },
    (req) => templates.updateEmailTemplate(ctx, req.actor, req.params.id, req.body),
  );
  app.post(
    '/email-templates/:id/preview',
    {
      schema: {
        tags: templateTags,
        operationId: 'previewEmailTemplate',
        summary: 'Render with a stand-in code',
        params: idParams,
        body: previewSchema,
        response: { 200: renderedEmailSchema },
      },
    },
    (req) => templates.previewEmailTemplate(ctx, req.params.id, req.body),
  );
}
