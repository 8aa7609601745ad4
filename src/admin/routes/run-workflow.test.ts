// Run Workflow from the back office: the chooser (Send Invitation and the activated workflows of the
// entity), 50 selected invitations ending with 50 runs succeeded and 50 emails on a real SMTP
// server, the progress page (polling while unfinished, each failure with its reason), and no 500 on
// garbage. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/app.ts';
import { type AdminClient, signedInStaff } from '../../../test/helpers/admin.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { createSmtpTransport, type MailTransport } from '../../email/transport.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../../email/testing/smtp-test-server.ts';
import { jobHandlers } from '../../jobs/job-registry.ts';
import { runDueJobsOnce } from '../../jobs/worker.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const { contact, invitation } = factories(t, {
  contact: { firstName: 'Ann', lastName: 'Berg' },
  invitation: { name: 'Partner portal', type: 'single' },
});
let smtp: TestSmtpServer;
let transport: MailTransport;
let sendInvitationId: string;
let contactWorkflowId: string;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  transport = createSmtpTransport(smtp.url);
  const wfs = (await t.api('GET', 'workflows?limit=500')).json().items;
  sendInvitationId = wfs.find((w: { key: string }) => w.key === 'send-invitation').id;
  const created = await t.api('POST', 'workflows', {
    body: {
      name: 'Welcome contacts',
      primaryEntity: 'contact',
      steps: [{ type: 'update-contact', fields: { locale: 'da' } }],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  contactWorkflowId = created.json().id;
  expect((await t.api('POST', `workflows/${contactWorkflowId}/activate`)).statusCode).toBe(200);
});
afterAll(async () => {
  await transport.close();
  await smtp.close();
});

const fast = { pollMs: 20, leaseMs: 2_000, backoff: { baseMs: 20, maxMs: 100 } };
const runJobs = () => runDueJobsOnce(t.ctx, jobHandlers(t.ctx, transport), fast);

const total = (body: string, status: string) =>
  Number(new RegExp(`data-total="${status}">[\\s\\S]*?<strong>(\\d+)</strong>`).exec(body)?.[1] ?? -1);

async function start(client: AdminClient, ids: string[], workflowId = sendInvitationId, entity = 'invitation') {
  const res = await client.post('/admin/run-workflow', { entity, ids, workflowId });
  expect(res.statusCode, res.body.slice(0, 1200)).toBe(303);
  const location = String(res.headers.location);
  expect(location).toMatch(/^\/admin\/run-workflow\/progress\?/);
  return location;
}

describe('Run Workflow', () => {
  it('offers Send Invitation and the activated workflows of the entity, carrying the selection', async () => {
    const staff = await signedInStaff(t.app);
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    const onInvitations = await staff.post('/admin/run-workflow', { entity: 'invitation', ids: inv.id });
    expect(onInvitations.statusCode).toBe(200);
    expect(onInvitations.body).toContain('>Send Invitation<');
    expect(onInvitations.body).toContain(`value="${sendInvitationId}"`);
    expect(onInvitations.body).not.toContain(`value="${contactWorkflowId}"`);
    expect(onInvitations.body).toContain(`name="ids" value="${inv.id}"`);
    const onContacts = await staff.post('/admin/run-workflow', { entity: 'contact', ids: c.id });
    expect(onContacts.body).toContain(`value="${contactWorkflowId}"`);
    expect(onContacts.body).toContain('>Welcome contacts<');
    expect(onContacts.body).not.toContain(`value="${sendInvitationId}"`);
  });

  it('Send Invitation on 50 selected invitations ends with 50 runs succeeded and 50 emails sent', async () => {
    const staff = await signedInStaff(t.app);
    const ids: string[] = [];
    const addresses: string[] = [];
    for (let i = 0; i < 50; i++) {
      const c = await contact();
      addresses.push(c.emailaddress1);
      ids.push((await invitation({ invitedContactIds: [c.id], name: `Fifty ${i}` })).id);
    }
    const location = await start(staff, ids);

    const before = await staff.get(location);
    expect(before.statusCode).toBe(200);
    expect(total(before.body, 'all')).toBe(50);
    expect(total(before.body, 'queued')).toBe(50);
    // Unfinished: htmx polls the fragment every second, and without JavaScript the page refreshes.
    expect(before.body).toContain('hx-trigger="every 1s"');
    expect(before.body).toMatch(/<noscript><meta http-equiv="refresh" content="2"\/?><\/noscript>/);
    expect(before.body).toContain('data-finished="false"');

    await runJobs();
    const fragmentUrl = /hx-get="([^"]+)"/.exec(before.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const fragment = await staff.get(fragmentUrl);
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body.startsWith('<div id="run-progress"')).toBe(true);
    expect(total(fragment.body, 'succeeded')).toBe(50);
    expect(fragment.body).toContain('data-finished="true"');
    expect(fragment.body).not.toContain('hx-trigger');

    const after = await staff.get(location);
    expect(total(after.body, 'succeeded')).toBe(50);
    expect(total(after.body, 'failed')).toBe(0);
    expect(after.body).not.toContain('http-equiv="refresh"');
    for (const address of addresses) expect(smtp.received.filter((m) => m.to.includes(address))).toHaveLength(1);
    for (const id of ids) expect((await t.api('GET', `invitations/${id}`)).json().status).toBe('sent');
  });

  it('lists each failure with its reason', async () => {
    const staff = await signedInStaff(t.app);
    const c = await contact();
    const good = await invitation({ invitedContactIds: [c.id], name: 'Goes out' });
    const off = await invitation({ invitedContactIds: [c.id], name: 'Switched off' });
    expect((await t.api('POST', `invitations/${off.id}/deactivate`)).statusCode).toBe(200);
    const location = await start(staff, [good.id, off.id]);
    await runJobs();
    const page = await staff.get(location);
    expect(total(page.body, 'succeeded')).toBe(1);
    expect(total(page.body, 'failed')).toBe(1);
    const run = (await t.api('GET', `workflow-runs?targetId=${off.id}`)).json().items[0];
    expect(run.status).toBe('failed');
    expect(run.error).toBeTruthy();
    const failure = new RegExp(`data-failed-run="${run.id}">[\\s\\S]*?Switched off[\\s\\S]*?</li>`).exec(
      page.body,
    )?.[0];
    expect(failure).toBeTruthy();
    const escaped = run.error
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;');
    expect(failure).toContain(escaped);
  });

  it('runs a contact workflow on selected contacts', async () => {
    const staff = await signedInStaff(t.app);
    const c1 = await contact();
    const c2 = await contact();
    const location = await start(staff, [c1.id, c2.id], contactWorkflowId, 'contact');
    await runJobs();
    const page = await staff.get(location);
    expect(total(page.body, 'succeeded')).toBe(2);
    expect(page.body).toContain(`/admin/contacts/${c1.id}`);
  });

  it('refuses garbage with readable pages, never a 500', async () => {
    const staff = await signedInStaff(t.app);
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    const checks: Array<[Promise<{ statusCode: number }>, number]> = [
      [staff.post('/admin/run-workflow', { entity: 'account', ids: inv.id }), 422],
      [staff.post('/admin/run-workflow', { entity: 'invitation' }), 422],
      [staff.post('/admin/run-workflow', { entity: 'invitation', ids: 'nope' }), 422],
      [staff.post('/admin/run-workflow', { entity: 'invitation', ids: inv.id, workflowId: 'nope' }), 422],
      [staff.post('/admin/run-workflow', { entity: 'invitation', ids: inv.id, workflowId: newId() }), 404],
      [staff.post('/admin/run-workflow', { entity: 'invitation', ids: inv.id, workflowId: contactWorkflowId }), 422],
      [staff.post('/admin/run-workflow', { entity: 'invitation', ids: newId(), workflowId: sendInvitationId }), 422],
      [staff.post('/admin/run-workflow', { entity: 'invitation', ids: inv.id }, { csrf: false }), 403],
      [staff.get('/admin/run-workflow/progress'), 404],
      [staff.get('/admin/run-workflow/progress?workflowId=x&first=y&last=z'), 404],
      [staff.get(`/admin/run-workflow/progress?workflowId=${sendInvitationId}&first=${newId()}&last=${newId()}`), 404],
      [staff.get(`/admin/run-workflow/progress/fragment?workflowId=${newId()}&first=${newId()}&last=${newId()}`), 404],
    ];
    for (const [res, status] of checks) expect((await res).statusCode).toBe(status);
  });
});
