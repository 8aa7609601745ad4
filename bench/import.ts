// `npm run bench -- import`: contacts from CSV through the real CLI on a fresh database (SQLite in a
// new data dir, and PostgreSQL: a new database on the bench cluster): rows/s and peak RSS, against
// csv-parse alone reading the same file in this run; 10,000 vs N rows RSS. BENCH_IMPORT_N rows
// (100,000), BENCH_IMPORT_DB=sqlite|postgres to run one of them. Also the CLI's start-up: the same
// command on a 1-row file (median of 3 after a first run that migrates), against `node -e ""`. And the
// database's own share (import-floor.ts): what the driver alone takes to write the same rows.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import pg from 'pg';
import { databaseFloor } from './import-floor.ts';
import { postgresUrl } from './lib.ts';

const bin = fileURLToPath(new URL('../bin/portal-invitations.js', import.meta.url));

function csvOf(n: number): string {
  const lines = ['firstname;lastname;emailaddress1;account;locale'];
  for (let i = 0; i < n; i++) lines.push(`Søren ${i};"Ørsted; ${i % 97}";s${i}@bench.example;Firma ${i % 500};da`);
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Rows per second of wall time and of CPU time (user + system: what a loaded machine distorts less). */
interface Rate {
  rate: number;
  cpuRate: number;
}

async function csvParseAlone(file: string): Promise<Rate> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  for await (const _ of createReadStream(file).pipe(parse({ bom: true, delimiter: ';' }))) n++;
  const used = process.cpuUsage(cpu);
  return { rate: (n - 1) / ((performance.now() - t) / 1000), cpuRate: (n - 1) / ((used.user + used.system) / 1e6) };
}

/** A new, empty PostgreSQL database on the bench cluster: its URL and how to drop it. */
async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await postgresUrl();
  const name = `bench_import_${Date.now()}`;
  const run = async (q: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await run(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

function cliRun(file: string, dir: string, databaseUrl: string): Rate & { rssMb: number } {
  const t = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%M %U %S', process.execPath, bin, '--json', 'contacts', 'import', file],
    {
      env: {
        ...process.env,
        DATA_DIR: dir,
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'silent',
        SECRET_KEY: 'b'.repeat(43),
      },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`the import failed (${r.status}): ${r.stderr}`);
  const seconds = (performance.now() - t) / 1000;
  const report = JSON.parse(r.stdout) as { created: number };
  const [rssKb, user, system] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return {
    rate: report.created / seconds,
    cpuRate: report.created / ((user ?? 0) + (system ?? 0)),
    rssMb: (rssKb ?? 0) / 1024,
  };
}

/** Wall and CPU (user + system, children included) milliseconds of one process, median of `runs`. */
function medianRun(command: string[], env: NodeJS.ProcessEnv, runs = 3): { wallMs: number; cpuMs: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...command], { env, encoding: 'utf8' });
    wall.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${command.join(' ')} failed (${r.status}): ${r.stderr}`);
    const [user, system] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
    cpu.push(((user ?? 0) + (system ?? 0)) * 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

/** `contacts import` of a 1-row file on a migrated database: what every command costs to start. */
function startup(dir: string, databaseUrl: string) {
  const file = join(dir, 'one.csv');
  writeFileSync(file, 'firstname;lastname;emailaddress1\nAda;Lovelace;ada@bench.example\n');
  const env = {
    ...process.env,
    DATA_DIR: join(dir, 'data'),
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'b'.repeat(43),
  };
  const command = [process.execPath, bin, 'contacts', 'import', file];
  medianRun(command, env, 1); // migrates the new database: not a start-up
  return { cli: medianRun(command, env), node: medianRun([process.execPath, '-e', ''], env) };
}

export async function runImportBench(): Promise<void> {
  const n = Number(process.env.BENCH_IMPORT_N ?? 100_000);
  const dialects = process.env.BENCH_IMPORT_DB ? [process.env.BENCH_IMPORT_DB] : ['sqlite', 'postgres'];
  for (const dialect of dialects) {
    const results: Record<number, Rate & { rssMb: number; parse: Rate }> = {};
    for (const rows of [10_000, n]) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
      const file = join(dir, 'contacts.csv');
      writeFileSync(file, csvOf(rows));
      const parseRate = await csvParseAlone(file);
      const database = dialect === 'postgres' ? await freshPostgres() : undefined;
      try {
        results[rows] = { ...cliRun(file, join(dir, 'data'), database?.url ?? ''), parse: parseRate };
      } finally {
        await database?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const floor = await databaseFloor(dialect as 'sqlite' | 'postgres', n);
    const startDir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
    const startDb = dialect === 'postgres' ? await freshPostgres() : undefined;
    let start: ReturnType<typeof startup>;
    try {
      start = startup(startDir, startDb?.url ?? '');
    } finally {
      await startDb?.drop();
      rmSync(startDir, { recursive: true, force: true });
    }
    const big = results[n] as Rate & { rssMb: number; parse: Rate };
    const small = results[10_000] as { rssMb: number };
    console.log(
      `\n## CSV contacts import through the CLI (${dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}), ${n} rows`,
    );
    console.log(
      `import: ${Math.round(big.rate)} rows/s (whole command, migrations included); csv-parse alone: ${Math.round(big.parse.rate)} rows/s; ratio ${(big.rate / big.parse.rate).toFixed(3)}`,
    );
    console.log(
      `per CPU second: import ${Math.round(big.cpuRate)} rows; csv-parse alone ${Math.round(big.parse.cpuRate)} rows; ratio ${(big.cpuRate / big.parse.cpuRate).toFixed(3)}`,
    );
    // The fastest import there can be that reads the file, then writes its rows: csv-parse's time and
    // the database's, one after the other (an import writes nothing before every row is checked).
    const both = 1 / (1 / big.parse.rate + 1 / floor.rate);
    console.log(
      `the database alone (the same accounts, contacts and audit entries, driver only, 10,000 rows a transaction): ${Math.round(floor.rate)} rows/s; import / that: ${(big.rate / floor.rate).toFixed(2)}; csv-parse then the database, back to back: ${Math.round(both)} rows/s = ratio ${(both / big.parse.rate).toFixed(3)} to csv-parse, the most a parse-then-write import can reach`,
    );
    console.log(
      `peak RSS: ${big.rssMb.toFixed(0)} MB at ${n} rows, ${small.rssMb.toFixed(0)} MB at 10,000 rows; ratio ${(big.rssMb / small.rssMb).toFixed(2)}`,
    );
    const { cli, node } = start;
    console.log(
      `start-up (the same CLI on a 1-row file, median of 3): ${Math.round(cli.wallMs)} ms wall, ${Math.round(cli.cpuMs)} ms CPU; node -e "": ${Math.round(node.wallMs)} ms wall, ${Math.round(node.cpuMs)} ms CPU; ratio ${(cli.wallMs / node.wallMs).toFixed(1)}× wall, ${(cli.cpuMs / Math.max(node.cpuMs, 1)).toFixed(1)}× CPU; ${((100 * cli.wallMs) / 1000 / (n / big.rate)).toFixed(1)} % of the ${n}-row import's wall time`,
    );
  }
}
