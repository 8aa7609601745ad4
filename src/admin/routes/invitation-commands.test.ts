// The invitations' commands in the back office: Copy link (admins only, audited), Deactivate
// (confirmed) and Activate on one invitation and on selected rows, Delete while new only, and no
// 500 on garbage input. Both databases.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/app.ts';
import { signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const { contact, invitation } = factories(t, {
  contact: { firstName: 'Ann', lastName: 'Berg' },
  invitation: { name: 'Partner portal', type: 'single' },
});

const getInv = async (id: string) => (await t.api('GET', `invitations/${id}`)).json();

describe('Copy link, Deactivate / Activate, Delete', () => {
  it('Copy link is for admins only, shows the code and link, and is audited', async () => {
    const admin = await signedInAdmin(t.app);
    const staff = await signedInStaff(t.app);
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    const staffForm = await staff.get(`/admin/invitations/${inv.id}`);
    expect(staffForm.body).not.toContain('data-command="copy-link"');
    const refused = await staff.post(`/admin/invitations/${inv.id}/link`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain(inv.code);

    const adminForm = await admin.get(`/admin/invitations/${inv.id}`);
    expect(adminForm.body).toContain('data-command="copy-link"');
    const shown = await admin.post(`/admin/invitations/${inv.id}/link`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain(`value="${inv.code}"`);
    expect(shown.body).toContain(inv.redeemUrl);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('record_id', '=', inv.id)
      .where('action', '=', 'reveal-link')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe(t.adminId);
  });

  it('Deactivate asks first, then Activate restores; on selected rows too', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    const ask = await admin.get(`/admin/invitations/${inv.id}/deactivate`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain(`action="/admin/invitations/${inv.id}/deactivate"`);
    expect((await admin.post(`/admin/invitations/${inv.id}/deactivate`)).statusCode).toBe(303);
    expect((await getInv(inv.id)).status).toBe('inactive');
    expect((await admin.post(`/admin/invitations/${inv.id}/activate`)).statusCode).toBe(303);
    expect((await getInv(inv.id)).status).toBe('new');

    const other = await invitation({ invitedContactIds: [c.id] });
    const confirm = await admin.post('/admin/invitations/deactivate', { ids: [inv.id, other.id] });
    expect(confirm.statusCode).toBe(200);
    expect((await getInv(inv.id)).status).toBe('new');
    const done = await admin.post('/admin/invitations/deactivate', { ids: [inv.id, other.id], confirmed: 'true' });
    expect(done.statusCode).toBe(303);
    expect((await getInv(inv.id)).status).toBe('inactive');
    expect((await getInv(other.id)).status).toBe('inactive');
    expect((await admin.post('/admin/invitations/activate', { ids: [inv.id, other.id] })).statusCode).toBe(303);
    expect((await getInv(other.id)).status).toBe('new');
  });

  it('Delete is offered and allowed only while the invitation is new', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await contact();
    const fresh = await invitation({ invitedContactIds: [c.id] });
    const sent = await invitation({ invitedContactIds: [c.id] });
    await t.ctx.db
      .updateTable('invitations')
      .set({ status: 'sent', sent_at: new Date().toISOString() })
      .where('id', '=', sent.id)
      .execute();
    expect((await admin.get(`/admin/invitations/${sent.id}`)).body).not.toContain(
      `/admin/invitations/${sent.id}/delete`,
    );
    expect((await admin.get(`/admin/invitations/${sent.id}/delete`)).statusCode).toBe(409);
    expect((await admin.post(`/admin/invitations/${sent.id}/delete`)).statusCode).toBe(409);
    expect((await getInv(sent.id)).status).toBe('sent');

    expect((await admin.get(`/admin/invitations/${fresh.id}`)).body).toContain(`/admin/invitations/${fresh.id}/delete`);
    const ask = await admin.get(`/admin/invitations/${fresh.id}/delete`);
    expect(ask.statusCode).toBe(200);
    expect((await admin.post(`/admin/invitations/${fresh.id}/delete`)).statusCode).toBe(303);
    expect((await t.api('GET', `invitations/${fresh.id}`)).statusCode).toBe(404);
  });
});

describe('garbage input', () => {
  it('answers with readable pages and the API’s statuses, never a 500', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    const checks: Array<[Promise<{ statusCode: number }>, number]> = [
      [admin.get('/admin/invitations/not-an-id'), 404],
      [admin.get(`/admin/invitations/${newId()}`), 404],
      [admin.get('/admin/invitations?cursor=garbage'), 422],
      [admin.get('/admin/invitations?sort=name&cursor=%%%'), 422],
      [admin.get('/admin/invitations?sort=nonsense&dir=sideways'), 200],
      [admin.get('/admin/redemptions?cursor=garbage'), 422],
      [admin.post('/admin/invitations/new', { name: 'x', type: 'group', maxRedemptions: '99999999999' }), 422],
      [admin.post('/admin/invitations/new', { name: 'x', expiresAt: 'tomorrow-ish', invitedContactIds: c.id }), 422],
      [
        admin.post('/admin/invitations/new', { name: 'x', expiresAt: '2001-01-01T00:00', invitedContactIds: c.id }),
        422,
      ],
      [admin.post('/admin/invitations/new', { name: 'x', invitedContactIds: 'not-an-id' }), 422],
      [admin.post('/admin/invitations/new', { name: 'x', invitedContactIds: c.id, binding: 'weird' }), 422],
      [admin.post('/admin/invitations/new', { name: 'x', invitedContactIds: c.id, locale: 'xx' }), 422],
      [admin.post(`/admin/invitations/${inv.id}`, { name: 'x', invitedContactIds: c.id, ownerId: 'zzz' }), 303],
      [admin.post('/admin/invitations/deactivate', {}), 422],
      [admin.post('/admin/invitations/activate', { ids: 'nope' }), 422],
      [admin.post(`/admin/invitations/${newId()}/link`), 404],
      [admin.post(`/admin/invitations/${inv.id}/delete`, {}, { csrf: false }), 403],
    ];
    for (const [res, status] of checks) expect((await res).statusCode).toBe(status);
  });
});
