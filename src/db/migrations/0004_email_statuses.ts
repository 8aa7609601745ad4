// Emails gain the statuses `unknown` (the server may or may not have taken the message: never
// retried by itself) and `bounced` (a delivery status notification came back). The CHECK
// constraint of 0001 allowed only pending/sending/sent/failed.
// PostgreSQL replaces the constraint. SQLite cannot alter a CHECK constraint, so the table is
// rebuilt the way SQLite documents ("making other kinds of table schema changes"): foreign keys
// off, a new table from the old one's own definition with the new CHECK, the rows copied, the old
// table dropped, the new one renamed, its indexes made again, the foreign keys checked.
import { SqliteAdapter, sql, type Kysely } from 'kysely';

const OLD = "status in ('pending', 'sending', 'sent', 'failed')";
const NEW = "status in ('pending', 'sending', 'sent', 'failed', 'unknown', 'bounced')";

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await sql`alter table emails drop constraint if exists emails_status_check`.execute(db);
    await sql.raw(`alter table emails add constraint emails_status_check check (${NEW})`).execute(db);
    return;
  }
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'emails'`.execute(db);
  const definition = table.rows[0]?.sql ?? '';
  if (!definition.includes(OLD)) throw new Error('0004: the emails table does not have the CHECK constraint of 0001');
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = 'emails' and sql is not null`.execute(db);
  const rebuilt = definition.replace(OLD, NEW).replace(/^create table\s+"?emails"?/i, 'create table "emails_new"');
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql.raw(rebuilt).execute(db);
      await sql`insert into emails_new select * from emails`.execute(db);
      await sql`drop table emails`.execute(db);
      await sql`alter table emails_new rename to emails`.execute(db);
      for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error('0004: the rebuilt emails table breaks a foreign key');
      await sql`commit`.execute(db);
    } catch (err) {
      await sql`rollback`.execute(db);
      throw err;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export async function down(): Promise<void> {
  // Forward only.
}
