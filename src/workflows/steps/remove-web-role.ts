// The remove-web-role step: takes a web role from each contact the step acts on.
import { removeWebRole } from '../../contacts/contacts.repo.ts';
import { runOnContacts, webRoleInWords } from './contact-step.ts';
import type { StepDefinition, StepOf } from './step.ts';

export const removeWebRoleStep: StepDefinition<StepOf<'remove-web-role'>> = {
  check(step, checks) {
    checks.reference('web_roles', step.webRoleId, 'webRoleId');
  },

  async describe(step, { ctx, contacts, who }) {
    return {
      wouldDo: `Would take the web role ${await webRoleInWords(ctx, step.webRoleId)} from ${who}.`,
      detail: { webRoleId: step.webRoleId, contactIds: contacts.map((c) => c.id) },
    };
  },

  async run(step, run) {
    await runOnContacts(
      run,
      (contactIds) => ({ contactIds, webRoleId: step.webRoleId }),
      async (tx, contacts, audit) => {
        for (const { id } of contacts) {
          await removeWebRole(tx, id, step.webRoleId);
          await audit(tx, id, 'remove-web-role', { webRoleId: step.webRoleId });
        }
      },
    );
  },
};
