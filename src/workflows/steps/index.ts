// The registry of workflow step types: one definition per `type` of the step schema (a type
// without one does not compile). The engine, the save-time checker and the dry run walk steps
// through it, so each step's logic exists once, in its own file here.
import type { Step } from '../workflows.schema.ts';
import { addWebRoleStep } from './add-web-role.ts';
import { conditionStep } from './condition.ts';
import { createInvitationStep } from './create-invitation.ts';
import { removeWebRoleStep } from './remove-web-role.ts';
import { sendEmailStep } from './send-email.ts';
import { sendInvitationStep } from './send-invitation.ts';
import { setAccountStep } from './set-account.ts';
import type { StepDefinition, StepOf } from './step.ts';
import { stopStep } from './stop.ts';
import { updateContactStep } from './update-contact.ts';
import { webhookStep } from './webhook.ts';

export const stepDefinitions = {
  'send-email': sendEmailStep,
  'update-contact': updateContactStep,
  'add-web-role': addWebRoleStep,
  'remove-web-role': removeWebRoleStep,
  'set-account': setAccountStep,
  'create-invitation': createInvitationStep,
  webhook: webhookStep,
  condition: conditionStep,
  stop: stopStep,
  'send-invitation': sendInvitationStep,
} satisfies { [K in Step['type']]: StepDefinition<StepOf<K>> };

/** The definition of `step`'s type. */
export const stepDefinition = <S extends Step>(step: S): StepDefinition<S> =>
  stepDefinitions[step.type] as unknown as StepDefinition<S>;

/** Calls `visit` for every step with its path, depth first, in definition order, into every branch. */
export function eachStep(
  steps: readonly Step[],
  visit: (step: Step, path: string, depth: number) => void,
  prefix = 'steps',
  depth = 1,
): void {
  steps.forEach((step, i) => {
    const path = `${prefix}.${i}`;
    visit(step, path, depth);
    for (const [name, nested] of Object.entries(stepDefinition(step).branches?.(step) ?? {}))
      eachStep(nested, visit, `${path}.${name}`, depth + 1);
  });
}

/**
 * Walks `steps` as a run does: in order, into the branch a step says follows it, until a step
 * ends the walk ('stop'). `visit` handles one step and returns its detail, from which the step's
 * definition reads what follows; `last` tells that nothing follows the step in the whole walk.
 */
export async function walkSteps(
  steps: readonly Step[],
  visit: (step: Step, path: string, last: boolean) => Promise<unknown>,
  prefix = 'steps',
  tail = true,
): Promise<'stop' | 'continue'> {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as Step;
    const path = `${prefix}.${i}`;
    const last = tail && i === steps.length - 1;
    const definition = stepDefinition(step);
    const detail = await visit(step, path, last);
    const next = definition.next?.(step, detail) ?? 'continue';
    if (next === 'stop') return 'stop';
    if (next !== 'continue') {
      const branch = definition.branches?.(step)[next.branch] ?? [];
      if ((await walkSteps(branch, visit, `${path}.${next.branch}`, last)) === 'stop') return 'stop';
    }
  }
  return 'continue';
}
