// The set-account step: sets (or clears) the parent account of each contact the step acts on.
import { lockAccountForReference } from '../../accounts/accounts.service.ts';
import { setParentAccount } from '../../contacts/contacts.repo.ts';
import { runOnContacts } from './contact-step.ts';
import { StepFailure, type StepDefinition, type StepOf } from './step.ts';

export const setAccountStep: StepDefinition<StepOf<'set-account'>> = {
  check(step, checks) {
    checks.reference('accounts', step.accountId, 'accountId');
  },

  async describe(step, { who }) {
    return {
      wouldDo: step.accountId
        ? `Would set the parent account of ${who} to ${step.accountId}.`
        : `Would clear the parent account of ${who}.`,
      detail: { accountId: step.accountId },
    };
  },

  async run(step, run) {
    await runOnContacts(
      run,
      (contactIds) => ({ contactIds, accountId: step.accountId }),
      async (tx, contacts, audit) => {
        if (step.accountId && !(await lockAccountForReference(tx, run.ctx.dialect, step.accountId)))
          throw new StepFailure(`The account ${step.accountId} no longer exists.`, false);
        for (const { id } of contacts) {
          await setParentAccount(tx, id, step.accountId);
          await audit(tx, id, 'set-account', { accountId: step.accountId });
        }
      },
    );
  },
};
