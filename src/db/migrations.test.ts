import { describe, expect, it } from 'vitest';
import { Migrator } from 'kysely';
import { createEmptyDatabase } from '../../test/helpers/db.ts';
import { openDatabase } from './connection.ts';
import type { Db } from './types.ts';
import { migrations } from './migrations/index.ts';
import { newId } from '../shared/ids.ts';
import { findEmail } from '../email/email.repo.ts';
import { nowIso } from '../shared/time.ts';

describe('migration 0003 (email bodies apart)', () => {
  it('keeps the bodies of emails queued before it', async () => {
    const { config, remove } = await createEmptyDatabase();
    const handle = openDatabase(config);
    try {
      const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
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
    } finally {
      await handle.close();
      await remove();
    }
  });
});
