// Workflows on the API: definitions with typed steps (SPEC "Workflow steps"), runs with their
// step log, and the email templates their email steps use.
import { z } from 'zod';
import {
  emailSchema,
  idSchema,
  localeSchema,
  nameSchema,
  optionalEmail,
  optionalText,
  timeOut,
} from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';
import { invitationSettingsSchema } from '../invitations/invitations.schema.ts';

export const primaryEntitySchema = z.enum(['invitation', 'contact'], { error: 'must be "invitation" or "contact"' });
export type PrimaryEntity = z.infer<typeof primaryEntitySchema>;
export const workflowStateSchema = z.enum(['draft', 'activated']);

export const conditionOperators = ['equals', 'not-equals', 'contains', 'is-empty', 'is-not-empty'] as const;
export type ConditionOperator = (typeof conditionOperators)[number];

/** The contact fields an `update-contact` step may set (identity fields and the account are not among them). */
export const updatableContactFields = z.strictObject({
  firstName: optionalText(100).optional(),
  lastName: optionalText(100).optional(),
  emailaddress2: optionalEmail.optional(),
  emailaddress3: optionalEmail.optional(),
  locale: localeSchema.nullable().optional(),
  loginEnabled: z.boolean().optional(),
});
export type UpdatableContactFields = z.infer<typeof updatableContactFields>;

/** An event name for webhooks: `contact.redeemed`, `invitation-sent` … */
const eventSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may hold letters, digits and . _ : - only');

const webhookUrlSchema = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .refine((s) => {
    try {
      const u = new URL(s);
      return (
        (u.protocol === 'https:' || u.protocol === 'http:') &&
        u.hostname !== '' &&
        u.username === '' &&
        u.password === ''
      );
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without credentials');

/** Settings of the invitation a `create-invitation` step creates for the contact (a single invitation). */
export const stepInvitationSchema = invitationSettingsSchema.omit({ expiresAt: true }).extend({
  /** Days from the moment the step runs (an absolute time would go stale in a definition). */
  expiresInDays: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(3650, 'must be at most 3650')
    .optional(),
});
export type StepInvitation = z.infer<typeof stepInvitationSchema>;

const conditionValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

export type Step =
  | { type: 'send-email'; templateId: string; to?: string | undefined }
  | { type: 'update-contact'; fields: UpdatableContactFields }
  | { type: 'add-web-role'; webRoleId: string }
  | { type: 'remove-web-role'; webRoleId: string }
  | { type: 'set-account'; accountId: string | null }
  | { type: 'create-invitation'; invitation: StepInvitation; send?: boolean | undefined }
  | { type: 'webhook'; url: string; event: string }
  | {
      type: 'condition';
      field: string;
      operator: ConditionOperator;
      value?: string | number | boolean | null | undefined;
      then: Step[];
      else: Step[];
    }
  | { type: 'stop' }
  | { type: 'send-invitation' };

export const MAX_STEPS = 100;

const stepsArray = (): z.ZodType<Step[]> =>
  z.array(stepSchema).max(MAX_STEPS, `must hold at most ${MAX_STEPS} steps`) as unknown as z.ZodType<Step[]>;

export const stepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('send-email'), templateId: idSchema, to: emailSchema.optional() }),
      z.strictObject({ type: z.literal('update-contact'), fields: updatableContactFields }),
      z.strictObject({ type: z.literal('add-web-role'), webRoleId: idSchema }),
      z.strictObject({ type: z.literal('remove-web-role'), webRoleId: idSchema }),
      z.strictObject({ type: z.literal('set-account'), accountId: idSchema.nullable() }),
      z.strictObject({
        type: z.literal('create-invitation'),
        invitation: stepInvitationSchema,
        send: z.boolean().optional(),
      }),
      z.strictObject({ type: z.literal('webhook'), url: webhookUrlSchema, event: eventSchema }),
      z.strictObject({
        type: z.literal('condition'),
        field: z.string().min(1, 'must name a field').max(100),
        operator: z.enum(conditionOperators, { error: `must be one of ${conditionOperators.join(', ')}` }),
        value: conditionValue.optional(),
        then: stepsArray().default([]),
        else: stepsArray().default([]),
      }),
      z.strictObject({ type: z.literal('stop') }),
      z.strictObject({ type: z.literal('send-invitation') }),
    ],
    {
      error:
        'must be a known step type: send-email, update-contact, add-web-role, remove-web-role, set-account, create-invitation, webhook, condition, stop or send-invitation',
    },
  ),
) as unknown as z.ZodType<Step>;

export const stepsSchema = stepsArray();

export const workflowSchema = z.object({
  id: idSchema,
  key: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  primaryEntity: primaryEntitySchema,
  state: workflowStateSchema,
  steps: z.array(z.unknown()),
  createdAt: timeOut,
  updatedAt: timeOut,
});
export type Workflow = z.infer<typeof workflowSchema>;
export const createdWorkflowSchema = workflowSchema.extend({ webhookSecret: z.string() });

export const createWorkflowSchema = z.strictObject({
  name: nameSchema(),
  description: optionalText(2000).optional(),
  primaryEntity: primaryEntitySchema,
  steps: stepsSchema.default([]),
});
export type CreateWorkflowInput = z.infer<typeof createWorkflowSchema>;

