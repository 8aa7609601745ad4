// The update-contact step: sets the listed fields on each contact the step acts on.
import type { ContactFieldChanges } from '../../contacts/contacts.repo.ts';
import { updateContactFields } from '../../contacts/contacts.repo.ts';
import { runOnContacts } from './contact-step.ts';
import { StepFailure, type StepDefinition, type StepOf } from './step.ts';

type UpdateContact = StepOf<'update-contact'>;

/** The step's fields (as the API spells them) as columns of `contacts`. */
const contactChanges = (fields: UpdateContact['fields']): ContactFieldChanges => {
  const changes: ContactFieldChanges = {};
  if (fields.firstName !== undefined) changes.first_name = fields.firstName;
  if (fields.lastName !== undefined) changes.last_name = fields.lastName;
  if (fields.emailaddress2 !== undefined) changes.emailaddress2 = fields.emailaddress2;
  if (fields.emailaddress3 !== undefined) changes.emailaddress3 = fields.emailaddress3;
  if (fields.locale !== undefined) changes.locale = fields.locale;
  if (fields.loginEnabled !== undefined) changes.login_enabled = fields.loginEnabled ? 1 : 0;
  return changes;
};

export const updateContactStep: StepDefinition<UpdateContact> = {
  check(step, checks) {
    if (Object.keys(step.fields).length === 0) checks.problem('fields', 'must set at least one field');
  },

  async describe(step, { contacts, who }) {
    return {
      wouldDo: `Would set ${Object.keys(step.fields).join(', ')} on ${who}.`,
      detail: { fields: step.fields, contactIds: contacts.map((c) => c.id) },
    };
  },

  async run(step, run) {
    const changes = contactChanges(step.fields);
    await runOnContacts(
      run,
      (contactIds) => ({ contactIds, fields: step.fields }),
      async (tx, contacts, audit) => {
        for (const { id } of contacts) {
          if (!(await updateContactFields(tx, id, changes)))
            throw new StepFailure(`The contact ${id} no longer exists.`, false);
          await audit(tx, id, 'update', { fields: Object.keys(step.fields) });
        }
      },
    );
  },
};
