// The names of the OpenAPI documents' component schemas: each zod schema registered here is one
// `#/components/schemas/<Name>` and every use of it a `$ref` (a list envelope is `<Name>List`).
// A new schema may instead name itself where it is defined: `z.object({…}).meta({ id: 'Name' })`.
import { z } from 'zod';
import { accountListSchema, accountSchema } from '../accounts/accounts.schema.ts';
import { contactListSchema, contactSchema } from '../contacts/contacts.schema.ts';
import { contentPageListSchema, contentPageSchema } from '../content-pages/content-pages.schema.ts';
import { emailActivitySchema, emailListSchema } from '../email/email.schema.ts';
import {
  bulkCreatedSchema,
  createdInvitationSchema,
  domainSchema,
  invitationLinkSchema,
  invitationListSchema,
  invitationSchema,
  redemptionListSchema,
  redemptionSchema,
} from '../invitations/invitations.schema.ts';
import { meReply, previewReply, redeemReply, sessionReply } from '../portal/portal-api.schema.ts';
import { siteSettingListSchema, siteSettingSchema } from '../site-settings/site-settings.schema.ts';
import { createdTokenSchema, tokenListSchema, tokenSchema } from '../tokens/tokens.schema.ts';
import { userListSchema, userSchema } from '../users/users.schema.ts';
import { webRoleListSchema, webRoleSchema } from '../web-roles/web-roles.schema.ts';
import {
  createdWorkflowSchema,
  dryRunResultSchema,
  emailTemplateListSchema,
  emailTemplateSchema,
  queuedRunsSchema,
  renderedEmailSchema,
  runStepSchema,
  stepSchema,
  webhookSecretSchema,
  workflowListSchema,
  workflowRunListSchema,
  workflowRunSchema,
  workflowSchema,
} from '../workflows/workflows.schema.ts';

const names: Array<[z.ZodType, string]> = [
  [userSchema, 'User'],
  [userListSchema, 'UserList'],
  [tokenSchema, 'ApiToken'],
  [tokenListSchema, 'ApiTokenList'],
  [createdTokenSchema, 'CreatedApiToken'],
  [accountSchema, 'Account'],
  [accountListSchema, 'AccountList'],
  [contactSchema, 'Contact'],
  [contactListSchema, 'ContactList'],
  [webRoleSchema, 'WebRole'],
  [webRoleListSchema, 'WebRoleList'],
  [siteSettingSchema, 'SiteSetting'],
  [siteSettingListSchema, 'SiteSettingList'],
  [emailActivitySchema, 'Email'],
  [emailListSchema, 'EmailList'],
  [invitationSchema, 'Invitation'],
  [invitationListSchema, 'InvitationList'],
  [createdInvitationSchema, 'CreatedInvitation'],
  [bulkCreatedSchema, 'BulkCreatedInvitations'],
  [invitationLinkSchema, 'InvitationLink'],
  [redemptionSchema, 'Redemption'],
  [redemptionListSchema, 'RedemptionList'],
  [contentPageSchema, 'ContentPage'],
  [contentPageListSchema, 'ContentPageList'],
  [workflowSchema, 'Workflow'],
  [workflowListSchema, 'WorkflowList'],
  [createdWorkflowSchema, 'CreatedWorkflow'],
  [webhookSecretSchema, 'WebhookSecret'],
  [queuedRunsSchema, 'QueuedWorkflowRuns'],
  [dryRunResultSchema, 'DryRunResult'],
  [workflowRunSchema, 'WorkflowRun'],
  [workflowRunListSchema, 'WorkflowRunList'],
  [runStepSchema, 'WorkflowRunStep'],
  [emailTemplateSchema, 'EmailTemplate'],
  [emailTemplateListSchema, 'EmailTemplateList'],
  [renderedEmailSchema, 'RenderedEmail'],
  [sessionReply, 'PortalSession'],
  [meReply, 'PortalMe'],
  [redeemReply, 'PortalRedemption'],
  [previewReply, 'InvitationPreview'],
];

for (const [schema, id] of names) if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });

// A workflow step: one of the step objects, told apart by `type` (the schema is recursive: a
// condition holds steps). Workflows answer their steps as they were saved, so the answer's schema
// stays `unknown` for the serializer and refers to the step schema in the document only.
z.globalRegistry.add(stepSchema, {
  id: 'WorkflowStep',
  description: 'One step of a workflow, told apart by `type`.',
  discriminator: { propertyName: 'type' },
});
const stepsOut = workflowSchema.shape.steps;
if (!z.globalRegistry.has(stepsOut))
  z.globalRegistry.add(stepsOut, { items: { $ref: '#/components/schemas/WorkflowStep' } } as never);

// `allowedDomains`: host names (the server also accepts and drops a leading `@`).
if (!z.globalRegistry.has(domainSchema)) z.globalRegistry.add(domainSchema, { format: 'hostname' });
