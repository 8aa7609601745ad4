// A web role or account that a workflow's steps name cannot be deleted from under it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

it('refuses to delete a web role or account named by a workflow step, saying so', async () => {
  const role = (await t.api('POST', 'web-roles', { body: { name: 'Named in a step' } })).json();
  const account = (await t.api('POST', 'accounts', { body: { name: 'Named in a step' } })).json();
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
