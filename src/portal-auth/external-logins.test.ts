// A contact's external identities: listed with their provider's name; removed by admins only, with
// the contact's portal sessions and an audit entry, and not through another contact's id.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';
import { listExternalLogins, removeExternalLogin } from './external-logins.service.ts';

const t = useTestApp();
const f = factories(t);

async function loginOf(contactId: string) {
  const now = new Date().toISOString();
  const providerId = newId();
  await t.ctx.db
    .insertInto('identity_providers')
    .values({
      id: providerId,
      type: 'saml',
      name: 'Corporate SAML',
      config: '{}',
      secret_encrypted: null,
      enabled: 1,
      allow_registration: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const id = newId();
  await t.ctx.db
    .insertInto('external_logins')
    .values({
      id,
      contact_id: contactId,
      provider_id: providerId,
      subject: `s-${id}`,
      email: 'a@example.com',
      created_at: now,
    })
    .execute();
  return { id, providerId };
}

describe('external logins', () => {
  it('lists them with the provider; admins remove one, ending the contact’s sessions, audited', async () => {
    const c = await f.contact();
    const other = await f.contact();
    const login = await loginOf(c.id);
    expect(await listExternalLogins(t.ctx, c.id)).toEqual([
      expect.objectContaining({
        id: login.id,
        providerName: 'Corporate SAML',
        providerType: 'saml',
        email: 'a@example.com',
      }),
    ]);
    const staff = { type: 'user', id: t.staffId, role: 'staff' } as const;
    const admin = { type: 'user', id: t.adminId, role: 'admin' } as const;
    await expect(removeExternalLogin(t.ctx, staff, c.id, login.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(removeExternalLogin(t.ctx, admin, other.id, login.id)).rejects.toMatchObject({ code: 'not-found' });
    const now = new Date().toISOString();
    await t.ctx.db
      .insertInto('sessions')
      .values({
        id_hash: newId().replaceAll('-', ''),
        contact_id: c.id,
        data: '{}',
        created_at: now,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        last_seen_at: now,
      })
      .execute();
    await removeExternalLogin(t.ctx, admin, c.id, login.id);
    expect(await listExternalLogins(t.ctx, c.id)).toEqual([]);
    const sessions = await t.ctx.db
      .selectFrom('sessions')
      .select('contact_id')
      .where('contact_id', '=', c.id)
      .execute();
    expect(sessions).toEqual([]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('record_id', '=', c.id)
      .where('action', '=', 'remove-external-login')
      .execute();
    expect(audit).toEqual([{ action: 'remove-external-login', actor_id: t.adminId }]);
  });
});
