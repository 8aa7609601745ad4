// The back office's workflows: the view, the form-based step editor (conditions with then/else;
// add, remove and move without saving; errors at the step field with typed values kept), the
// read-only activated workflow, dry run, run history with Retry, and garbage that must never be a
// 500. Both databases.
import { describe, expect, it } from 'vitest';
import { signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { createLocalStoreTransport } from '../../email/transport.ts';
import { jobHandlers } from '../../jobs/job-registry.ts';
import { runDueJobsOnce } from '../../jobs/worker.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const make = factories(t, { contact: { firstName: 'Wanda', lastName: 'Flow' } });
const fast = { pollMs: 20, leaseMs: 2_000, backoff: { baseMs: 20, maxMs: 100 } };
const runJobs = () => runDueJobsOnce(t.ctx, jobHandlers(t.ctx, createLocalStoreTransport(t.ctx.config.dataDir)), fast);

async function apiWorkflow(body: Record<string, unknown> = {}) {
  const r = await t.api('POST', 'workflows', { body: { name: `Flow ${newId()}`, primaryEntity: 'contact', ...body } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

const countWorkflows = async () => (await t.api('GET', 'workflows?limit=500')).json().items.length as number;

/** The `<select name=…>`'s chosen value on a page. */
function selected(html: string, name: string): string | undefined {
  const start = html.indexOf(`name="${name}"`);
  if (start < 0) return undefined;
  const end = html.indexOf('</select>', start);
  return /<option value="([^"]*)" selected/.exec(html.slice(start, end))?.[1];
}

describe('workflows view and form', () => {
  it('lists workflows with name, primary entity, state and key, in Danish with ?lang=da', async () => {
    const staff = await signedInStaff(t.app);
    const wf = await apiWorkflow({ name: 'Velkomst' });
    const en = await staff.get('/admin/workflows?lang=en');
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('All Workflows');
    expect(en.body).toContain('Send Invitation');
    expect(en.body).toContain('send-invitation');
    expect(en.body).toContain(`/admin/workflows/${wf.id}`);
    expect(en.body).toContain('+ New');
    const da = await staff.get('/admin/workflows?lang=da');
    for (const word of ['Arbejdsprocesser', 'Primært objekt', 'Kladde', 'Aktiveret', '+ Ny', 'Ændret'])
      expect(da.body).toContain(word);
    // Sorted by name both ways, with the API's keyset cursor under the hood.
    await apiWorkflow({ name: 'Aaa first' });
    const asc = (await staff.get('/admin/workflows?sort=name&dir=asc')).body;
    expect(asc.indexOf('Aaa first')).toBeLessThan(asc.indexOf('Velkomst'));
    expect(asc).toContain('aria-sort="ascending"');
    const desc = (await staff.get('/admin/workflows?sort=name&dir=desc')).body;
    expect(desc.indexOf('Velkomst')).toBeLessThan(desc.indexOf('Aaa first'));
    expect((await staff.get('/admin/workflows?sort=updatedAt&dir=desc&cursor=junk')).statusCode).toBeLessThan(500);
    const drafts = await staff.get('/admin/workflows?state=draft&primaryEntity=contact');
    expect(drafts.body).toContain('Velkomst');
    expect(drafts.body).not.toContain('>Send Invitation<');
  });

  it('creates a workflow with a condition holding then and else steps through the form', async () => {
    const staff = await signedInStaff(t.app);
    const role = await make.webRole({ name: `Partner ${newId()}` });
    const account = await make.account();
    const res = await staff.post('/admin/workflows/new?lang=en', {
      name: 'Partner onboarding',
      description: 'Sorts partners',
      primaryEntity: 'contact',
      'steps.0.type': 'update-contact',
      'steps.0.fields.firstName': 'Welcome',
      'steps.0.fields.lastName.clear': ['false', 'true'],
      'steps.0.fields.loginEnabled': 'true',
      'steps.1.type': 'condition',
      'steps.1.field': 'lastName',
      'steps.1.operator': 'equals',
      'steps.1.value': 'Flow',
      'steps.1.then.0.type': 'add-web-role',
      'steps.1.then.0.webRoleIdLookup': role.name,
      'steps.1.then.1.type': 'set-account',
      'steps.1.then.1.accountIdLookup': account.name,
      'steps.1.else.0.type': 'condition',
      'steps.1.else.0.field': 'emailaddress2',
      'steps.1.else.0.operator': 'is-empty',
      'steps.1.else.0.value': 'ignored',
      'steps.1.else.0.then.0.type': 'stop',
      'steps.2.type': 'webhook',
      'steps.2.url': 'https://hooks.example.com/partner',
      'steps.2.event': 'partner.sorted',
      _action: 'save',
    });
    const id = /\/admin\/workflows\/([0-9a-f-]{36})/.exec(String(res.headers.location))?.[1];
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    const wf = (await t.api('GET', `workflows/${id}`)).json();
    expect(wf).toMatchObject({
      name: 'Partner onboarding',
      description: 'Sorts partners',
      primaryEntity: 'contact',
      state: 'draft',
    });
    expect(wf.steps).toEqual([
      { type: 'update-contact', fields: { firstName: 'Welcome', lastName: null, loginEnabled: true } },
      {
        type: 'condition',
        field: 'lastName',
        operator: 'equals',
        value: 'Flow',
        then: [
          { type: 'add-web-role', webRoleId: role.id },
          { type: 'set-account', accountId: account.id },
        ],
        else: [{ type: 'condition', field: 'emailaddress2', operator: 'is-empty', then: [{ type: 'stop' }], else: [] }],
      },
      { type: 'webhook', url: 'https://hooks.example.com/partner', event: 'partner.sorted' },
    ]);
    // The form shows the saved steps again, look-ups by name.
    const page = await staff.get(`/admin/workflows/${id}`);
    expect(page.statusCode).toBe(200);
    expect(selected(page.body, 'steps.1.type')).toBe('condition');
    expect(selected(page.body, 'steps.1.else.0.operator')).toBe('is-empty');
    expect(page.body).toContain(`name="steps.1.then.0.webRoleIdLookup" value="${role.name}"`);
    expect(page.body).toContain(`name="steps.1.then.0.webRoleId" value="${role.id}"`);
    expect(page.body).toMatch(/id="f-steps-0-fields-lastName-clear"[^>]*checked/);
    // Type-ahead targets a selector that exists (ids without dots).
    expect(page.body).toContain('hx-target="#f-steps-1-then-0-webRoleId-options"');
    expect(page.body).toContain('<datalist id="f-steps-1-then-0-webRoleId-options">');
    // Every control has its own id and a label that points at it.
    const ids = [...page.body.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length - new Set(ids).size, 'duplicate ids').toBe(0);
    for (const m of page.body.matchAll(/<(?:input|select|textarea) [^>]*id="([^"]+)"/g))
      if (!/type="hidden"/.test(m[0])) expect(page.body, `label for ${m[1]}`).toContain(`for="${m[1]}"`);
  });

  it('saves send-email (template choice, optional to) and create-invitation (settings, send) steps', async () => {
    const staff = await signedInStaff(t.app);
    const wf = await apiWorkflow({ name: 'Invite colleagues' });
    const tpl = (
      await t.api('POST', 'email-templates', {
        body: { workflowId: wf.id, name: 'Hello', locale: 'en', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' },
      })
    ).json();
    const role = await make.webRole({ name: `Colleague ${newId()}` });
    const page = await staff.get(`/admin/workflows/${wf.id}`);
    expect(page.body).toContain(`href="/admin/email-templates/${tpl.id}"`);
    const saved = await staff.post(`/admin/workflows/${wf.id}`, {
      name: 'Invite colleagues',
      'steps.0.type': 'send-email',
      'steps.0.templateId': tpl.id,
      'steps.0.to': 'desk@example.com',
      'steps.1.type': 'send-email',
      'steps.1.templateId': tpl.id,
      'steps.1.to': '',
      'steps.2.type': 'create-invitation',
      'steps.2.invitation.name': 'Colleague invitation',
      'steps.2.invitation.expiresInDays': '7',
      'steps.2.invitation.webRoleIdsLookup': role.name,
      'steps.2.invitation.binding': 'email-domain',
      'steps.2.invitation.allowedDomains': 'example.com\nexample.org',
      'steps.2.invitation.locale': 'da',
      'steps.2.send': ['false', 'true'],
      _action: 'save',
    });
    expect(saved.statusCode, saved.body.slice(0, 2000)).toBe(303);
    expect((await t.api('GET', `workflows/${wf.id}`)).json().steps).toEqual([
      { type: 'send-email', templateId: tpl.id, to: 'desk@example.com' },
      { type: 'send-email', templateId: tpl.id },
      {
        type: 'create-invitation',
        invitation: {
          name: 'Colleague invitation',
          expiresInDays: 7,
          webRoleIds: [role.id],
          binding: 'email-domain',
          allowedDomains: ['example.com', 'example.org'],
          locale: 'da',
        },
        send: true,
      },
    ]);
    const again = await staff.get(`/admin/workflows/${wf.id}`);
    expect(again.body).toMatch(new RegExp(`name="steps.2.invitation.webRoleIds" value="${role.id}" checked`));
    expect(again.body).toContain(role.name);
    // A wrong number of days is refused at its field, typed text kept.
    const bad = await staff.post(`/admin/workflows/${wf.id}`, {
      name: 'Invite colleagues',
      'steps.0.type': 'create-invitation',
      'steps.0.invitation.expiresInDays': 'soon',
      _action: 'save',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="f-steps-0-invitation-expiresInDays-error"');
    expect(bad.body).toContain('value="soon"');
  });

  it('adds, removes and moves steps without saving, nested lists included', async () => {
    const staff = await signedInStaff(t.app);
    const before = await countWorkflows();
    const base = { name: 'Draft only', primaryEntity: 'contact' };
    const added = await staff.post('/admin/workflows/new', { ...base, 'add.steps': 'webhook', _action: 'add:steps' });
    expect(added.statusCode).toBe(200);
    expect(selected(added.body, 'steps.0.type')).toBe('webhook');
    expect(added.body).toContain('name="steps.0.url"');
    expect(added.body).toContain('value="Draft only"');

    const two = {
      ...base,
      'steps.0.type': 'webhook',
      'steps.0.url': 'https://a.example.com/',
      'steps.0.event': 'first',
      'steps.1.type': 'condition',
      'steps.1.field': 'lastName',
      'steps.1.operator': 'contains',
      'steps.1.value': 'x',
    };
    const moved = await staff.post('/admin/workflows/new', { ...two, _action: 'up:steps.1' });
    expect(selected(moved.body, 'steps.0.type')).toBe('condition');
    expect(selected(moved.body, 'steps.1.type')).toBe('webhook');
    expect(moved.body).toContain('name="steps.1.url" type="url" value="https://a.example.com/"');
    const down = await staff.post('/admin/workflows/new', { ...two, _action: 'down:steps.0' });
    expect(selected(down.body, 'steps.0.type')).toBe('condition');

    const nested = await staff.post('/admin/workflows/new', {
      ...two,
      'add.steps.1.else': 'stop',
      _action: 'add:steps.1.else',
    });
    expect(selected(nested.body, 'steps.1.else.0.type')).toBe('stop');
    expect(nested.body).toContain('data-step="steps.1.else.0"');

    const removed = await staff.post('/admin/workflows/new', { ...two, _action: 'remove:steps.0' });
    expect(selected(removed.body, 'steps.0.type')).toBe('condition');
    expect(removed.body).not.toContain('name="steps.1.type"');
    expect(await countWorkflows()).toBe(before);
  });

  it('shows save errors at the step field that failed and keeps what was typed', async () => {
    const staff = await signedInStaff(t.app);
    const before = await countWorkflows();
    const res = await staff.post('/admin/workflows/new?lang=en', {
      name: 'Broken',
      primaryEntity: 'contact',
      'steps.0.type': 'webhook',
      'steps.0.url': 'not a url',
      'steps.0.event': 'ok.event',
      'steps.1.type': 'condition',
      'steps.1.field': 'lastName',
      'steps.1.operator': 'equals',
      'steps.1.value': 'Typed value',
      'steps.1.then.0.type': 'add-web-role',
      'steps.1.then.0.webRoleIdLookup': 'No such role anywhere',
      _action: 'save',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('id="f-steps-0-url-error"');
    expect(res.body).toContain('id="f-steps-1-then-0-webRoleId-error"');
    expect(res.body).toContain('value="not a url"');
    expect(res.body).toContain('value="Typed value"');
    expect(res.body).toContain('value="No such role anywhere"');
    expect(res.body).toContain('data-error-field="steps.0.url"');

    // The service's own checks (fields of the primary record) land at their step field too.
    const svc = await staff.post('/admin/workflows/new?lang=en', {
      name: 'Shoe',
      primaryEntity: 'contact',
      'steps.0.type': 'condition',
      'steps.0.field': 'shoeSize',
      'steps.0.operator': 'is-not-empty',
      _action: 'save',
    });
    expect(svc.statusCode).toBe(422);
    expect(svc.body).toMatch(/id="f-steps-0-field-error">Is not a field of the contact/);
    expect(selected(svc.body, 'steps.0.field')).toBe('shoeSize');
    expect(await countWorkflows()).toBe(before);
  });

  it('an activated workflow is read-only and an edit is refused with workflow-activated', async () => {
    const staff = await signedInStaff(t.app);
    const wf = await apiWorkflow({ name: 'Locked', steps: [{ type: 'stop' }] });
    await staff.post(`/admin/workflows/${wf.id}/activate`);
    expect((await t.api('GET', `workflows/${wf.id}`)).json().state).toBe('activated');
    const page = await staff.get(`/admin/workflows/${wf.id}`);
    expect(page.body).toContain('data-read-only');
    expect(page.body).toContain('<fieldset class="plain" disabled');
    expect(page.body).not.toContain('value="add:steps"');
    expect(page.body).toContain('Deactivate');
    const refused = await staff.post(`/admin/workflows/${wf.id}`, {
      name: 'Changed',
      'steps.0.type': 'stop',
      _action: 'save',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('data-code="workflow-activated"');
    expect(refused.body).toContain('disabled');
    expect((await t.api('GET', `workflows/${wf.id}`)).json().name).toBe('Locked');

    const off = await staff.post(`/admin/workflows/${wf.id}/deactivate`);
    expect(off.statusCode).toBe(303);
    const saved = await staff.post(`/admin/workflows/${wf.id}`, {
      name: 'Changed',
      'steps.0.type': 'stop',
      _action: 'save',
    });
    expect(saved.statusCode).toBe(303);
    expect((await t.api('GET', `workflows/${wf.id}`)).json().name).toBe('Changed');
  });

  it('a dry run on a chosen record shows what each step would do', async () => {
    const staff = await signedInStaff(t.app);
    const wf = await apiWorkflow({
      steps: [
        { type: 'condition', field: 'lastName', operator: 'equals', value: 'flow', then: [{ type: 'stop' }], else: [] },
      ],
    });
    const c = await make.contact();
    const form = await staff.get(`/admin/workflows/${wf.id}/dry-run`);
    expect(form.body).toContain('data-lookup="contacts"');
    const r = await staff.post(`/admin/workflows/${wf.id}/dry-run?lang=en`, { targetIdLookup: c.emailaddress1 });
    expect(r.statusCode, r.body.slice(0, 1500)).toBe(200);
    expect(r.body).toContain('data-path="steps.0"');
    expect(r.body).toContain('data-path="steps.0.then.0"');
    expect(r.body).toContain('would run the then steps');
    const none = await staff.post(`/admin/workflows/${wf.id}/dry-run`, { targetIdLookup: 'nobody at all' });
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('id="f-targetId-error"');
  });

  it('rotates the webhook secret after a confirmation and shows it once; deletes a draft after one', async () => {
    const staff = await signedInStaff(t.app);
    const wf = await apiWorkflow();
    expect((await staff.get(`/admin/workflows/${wf.id}/rotate-secret`)).body).toContain('<form method="post"');
    const r = await staff.post(`/admin/workflows/${wf.id}/rotate-secret`);
    expect(r.statusCode).toBe(200);
    const secret = /data-secret[^>]*|value="(whsec_[^"]+)"/.exec(r.body);
    expect(r.body).toMatch(/value="whsec_[A-Za-z0-9+/]{32}"/);
    expect(secret).toBeTruthy();
    expect((await staff.get(`/admin/workflows/${wf.id}`)).body).not.toContain('whsec_');
    expect((await staff.get(`/admin/workflows/${wf.id}/delete`)).statusCode).toBe(200);
    const del = await staff.post(`/admin/workflows/${wf.id}/delete`);
    expect(del.statusCode).toBe(303);
    expect((await t.api('GET', `workflows/${wf.id}`)).statusCode).toBe(404);
  });

  it('speaks Danish on the form with ?lang=da', async () => {
    const staff = await signedInStaff(t.app);
    const res = await staff.post('/admin/workflows/new?lang=da', {
      name: 'Dansk',
      primaryEntity: 'contact',
      'steps.0.type': 'condition',
      'steps.0.field': 'lastName',
      'steps.0.operator': 'is-empty',
      _action: 'apply:steps.0',
    });
    for (const word of [
      'Ny arbejdsproces',
      'Tilføj trin',
      'Betingelse',
      'Så',
      'Ellers',
      'Fjern',
      'Primært objekt',
      'er tom',
    ])
      expect(res.body).toContain(word);
    const bad = await staff.post('/admin/workflows/new?lang=da', { primaryEntity: 'contact', _action: 'save' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Udfyld dette felt.');
  });
});

describe('workflow runs', () => {
  it('lists runs with filters, shows a run with its step log, and retries a failed run', async () => {
    const staff = await signedInStaff(t.app);
    const role = await make.webRole({ name: `Gone ${newId()}` });
    const wf = await apiWorkflow({
      name: 'Fails',
      steps: [
        { type: 'update-contact', fields: { firstName: 'Once' } },
        { type: 'add-web-role', webRoleId: role.id },
      ],
    });
    expect((await t.api('POST', `workflows/${wf.id}/activate`)).statusCode).toBe(200);
    await t.ctx.db.deleteFrom('web_roles').where('id', '=', role.id).execute();
    const c = await make.contact();
    const started = await t.api('POST', `workflows/${wf.id}/run`, { body: { targetIds: [c.id] } });
    const runId = started.json().items[0].id;
    await runJobs();
    expect((await t.api('GET', `workflow-runs/${runId}`)).json().status).toBe('failed');

    const view = await staff.get(`/admin/workflow-runs?workflowId=${wf.id}&status=failed`);
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain(`/admin/workflow-runs/${runId}`);
    expect(view.body).toContain('Once Flow');
    const none = await staff.get(`/admin/workflow-runs?workflowId=${wf.id}&status=succeeded`);
    expect(none.body).not.toContain(`/admin/workflow-runs/${runId}`);
    const byTarget = await staff.get(`/admin/workflow-runs?targetId=${c.id}`);
    expect(byTarget.body).toContain(`/admin/workflow-runs/${runId}`);

    const page = await staff.get(`/admin/workflow-runs/${runId}?lang=en`);
    expect(page.body).toContain('data-step-index="0" data-step-status="succeeded"');
    expect(page.body).toContain('data-step-index="1" data-step-status="failed"');
    expect(page.body).toContain('no such web role');
    expect(page.body).toContain('data-retry');
    const retry = await staff.post(`/admin/workflow-runs/${runId}/retry`);
    expect(retry.statusCode).toBe(303);
    expect((await t.api('GET', `workflow-runs/${runId}`)).json().status).toBe('queued');
    expect((await staff.get(`/admin/workflow-runs/${runId}`)).body).not.toContain('data-retry');
    // Retrying a run that is not failed is the API's 409, as a page.
    const again = await staff.post(`/admin/workflow-runs/${runId}/retry`);
    expect(again.statusCode).toBe(409);
    const da = await staff.get(`/admin/workflow-runs/${runId}?lang=da`);
    expect(da.body).toContain('Trinlog');
  });
});

describe('garbage never makes a 500', () => {
  it('answers odd step fields, actions, filters and ids calmly', async () => {
    const staff = await signedInStaff(t.app);
    const odd = await staff.post('/admin/workflows/new', {
      name: 'Odd',
      primaryEntity: 'nonsense',
      'steps.0.type': 'bogus',
      'steps.0.then.0.type': 'stop',
      'steps.999.type': 'stop',
      'steps.x.type': 'stop',
      'steps.1.type': 'create-invitation',
      'steps.1.invitation.expiresInDays': 'soon',
      'steps.1.invitation.webRoleIds': ['not-an-id'],
      'steps.1.invitation.binding': 'whatever',
      'steps.2.type': 'update-contact',
      'steps.2.fields.loginEnabled': 'maybe',
      'steps.2.fields.locale': 'xx',
      _action: 'save',
    });
    expect(odd.statusCode).toBe(422);
    for (const action of ['remove:steps.77', 'up:garbage', 'down:steps.0.then.9', 'add:steps.5.else', 'add:', 'zap'])
      expect((await staff.post('/admin/workflows/new', { 'steps.0.type': 'stop', _action: action })).statusCode).toBe(
        200,
      );
    for (const url of [
      '/admin/workflow-runs?status=zzz&workflowId=nope&targetId=1',
      '/admin/workflows?state=zzz&primaryEntity=1',
      '/admin/workflows/not-an-id',
      '/admin/workflow-runs/not-an-id',
      `/admin/workflows/${newId()}`,
      '/admin/email-templates/new?workflowId=zz',
    ]) {
      const r = await staff.get(url);
      expect(r.statusCode, url).toBeLessThan(500);
    }
    const cursor = await staff.get('/admin/workflow-runs?cursor=%%%garbage');
    expect(cursor.statusCode).toBeLessThan(500);
  });
});
