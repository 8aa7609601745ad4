// A web role or account that a workflow's steps name cannot be deleted from under it.
import { expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';

const t = useTestApp();
const make = factories(t);

it('refuses to delete a web role or account named by a workflow step, saying so', async () => {
  const role = await make.webRole({ name: 'Named in a step' });
  const account = await make.account({ name: 'Named in a step' });
  const wf = await t.api('POST', 'workflows', {
    body: {
      name: 'Onboarding',
      primaryEntity: 'contact',
      steps: [
        { type: 'add-web-role', webRoleId: role.id },
        { type: 'set-account', accountId: account.id },
      ],
    },
  });
  expect(wf.statusCode).toBe(201);
  const delRole = await t.api('DELETE', `web-roles/${role.id}`);
  expect(delRole.statusCode).toBe(409);
  expect(delRole.json().detail).toMatch(/workflow/);
  const delAccount = await t.api('DELETE', `accounts/${account.id}`);
  expect(delAccount.statusCode).toBe(409);
  expect(delAccount.json().detail).toMatch(/workflow/);
  // Once the workflow is gone, they can go.
  expect((await t.api('DELETE', `workflows/${wf.json().id}`)).statusCode).toBe(204);
  expect((await t.api('DELETE', `web-roles/${role.id}`)).statusCode).toBe(204);
  expect((await t.api('DELETE', `accounts/${account.id}`)).statusCode).toBe(204);
});
