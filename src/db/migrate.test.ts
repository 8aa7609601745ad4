// The migration run is one at a time on both databases: two runs at once in one process, and a
// process killed (kill -9) while it holds the lock does not block the next start.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createEmptyDatabase } from '../../test/helpers/db.ts';
import { openDatabase } from './connection.ts';
import { migrateToLatest } from './migrate.ts';
import { migrations } from './migrations/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const names = Object.keys(migrations);

it('two migration runs at once on one empty database: each migration is applied by exactly one', async () => {
  const { config, remove } = await createEmptyDatabase();
  const a = openDatabase(config);
  const b = openDatabase(config);
  try {
    const [byA, byB] = await Promise.all([migrateToLatest(a.db), migrateToLatest(b.db)]);
    expect([...byA, ...byB].sort()).toEqual(names);
    expect(await migrateToLatest(a.db)).toEqual([]);
  } finally {
    await a.close();
    await b.close();
    await remove();
  }
});

/** A plain node process holding the migration lock the way a migrating process does, until killed. */
async function holdMigrationLock(target: string, dialect: 'sqlite' | 'postgres'): Promise<ChildProcess> {
  const script =
    dialect === 'sqlite'
      ? `const db = new (require('better-sqlite3'))(process.argv[1] + '-migrations.lock');
         db.exec('begin exclusive'); console.log('held'); setInterval(() => {}, 1000);`
      : // Kysely's PostgreSQL adapter: a session-level advisory lock with its fixed id.
        `const c = new (require('pg').Client)({ connectionString: process.argv[1] });
         c.connect().then(() => c.query('select pg_advisory_lock(3853314791062309107)'))
          .then(() => { console.log('held'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', script, target], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
  });
  return child;
}

it('waits while another process holds the migration lock, and runs once that process is killed', async () => {
  const { config, remove } = await createEmptyDatabase();
  const handle = openDatabase(config);
  const holder = await holdMigrationLock(config.dialect === 'sqlite' ? config.file : config.url, config.dialect);
  try {
    if (config.dialect === 'sqlite')
      await expect(migrateToLatest(handle.db, { lockTimeoutMs: 200 })).rejects.toThrow(
        /another process has held the migration lock/,
      );
    let done = false;
    const migrating = migrateToLatest(handle.db).finally(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    const exited = new Promise((r) => holder.once('exit', r));
    holder.kill('SIGKILL');
    await exited;
    expect((await migrating).sort()).toEqual(names);
  } finally {
    holder.kill('SIGKILL');
    await handle.close();
    await remove();
  }
});
