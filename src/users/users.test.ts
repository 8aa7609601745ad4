import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { systemActor } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { createUser, deleteUser, unlockUser, updateUser, userSignInStates } from './users.service.ts';

const t = useTestApp();

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const countUsers = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('system_users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const countAdmins = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('system_users')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('role', '=', 'admin')
        .executeTakeFirstOrThrow()
    ).n,
  );

/** No answer of /users may carry a password or its hash, under any name. */
function expectNoPassword(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/password/i);
  expect(text).not.toMatch(/\$argon2/);
}

describe('users API: admins only', () => {
  it('answers 403 forbidden to a staff token on every /users call, and changes nothing', async () => {
    const before = await countUsers();
    const calls: Array<[method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown]> = [
      ['GET', 'users'],
      [
        'POST',
        'users',
        { email: 'sneaky@example.com', fullName: 'Sneaky', role: 'admin', password: 'Sneaky-password-1' },
      ],
      ['GET', `users/${t.adminId}`],
      ['PATCH', `users/${t.staffId}`, { role: 'admin' }],
      ['PATCH', `users/${t.adminId}`, { fullName: 'Renamed' }],
      ['DELETE', `users/${t.adminId}`],
    ];
    for (const [method, url, body] of calls) {
      const r = await t.api(method, url, { token: t.staffToken, ...(body !== undefined ? { body } : {}) });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.json().code).toBe('forbidden');
    }
    expect(await countUsers()).toBe(before);
    const staff = await t.ctx.db
      .selectFrom('system_users')
      .select('role')
      .where('id', '=', t.staffId)
      .executeTakeFirstOrThrow();
    expect(staff.role).toBe('staff');
    const admin = await t.ctx.db
      .selectFrom('system_users')
      .select('full_name')
      .where('id', '=', t.adminId)
      .executeTakeFirstOrThrow();
    expect(admin.full_name).toBe('Ada Admin');
  });

  it('answers 401 without a token', async () => {
    const r = await t.api('GET', 'users', { token: null });
    expect(r.statusCode).toBe(401);
    expect(r.json().code).toBe('unauthorized');
  });
});

describe('users API: create, read, patch, delete', () => {
  it('creates a user (201) with an argon2id password hash and never returns the password', async () => {
    const created = await t.api('POST', 'users', {
      body: { email: 'Bea.Boss@Example.com', fullName: 'Bea Boss', role: 'staff', password: 'Bea-password-1' },
    });
    expect(created.statusCode).toBe(201);
    const user = created.json();
    expect(user).toMatchObject({ email: 'Bea.Boss@Example.com', fullName: 'Bea Boss', role: 'staff' });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expectNoPassword(user);

    const row = await t.ctx.db
      .selectFrom('system_users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('Bea-password-1');

    const got = await t.api('GET', `users/${user.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(user);
    expectNoPassword(got.json());

    const list = await t.api('GET', 'users');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((u: { id: string }) => u.id)).toContain(user.id);
    expectNoPassword(list.json());

    const byEmail = await t.api('GET', 'users?email=bea.boss@EXAMPLE.com');
    expect(byEmail.json().items.map((u: { id: string }) => u.id)).toEqual([user.id]);
  });

  it('patches a user without returning the password, and a new password replaces the hash', async () => {
    const user = (
      await t.api('POST', 'users', {
        body: { email: 'carl@example.com', fullName: 'Carl', password: 'Carl-password-1' },
      })
    ).json();
    expect(user.role).toBe('staff');
    const oldHash = (
      await t.ctx.db
        .selectFrom('system_users')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow()
    ).password_hash;

    const patched = await t.api('PATCH', `users/${user.id}`, {
      body: { fullName: 'Carl Carlsen', role: 'admin', password: 'Carl-password-2' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      id: user.id,
      fullName: 'Carl Carlsen',
      role: 'admin',
      email: 'carl@example.com',
    });
    expectNoPassword(patched.json());
    const row = await t.ctx.db
      .selectFrom('system_users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.role).toBe('admin');
    expect(row.full_name).toBe('Carl Carlsen');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toBe(oldHash);

    const weak = await t.api('PATCH', `users/${user.id}`, { body: { password: 'short' } });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().errors).toContainEqual({ field: 'password', message: expect.any(String) });
    expect(
      (
        await t.ctx.db
          .selectFrom('system_users')
          .select('password_hash')
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow()
      ).password_hash,
    ).toBe(row.password_hash);
  });

  it('deletes a user (204), after which it is 404', async () => {
    const user = (await t.api('POST', 'users', { body: { email: 'dora@example.com', fullName: 'Dora' } })).json();
    const del = await t.api('DELETE', `users/${user.id}`);
    expect(del.statusCode).toBe(204);
    const gone = await t.api('GET', `users/${user.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('not-found');
    expect(
      await t.ctx.db.selectFrom('system_users').select('id').where('id', '=', user.id).executeTakeFirst(),
    ).toBeUndefined();
    expect((await t.api('DELETE', `users/${user.id}`)).statusCode).toBe(404);
    expect((await t.api('PATCH', `users/${NO_SUCH_ID}`, { body: { fullName: 'Nobody' } })).statusCode).toBe(404);
  });

  it('refuses a bad email, an unknown role and unknown fields with 422 naming them', async () => {
    const before = await countUsers();
    const r = await t.api('POST', 'users', { body: { email: 'nope', fullName: 'X', role: 'owner', isRoot: true } });
    expect(r.statusCode).toBe(422);
    const fields = r.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'role', 'isRoot']));
    expect(await countUsers()).toBe(before);
  });
});

