// Web roles that carry the right to invite colleagues (issue #19): canInvite and grantableWebRoleIds
// on the API and the back office form; unknown grantable ids are a 422; a role another role lets its
// holders grant is in use (409) and its deletion refused, while a role's own set goes with it.
import { describe, expect, it } from 'vitest';
import { createdId, signedInStaff } from '../../test/helpers/admin.ts';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';

const t = useTestApp();
const f = factories(t);

describe('web roles that may invite', () => {
  it('creates, reads, lists and patches canInvite and grantableWebRoleIds; unknown ids are 422 naming the field', async () => {
    const member = await f.webRole();
    const created = await t.api('POST', 'web-roles', {
      body: { name: `Inviters ${newId()}`, canInvite: true, grantableWebRoleIds: [member.id] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const role = created.json();
    expect(role).toMatchObject({ canInvite: true, grantableWebRoleIds: [member.id] });
    expect((await t.api('GET', `web-roles/${role.id}`)).json()).toEqual(role);
    const listed = (await t.api('GET', 'web-roles?limit=500')).json().items;
    expect(listed.find((x: { id: string }) => x.id === role.id)).toEqual(role);
    expect(listed.find((x: { id: string }) => x.id === member.id)).toMatchObject({
      canInvite: false,
      grantableWebRoleIds: [],
    });
    const self = await t.api('PATCH', `web-roles/${role.id}`, { body: { grantableWebRoleIds: [role.id, member.id] } });
    expect(self.json().grantableWebRoleIds.sort()).toEqual([role.id, member.id].sort());
    const unknown = newId();
    const bad = await t.api('PATCH', `web-roles/${role.id}`, { body: { grantableWebRoleIds: [unknown] } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('grantableWebRoleIds');
    expect((await t.api('GET', `web-roles/${role.id}`)).json().grantableWebRoleIds).toHaveLength(2);
    const badCreate = await t.api('POST', 'web-roles', {
      body: { name: `X ${newId()}`, grantableWebRoleIds: [unknown] },
    });
    expect(badCreate.statusCode).toBe(422);
  });

  it('refuses to delete a role another role lets its holders grant (409); a role granting itself can go', async () => {
    const granted = await f.webRole();
    const inviting = (
      await t.api('POST', 'web-roles', {
        body: { name: `Granting ${newId()}`, canInvite: true, grantableWebRoleIds: [granted.id] },
      })
    ).json();
    await t.api('PATCH', `web-roles/${inviting.id}`, { body: { grantableWebRoleIds: [granted.id, inviting.id] } });
    const refused = await t.api('DELETE', `web-roles/${granted.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/grant/);
    expect((await t.api('DELETE', `web-roles/${inviting.id}`)).statusCode).toBe(204);
    // Its set went with it, so the granted role is free again.
    expect((await t.api('DELETE', `web-roles/${granted.id}`)).statusCode).toBe(204);
  });

  it('the back office form sets the right and the grantable roles (a look-up set)', async () => {
    const staff = await signedInStaff(t.app);
    const member = await f.webRole({ name: `Member ${newId()}` });
    const res = await staff.post('/admin/web-roles/new', {
      name: `Partner admins ${newId()}`,
      canInvite: ['false', 'true'],
      grantableWebRoleIdsLookup: member.name,
    });
    const id = createdId(res);
    expect((await t.api('GET', `web-roles/${id}`)).json()).toMatchObject({
      canInvite: true,
      grantableWebRoleIds: [member.id],
    });
    const page = await staff.get(`/admin/web-roles/${id}`);
    expect(page.body).toContain('Can invite colleagues');
    expect(page.body).toContain(`name="grantableWebRoleIds" value="${member.id}" checked`);
    const none = await staff.post('/admin/web-roles/new', {
      name: `Nobody ${newId()}`,
      grantableWebRoleIdsLookup: `no such role ${newId()}`,
    });
    expect(none.statusCode).toBe(422);
  });
});