export const updateWorkflowSchema = z.strictObject({
  name: nameSchema().optional(),
  description: optionalText(2000).optional(),
  primaryEntity: primaryEntitySchema.optional(),
  steps: stepsSchema.optional(),
});
export type UpdateWorkflowInput = z.infer<typeof updateWorkflowSchema>;

export const workflowListQuery = pageQuerySchema.extend({
  state: workflowStateSchema.optional(),
  primaryEntity: primaryEntitySchema.optional(),
});
export type WorkflowListQuery = z.infer<typeof workflowListQuery>;
export const workflowListSchema = listSchema(workflowSchema);

export const webhookSecretSchema = z.object({ webhookSecret: z.string() });

// ---------------------------------------------------------------------------------------------
// Runs

export const MAX_RUN_TARGETS = 10_000;
export const runWorkflowSchema = z.strictObject({
  targetIds: z
    .array(idSchema)
    .min(1, 'must name at least one record')
    .max(MAX_RUN_TARGETS, `must name at most ${MAX_RUN_TARGETS} records`),
});
export const runStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const queuedRunsSchema = z.object({
  items: z.array(z.object({ id: idSchema, targetId: idSchema, status: runStatusSchema })),
});

export const stepStatusSchema = z.enum(['succeeded', 'failed', 'skipped']);
export const runStepSchema = z.object({
  /** Counts from 0 in the order the steps ran. */
  index: z.number().int(),
  /** Where the step is in the definition: `steps.2`, `steps.3.then.0`. */
  path: z.string(),
  type: z.string(),
  status: stepStatusSchema,
  startedAt: timeOut,
  finishedAt: timeOut.nullable(),
  detail: z.unknown(),
  error: z.string().nullable(),
});
export type RunStep = z.infer<typeof runStepSchema>;

export const workflowRunSchema = z.object({
  id: idSchema,
  workflowId: idSchema,
  targetId: idSchema,
  trigger: z.string(),
  status: runStatusSchema,
  error: z.string().nullable(),
  steps: z.array(runStepSchema),
  createdAt: timeOut,
  startedAt: timeOut.nullable(),
  finishedAt: timeOut.nullable(),
});
export type WorkflowRun = z.infer<typeof workflowRunSchema>;

export const workflowRunListQuery = pageQuerySchema.extend({
  workflowId: idSchema.optional(),
  targetId: idSchema.optional(),
  status: runStatusSchema.optional(),
});
export type WorkflowRunListQuery = z.infer<typeof workflowRunListQuery>;
export const workflowRunListSchema = listSchema(workflowRunSchema);

export const dryRunSchema = z.strictObject({ targetId: idSchema });
export const dryRunResultSchema = z.object({
  workflowId: idSchema,
  targetId: idSchema,
  steps: z.array(z.object({ path: z.string(), type: z.string(), wouldDo: z.string(), detail: z.unknown() })),
});
export type DryRunResult = z.infer<typeof dryRunResultSchema>;

// ---------------------------------------------------------------------------------------------
// Email templates

/** `portal@example.com` or `"Portal" <portal@example.com>`. */
export const fromAddressSchema = z
  .string()
  .trim()
  .max(320, 'must be at most 320 characters')
  .refine(
    (s) =>
      /^[^\s<>@",;]+@[^\s<>@",;]+\.[^\s<>@",;]+$/.test(s) ||
      /^(?:"[^"\r\n]{0,100}"|[^"<>\r\n,;]{1,100})\s*<[^\s<>@",;]+@[^\s<>@",;]+\.[^\s<>@",;]+>$/.test(s),
    'must be an email address, optionally with a name: "Portal" <portal@example.com>',
  );

export const emailTemplateSchema = z.object({
  id: idSchema,
  workflowId: idSchema,
  name: z.string(),
  locale: localeSchema,
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  from: z.string().nullable(),
  createdAt: timeOut,
  updatedAt: timeOut,
});
export type EmailTemplate = z.infer<typeof emailTemplateSchema>;

const templateBody = (max: number) => z.string().max(max, `must be at most ${max} characters`);

export const createEmailTemplateSchema = z.strictObject({
  workflowId: idSchema,
  name: nameSchema(),
  locale: localeSchema,
  subject: templateBody(2000).min(1, 'must not be empty'),
  html: templateBody(500_000),
  text: templateBody(200_000),
  from: fromAddressSchema.nullable().optional(),
});
export type CreateEmailTemplateInput = z.infer<typeof createEmailTemplateSchema>;

export const updateEmailTemplateSchema = z.strictObject({
  name: nameSchema().optional(),
  locale: localeSchema.optional(),
  subject: templateBody(2000).min(1, 'must not be empty').optional(),
  html: templateBody(500_000).optional(),
  text: templateBody(200_000).optional(),
  from: fromAddressSchema.nullable().optional(),
});
export type UpdateEmailTemplateInput = z.infer<typeof updateEmailTemplateSchema>;

export const emailTemplateListQuery = pageQuerySchema.extend({ workflowId: idSchema.optional() });
export const emailTemplateListSchema = listSchema(emailTemplateSchema);

export const previewSchema = z.strictObject({ invitationId: idSchema.nullable().optional(), contactId: idSchema });
export const renderedEmailSchema = z.object({ subject: z.string(), html: z.string(), text: z.string() });
