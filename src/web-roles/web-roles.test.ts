import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { writeTransaction } from '../db/group-commit.ts';
import { lockRows } from '../db/row-locks.ts';

const t = useTestApp();

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const roleRow = (id: string) => t.ctx.db.selectFrom('web_roles').selectAll().where('id', '=', id).executeTakeFirst();
const countRoles = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('web_roles')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('web roles API', () => {
  it('creates, reads, lists, patches and deletes a web role (staff may)', async () => {
    const created = await t.api('POST', 'web-roles', {
      token: t.staffToken,
      body: { name: 'Partners', description: 'Partner portal' },
    });
    expect(created.statusCode).toBe(201);
    const role = created.json();
    expect(role).toMatchObject({ name: 'Partners', description: 'Partner portal', authenticatedUsersRole: false });

    expect((await t.api('GET', `web-roles/${role.id}`)).json()).toEqual(role);
    expect((await t.api('GET', 'web-roles?q=PARTN')).json().items.map((r: { id: string }) => r.id)).toEqual([role.id]);

    const patched = await t.api('PATCH', `web-roles/${role.id}`, {
      token: t.staffToken,
      body: { name: 'Authenticated Users', authenticatedUsersRole: true, description: null },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      id: role.id,
      name: 'Authenticated Users',
      authenticatedUsersRole: true,
      description: null,
    });
    const row = await roleRow(role.id);
    expect(row?.name).toBe('Authenticated Users');
    expect(row?.description).toBeNull();
    expect((await t.api('GET', `web-roles/${role.id}`)).json().authenticatedUsersRole).toBe(true);

    expect((await t.api('DELETE', `web-roles/${role.id}`, { token: t.staffToken })).statusCode).toBe(204);
    expect(await roleRow(role.id)).toBeUndefined();
    const gone = await t.api('GET', `web-roles/${role.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('not-found');
    expect((await t.api('DELETE', `web-roles/${NO_SUCH_ID}`)).statusCode).toBe(404);
  });

  it('refuses a duplicate name with 409 conflict naming it, on create and on rename', async () => {
    const first = await t.api('POST', 'web-roles', { body: { name: 'Customers' } });
    expect(first.statusCode).toBe(201);
    const before = await countRoles();
    const dup = await t.api('POST', 'web-roles', { body: { name: 'Customers', description: 'again' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(dup.json().code).toBe('conflict');
    expect(dup.json().detail).toContain('Customers');
    expect(await countRoles()).toBe(before);

    const other = (await t.api('POST', 'web-roles', { body: { name: 'Suppliers' } })).json();
    const rename = await t.api('PATCH', `web-roles/${other.id}`, { body: { name: 'Customers' } });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().code).toBe('conflict');
    expect(rename.json().detail).toContain('Customers');
    expect((await roleRow(other.id))?.name).toBe('Suppliers');
  });

  it('refuses to delete a web role a contact has: 409 with the reason, and the role stays', async () => {
    const role = (await t.api('POST', 'web-roles', { body: { name: 'Members' } })).json();
    const contact = await t.api('POST', 'contacts', { body: { firstName: 'Mo', webRoleIds: [role.id] } });
    expect(contact.statusCode).toBe(201);

    const r = await t.api('DELETE', `web-roles/${role.id}`);
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('conflict');
    expect(r.json().detail).toMatch(/contact/);
    expect(await roleRow(role.id)).toBeDefined();
    expect((await t.api('GET', `contacts/${contact.json().id}`)).json().webRoleIds).toEqual([role.id]);

    // Once no contact has it, it can go.
    expect((await t.api('PATCH', `contacts/${contact.json().id}`, { body: { webRoleIds: [] } })).statusCode).toBe(200);
    expect((await t.api('DELETE', `web-roles/${role.id}`)).statusCode).toBe(204);
  });

  it('a delete racing a new contact that gets the role ends in one clear answer, never a 500', async () => {
    for (let round = 0; round < 10; round++) {
      const role = (await t.api('POST', 'web-roles', { body: { name: `Race ${round}` } })).json();
      const [contact, del] = await Promise.all([
        t.api('POST', 'contacts', { body: { firstName: `Racer${round}`, webRoleIds: [role.id] } }),
        t.api('DELETE', `web-roles/${role.id}`),
      ]);
      expect([201, 422]).toContain(contact.statusCode);
      expect([204, 409]).toContain(del.statusCode);
      if (contact.statusCode === 201) {
        expect(del.statusCode).toBe(409);
        expect(await roleRow(role.id)).toBeDefined();
      } else {
        expect(del.statusCode).toBe(204);
        expect(contact.json().errors[0].field).toBe('webRoleIds');
      }
    }
  });

  it('refuses an empty name, a wrong type and unknown fields with 422, creating nothing', async () => {
    const before = await countRoles();
    const r = await t.api('POST', 'web-roles', { body: { name: '', authenticatedUsersRole: 'yes', rights: ['all'] } });
    expect(r.statusCode).toBe(422);
    const fields = r.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'authenticatedUsersRole', 'rights']));
    expect(await countRoles()).toBe(before);
  });

  it('a write of the group commit is a transaction: the found web roles are share-locked there until it commits', async () => {
    const role = (await t.api('POST', 'web-roles', { body: { name: 'Locked in a batch' } })).json();
    const { db, dialect } = t.ctx;
    const seen = await writeTransaction(db, dialect, async (tx) => {
      const missing = await lockRows(tx, dialect, 'web_roles', [role.id, NO_SUCH_ID], 'share');
      // SQLite locks the whole file instead (and its one connection is this write's): nothing to probe.
      if (dialect !== 'postgres') return { isTransaction: tx.isTransaction, missing, probe: 'no row locks' };
      // Another connection may not lock the role for a change while this write holds it.
      const probe = await db
        .selectFrom('web_roles')
        .select('id')
        .where('id', '=', role.id)
        .forUpdate()
        .noWait()
        .execute()
        .then(
          () => 'not locked',
          (err: { code?: string }) => err.code,
        );
      return { isTransaction: tx.isTransaction, missing, probe };
    });
    expect(seen).toEqual({
      isTransaction: true,
      missing: [NO_SUCH_ID],
      probe: dialect === 'postgres' ? '55P03' : 'no row locks',
    });
  });
});
