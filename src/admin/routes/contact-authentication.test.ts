// The back office's Web Authentication on a contact: Unlock after a portal lockout, Change Password
// (the rule's problem at the field), external identities removed by admins only; on both databases.
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createdId, signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { PortalClient } from '../../../test/helpers/portal.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const f = factories(t, { contact: { firstName: 'Bo', lastName: 'Kontakt' } });

/** The attributes of the input named `name` (its tag's text). */
const inputTag = (res: LightMyRequestResponse, name: string) =>
  new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(res.body)?.[0] ?? '';

describe('Web Authentication', () => {
  it('Unlock ends a lockout from five failed portal sign-ins, audited', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await f.contactWithPassword('Right-password-1');
    const portal = new PortalClient(t.app, '10.77.0.1');
    await portal.start();
    for (let i = 0; i < 5; i++) {
      const r = await portal.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Wrong-password-1' });
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
    }
    const locked = await t.ctx.db
      .selectFrom('contacts')
      .select(['lockout_end'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(locked.lockout_end).not.toBeNull();
    const page = await admin.get(`/admin/contacts/${c.id}`);
    expect(page.body).toContain('data-locked="true"');
    expect(page.body).toContain(`formaction="/admin/contacts/${c.id}/unlock"`);

    const res = await admin.post(`/admin/contacts/${c.id}/unlock`, {});
    expect(res.statusCode).toBe(303);
    const after = await t.ctx.db
      .selectFrom('contacts')
      .select(['lockout_end', 'access_failed_count'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ lockout_end: null, access_failed_count: 0 });
    const shown = await admin.get(`/admin/contacts/${c.id}`);
    expect(shown.body).toContain('data-notice="unlocked"');
    expect(shown.body).toContain('data-locked="false"');
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toContain('unlock');
    const signIn = await portal.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Right-password-1' });
    expect(signIn.statusCode, signIn.body).toBe(200);
  });

  it('Change Password sets a password the portal accepts, and refuses a weak one at the field', async () => {
    const staff = await signedInStaff(t.app);
    const c = await f.contactWithPassword('First-password-1');
    const page = await staff.get(`/admin/contacts/${c.id}/password`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Change Password');
    const weak = await staff.post(`/admin/contacts/${c.id}/password`, { password: 'short' });
    expect(weak.statusCode).toBe(422);
    expect(inputTag(weak, 'password')).toContain('aria-invalid="true"');
    expect(inputTag(weak, 'password')).not.toContain('short');
    expect(weak.body).toContain('id="f-password-error"');
    expect(weak.body).toContain('The password must be at least 10 characters long');
    const weakDa = await staff.post(`/admin/contacts/${c.id}/password?lang=da`, { password: 'short' });
    expect(weakDa.body).toContain('Adgangskoden skal være mindst 10 tegn');

    const ok = await staff.post(`/admin/contacts/${c.id}/password`, { password: 'Second-password-2' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/admin/contacts/${c.id}`);
    const portal = new PortalClient(t.app, '10.77.0.2');
    await portal.start();
    const old = await portal.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'First-password-1' });
    expect(old.statusCode).toBeGreaterThanOrEqual(400);
    const fresh = await portal.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Second-password-2' });
    expect(fresh.statusCode, fresh.body).toBe(200);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toContain('change-password');
  });

  it('lists external identities; only admins remove one, after confirming, audited', async () => {
    const admin = await signedInAdmin(t.app);
    const staff = await signedInStaff(t.app);
    const c = await f.contact();
    const providerId = newId();
    const loginId = newId();
    const now = new Date().toISOString();
    await t.ctx.db
      .insertInto('identity_providers')
      .values({
        id: providerId,
        type: 'oidc',
        name: `Entra ${providerId.slice(-6)}`,
        config: '{}',
        secret_encrypted: null,
        enabled: 1,
        allow_registration: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await t.ctx.db
      .insertInto('external_logins')
      .values({
        id: loginId,
        contact_id: c.id,
        provider_id: providerId,
        subject: 'sub-123',
        email: null,
        created_at: now,
      })
      .execute();
    const removeHref = `/admin/contacts/${c.id}/external-logins/${loginId}/remove`;

    const staffPage = await staff.get(`/admin/contacts/${c.id}`);
    expect(staffPage.body).toContain('sub-123');
    expect(staffPage.body).not.toContain(removeHref);
    expect((await staff.get(removeHref)).statusCode).toBe(403);
    expect((await staff.post(removeHref, {})).statusCode).toBe(403);

    const adminPage = await admin.get(`/admin/contacts/${c.id}`);
    expect(adminPage.body).toContain(`Entra ${providerId.slice(-6)}`);
    expect(adminPage.body).toContain(removeHref);
    const confirm = await admin.get(removeHref);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('sub-123');
    const removed = await admin.post(removeHref, {});
    expect(removed.statusCode).toBe(303);
    const left = await t.ctx.db.selectFrom('external_logins').select('id').where('contact_id', '=', c.id).execute();
    expect(left).toEqual([]);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toContain('remove-external-login');
    expect((await admin.post(removeHref, {})).statusCode).toBe(404);
  });

  it('staff may create and edit contacts like admins (the API gives them the same rights)', async () => {
    const staff = await signedInStaff(t.app);
    const res = await staff.post('/admin/contacts/new', { firstName: 'Staff', lastName: `Made ${newId()}` });
    const id = createdId(res);
    expect((await staff.get(`/admin/contacts/${id}`)).statusCode).toBe(200);
  });
});
