// Checks of a workflow definition beyond its JSON shape, at save: each step's own checks (see
// steps/: the references it makes, condition fields of the primary record, step types that fit
// it), the nesting depth, and then whether the records named exist, one query per table. Errors
// name the step path and field, e.g. `steps.2.templateId`.
import type { Db, Tx } from '../db/types.ts';
import type { FieldError } from '../shared/errors.ts';
import { eachStep, stepDefinition } from './steps/index.ts';
import type { ReferencedTable, StepChecks } from './steps/step.ts';
import type { PrimaryEntity, Step } from './workflows.schema.ts';
import * as repo from './workflows.repo.ts';

export const MAX_DEPTH = 5;

const recordNames: Record<ReferencedTable, string> = {
  web_roles: 'web role',
  accounts: 'account',
  contacts: 'contact',
  system_users: 'system user',
};

/** Every problem of `steps` for a workflow (`workflowId` null while it is being created). */
export async function definitionProblems(
  db: Db | Tx,
  workflowId: string | null,
  primaryEntity: PrimaryEntity,
  steps: readonly Step[],
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const refs: Record<ReferencedTable, Map<string, string[]>> = {
    web_roles: new Map(),
    accounts: new Map(),
    contacts: new Map(),
    system_users: new Map(),
  };
  const templateIds = new Set(workflowId ? (await repo.templatesOf(db, workflowId)).map((t) => t.id) : []);
  const workflowRefs: Array<{ id: string; field: string }> = [];

  eachStep(steps, (step, path, depth) => {
    if (depth > MAX_DEPTH)
      errors.push({ field: `${path}.type`, message: `conditions may nest at most ${MAX_DEPTH} levels deep` });
    const checks: StepChecks = {
      primaryEntity,
      workflowId,
      templateIds,
      problem: (field, message) => errors.push({ field: `${path}.${field}`, message }),
      reference: (table, id, field) => {
        if (!id) return;
        const fields = refs[table].get(id) ?? [];
        fields.push(`${path}.${field}`);
        refs[table].set(id, fields);
      },
      workflowReference: (id, field) => workflowRefs.push({ id, field: `${path}.${field}` }),
    };
    stepDefinition(step).check?.(step, checks);
  });

  for (const table of Object.keys(refs) as ReferencedTable[]) {
    const ids = [...refs[table].keys()];
    if (ids.length === 0) continue;
    for (const id of await repo.missingIds(db, table, ids))
      for (const field of refs[table].get(id) ?? [])
        errors.push({ field, message: `no such ${recordNames[table]}: ${id}` });
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
