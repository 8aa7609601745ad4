import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { findInvitationByCode } from './invitations.service.ts';

const t = useTestApp();
const future = () => new Date(Date.now() + 7 * 86400_000).toISOString();
const make = factories(t, { contact: { firstName: 'Ivy', lastName: 'Invitee' } });
const { contact } = make;
const single = async (extra: Record<string, unknown> = {}) => {
  const c = await contact();
  const r = await t.api('POST', 'invitations', {
    body: { name: 'Welcome', type: 'single', invitedContactIds: [c.id], ...extra },
  });
  expect(r.statusCode).toBe(201);
  return { ...r.json(), contactId: c.id };
};

describe('creating invitations', () => {
  it('creates a single invitation with every field, owner defaulting to the caller, code and link in the create response only', async () => {
    const invitee = await contact();
    const inviter = await contact({ firstName: 'Ian', lastName: 'Inviter' });
    const account = await make.account({ name: 'Fabrikam' });
    const role = await make.webRole({ name: `Customers ${newId()}` });
    const expiresAt = future();
    const r = await t.api('POST', 'invitations', {
      body: {
        name: 'Portal access',
        type: 'single',
        invitedContactIds: [invitee.id],
        inviterContactId: inviter.id,
        assignToAccountId: account.id,
        webRoleIds: [role.id],
        expiresAt,
        binding: 'invited-email',
        locale: 'da',
      },
    });
    expect(r.statusCode).toBe(201);
    const inv = r.json();
    expect(inv).toMatchObject({
      name: 'Portal access',
      type: 'single',
      ownerId: t.adminId,
      expiresAt,
      inviterContactId: inviter.id,
      invitedContactIds: [invitee.id],
      assignToAccountId: account.id,
      webRoleIds: [role.id],
      maxRedemptions: 1,
      binding: 'invited-email',
      allowedDomains: [],
      locale: 'da',
      status: 'new',
      redemptionCount: 0,
      redeemedContactIds: [],
      sentAt: null,
    });
    expect(inv.code).toMatch(/^([23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-){6}[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/);
    expect(inv.redeemUrl).toBe(`http://localhost:3000/portal/redeem?code=${inv.code}`);
    const read = (await t.api('GET', `invitations/${inv.id}`)).json();
    expect(read.code).toBeUndefined();
    expect(read.redeemUrl).toBeUndefined();
    const list = (await t.api('GET', `invitations?invitedContactId=${invitee.id}`)).json();
    expect(list.items).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(inv.code);
  });

  it('creates a group invitation with a maximum and an email-domain binding', async () => {
    const r = await t.api('POST', 'invitations', {
      body: {
        name: 'Partner day',
        type: 'group',
        maxRedemptions: 25,
        binding: 'email-domain',
        allowedDomains: ['@Contoso.com', 'fabrikam.dk'],
      },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({
      type: 'group',
      maxRedemptions: 25,
      allowedDomains: ['contoso.com', 'fabrikam.dk'],
      invitedContactIds: [],
    });
    const unlimited = await t.api('POST', 'invitations', { body: { name: 'Open house', type: 'group' } });
    expect(unlimited.json().maxRedemptions).toBeNull();
  });

  it.each([
    [{ name: 'x', type: 'single', invitedContactIds: [] }, 'invitedContactIds'],
    [{ name: 'x', type: 'group', maxRedemptions: 0 }, 'maxRedemptions'],
    [{ name: 'x', type: 'group', maxRedemptions: 2.5 }, 'maxRedemptions'],
    [{ name: 'x', type: 'group', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
    [{ name: 'x', type: 'group', binding: 'email-domain' }, 'allowedDomains'],
    [{ name: 'x', type: 'group', binding: 'email-domain', allowedDomains: ['not a domain'] }, 'allowedDomains.0'],
    [{ name: 'x', type: 'group', inviterContactId: '00000000-0000-4000-8000-000000000000' }, 'inviterContactId'],
    [{ name: 'x', type: 'group', assignToAccountId: '00000000-0000-4000-8000-000000000000' }, 'assignToAccountId'],
    [{ name: 'x', type: 'group', webRoleIds: ['00000000-0000-4000-8000-000000000000'] }, 'webRoleIds'],
    [{ name: 'x', type: 'group', ownerId: '00000000-0000-4000-8000-000000000000' }, 'ownerId'],
    [{ name: 'x', type: 'group', redeemWorkflowId: '00000000-0000-4000-8000-000000000000' }, 'redeemWorkflowId'],
    [{ name: 'x', type: 'group', locale: 'de' }, 'locale'],
    [{ name: 'x', type: 'group', code: 'MYCODE' }, 'code'],
    [{ type: 'group' }, 'name'],
  ])('refuses %j with 422 naming %s and creates nothing', async (body, field) => {
    const before = await t.ctx.db
      .selectFrom('invitations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const r = await t.api('POST', 'invitations', { body });
    expect(r.statusCode).toBe(422);
    expect(r.json().code).toBe('validation-failed');
    expect(r.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    const after = await t.ctx.db
      .selectFrom('invitations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses a maximum on a single invitation and a workflow whose primary record is not a contact', async () => {
    const c = await contact();
    const r = await t.api('POST', 'invitations', {
      body: { name: 'x', type: 'single', invitedContactIds: [c.id], maxRedemptions: 5 },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0].field).toBe('maxRedemptions');
    const wfId = newId();
    await t.ctx.db
      .insertInto('workflows')
      .values({
        id: wfId,
        key: null,
        name: 'On invitation',
        description: null,
        primary_entity: 'invitation',
        state: 'draft',
        steps: '[]',
        webhook_secret_encrypted: null,
        created_at: nowIso(),
        updated_at: nowIso(),
      })
      .execute();
    const w = await t.api('POST', 'invitations', { body: { name: 'x', type: 'group', redeemWorkflowId: wfId } });
    expect(w.statusCode).toBe(422);
    expect(w.json().errors[0].field).toBe('redeemWorkflowId');
  });

  it('"Create Invitation" on a contact makes a single invitation named after it', async () => {
    const c = await contact({ firstName: 'Nora', lastName: 'Nielsen' });
    const r = await t.api('POST', `contacts/${c.id}/invitations`, { body: { expiresAt: future() } });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ name: 'Invitation for Nora Nielsen', type: 'single', invitedContactIds: [c.id] });
    expect(r.json().code).toBeTruthy();
    const named = await t.api('POST', `contacts/${c.id}/invitations`, { body: { name: 'Custom' } });
    expect(named.json().name).toBe('Custom');
    const missing = await t.api('POST', 'contacts/00000000-0000-4000-8000-000000000000/invitations', { body: {} });
    expect(missing.statusCode).toBe(404);
  });
});

describe('codes', () => {
  it('stores only a keyed hash and an encrypted copy: no plaintext code in the row or the audit log', async () => {
    const inv = await single();
    const row = await t.ctx.db.selectFrom('invitations').selectAll().where('id', '=', inv.id).executeTakeFirstOrThrow();
    const normalized = inv.code.replace(/-/g, '');
    expect(JSON.stringify(row)).not.toContain(inv.code);
    expect(JSON.stringify(row)).not.toContain(normalized);
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('record_id', '=', inv.id).execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(normalized);
    expect(JSON.stringify(audit)).not.toContain(inv.code);
  });

  it('finds the invitation from the code typed in lower case, without hyphens, or with spaces', async () => {
    const inv = await single();
    for (const typed of [
      inv.code,
      inv.code.toLowerCase(),
      inv.code.replace(/-/g, ''),
      inv.code.replace(/-/g, ' ').toLowerCase(),
    ]) {
      expect((await findInvitationByCode(t.ctx, t.ctx.db, typed))?.id).toBe(inv.id);
    }
    expect(
      await findInvitationByCode(
        t.ctx,
        t.ctx.db,
        inv.code.replace(/.$/, (ch: string) => (ch === '2' ? '3' : '2')),
      ),
    ).toBeUndefined();
  });

  it('gives the admin the same code and link again, audited, and refuses staff', async () => {
    const inv = await single();
    const r = await t.api('POST', `invitations/${inv.id}/link`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ code: inv.code, redeemUrl: inv.redeemUrl });
    const staff = await t.api('POST', `invitations/${inv.id}/link`, { token: t.staffToken });
    expect(staff.statusCode).toBe(403);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('record_id', '=', inv.id)
      .where('action', '=', 'reveal-link')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(inv.code.replace(/-/g, ''));
  });

  it('bulk codes are unique and have no shared prefix, suffix or time-based part', async () => {
    const { generateCode, normalizeCode } = await import('./codes.ts');
    const codes = Array.from({ length: 10_000 }, () => normalizeCode(generateCode()));
    expect(new Set(codes).size).toBe(codes.length);
    // Each position is spread over the whole alphabet (uniform: about 10,000 / 31 ≈ 323 each).
    for (let pos = 0; pos < 28; pos++) {
      const counts = new Map<string, number>();
      for (const c of codes) counts.set(c[pos] as string, (counts.get(c[pos] as string) ?? 0) + 1);
      expect(counts.size).toBe(31);
      expect(Math.max(...counts.values())).toBeLessThan(450);
    }
    // Consecutive codes share no more leading characters than chance allows.
    let sharedPrefix = 0;
    for (let i = 1; i < codes.length; i++)
      if ((codes[i] as string).slice(0, 3) === (codes[i - 1] as string).slice(0, 3)) sharedPrefix++;
    expect(sharedPrefix).toBeLessThan(5);
  });
});

describe('status and editing', () => {
  it('lists an invitation past its expiry as expired', async () => {
    const inv = await single({ expiresAt: future() });
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', inv.id)
      .execute();
    expect((await t.api('GET', `invitations/${inv.id}`)).json().status).toBe('expired');
    const expired = (await t.api('GET', `invitations?status=expired&invitedContactId=${inv.contactId}`)).json();
    expect(expired.items.map((i: { id: string }) => i.id)).toEqual([inv.id]);
    const fresh = (await t.api('GET', `invitations?status=new&invitedContactId=${inv.contactId}`)).json();
    expect(fresh.items).toHaveLength(0);
  });

  it('refuses to change the type', async () => {
    const inv = await single();
    const r = await t.api('PATCH', `invitations/${inv.id}`, { body: { type: 'group' } });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0].field).toBe('type');
  });

  it('deactivates and activates back to the status it had; a deactivated one cannot be edited', async () => {
    const inv = await single();
    await t.ctx.db
      .updateTable('invitations')
      .set({ status: 'sent', sent_at: nowIso() })
      .where('id', '=', inv.id)
      .execute();
    const off = await t.api('POST', `invitations/${inv.id}/deactivate`);
    expect(off.statusCode).toBe(200);
    expect(off.json().status).toBe('inactive');
    const edit = await t.api('PATCH', `invitations/${inv.id}`, { body: { name: 'Renamed' } });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('conflict');
    expect((await t.api('GET', `invitations/${inv.id}`)).json().name).toBe('Welcome');
    expect((await t.api('POST', `invitations/${inv.id}/deactivate`)).statusCode).toBe(409);
    const on = await t.api('POST', `invitations/${inv.id}/activate`);
    expect(on.json().status).toBe('sent');
    expect((await t.api('PATCH', `invitations/${inv.id}`, { body: { name: 'Renamed' } })).json().name).toBe('Renamed');
    const actions = (
      await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', inv.id).orderBy('id').execute()
    ).map((a) => a.action);
    expect(actions).toEqual(['create', 'deactivate', 'activate', 'update']);
  });

  it('after sending allows name, expiry, account, roles, workflow and maximum, but not the owner, binding or a single invitee', async () => {
    const inv = await single();
    await t.ctx.db
      .updateTable('invitations')
      .set({ status: 'sent', sent_at: nowIso() })
      .where('id', '=', inv.id)
      .execute();
    const account = await make.account({ name: 'After' });
    const ok = await t.api('PATCH', `invitations/${inv.id}`, {
      body: { name: 'Later name', expiresAt: future(), assignToAccountId: account.id },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'Later name', assignToAccountId: account.id, status: 'sent' });
    for (const body of [
      { binding: 'invited-email' },
      { ownerId: t.staffId },
      { invitedContactIds: [(await contact()).id] },
    ]) {
      const r = await t.api('PATCH', `invitations/${inv.id}`, { body });
      expect(r.statusCode).toBe(409);
      expect(r.json().detail).toContain(Object.keys(body)[0]);
    }
    // Sending the record back unchanged is not an edit.
    const same = await t.api('PATCH', `invitations/${inv.id}`, {
      body: { ownerId: t.adminId, binding: 'any', invitedContactIds: [inv.contactId] },
    });
    expect(same.statusCode).toBe(200);
  });

  it('group after sending may change its invited contacts and maximum, never below the redemptions made', async () => {
    const a = await contact();
    const b = await contact();
    const g = (
      await t.api('POST', 'invitations', {
        body: { name: 'Group', type: 'group', invitedContactIds: [a.id], maxRedemptions: 5 },
      })
    ).json();
    await t.ctx.db
      .updateTable('invitations')
      .set({ status: 'sent', sent_at: nowIso(), redemption_count: 2 })
      .where('id', '=', g.id)
      .execute();
    const r = await t.api('PATCH', `invitations/${g.id}`, {
      body: { invitedContactIds: [a.id, b.id], maxRedemptions: 10 },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().invitedContactIds.sort()).toEqual([a.id, b.id].sort());
    const low = await t.api('PATCH', `invitations/${g.id}`, { body: { maxRedemptions: 1 } });
    expect(low.statusCode).toBe(422);
    expect(low.json().errors[0].field).toBe('maxRedemptions');
  });

  it('never edits a redeemed invitation', async () => {
    const inv = await single();
    await t.ctx.db.updateTable('invitations').set({ status: 'redeemed' }).where('id', '=', inv.id).execute();
    const r = await t.api('PATCH', `invitations/${inv.id}`, { body: { name: 'Nope' } });
    expect(r.statusCode).toBe(409);
  });

  it('deletes only a new invitation; a sent one answers 409 saying to deactivate', async () => {
    const fresh = await single();
    expect((await t.api('DELETE', `invitations/${fresh.id}`)).statusCode).toBe(204);
    expect((await t.api('GET', `invitations/${fresh.id}`)).statusCode).toBe(404);
    const sent = await single();
    await t.ctx.db
      .updateTable('invitations')
      .set({ status: 'sent', sent_at: nowIso() })
      .where('id', '=', sent.id)
      .execute();
    const r = await t.api('DELETE', `invitations/${sent.id}`);
    expect(r.statusCode).toBe(409);
    expect(r.json().detail).toMatch(/deactivate/);
    expect((await t.api('GET', `invitations/${sent.id}`)).statusCode).toBe(200);
  });
});

describe('lists', () => {
  it('filters by status, type, owner, expiring before and name', async () => {
    const tag = newId().slice(-8);
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const a = await single({ name: `Alpha ${tag}`, expiresAt: soon });
    const g = (
      await t.api('POST', 'invitations', { body: { name: `Beta ${tag}`, type: 'group', ownerId: t.staffId } })
    ).json();
    const names = async (qs: string) =>
      (await t.api('GET', `invitations?q=${tag}&${qs}`)).json().items.map((i: { id: string }) => i.id);
    expect(await names('type=group')).toEqual([g.id]);
    expect(await names(`ownerId=${t.staffId}`)).toEqual([g.id]);
    expect(await names(`expiringBefore=${encodeURIComponent(new Date(Date.now() + 7200_000).toISOString())}`)).toEqual([
      a.id,
    ]);
    expect(await names('status=new')).toEqual([a.id, g.id]);
    expect(await names('limit=1')).toEqual([a.id]);
  });
});

describe('bulk', () => {
  it('creates one single invitation per contact with shared settings and flags contacts without email', async () => {
    const role = await make.webRole({ name: `Bulk ${newId()}` });
    const withEmail = await contact();
    const noEmail = await contact({ emailaddress1: null, firstName: 'No', lastName: 'Mail' });
    const r = await t.api('POST', 'invitations/bulk', {
      body: { contactIds: [withEmail.id, noEmail.id], settings: { webRoleIds: [role.id], expiresAt: future() } },
    });
    expect(r.statusCode).toBe(201);
    const body = r.json();
    expect(body.items.map((i: { contactId: string }) => i.contactId)).toEqual([withEmail.id, noEmail.id]);
    expect(body.contactsWithoutEmail).toEqual([noEmail.id]);
    expect(JSON.stringify(body)).not.toMatch(/code/i);
    const inv = (await t.api('GET', `invitations/${body.items[1].id}`)).json();
    expect(inv).toMatchObject({
      type: 'single',
      name: 'Invitation for No Mail',
      invitedContactIds: [noEmail.id],
      webRoleIds: [role.id],
      status: 'new',
    });
  });

  it('refuses an unknown contact with 422 naming contactIds and creates nothing', async () => {
    const c = await contact();
    const before = Number(
      (
        await t.ctx.db
          .selectFrom('invitations')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const r = await t.api('POST', 'invitations/bulk', {
      body: { contactIds: [c.id, '00000000-0000-4000-8000-000000000000'], settings: {} },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0].field).toBe('contactIds');
    const after = Number(
      (
        await t.ctx.db
          .selectFrom('invitations')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(after).toBe(before);
  });

  it('refuses type and invited contacts in the shared settings', async () => {
    const c = await contact();
    const r = await t.api('POST', 'invitations/bulk', { body: { contactIds: [c.id], settings: { type: 'group' } } });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0].field).toBe('settings.type');
  });

  it('creates 2,000 invitations in one call with distinct codes', async () => {
    const ids: string[] = [];
    const now = nowIso();
    const rows = Array.from({ length: 2000 }, (_, i) => {
      const id = newId();
      ids.push(id);
      return {
        id,
        first_name: 'Bulk',
        last_name: String(i),
        emailaddress1: `bulk${i}.${id}@example.com`,
        created_at: now,
        updated_at: now,
      };
    });
    for (let i = 0; i < rows.length; i += 500)
      await t.ctx.db
        .insertInto('contacts')
        .values(rows.slice(i, i + 500))
        .execute();
    const r = await t.api('POST', 'invitations/bulk', {
      body: { contactIds: ids, settings: { name: 'Spring campaign' } },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json().items).toHaveLength(2000);
    const hashes = await t.ctx.db
      .selectFrom('invitations')
      .select('code_hash')
      .where('name', '=', 'Spring campaign')
      .execute();
    expect(new Set(hashes.map((h) => h.code_hash)).size).toBe(2000);
  });
});
