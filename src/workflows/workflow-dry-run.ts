// The dry run: what each step of a workflow would do for one record, now, changing nothing (no
// email, no webhook call, no write). Works on drafts too, so a definition can be tried before it is
// activated. Conditions are evaluated on the record as it is now; steps before them that would
// change it are not applied, which the answer says where it matters. Each step describes itself
// (steps/<type>.ts); this walks them as a run would.
import type { AppContext } from '../context.ts';
import { notFound, validationFailed } from '../shared/errors.ts';
import { stepDefinition, walkSteps } from './steps/index.ts';
import { type DryRun, type PrimaryRecord, targetContacts } from './steps/step.ts';
import { contactOrNull, invitationOrNull, siteLocale } from './workflow-emails.ts';
import type { DryRunResult, Step } from './workflows.schema.ts';
import * as repo from './workflows.repo.ts';

type Planned = DryRunResult['steps'][number];

export async function dryRun(ctx: AppContext, workflowId: string, targetId: string): Promise<DryRunResult> {
  const workflow = await repo.findWorkflow(ctx.db, workflowId);
  if (!workflow) throw notFound('The workflow');
  let record: PrimaryRecord;
  if (workflow.primary_entity === 'contact') {
    const contact = await contactOrNull(ctx, targetId);
    if (!contact) throw validationFailed('targetId', 'no such contact');
    record = { entity: 'contact', contact };
  } else {
    const invitation = await invitationOrNull(ctx, targetId);
    if (!invitation) throw validationFailed('targetId', 'no such invitation');
    record = { entity: 'invitation', invitation };
  }
  const contacts = await targetContacts(ctx, record);
  const dry: DryRun = {
    ctx,
    workflow,
    record,
    contacts,
    who:
      contacts.length === 0
        ? 'no contact (the invitation invites none)'
        : contacts.map((c) => `${c.fullName || c.id}`).join(', '),
    templates: await repo.templatesOf(ctx.db, workflow.id),
    site: await siteLocale(ctx),
  };
  const out: Planned[] = [];
  await walkSteps(JSON.parse(workflow.steps) as Step[], async (step, path) => {
    const { wouldDo, detail = null } = await stepDefinition(step).describe(step, dry);
    out.push({ path, type: step.type, wouldDo, detail });
    return detail;
  });
  return { workflowId, targetId, steps: out };
}
