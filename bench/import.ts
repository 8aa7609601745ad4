// `npm run bench -- import`: contacts from CSV through the real CLI on a fresh database (SQLite in a
// new data dir, and PostgreSQL: a new database on the bench cluster): rows/s and peak RSS, against
// csv-parse alone reading the same file in this run; 10,000 vs N rows RSS. BENCH_IMPORT_N rows
// (100,000), BENCH_IMPORT_DB=sqlite|postgres to run one of them.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import pg from 'pg';
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
    console.log(
      `peak RSS: ${big.rssMb.toFixed(0)} MB at ${n} rows, ${small.rssMb.toFixed(0)} MB at 10,000 rows; ratio ${(big.rssMb / small.rssMb).toFixed(2)}`,
    );
  }
}