describe('users API: duplicate emails', () => {
  it('refuses a second user with the same email in any letter case: 409 conflict with detail', async () => {
    const first = await t.api('POST', 'users', { body: { email: 'eve@example.com', fullName: 'Eve' } });
    expect(first.statusCode).toBe(201);
    const before = await countUsers();
    const dup = await t.api('POST', 'users', { body: { email: 'EVE@Example.COM', fullName: 'Eve Again' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(dup.json().code).toBe('conflict');
    expect(dup.json().detail).toEqual(expect.stringContaining('EVE@Example.COM'));
    expect(await countUsers()).toBe(before);
  });

  it('refuses to change a user’s email to another user’s (any letter case): 409, nothing changed', async () => {
    const frank = (await t.api('POST', 'users', { body: { email: 'frank@example.com', fullName: 'Frank' } })).json();
    const r = await t.api('PATCH', `users/${frank.id}`, { body: { email: 'ADMIN@example.com' } });
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('conflict');
    expect(r.json().detail).toEqual(expect.any(String));
    expect((await t.api('GET', `users/${frank.id}`)).json().email).toBe('frank@example.com');
  });
});

describe('users API: the last administrator', () => {
  it('cannot be demoted (409), and stays an admin', async () => {
    // Only the bootstrap admin may be an admin for this test; demote any others made above.
    const admins = await t.ctx.db
      .selectFrom('system_users')
      .select('id')
      .where('role', '=', 'admin')
      .where('id', '!=', t.adminId)
      .execute();
    for (const a of admins)
      expect((await t.api('PATCH', `users/${a.id}`, { body: { role: 'staff' } })).statusCode).toBe(200);
    expect(await countAdmins()).toBe(1);

    const r = await t.api('PATCH', `users/${t.adminId}`, { body: { role: 'staff' } });
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('conflict');
    expect(r.json().detail).toMatch(/last administrator/i);
    expect(await countAdmins()).toBe(1);
    expect((await t.api('GET', `users/${t.adminId}`)).json().role).toBe('admin');
  });

  it('cannot be deleted (409), by itself over the API or by the system', async () => {
    expect(await countAdmins()).toBe(1);
    const r = await t.api('DELETE', `users/${t.adminId}`);
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('conflict');
    expect(r.json().detail).toEqual(expect.any(String));

    const err = await deleteUser(t.ctx, systemActor, t.adminId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('conflict');
    expect((err as AppError).detail).toMatch(/last administrator/i);
    expect(await countAdmins()).toBe(1);
  });

  it('can be demoted once another admin exists', async () => {
    const other = (
      await t.api('POST', 'users', { body: { email: 'gus@example.com', fullName: 'Gus', role: 'admin' } })
    ).json();
    // Demoting the other admin leaves the first one: allowed.
    expect((await t.api('PATCH', `users/${other.id}`, { body: { role: 'staff' } })).statusCode).toBe(200);
    expect(await countAdmins()).toBe(1);
  });

  it('two admins demoting each other at the same time leave at least one admin', async () => {
    for (let round = 0; round < 5; round++) {
      const other = (
        await t.api('POST', 'users', { body: { email: `hal${round}@example.com`, fullName: 'Hal', role: 'admin' } })
      ).json();
      expect(await countAdmins()).toBe(2);
      const results = await Promise.allSettled([
        updateUser(t.ctx, systemActor, t.adminId, { role: 'staff' }),
        updateUser(t.ctx, systemActor, other.id, { role: 'staff' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect((rejected!.reason as AppError).code).toBe('conflict');
      expect(await countAdmins()).toBe(1);
      // Back to the bootstrap admin as the only admin.
      await updateUser(t.ctx, systemActor, t.adminId, { role: 'admin' });
      await updateUser(t.ctx, systemActor, other.id, { role: 'staff' });
    }
  });

  it('two admins deleting each other at the same time leave at least one admin', async () => {
    for (let round = 0; round < 5; round++) {
      const a = (
        await t.api('POST', 'users', { body: { email: `ida${round}@example.com`, fullName: 'Ida', role: 'admin' } })
      ).json();
      const b = (
        await t.api('POST', 'users', { body: { email: `jon${round}@example.com`, fullName: 'Jon', role: 'admin' } })
      ).json();
      // Leave exactly these two as admins.
      await updateUser(t.ctx, systemActor, t.adminId, { role: 'staff' });
      expect(await countAdmins()).toBe(2);
      const results = await Promise.allSettled([
        deleteUser(t.ctx, systemActor, a.id),
        deleteUser(t.ctx, systemActor, b.id),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await countAdmins()).toBe(1);
      await updateUser(t.ctx, systemActor, t.adminId, { role: 'admin' });
      const left = results[0]?.status === 'fulfilled' ? b.id : a.id;
      await deleteUser(t.ctx, systemActor, left);
    }
  });
});

describe('users service: back-office lockout and Unlock', () => {
  it('reports a lockout, and unlockUser lifts it and forgets the failures (admins only, audited)', async () => {
    const u = (
      await t.api('POST', 'users', { body: { email: 'locked@example.com', fullName: 'Lou', role: 'staff' } })
    ).json();
    const until = new Date(Date.now() + 3_600_000).toISOString();
    await t.ctx.db
      .updateTable('system_users')
      .set({ access_failed_count: 3, lockout_end: until })
      .where('id', '=', u.id)
      .execute();
    const admin = { type: 'user', id: t.adminId, role: 'admin' } as const;
    const staff = { type: 'user', id: t.staffId, role: 'staff' } as const;
    expect((await userSignInStates(t.ctx, admin, [u.id, NO_SUCH_ID])).get(u.id)).toEqual({
      accessFailedCount: 3,
      lockoutEnd: until,
      lockedOut: true,
    });
    await expect(userSignInStates(t.ctx, staff, [u.id])).rejects.toMatchObject({ code: 'forbidden' });
    await expect(unlockUser(t.ctx, staff, u.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(unlockUser(t.ctx, admin, NO_SUCH_ID)).rejects.toMatchObject({ code: 'not-found' });
    await unlockUser(t.ctx, admin, u.id);
    expect((await userSignInStates(t.ctx, admin, [u.id])).get(u.id)).toEqual({
      accessFailedCount: 0,
      lockoutEnd: null,
      lockedOut: false,
    });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor_id', 'record_type'])
      .where('action', '=', 'unlock')
      .where('record_id', '=', u.id)
      .execute();
    expect(audit).toEqual([{ actor_id: t.adminId, record_type: 'system-user' }]);
  });

  it('names the reason of each refusal, so pages can explain it in their own language', async () => {
    const admin = { type: 'user', id: t.adminId, role: 'admin' } as const;
    await expect(deleteUser(t.ctx, admin, t.adminId)).rejects.toMatchObject({ reason: 'user-delete-self' });
    await expect(
      t.api('POST', 'users', { body: { email: 'ADMIN@example.com', fullName: 'Twin' } }).then((r) => r.json().code),
    ).resolves.toBe('conflict');
    await expect(
      createUser(t.ctx, admin, { email: 'admin@example.com', fullName: 'Twin', role: 'staff' }),
    ).rejects.toMatchObject({ reason: 'user-email-taken' });
  });
});
