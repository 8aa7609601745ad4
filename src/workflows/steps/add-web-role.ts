// The add-web-role step: gives each contact the step acts on a web role (kept if they have it).
import { addWebRole } from '../../contacts/contacts.repo.ts';
import { assertWebRolesExist } from '../../web-roles/web-roles.service.ts';
import { runOnContacts, webRoleInWords } from './contact-step.ts';
import { permanentIfAppError, type StepDefinition, type StepOf } from './step.ts';

export const addWebRoleStep: StepDefinition<StepOf<'add-web-role'>> = {
  check(step, checks) {
    checks.reference('web_roles', step.webRoleId, 'webRoleId');
  },

  async describe(step, { ctx, contacts, who }) {
    return {
      wouldDo: `Would give ${who} the web role ${await webRoleInWords(ctx, step.webRoleId)}.`,
      detail: { webRoleId: step.webRoleId, contactIds: contacts.map((c) => c.id) },
    };
  },

  async run(step, run) {
    await runOnContacts(
      run,
      (contactIds) => ({ contactIds, webRoleId: step.webRoleId }),
      async (tx, contacts, audit) => {
        await assertWebRolesExist(tx, [step.webRoleId], 'webRoleId', run.ctx.dialect).catch(permanentIfAppError);
        for (const { id } of contacts) {
          await addWebRole(tx, id, step.webRoleId);
          await audit(tx, id, 'add-web-role', { webRoleId: step.webRoleId });
        }
      },
    );
  },
};
