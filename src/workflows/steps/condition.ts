// The condition step: tests a field of the primary record and walks its `then` or its `else`
// steps. The branch taken is logged, so a resumed run takes the same one.
import { contactSchema } from '../../contacts/contacts.schema.ts';
import { invitationSchema } from '../../invitations/invitations.schema.ts';
import type { ConditionOperator, PrimaryEntity } from '../workflows.schema.ts';
import { recordData, type StepDefinition, type StepOf } from './step.ts';

type Condition = StepOf<'condition'>;

/** Fields a condition may test: those of the primary record as the API spells them. */
export const conditionFields: Record<PrimaryEntity, readonly string[]> = {
  contact: Object.keys(contactSchema.shape),
  invitation: Object.keys(invitationSchema.shape),
};

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Evaluates a condition on a field value; arrays (webRoleIds …) match when any element does. */
export function evaluateCondition(actual: unknown, operator: ConditionOperator, value: unknown): boolean {
  switch (operator) {
    case 'is-empty':
      return isEmpty(actual);
    case 'is-not-empty':
      return !isEmpty(actual);
    case 'equals': {
      // Text is compared ignoring letter case, as Dataverse's conditions do (and `contains` here).
      if (value === null) return isEmpty(actual);
      const wanted = text(value).toLowerCase();
      if (Array.isArray(actual)) return actual.some((a) => text(a).toLowerCase() === wanted);
      return text(actual).toLowerCase() === wanted;
    }
    case 'not-equals':
      return !evaluateCondition(actual, 'equals', value);
    case 'contains': {
      const needle = text(value).toLowerCase();
      if (Array.isArray(actual)) return actual.some((a) => text(a).toLowerCase() === needle);
      return text(actual).toLowerCase().includes(needle);
    }
  }
}

/** The condition on the record as it is now, and the branch it leads to. */
function decide(step: Condition, record: Record<string, unknown>) {
  const actual = record[step.field];
  const result = evaluateCondition(actual, step.operator, step.value);
  return { actual, result, branch: result ? ('then' as const) : ('else' as const) };
}

export const conditionStep: StepDefinition<Condition> = {
  final: 'never',
  branches: (step) => ({ then: step.then, else: step.else }),
  next: (_step, detail) => ({ branch: (detail as { branch?: string } | null)?.branch === 'then' ? 'then' : 'else' }),

  check(step, checks) {
    const fields = conditionFields[checks.primaryEntity];
    if (!fields.includes(step.field))
      checks.problem('field', `is not a field of the ${checks.primaryEntity}; known: ${fields.join(', ')}`);
    const needsValue = step.operator === 'equals' || step.operator === 'not-equals' || step.operator === 'contains';
    if (needsValue && step.value === undefined)
      checks.problem('value', `is required with the ${step.operator} operator`);
    if (!needsValue && step.value !== undefined)
      checks.problem('value', `the ${step.operator} operator takes no value`);
  },

  async describe(step, { record }) {
    const { actual, result, branch } = decide(step, recordData(record));
    return {
      wouldDo: `The condition ${step.field} ${step.operator}${step.value !== undefined ? ` ${JSON.stringify(step.value)}` : ''} is ${result} now (${JSON.stringify(actual ?? null)}): would run the ${branch} steps.`,
      detail: { field: step.field, actual: actual ?? null, result, branch },
    };
  },

  async run(step, run) {
    const { actual, result, branch } = decide(step, recordData(run.record));
    await run.commit('succeeded', {
      field: step.field,
      operator: step.operator,
      value: step.value ?? null,
      actual: actual ?? null,
      result,
      branch,
    });
  },
};
