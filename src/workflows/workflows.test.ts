// The workflows API: definitions validated at save, lifecycle, run and dry run, run history,
// conditions and stop, email templates (edit rules, Liquid errors, preview). Both databases.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { createLocalStoreTransport } from '../email/transport.ts';
import { jobHandlers } from '../jobs/job-registry.ts';

const t = useTestApp();

const fast = { pollMs: 20, leaseMs: 2_000, backoff: { baseMs: 20, maxMs: 100 } };
const runJobs = () => runDueJobsOnce(t.ctx, jobHandlers(t.ctx, createLocalStoreTransport(t.ctx.config.dataDir)), fast);

const make = factories(t, { contact: { firstName: 'Wanda', lastName: 'Flow' } });
const { contact } = make;

async function workflow(body: Record<string, unknown> = {}) {
  const r = await t.api('POST', 'workflows', { body: { name: 'Onboarding', primaryEntity: 'contact', ...body } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function activated(steps: unknown[], primaryEntity = 'contact') {
  const wf = await workflow({ primaryEntity, steps });
  expect((await t.api('POST', `workflows/${wf.id}/activate`)).statusCode).toBe(200);
  return wf;
}

async function runOn(workflowId: string, targetId: string) {
  const r = await t.api('POST', `workflows/${workflowId}/run`, { body: { targetIds: [targetId] } });
  expect(r.statusCode, r.body).toBe(202);
  await runJobs();
  return (await t.api('GET', `workflow-runs/${r.json().items[0].id}`)).json();
}

describe('workflow definitions', () => {
  it('creates a draft with a Standard Webhooks secret shown only on create; key and state are read-only', async () => {
    const wf = await workflow({ description: 'Welcome new partners' });
    expect(wf).toMatchObject({
      name: 'Onboarding',
      description: 'Welcome new partners',
      primaryEntity: 'contact',
      state: 'draft',
      key: null,
      steps: [],
    });
    expect(wf.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const got = (await t.api('GET', `workflows/${wf.id}`)).json();
    expect(got).not.toHaveProperty('webhookSecret');
    const stored = await t.ctx.db
      .selectFrom('workflows')
      .select('webhook_secret_encrypted')
      .where('id', '=', wf.id)
      .executeTakeFirstOrThrow();
    expect(stored.webhook_secret_encrypted).not.toContain(wf.webhookSecret);
    expect(t.ctx.secrets.decrypt('webhook-secret', stored.webhook_secret_encrypted as string)).toBe(wf.webhookSecret);

    for (const field of ['state', 'key', 'webhookSecret']) {
      const r = await t.api('PATCH', `workflows/${wf.id}`, { body: { [field]: 'x' } });
      expect(r.statusCode).toBe(422);
      expect(r.json().errors).toContainEqual({ field, message: 'is not a known field' });
    }
  });

  it('rotates the webhook secret in any state', async () => {
    const wf = await activated([]);
    const r = await t.api('POST', `workflows/${wf.id}/rotate-secret`);
    expect(r.statusCode).toBe(200);
    expect(r.json().webhookSecret).toMatch(/^whsec_/);
    expect(r.json().webhookSecret).not.toBe(wf.webhookSecret);
  });

  it('refuses invalid definitions with 422 naming the step path and field', async () => {
    const wf = await workflow();
    const cases: Array<[unknown[], string]> = [
      [[{ type: 'teleport' }], 'steps.0.type'],
      [[{ type: 'stop' }, { type: 'send-email', templateId: newId() }], 'steps.1.templateId'],
      [[{ type: 'update-contact', fields: { shoeSize: 44 } }], 'steps.0.fields.shoeSize'],
      [[{ type: 'update-contact', fields: { emailaddress1: 'x@example.com' } }], 'steps.0.fields.emailaddress1'],
      [[{ type: 'stop' }, { type: 'stop' }, { type: 'add-web-role', webRoleId: newId() }], 'steps.2.webRoleId'],
      [[{ type: 'set-account', accountId: newId() }], 'steps.0.accountId'],
      [[{ type: 'webhook', url: 'ftp://example.com/x', event: 'contact.redeemed' }], 'steps.0.url'],
      [[{ type: 'webhook', url: 'not a url', event: 'contact.redeemed' }], 'steps.0.url'],
      [[{ type: 'condition', field: 'shoeSize', operator: 'equals', value: 44 }], 'steps.0.field'],
      [[{ type: 'condition', field: 'lastName', operator: 'equals' }], 'steps.0.value'],
      [[{ type: 'condition', field: 'lastName', operator: 'is-empty', value: 'x' }], 'steps.0.value'],
      [[{ type: 'condition', field: 'lastName', operator: 'like', value: 'x' }], 'steps.0.operator'],
      [
        [
          {
            type: 'condition',
            field: 'lastName',
            operator: 'is-empty',
            then: [{ type: 'add-web-role', webRoleId: newId() }],
          },
        ],
        'steps.0.then.0.webRoleId',
      ],
      [[{ type: 'send-invitation' }], 'steps.0.type'],
      [
        [{ type: 'create-invitation', invitation: { assignToAccountId: newId() } }],
        'steps.0.invitation.assignToAccountId',
      ],
    ];
    for (const [steps, field] of cases) {
      const r = await t.api('PATCH', `workflows/${wf.id}`, { body: { steps } });
      expect(r.statusCode, `${JSON.stringify(steps)}: ${r.body}`).toBe(422);
      expect(r.json().code).toBe('validation-failed');
      expect(
        r.json().errors.map((e: { field: string }) => e.field),
        JSON.stringify(steps),
      ).toContain(field);
    }
    // Nothing was saved.
    expect((await t.api('GET', `workflows/${wf.id}`)).json().steps).toEqual([]);
    // Creating with an invalid definition creates nothing.
    const before = (await t.api('GET', 'workflows?limit=500')).json().items.length;
    const r = await t.api('POST', 'workflows', {
      body: { name: 'Bad', primaryEntity: 'contact', steps: [{ type: 'add-web-role', webRoleId: newId() }] },
    });
    expect(r.statusCode).toBe(422);
    expect((await t.api('GET', 'workflows?limit=500')).json().items.length).toBe(before);
  });

  it('accepts every step type with valid references', async () => {
    const role = await make.webRole({ name: `Partners ${newId()}` });
    const account = await make.account({ name: 'Contoso' });
    const wf = await workflow();
    const tpl = (
      await t.api('POST', 'email-templates', {
        body: {
          workflowId: wf.id,
          name: 'Welcome',
          locale: 'en',
          subject: 'Hi {{ contact.firstName }}',
          html: '<p>Hi</p>',
          text: 'Hi',
        },
      })
    ).json();
    const steps = [
      { type: 'send-email', templateId: tpl.id },
      { type: 'send-email', templateId: tpl.id, to: 'desk@example.com' },
      { type: 'update-contact', fields: { firstName: 'Wendy', locale: 'da', loginEnabled: true } },
      { type: 'add-web-role', webRoleId: role.id },
      { type: 'remove-web-role', webRoleId: role.id },
      { type: 'set-account', accountId: account.id },
      { type: 'create-invitation', invitation: { expiresInDays: 14, webRoleIds: [role.id] }, send: true },
      { type: 'webhook', url: 'https://hooks.example.com/portal', event: 'contact.onboarded' },
      {
        type: 'condition',
        field: 'emailaddress1',
        operator: 'contains',
        value: '@example.com',
        then: [{ type: 'stop' }],
        else: [],
      },
      { type: 'stop' },
    ];
    const r = await t.api('PATCH', `workflows/${wf.id}`, { body: { steps } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().steps).toEqual(steps);
  });

  it('edits only deactivated workflows: 409 workflow-activated, then editable after deactivate', async () => {
    const wf = await activated([]);
    const r = await t.api('PATCH', `workflows/${wf.id}`, { body: { name: 'Renamed' } });
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('workflow-activated');
    expect((await t.api('POST', `workflows/${wf.id}/activate`)).statusCode).toBe(409);
    const off = await t.api('POST', `workflows/${wf.id}/deactivate`);
    expect(off.json().state).toBe('draft');
    const ok = await t.api('PATCH', `workflows/${wf.id}`, { body: { name: 'Renamed' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().name).toBe('Renamed');
  });

  it('deletes only unused drafts; the built-in workflow is never deleted', async () => {
    const unused = await workflow();
    expect((await t.api('DELETE', `workflows/${unused.id}`)).statusCode).toBe(204);
    expect((await t.api('GET', `workflows/${unused.id}`)).statusCode).toBe(404);

    const active = await activated([]);
    expect((await t.api('DELETE', `workflows/${active.id}`)).statusCode).toBe(409);

    const c = await contact();
    await runOn(active.id, c.id);
    await t.api('POST', `workflows/${active.id}/deactivate`);
    const used = await t.api('DELETE', `workflows/${active.id}`);
    expect(used.statusCode).toBe(409);
    expect(used.json().detail).toMatch(/has runs/);

    const referenced = await workflow();
    await t.api('POST', 'invitations', {
      body: { name: 'x', type: 'single', invitedContactIds: [c.id], redeemWorkflowId: referenced.id },
    });
    const r = await t.api('DELETE', `workflows/${referenced.id}`);
    expect(r.statusCode).toBe(409);
    expect(r.json().detail).toMatch(/invitation/);

    const builtIn = (await t.api('GET', 'workflows?limit=500'))
      .json()
      .items.find((w: { key: string }) => w.key === 'send-invitation');
    await t.api('POST', `workflows/${builtIn.id}/deactivate`);
    expect((await t.api('DELETE', `workflows/${builtIn.id}`)).statusCode).toBe(409);
    await t.api('POST', `workflows/${builtIn.id}/activate`);
  });

  it('ships the activated Send Invitation workflow with a Danish and an English template without From', async () => {
    const builtIn = (await t.api('GET', 'workflows?limit=500'))
      .json()
      .items.find((w: { key: string }) => w.key === 'send-invitation');
    expect(builtIn).toMatchObject({
      name: 'Send Invitation',
      primaryEntity: 'invitation',
      state: 'activated',
      steps: [{ type: 'send-invitation' }],
    });
    const templates = (await t.api('GET', `email-templates?workflowId=${builtIn.id}`)).json().items;
    expect(templates.map((x: { locale: string }) => x.locale).sort()).toEqual(['da', 'en']);
    for (const tpl of templates) {
      expect(tpl.from).toBeNull();
      for (const v of ['{{ code }}', '{{ redeem_url }}']) {
        expect(tpl.html).toContain(v);
        expect(tpl.text).toContain(v);
      }
    }
  });
});

describe('running workflows', () => {
  it('runs only activated workflows (409), and names unknown targets (422) without queuing anything', async () => {
    const draft = await workflow();
    const c = await contact();
    const r = await t.api('POST', `workflows/${draft.id}/run`, { body: { targetIds: [c.id] } });
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('conflict');
    const wf = await activated([]);
    const bad = await t.api('POST', `workflows/${wf.id}/run`, { body: { targetIds: [c.id, newId()] } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('targetIds');
    expect((await t.api('GET', `workflow-runs?workflowId=${wf.id}`)).json().items).toEqual([]);
  });

  it('queues one run per record (202) and keeps the history, filtered by workflow, record and status', async () => {
    const role = await make.webRole({ name: `Club ${newId()}` });
    const wf = await activated([
      { type: 'update-contact', fields: { lastName: 'Updated', locale: 'da' } },
      { type: 'add-web-role', webRoleId: role.id },
    ]);
    const [a, b] = [await contact(), await contact()];
    const r = await t.api('POST', `workflows/${wf.id}/run`, { body: { targetIds: [a.id, b.id, a.id] } });
    expect(r.statusCode).toBe(202);
    const items = r.json().items;
    expect(items.map((i: { targetId: string; status: string }) => [i.targetId, i.status])).toEqual([
      [a.id, 'queued'],
      [b.id, 'queued'],
    ]);
    expect((await t.api('GET', `workflow-runs?workflowId=${wf.id}&status=queued`)).json().items).toHaveLength(2);
    await runJobs();
    const run = (await t.api('GET', `workflow-runs/${items[0].id}`)).json();
    expect(run).toMatchObject({
      id: items[0].id,
      workflowId: wf.id,
      targetId: a.id,
      status: 'succeeded',
      error: null,
      trigger: 'on-demand',
    });
    expect(
      run.steps.map((s: { index: number; type: string; status: string; path: string }) => [
        s.index,
        s.path,
        s.type,
        s.status,
      ]),
    ).toEqual([
      [0, 'steps.0', 'update-contact', 'succeeded'],
      [1, 'steps.1', 'add-web-role', 'succeeded'],
    ]);
    for (const s of run.steps) {
      expect(s.startedAt <= s.finishedAt).toBe(true);
      expect(s.error).toBeNull();
    }
    const after = (await t.api('GET', `contacts/${a.id}`)).json();
    expect(after).toMatchObject({ lastName: 'Updated', locale: 'da', firstName: 'Wanda' });
    expect(after.webRoleIds).toContain(role.id);
    const byTarget = (await t.api('GET', `workflow-runs?targetId=${b.id}`)).json().items;
    expect(byTarget.map((x: { status: string }) => x.status)).toEqual(['succeeded']);
    expect((await t.api('GET', `workflow-runs?workflowId=${wf.id}&status=succeeded`)).json().items).toHaveLength(2);
    expect((await t.api('GET', `workflow-runs?workflowId=${wf.id}&status=failed`)).json().items).toHaveLength(0);
  });

  it('takes the then branch when the condition holds and the else branch when it does not', async () => {
    const vip = await make.webRole({ name: `VIP ${newId()}` });
    const regular = await make.webRole({ name: `Regular ${newId()}` });
    const wf = await activated([
      {
        type: 'condition',
        field: 'emailaddress1',
        operator: 'contains',
        value: '@VIP.example',
        then: [{ type: 'add-web-role', webRoleId: vip.id }],
        else: [{ type: 'add-web-role', webRoleId: regular.id }],
      },
      { type: 'update-contact', fields: { lastName: 'Sorted' } },
    ]);
    const big = await contact({ emailaddress1: `boss.${newId()}@vip.example.com` });
    const small = await contact();
    const runBig = await runOn(wf.id, big.id);
    const runSmall = await runOn(wf.id, small.id);
    expect(runBig.status).toBe('succeeded');
    expect(runBig.steps.map((s: { path: string }) => s.path)).toEqual(['steps.0', 'steps.0.then.0', 'steps.1']);
    expect(runBig.steps[0].detail).toMatchObject({ result: true, branch: 'then' });
    expect(runSmall.steps.map((s: { path: string }) => s.path)).toEqual(['steps.0', 'steps.0.else.0', 'steps.1']);
    expect(runSmall.steps[0].detail).toMatchObject({ result: false, branch: 'else' });
    const bigAfter = (await t.api('GET', `contacts/${big.id}`)).json();
    const smallAfter = (await t.api('GET', `contacts/${small.id}`)).json();
    expect(bigAfter.webRoleIds).toEqual([vip.id]);
    expect(smallAfter.webRoleIds).toEqual([regular.id]);
    expect(bigAfter.lastName).toBe('Sorted');
    expect(smallAfter.lastName).toBe('Sorted');
  });

  it('evaluates equals, not-equals, is-empty and is-not-empty; stop ends the run successfully', async () => {
    const wf = await activated([
      { type: 'condition', field: 'lastName', operator: 'equals', value: 'Flow', then: [], else: [{ type: 'stop' }] },
      {
        type: 'condition',
        field: 'emailaddress2',
        operator: 'is-empty',
        then: [{ type: 'update-contact', fields: { emailaddress2: 'second@example.com' } }],
      },
      {
        type: 'condition',
        field: 'emailaddress2',
        operator: 'is-not-empty',
        then: [{ type: 'update-contact', fields: { firstName: 'Second' } }],
      },
      {
        type: 'condition',
        field: 'firstName',
        operator: 'not-equals',
        value: 'Second',
        then: [{ type: 'update-contact', fields: { lastName: 'Wrong' } }],
      },
      { type: 'stop' },
      { type: 'update-contact', fields: { lastName: 'After stop' } },
    ]);
    const c = await contact();
    const run = await runOn(wf.id, c.id);
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((s: { path: string }) => s.path)).toEqual([
      'steps.0',
      'steps.1',
      'steps.1.then.0',
      'steps.2',
      'steps.2.then.0',
      'steps.3',
      'steps.4',
    ]);
    expect((await t.api('GET', `contacts/${c.id}`)).json()).toMatchObject({
      firstName: 'Second',
      lastName: 'Flow',
      emailaddress2: 'second@example.com',
    });

    const other = await contact({ lastName: 'Someone' });
    const stopped = await runOn(wf.id, other.id);
    expect(stopped.status).toBe('succeeded');
    expect(stopped.steps.map((s: { path: string; type: string }) => `${s.path}:${s.type}`)).toEqual([
      'steps.0:condition',
      'steps.0.else.0:stop',
    ]);
    expect((await t.api('GET', `contacts/${other.id}`)).json().emailaddress2).toBeNull();
  });

  it('a run on a workflow deactivated after queuing fails with the reason and does nothing', async () => {
    const wf = await activated([{ type: 'update-contact', fields: { lastName: 'Never' } }]);
    const c = await contact();
    const r = await t.api('POST', `workflows/${wf.id}/run`, { body: { targetIds: [c.id] } });
    await t.api('POST', `workflows/${wf.id}/deactivate`);
    await runJobs();
    const run = (await t.api('GET', `workflow-runs/${r.json().items[0].id}`)).json();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/deactivated/);
    expect((await t.api('GET', `contacts/${c.id}`)).json().lastName).toBe('Flow');
  });

  it('a step whose reference disappeared fails the run with the reason; a retry resumes after the succeeded steps', async () => {
    const role = await make.webRole({ name: `Gone ${newId()}` });
    const wf = await activated([
      { type: 'update-contact', fields: { firstName: 'Once' } },
      { type: 'add-web-role', webRoleId: role.id },
    ]);
    // The API refuses to delete a role a workflow names (409); the database can still lose it (a
    // restore, a hand edit): the run must fail with the reason then.
    expect((await t.api('DELETE', `web-roles/${role.id}`)).statusCode).toBe(409);
    await t.ctx.db.deleteFrom('web_roles').where('id', '=', role.id).execute();
    const c = await contact();
    const run = await runOn(wf.id, c.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^steps\.1 \(add-web-role\): .*no such web role/);
    expect(run.steps.map((s: { type: string; status: string }) => `${s.type}:${s.status}`)).toEqual([
      'update-contact:succeeded',
      'add-web-role:failed',
    ]);
    const audits = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('record_id', '=', c.id)
            .where('action', '=', 'update')
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await audits()).toBe(1);

    // Staff fix the definition and retry: step 0 is not done again.
    const role2 = await make.webRole({ name: `Back ${newId()}` });
    await t.api('POST', `workflows/${wf.id}/deactivate`);
    await t.api('PATCH', `workflows/${wf.id}`, {
      body: {
        steps: [
          { type: 'update-contact', fields: { firstName: 'Once' } },
          { type: 'add-web-role', webRoleId: role2.id },
        ],
      },
    });
    await t.api('POST', `workflows/${wf.id}/activate`);
    const retry = await t.api('POST', `workflow-runs/${run.id}/retry`);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().status).toBe('queued');
    await runJobs();
    const after = (await t.api('GET', `workflow-runs/${run.id}`)).json();
    expect(after.status).toBe('succeeded');
    expect(
      after.steps.map((s: { index: number; type: string; status: string }) => `${s.index}:${s.type}:${s.status}`),
    ).toEqual(['0:update-contact:succeeded', '1:add-web-role:failed', '2:add-web-role:succeeded']);
    expect(await audits()).toBe(1);
    expect((await t.api('GET', `contacts/${c.id}`)).json().webRoleIds).toEqual([role2.id]);
    expect((await t.api('POST', `workflow-runs/${run.id}/retry`)).statusCode).toBe(409);
  });

  it('create-invitation creates a single invitation for the contact and sends it with Send Invitation', async () => {
    const role = await make.webRole({ name: `Invited ${newId()}` });
    const wf = await activated([
      { type: 'create-invitation', invitation: { expiresInDays: 7, webRoleIds: [role.id], locale: 'da' }, send: true },
    ]);
    const c = await contact({ firstName: 'Nina' });
    const run = await runOn(wf.id, c.id);
    expect(run.status, run.error).toBe('succeeded');
    const created = run.steps[0].detail.invitations[0];
    const inv = (await t.api('GET', `invitations/${created.invitationId}`)).json();
    expect(inv).toMatchObject({
      type: 'single',
      invitedContactIds: [c.id],
      webRoleIds: [role.id],
      locale: 'da',
      status: 'sent',
      name: 'Invitation for Nina Flow',
    });
    expect(Date.parse(inv.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86400_000);
    const sendRun = (await t.api('GET', `workflow-runs/${created.sendRunId}`)).json();
    expect(sendRun).toMatchObject({ status: 'succeeded', trigger: 'workflow', targetId: inv.id });
    const emails = (await t.api('GET', `emails?regardingId=${inv.id}`)).json().items;
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ to: c.emailaddress1, status: 'sent', workflowRunId: sendRun.id });
    expect(emails[0].subject).toBe('Du er inviteret til Kundeportal');
  });
});

describe('dry run', () => {
  it('shows what each step would do for a record and changes nothing', async () => {
    const role = await make.webRole({ name: `Dry ${newId()}` });
    const wf = await workflow({
      steps: [
        { type: 'update-contact', fields: { lastName: 'Wet' } },
        {
          type: 'condition',
          field: 'locale',
          operator: 'equals',
          value: 'da',
          then: [{ type: 'add-web-role', webRoleId: role.id }],
          else: [{ type: 'stop' }],
        },
        { type: 'webhook', url: 'https://hooks.example.com/x', event: 'contact.checked' },
      ],
    });
    const c = await contact({ locale: 'da' });
    const jobsBefore = Number(
      (
        await t.ctx.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const r = await t.api('POST', `workflows/${wf.id}/dry-run`, { body: { targetId: c.id } });
    expect(r.statusCode, r.body).toBe(200);
    const steps = r.json().steps;
    expect(steps.map((s: { path: string }) => s.path)).toEqual(['steps.0', 'steps.1', 'steps.1.then.0', 'steps.2']);
    expect(steps[0].wouldDo).toMatch(/Would set lastName on Wanda Flow/);
    expect(steps[1].detail).toMatchObject({ result: true, branch: 'then' });
    expect(steps[2].wouldDo).toContain(role.name);
    expect(steps[3].wouldDo).toMatch(/Would POST the signed event "contact.checked"/);
    const after = (await t.api('GET', `contacts/${c.id}`)).json();
    expect(after.lastName).toBe('Flow');
    expect(after.webRoleIds).toEqual([]);
    expect(
      Number(
        (
          await t.ctx.db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(jobsBefore);
    expect((await t.api('GET', `workflow-runs?workflowId=${wf.id}`)).json().items).toEqual([]);
    expect((await t.api('POST', `workflows/${wf.id}/dry-run`, { body: { targetId: newId() } })).statusCode).toBe(422);
  });
});

describe('email templates', () => {
  const builtInTemplates = async () => {
    const builtIn = (await t.api('GET', 'workflows?limit=500'))
      .json()
      .items.find((w: { key: string }) => w.key === 'send-invitation');
    return { builtIn, templates: (await t.api('GET', `email-templates?workflowId=${builtIn.id}`)).json().items };
  };

  it('refuses editing an activated workflow’s template (409 workflow-activated) and allows it after deactivate', async () => {
    const { builtIn, templates } = await builtInTemplates();
    const en = templates.find((x: { locale: string }) => x.locale === 'en');
    const refused = await t.api('PATCH', `email-templates/${en.id}`, { body: { subject: 'Changed' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('workflow-activated');
    expect((await t.api('GET', `email-templates/${en.id}`)).json().subject).toBe(en.subject);

    await t.api('POST', `workflows/${builtIn.id}/deactivate`);
    try {
      const ok = await t.api('PATCH', `email-templates/${en.id}`, {
        body: { subject: 'Changed {{ contact.firstName }}', from: '"Partner desk" <desk@example.com>' },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({
        id: en.id,
        workflowId: builtIn.id,
        locale: 'en',
        subject: 'Changed {{ contact.firstName }}',
        from: '"Partner desk" <desk@example.com>',
      });
      const back = await t.api('PATCH', `email-templates/${en.id}`, { body: { subject: en.subject, from: null } });
      expect(back.json().from).toBeNull();
    } finally {
      await t.api('POST', `workflows/${builtIn.id}/activate`);
    }
  });

  it('refuses invalid Liquid with 422 naming the field, with line and column', async () => {
    const wf = await workflow();
    const tpl = (
      await t.api('POST', 'email-templates', {
        body: { workflowId: wf.id, name: 'Note', locale: 'en', subject: 'Hello', html: '<p>x</p>', text: 'x' },
      })
    ).json();
    const r = await t.api('PATCH', `email-templates/${tpl.id}`, {
      body: { html: '<p>ok</p>\n<p>{% if contact %}unclosed</p>' },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0].field).toBe('html');
    expect(r.json().errors[0].message).toMatch(/line 2, column \d+/);
    const s = await t.api('PATCH', `email-templates/${tpl.id}`, {
      body: { subject: 'Hi {{ contact.firstName | nosuchfilter }}' },
    });
    expect(s.statusCode).toBe(422);
    expect(s.json().errors[0]).toMatchObject({ field: 'subject' });
    expect(s.json().errors[0].message).toMatch(/line 1, column \d+/);
    const c = await t.api('POST', 'email-templates', {
      body: { workflowId: wf.id, name: 'Bad', locale: 'en', subject: 'x', html: 'x', text: '{{ ' },
    });
    expect(c.statusCode).toBe(422);
    expect(c.json().errors[0].field).toBe('text');
    // Same name and locale twice: 409.
    const dup = await t.api('POST', 'email-templates', {
      body: { workflowId: wf.id, name: 'Note', locale: 'en', subject: 'x', html: 'x', text: 'x' },
    });
    expect(dup.statusCode).toBe(409);
    // Templates are created for deactivated workflows only.
    const active = await activated([]);
    const refused = await t.api('POST', 'email-templates', {
      body: { workflowId: active.id, name: 'Note', locale: 'en', subject: 'x', html: 'x', text: 'x' },
    });
    expect(refused.json().code).toBe('workflow-activated');
  });

  it('previews a template for an invitation and a contact with a stand-in code, never the real one', async () => {
    const { templates } = await builtInTemplates();
    const da = templates.find((x: { locale: string }) => x.locale === 'da');
    const inviter = await contact({ firstName: 'Ida', lastName: 'Inviter' });
    const c = await contact({ firstName: 'Per <b>' });
    const inv = await make.invitation({
      name: 'Partner',
      type: 'single',
      invitedContactIds: [c.id],
      inviterContactId: inviter.id,
      expiresAt: '2099-03-15T14:00:00.000Z',
    });
    const r = await t.api('POST', `email-templates/${da.id}/preview`, {
      body: { invitationId: inv.id, contactId: c.id },
    });
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json();
    expect(p.subject).toBe('Ida Inviter inviterer dig til Kundeportal');
    expect(p.html).toContain('Hej Per &lt;b&gt;');
    expect(p.text).toContain('Hej Per <b>');
    expect(p.text).toContain('ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2-3456');
    expect(p.text).toContain('15. marts 2099');
    for (const part of [p.subject, p.html, p.text]) {
      expect(part).not.toContain(inv.code);
      expect(part).not.toContain(encodeURIComponent(inv.code));
    }
    // Nothing was sent or changed.
    expect((await t.api('GET', `emails?regardingId=${inv.id}`)).json().items).toEqual([]);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().status).toBe('new');
  });
});
