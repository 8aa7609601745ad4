// The database's own share of a contacts import, measured beside it: the rows an import of N new
// contacts writes (their accounts, the contacts, an audit entry each) into a freshly migrated
// database with the schema, pragmas and transactions of the real one, by the driver alone: SQLite
// one prepared statement a row, PostgreSQL 500-row statements, 10,000 rows a transaction. No file,
// no checks, no ids made while timed. What no import that writes these rows can beat.
import type SQLite from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { sqliteConnectionOf } from '../src/db/sqlite-connection.ts';
import { newId } from '../src/shared/ids.ts';
import { randomToken } from '../src/shared/crypto.ts';
import { openBenchDatabase } from './lib.ts';

export interface FloorRate {
  /** Rows a second of wall time. */
  rate: number;
  /** Rows a second of this process's CPU time (PostgreSQL's own work is in its server). */
  cpuRate: number;
}

const TRANSACTION = 10_000;
const PG_STATEMENT = 500;

const contactColumns = [
  'id',
  'first_name',
  'last_name',
  'emailaddress1',
  'parent_account_id',
  'locale',
  'security_stamp',
  'created_at',
  'updated_at',
] as const;
const auditColumns = ['id', 'actor_type', 'action', 'record_type', 'record_id', 'details', 'created_at'] as const;

/** The values an import of the bench's CSV writes: row i of csvOf(n) in import.ts. */
function rowsOf(n: number) {
  const now = new Date().toISOString();
  const accounts = Array.from({ length: 500 }, (_, i) => [newId(), `Firma ${i}`, now, now]);
  const contacts: unknown[][] = [];
  const audits: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const id = newId();
    const account = accounts[i % 500]?.[0];
    contacts.push([
      id,
      `Søren ${i}`,
      `Ørsted; ${i % 97}`,
      `s${i}@bench.example`,
      account,
      'da',
      randomToken(16),
      now,
      now,
    ]);
    audits.push([newId(), 'system', 'create', 'contact', id, '{"import":"csv"}', now]);
  }
  return { accounts, contacts, audits };
}

const texts = new Map<string, string>();
function insertText(table: string, columns: readonly string[], rows: number, postgres: boolean): string {
  const key = `${table}|${rows}|${postgres}`;
  let text = texts.get(key);
  if (!text) {
    let k = 0;
    const tuple = () => `(${columns.map(() => (postgres ? `$${++k}` : '?')).join(', ')})`;
    text = `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, tuple).join(', ')}`;
    texts.set(key, text);
  }
  return text;
}

export async function databaseFloor(dialect: 'sqlite' | 'postgres', n: number): Promise<FloorRate> {
  const bench = await openBenchDatabase(dialect, 1);
  try {
    const { accounts, contacts, audits } = rowsOf(n);
    const accountSql = insertText('accounts', ['id', 'name', 'created_at', 'updated_at'], 1, false);
    let run: () => Promise<void>;
    if (dialect === 'sqlite') {
      // The app's own connection (its pragmas), through the statement cache as insert-many.ts uses it.
      let raw: SQLite.Database | undefined;
      await bench.handle.db.transaction().execute(async (tx) => {
        raw = sqliteConnectionOf(tx);
      });
      const db = raw as SQLite.Database;
      const contact = db.prepare(insertText('contacts', contactColumns, 1, false));
      const audit = db.prepare(insertText('audit_log', auditColumns, 1, false));
      const account = db.prepare(accountSql);
      run = async () => {
        db.transaction(() => {
          for (const a of accounts) account.run(a);
        })();
        for (let i = 0; i < n; i += TRANSACTION)
          db.transaction(() => {
            for (let j = i; j < Math.min(n, i + TRANSACTION); j++) {
              contact.run(contacts[j] as unknown[]);
              audit.run(audits[j] as unknown[]);
            }
          })();
      };
    } else {
      const db = bench.handle.db;
      const many = (table: string, columns: readonly string[], rows: unknown[][]) =>
        CompiledQuery.raw(insertText(table, columns, rows.length, true), rows.flat());
      run = async () => {
        await db.transaction().execute(async (tx) => {
          const q = many('accounts', ['id', 'name', 'created_at', 'updated_at'], accounts);
          await tx.executeQuery(q);
        });
        for (let i = 0; i < n; i += TRANSACTION)
          await db.transaction().execute(async (tx) => {
            for (let j = i; j < Math.min(n, i + TRANSACTION); j += PG_STATEMENT) {
              const end = Math.min(n, i + TRANSACTION, j + PG_STATEMENT);
              const c = contacts.slice(j, end);
              const a = audits.slice(j, end);
              await tx.executeQuery(many('contacts', contactColumns, c));
              await tx.executeQuery(many('audit_log', auditColumns, a));
            }
          });
      };
    }
    const t = performance.now();
    const cpu = process.cpuUsage();
    await run();
    const used = process.cpuUsage(cpu);
    return { rate: n / ((performance.now() - t) / 1000), cpuRate: n / ((used.user + used.system) / 1e6) };
  } finally {
    await bench.close();
  }
}
