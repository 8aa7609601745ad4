import { describe, expect, it } from 'vitest';
import { Migrator } from 'kysely';
import { createEmptyDatabase } from '../../test/helpers/db.ts';
import { type DatabaseHandle, openDatabase } from './connection.ts';
import type { Db } from './types.ts';
import { migrations } from './migrations/index.ts';
import { newId } from '../shared/ids.ts';
import { findEmail } from '../email/email.repo.ts';
import { nowIso } from '../shared/time.ts';

/** A migrator on an empty database of its own, closed and removed afterwards. */
async function withMigrator(fn: (handle: DatabaseHandle, migrator: Migrator) => Promise<void>): Promise<void> {
  const { config, remove } = await createEmptyDatabase();
  const handle = openDatabase(config);
  try {
    await fn(handle, new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } }));
  } finally {
    await handle.close();
    await remove();
  }
}

describe('migration 0003 (email bodies apart)', () => {
  it('keeps the bodies of emails queued before it', async () =>
    withMigrator(async (handle, migrator) => {
      expect((await migrator.migrateTo('0002_send_invitation_workflow')).error).toBeUndefined();
      const id = newId();
      const t = nowIso();
      await (handle.db as unknown as Db)
        .insertInto('emails' as never)
        .values({
          id,
          to_address: 'old@example.com',
          from_address: 'noreply@example.com',
          subject: 'Before 0003',
          html: '<p>Hej Åse</p>',
          text: 'Hej Åse',
          status: 'sent',
          attempts: 1,
          message_id: `<${id}@test>`,
          created_at: t,
          updated_at: t,
        } as never)
        .execute();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect(await findEmail(handle.db, id)).toMatchObject({
        id,
        subject: 'Before 0003',
        html: '<p>Hej Åse</p>',
        text: 'Hej Åse',
        status: 'sent',
      });
      const columns = (await handle.db.introspection.getTables())
        .find((tb) => tb.name === 'emails')
        ?.columns.map((c) => c.name);
      expect(columns).not.toContain('html');
      expect(columns).not.toContain('text');
    }));
});

describe('migration 0004 (email statuses unknown and bounced)', () => {
  it('keeps every email, its bodies, indexes and references, and lets an email be unknown', async () =>
    withMigrator(async (handle, migrator) => {
      expect((await migrator.migrateTo('0003_email_bodies')).error).toBeUndefined();
      const id = newId();
      const t = nowIso();
      const db = handle.db as unknown as Db;
      await db
        .insertInto('emails')
        .values({
          id,
          to_address: 'kept@example.com',
          from_address: 'noreply@example.com',
          subject: 'Before 0004',
          status: 'sending',
          attempts: 1,
          message_id: `<${id}@test>`,
          created_at: t,
          updated_at: t,
        } as never)
        .execute();
      await db.insertInto('email_bodies').values({ email_id: id, html: '<p>Hej</p>', text: 'Hej' }).execute();
      // Before 0004 the database refuses the new statuses.
      await expect(
        db.updateTable('emails').set({ status: 'unknown' }).where('id', '=', id).execute(),
      ).rejects.toThrow();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      await db.updateTable('emails').set({ status: 'unknown' }).where('id', '=', id).execute();
      expect(await findEmail(handle.db, id)).toMatchObject({
        id,
        subject: 'Before 0004',
        html: '<p>Hej</p>',
        status: 'unknown',
      });
      await expect(
        db
          .updateTable('emails')
          .set({ status: 'lost' as never })
          .where('id', '=', id)
          .execute(),
      ).rejects.toThrow();
      // The bodies still refer to the (rebuilt) emails table: a body for no email is refused.
      await expect(
        db.insertInto('email_bodies').values({ email_id: newId(), html: 'x', text: 'x' }).execute(),
      ).rejects.toThrow();
      // The unique Message-ID survived the rebuild.
      await expect(
        db
          .insertInto('emails')
          .values({
            id: newId(),
            to_address: 'x@example.com',
            from_address: 'noreply@example.com',
            subject: 'Duplicate',
            status: 'pending',
            attempts: 0,
            message_id: `<${id}@test>`,
            created_at: t,
            updated_at: t,
          } as never)
          .execute(),
      ).rejects.toThrow();
    }));
});
