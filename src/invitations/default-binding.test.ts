// The site setting Invitations/DefaultBinding: every way of creating an invitation takes it when the
// invitation names no binding, an explicit binding wins, and PUT accepts only its choices. Both databases.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { createLocalStoreTransport } from '../email/transport.ts';

const t = useTestApp();
const make = factories(t, { contact: { firstName: 'Dora', lastName: 'Default' } });
const { contact, setting } = make;
const NAME = 'Invitations/DefaultBinding';
const path = `site-settings/${encodeURIComponent(NAME)}`;

const fast = { pollMs: 20, leaseMs: 2_000, backoff: { baseMs: 20, maxMs: 100 } };
const runJobs = () => runDueJobsOnce(t.ctx, jobHandlers(t.ctx, createLocalStoreTransport(t.ctx.config.dataDir)), fast);

const bindingOf = async (id: string) => (await t.api('GET', `invitations/${id}`)).json().binding as string;

/** Invitations made in each way the product has, none naming a binding: their bindings. */
async function bindingsOfNewInvitations(): Promise<Record<string, string>> {
  const c = await contact();
  const api = await t.api('POST', 'invitations', { body: { name: 'Api', type: 'single', invitedContactIds: [c.id] } });
  expect(api.statusCode, api.body).toBe(201);
  const group = await t.api('POST', 'invitations', { body: { name: 'Group', type: 'group' } });
  expect(group.statusCode, group.body).toBe(201);
  const forContact = await t.api('POST', `contacts/${c.id}/invitations`, { body: {} });
  expect(forContact.statusCode, forContact.body).toBe(201);
  const bulk = await t.api('POST', 'invitations/bulk', { body: { contactIds: [c.id], settings: {} } });
  expect(bulk.statusCode, bulk.body).toBe(201);

  const wf = await t.api('POST', 'workflows', {
    body: { name: 'Invite', primaryEntity: 'contact', steps: [{ type: 'create-invitation', invitation: {} }] },
  });
  expect(wf.statusCode, wf.body).toBe(201);
  expect((await t.api('POST', `workflows/${wf.json().id}/activate`)).statusCode).toBe(200);
  const run = await t.api('POST', `workflows/${wf.json().id}/run`, { body: { targetIds: [c.id] } });
  expect(run.statusCode, run.body).toBe(202);
  await runJobs();
  const done = (await t.api('GET', `workflow-runs/${run.json().items[0].id}`)).json();
  expect(done.status, done.error).toBe('succeeded');

  return {
    api: api.json().binding,
    group: group.json().binding,
    forContact: forContact.json().binding,
    bulk: await bindingOf(bulk.json().items[0].id),
    workflow: await bindingOf(done.steps[0].detail.invitations[0].invitationId),
  };
}

const all = (binding: string) => ({
  api: binding,
  group: binding,
  forContact: binding,
  bulk: binding,
  workflow: binding,
});

describe('Invitations/DefaultBinding', () => {
  it('is "any" by default, and new invitations without a binding get it', async () => {
    expect((await t.api('GET', path)).json()).toMatchObject({ value: 'any', isDefault: true });
    expect(await bindingsOfNewInvitations()).toEqual(all('any'));
  });

  it('set to "invited-email" gives every new invitation without a binding that binding; an explicit one wins', async () => {
    await setting(NAME, 'invited-email');
    try {
      expect(await bindingsOfNewInvitations()).toEqual(all('invited-email'));
      const c = await contact();
      const explicit = await t.api('POST', 'invitations', {
        body: { name: 'Open', type: 'single', invitedContactIds: [c.id], binding: 'any' },
      });
      expect(explicit.json().binding).toBe('any');
      const domain = await t.api('POST', 'invitations', {
        body: { name: 'Partners', type: 'group', binding: 'email-domain', allowedDomains: ['partner.example'] },
      });
      expect(domain.json()).toMatchObject({ binding: 'email-domain', allowedDomains: ['partner.example'] });
      // Existing invitations keep theirs: the setting is read when one is created.
      expect(await bindingOf(explicit.json().id)).toBe('any');
    } finally {
      await setting(NAME, 'any');
    }
  });

  it('PUT accepts only "any" and "invited-email": anything else is a 422 naming value and changes nothing', async () => {
    for (const value of ['email-domain', 'ANY', '', 'invited_email']) {
      const r = await t.api('PUT', path, { body: { value } });
      expect(r.statusCode, value).toBe(422);
      expect(r.json().errors).toEqual([{ field: 'value', message: 'must be one of "any", "invited-email"' }]);
    }
    expect((await t.api('GET', path)).json().value).toBe('any');
  });
});
