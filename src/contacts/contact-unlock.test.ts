// The contacts service's Web Authentication reads and Unlock: the lockout and failed count as the
// back office shows them, and Unlock clearing both (audited; an unknown contact is not found).
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { systemActor } from '../context.ts';
import { newId } from '../shared/ids.ts';
import { getContactAuthentication, unlockContact } from './contacts.service.ts';
import { countFailedSignIn } from './contacts.repo.ts';

const t = useTestApp();
const f = factories(t);

describe('unlockContact', () => {
  it('clears the lockout end and the failed sign-ins, and writes the audit entry', async () => {
    const c = await f.contactWithPassword('Right-password-1');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    for (let i = 0; i < 3; i++) await countFailedSignIn(t.ctx.db, c.id, 3, until);
    await countFailedSignIn(t.ctx.db, c.id, 3, until);
    const locked = await getContactAuthentication(t.ctx, c.id);
    expect(locked).toMatchObject({ hasPassword: true, lockedOut: true, lockoutEnd: until, accessFailedCount: 1 });

    await unlockContact(t.ctx, systemActor, c.id);
    const after = await getContactAuthentication(t.ctx, c.id);
    expect(after).toMatchObject({ lockedOut: false, lockoutEnd: null, accessFailedCount: 0 });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type'])
      .where('record_id', '=', c.id)
      .where('action', '=', 'unlock')
      .execute();
    expect(audit).toEqual([{ action: 'unlock', actor_type: 'system' }]);
  });

  it('answers not found for a contact that does not exist', async () => {
    await expect(unlockContact(t.ctx, systemActor, newId())).rejects.toMatchObject({ code: 'not-found' });
    await expect(getContactAuthentication(t.ctx, newId())).rejects.toMatchObject({ code: 'not-found' });
  });
});
