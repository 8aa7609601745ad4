// A delete racing a new invitation that names the record (an invited contact, the inviter, the
// owner): one waits for the other, so the answers are a clean 201/409 or 204/422, never a 500, and the
// database agrees with them afterwards.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';
import { systemActor } from '../context.ts';
import { createToken } from '../tokens/tokens.service.ts';

const t = useTestApp();
const f = factories(t, { contact: { firstName: 'Rita', lastName: 'Race' } });
const ROUNDS = 25;

const contactExists = async (id: string) =>
  (await t.ctx.db.selectFrom('contacts').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
const userExists = async (id: string) =>
  (await t.ctx.db.selectFrom('system_users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

/** Runs the create and the delete at once and checks their answers agree with each other. */
async function race(
  create: () => ReturnType<TestApp['api']>,
  remove: () => ReturnType<TestApp['api']>,
  field: string,
): Promise<{ created: boolean; invitationId?: string }> {
  const [made, gone] = await Promise.all([create(), remove()]);
  const statuses = { create: made.statusCode, delete: gone.statusCode, body: made.body + gone.body };
  expect([201, 422], JSON.stringify(statuses)).toContain(made.statusCode);
  expect([204, 404, 409], JSON.stringify(statuses)).toContain(gone.statusCode);
  if (made.statusCode === 201) {
    expect(gone.statusCode, JSON.stringify(statuses)).toBe(409);
    return { created: true, invitationId: made.json().id };
  }
  expect(gone.statusCode, JSON.stringify(statuses)).toBe(204);
  expect(made.json().code).toBe('validation-failed');
  expect(made.json().errors.map((e: { field: string }) => e.field)).toEqual([field]);
  return { created: false };
}

type TestApp = typeof t;

describe('a delete racing a new invitation that names the record', () => {
  it('deleting an invited contact: the invitation has the contact, or the contact is gone and nothing names it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const contact = await f.contact();
      const outcome = await race(
        () =>
          t.api('POST', 'invitations', {
            body: { name: `Race ${round}`, type: 'single', invitedContactIds: [contact.id] },
          }),
        () => t.api('DELETE', `contacts/${contact.id}`),
        'invitedContactIds',
      );
      expect(await contactExists(contact.id)).toBe(outcome.created);
      const naming = await t.ctx.db
        .selectFrom('invitation_invited_contacts')
        .select('invitation_id')
        .where('contact_id', '=', contact.id)
        .execute();
      expect(naming.map((r) => r.invitation_id)).toEqual(outcome.created ? [outcome.invitationId] : []);
    }
  });

  it('deleting a contact that many invitations name at once (bulk create)', async () => {
    for (let round = 0; round < ROUNDS / 5; round++) {
      const contacts = [await f.contact(), await f.contact(), await f.contact()];
      const victim = contacts[1].id as string;
      const outcome = await race(
        () =>
          t.api('POST', 'invitations/bulk', {
            body: { contactIds: contacts.map((c) => c.id), settings: {} },
          }),
        () => t.api('DELETE', `contacts/${victim}`),
        'contactIds',
      );
      expect(await contactExists(victim)).toBe(outcome.created);
      const naming = await t.ctx.db
        .selectFrom('invitation_invited_contacts')
        .select('invitation_id')
        .where('contact_id', '=', victim)
        .execute();
      expect(naming).toHaveLength(outcome.created ? 1 : 0);
    }
  });

  it('deleting the inviter contact: the invitation has its inviter, or the inviter is gone and nothing names it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const inviter = await f.contact();
      const outcome = await race(
        () =>
          t.api('POST', 'invitations', {
            body: { name: `Race ${round}`, type: 'group', invitedContactIds: [], inviterContactId: inviter.id },
          }),
        () => t.api('DELETE', `contacts/${inviter.id}`),
        'inviterContactId',
      );
      expect(await contactExists(inviter.id)).toBe(outcome.created);
      const naming = await t.ctx.db
        .selectFrom('invitations')
        .select('id')
        .where('inviter_contact_id', '=', inviter.id)
        .execute();
      expect(naming.map((r) => r.id)).toEqual(outcome.created ? [outcome.invitationId] : []);
    }
  });

  it('deleting the owner: the invitation has its owner, or the user is gone and owns nothing', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const user = await t.api('POST', 'users', {
        body: { email: `owner.${newId()}@example.com`, fullName: `Owner ${round}` },
      });
      expect(user.statusCode, user.body).toBe(201);
      const ownerId = user.json().id as string;
      const outcome = await race(
        () =>
          t.api('POST', 'invitations', {
            body: { name: `Race ${round}`, type: 'group', invitedContactIds: [], ownerId },
          }),
        () => t.api('DELETE', `users/${ownerId}`),
        'ownerId',
      );
      expect(await userExists(ownerId)).toBe(outcome.created);
      const owned = await t.ctx.db.selectFrom('invitations').select('id').where('owner_id', '=', ownerId).execute();
      expect(owned.map((r) => r.id)).toEqual(outcome.created ? [outcome.invitationId] : []);
    }
  });

  it('changing an invitation to a new owner while that user is deleted', async () => {
    const invitation = await f.invitation({ type: 'group', invitedContactIds: [] });
    for (let round = 0; round < ROUNDS / 5; round++) {
      const user = await t.api('POST', 'users', {
        body: { email: `owner.${newId()}@example.com`, fullName: `Owner ${round}` },
      });
      const ownerId = user.json().id as string;
      const [patched, gone] = await Promise.all([
        t.api('PATCH', `invitations/${invitation.id}`, { body: { ownerId } }),
        t.api('DELETE', `users/${ownerId}`),
      ]);
      const statuses = JSON.stringify([patched.statusCode, gone.statusCode, patched.body, gone.body]);
      if (patched.statusCode === 200) expect(gone.statusCode, statuses).toBe(409);
      else {
        expect(patched.statusCode, statuses).toBe(422);
        expect(gone.statusCode, statuses).toBe(204);
      }
      expect(await userExists(ownerId)).toBe(patched.statusCode === 200);
    }
  });

  it('deleting a user while their own token creates an invitation (its owner and creator): 201 and 409, or 204 and 401', async () => {
    for (let round = 0; round < ROUNDS / 5; round++) {
      const user = await t.api('POST', 'users', {
        body: { email: `creator.${newId()}@example.com`, fullName: `Creator ${round}` },
      });
      const userId = user.json().id as string;
      const { token } = await createToken(t.ctx, systemActor, { name: 'race', userId });
      const [made, gone] = await Promise.all([
        t.api('POST', 'invitations', { token, body: { name: `Race ${round}`, type: 'group', invitedContactIds: [] } }),
        t.api('DELETE', `users/${userId}`),
      ]);
      const statuses = JSON.stringify([made.statusCode, gone.statusCode, made.body, gone.body]);
      if (made.statusCode === 201) expect(gone.statusCode, statuses).toBe(409);
      else {
        expect(made.statusCode, statuses).toBe(401);
        expect(gone.statusCode, statuses).toBe(204);
      }
      expect(await userExists(userId)).toBe(made.statusCode === 201);
      const theirs = await t.ctx.db.selectFrom('invitations').select('id').where('created_by', '=', userId).execute();
      expect(theirs).toHaveLength(made.statusCode === 201 ? 1 : 0);
    }
  });

  it('deleting the workflow an invitation runs on redemption: it has its workflow, or the workflow is gone', async () => {
    for (let round = 0; round < ROUNDS / 5; round++) {
      const workflow = await t.api('POST', 'workflows', { body: { name: `Race ${round}`, primaryEntity: 'contact' } });
      expect(workflow.statusCode, workflow.body).toBe(201);
      const redeemWorkflowId = workflow.json().id as string;
      const outcome = await race(
        () =>
          t.api('POST', 'invitations', {
            body: { name: `Race ${round}`, type: 'group', invitedContactIds: [], redeemWorkflowId },
          }),
        () => t.api('DELETE', `workflows/${redeemWorkflowId}`),
        'redeemWorkflowId',
      );
      const left = await t.ctx.db.selectFrom('workflows').select('id').where('id', '=', redeemWorkflowId).execute();
      expect(left).toHaveLength(outcome.created ? 1 : 0);
    }
  });
});
