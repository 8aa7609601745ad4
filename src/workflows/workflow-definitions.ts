// Checks of a workflow definition beyond its JSON shape, at save: the references every step makes
// (templates of this workflow, web roles, accounts, contacts, users, workflows), condition fields
// of the primary record and step types that fit it. Errors name the step path and field, e.g.
// `steps.2.templateId`.
import type { Db, Tx } from '../db/types.ts';
import type { FieldError } from '../shared/errors.ts';
import { contactSchema } from '../contacts/contacts.schema.ts';
import { invitationSchema } from '../invitations/invitations.schema.ts';
import type { PrimaryEntity, Step } from './workflows.schema.ts';
import * as repo from './workflows.repo.ts';

/** Fields a condition may test: those of the primary record as the API spells them. */
export const conditionFields: Record<PrimaryEntity, readonly string[]> = {
  contact: Object.keys(contactSchema.shape),
  invitation: Object.keys(invitationSchema.shape),
};

export const MAX_DEPTH = 5;

/** Calls `visit` for every step with its path, depth first, in definition order. */
export function eachStep(
  steps: readonly Step[],
  visit: (step: Step, path: string, depth: number) => void,
  prefix = 'steps',
  depth = 1,
): void {
  steps.forEach((step, i) => {
    const path = `${prefix}.${i}`;
    visit(step, path, depth);
    if (step.type === 'condition') {
      eachStep(step.then, visit, `${path}.then`, depth + 1);
      eachStep(step.else, visit, `${path}.else`, depth + 1);
    }
  });
}

/** Every problem of `steps` for a workflow (`workflowId` null while it is being created). */
export async function definitionProblems(
  db: Db | Tx,
  workflowId: string | null,
  primaryEntity: PrimaryEntity,
  steps: readonly Step[],
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const refs = {
    web_roles: new Map<string, string[]>(),
    accounts: new Map<string, string[]>(),
    contacts: new Map<string, string[]>(),
    system_users: new Map<string, string[]>(),
  };
  const ref = (table: keyof typeof refs, id: string | null | undefined, field: string) => {
    if (!id) return;
    const fields = refs[table].get(id) ?? [];
    fields.push(field);
    refs[table].set(id, fields);
  };
  const templateIds = new Set(workflowId ? (await repo.templatesOf(db, workflowId)).map((t) => t.id) : []);
  const workflowRefs: Array<{ id: string; field: string }> = [];

  eachStep(steps, (step, path, depth) => {
    if (depth > MAX_DEPTH)
      errors.push({ field: `${path}.type`, message: `conditions may nest at most ${MAX_DEPTH} levels deep` });
    switch (step.type) {
      case 'send-email':
        if (!templateIds.has(step.templateId)) {
          errors.push({
            field: `${path}.templateId`,
            message: workflowId
              ? 'no such email template of this workflow (create it with POST /email-templates first)'
              : 'no such email template of this workflow: create the workflow, then its templates, then add the step',
          });
        }
        break;
      case 'update-contact':
        if (Object.keys(step.fields).length === 0)
          errors.push({ field: `${path}.fields`, message: 'must set at least one field' });
        break;
      case 'add-web-role':
      case 'remove-web-role':
        ref('web_roles', step.webRoleId, `${path}.webRoleId`);
        break;
      case 'set-account':
        ref('accounts', step.accountId, `${path}.accountId`);
        break;
      case 'create-invitation': {
        const inv = step.invitation;
        ref('system_users', inv.ownerId, `${path}.invitation.ownerId`);
        ref('contacts', inv.inviterContactId, `${path}.invitation.inviterContactId`);
        ref('accounts', inv.assignToAccountId, `${path}.invitation.assignToAccountId`);
        for (const [i, w] of (inv.webRoleIds ?? []).entries())
          ref('web_roles', w, `${path}.invitation.webRoleIds.${i}`);
        if (inv.redeemWorkflowId)
          workflowRefs.push({ id: inv.redeemWorkflowId, field: `${path}.invitation.redeemWorkflowId` });
        if (inv.binding === 'email-domain' && (inv.allowedDomains ?? []).length === 0)
          errors.push({
            field: `${path}.invitation.allowedDomains`,
            message: 'the email-domain binding needs at least one domain',
          });
        if (inv.binding !== 'email-domain' && (inv.allowedDomains ?? []).length > 0)
          errors.push({
            field: `${path}.invitation.allowedDomains`,
            message: 'domains go with the email-domain binding only',
          });
        if (inv.maxRedemptions !== undefined && inv.maxRedemptions !== null && inv.maxRedemptions !== 1) {
          errors.push({
            field: `${path}.invitation.maxRedemptions`,
            message: 'the step creates a single invitation, which is redeemed once',
          });
        }
        break;
      }
      case 'condition': {
        if (!conditionFields[primaryEntity].includes(step.field)) {
          errors.push({
            field: `${path}.field`,
            message: `is not a field of the ${primaryEntity}; known: ${conditionFields[primaryEntity].join(', ')}`,
          });
        }
        const needsValue = step.operator === 'equals' || step.operator === 'not-equals' || step.operator === 'contains';
        if (needsValue && step.value === undefined)
          errors.push({ field: `${path}.value`, message: `is required with the ${step.operator} operator` });
        if (!needsValue && step.value !== undefined)
          errors.push({ field: `${path}.value`, message: `the ${step.operator} operator takes no value` });
        break;
      }
      case 'send-invitation':
        if (primaryEntity !== 'invitation')
          errors.push({
            field: `${path}.type`,
            message: 'send-invitation needs a workflow whose primary record is the invitation',
          });
        break;
      default:
        break;
    }
  });

  for (const table of Object.keys(refs) as Array<keyof typeof refs>) {
    const ids = [...refs[table].keys()];
    if (ids.length === 0) continue;
    const what = { web_roles: 'web role', accounts: 'account', contacts: 'contact', system_users: 'system user' }[
      table
    ];
    for (const id of await repo.missingIds(db, table, ids))
      for (const field of refs[table].get(id) ?? []) errors.push({ field, message: `no such ${what}: ${id}` });
  }
  for (const w of workflowRefs) {
    const wf = await repo.findWorkflow(db, w.id);
    if (!wf) errors.push({ field: w.field, message: `no such workflow: ${w.id}` });
    else if (wf.primary_entity !== 'contact')
      errors.push({
        field: w.field,
        message: 'the workflow run on redemption must have contact as its primary record',
      });
  }
  return errors;
}
