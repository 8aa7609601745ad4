// Four processes started at once on one empty DATA_DIR (and, on PostgreSQL, one empty database), a
// few rounds: every server comes up, every `migrate` succeeds, and each migration ran exactly once.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connection.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { createEmptyDatabase, testDialect } from './helpers/db.ts';
import { startAppProcess, stopAppProcess, type AppProcess } from './helpers/processes.ts';
import { removeTempDir, tempDir } from './helpers/temp.ts';

const PROCESSES = 4;
const ROUNDS = 3;
const root = fileURLToPath(new URL('../', import.meta.url));
const names = Object.keys(migrations);

/** An empty DATA_DIR and, on PostgreSQL, an empty database; the environment a process gets. */
async function emptyStart() {
  const dataDir = tempDir('portal-start-');
  const database =
    testDialect() === 'postgres' ? await createEmptyDatabase() : { config: undefined, remove: async () => {} };
  // No SECRET_KEY: the processes share the generated DATA_DIR/secret.key as well.
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: database.config?.dialect === 'postgres' ? database.config.url : '',
    SECRET_KEY: '',
    INITIAL_ADMIN_EMAIL: '',
  };
  const sqliteFile = join(dataDir, 'portal.db');
  const applied = async (): Promise<string[]> => {
    const handle = openDatabase(database.config ?? { dialect: 'sqlite', file: sqliteFile });
    try {
      const rows = await handle.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .orderBy('name' as never)
        .execute();
      return rows.map((r) => (r as { name: string }).name);
    } finally {
      await handle.close();
    }
  };
  return {
    env,
    applied,
    remove: async () => {
      await database.remove();
      removeTempDir(dataDir);
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Migrated {
  code: number | null;
  output: string;
}

function cliMigrate(env: Record<string, string>): Promise<Migrated> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/portal-invitations.js'), 'migrate', '--json'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

it(`${PROCESSES} processes started at once on an empty DATA_DIR, two servers and two \`migrate\`: all succeed, each migration applied once (${ROUNDS} rounds)`, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const start = await emptyStart();
    cleanups.push(start.remove);
    const env = { ...start.env, LOG_LEVEL: 'info' };
    const [servers, commands] = await Promise.all([
      Promise.allSettled(Array.from({ length: PROCESSES / 2 }, () => startAppProcess(env))),
      Promise.all(Array.from({ length: PROCESSES / 2 }, () => cliMigrate(env))),
    ]);
    const up = servers.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    await Promise.all(up.map((p: AppProcess) => stopAppProcess(p)));
    expect(
      [
        ...servers.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : [])),
        ...commands.filter((r) => r.code !== 0).map((r) => r.output),
      ],
      `round ${round}`,
    ).toEqual([]);
    // What each process says it applied: the servers log it, `migrate --json` prints it.
    const appliedBy = [
      ...up.flatMap((p) =>
        p
          .output()
          .split('\n')
          .flatMap((line) => {
            const entry = line.startsWith('{') ? (JSON.parse(line) as { msg?: string; migrations?: string[] }) : {};
            return entry.msg === 'applied database migrations' ? (entry.migrations ?? []) : [];
          }),
      ),
      ...commands.flatMap((r) => (JSON.parse(r.output) as { applied: string[] }).applied),
    ];
    expect(appliedBy.sort(), `round ${round}`).toEqual(names);
    expect(await start.applied()).toEqual(names);
  }
}, 180_000);
