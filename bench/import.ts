// `npm run bench -- import`: contacts from CSV through the real CLI (SQLite, a fresh data dir):
// rows/s and peak RSS, against csv-parse alone reading the same file in this run; 10,000 vs N rows RSS.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';

const bin = fileURLToPath(new URL('../bin/portal-invitations.js', import.meta.url));

function csvOf(n: number): string {
  const lines = ['firstname;lastname;emailaddress1;account;locale'];
  for (let i = 0; i < n; i++) lines.push(`Søren ${i};"Ørsted; ${i % 97}";s${i}@bench.example;Firma ${i % 500};da`);
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

async function csvParseAlone(file: string): Promise<number> {
  const t = performance.now();
  let n = 0;
  for await (const _ of createReadStream(file).pipe(parse({ bom: true, delimiter: ';' }))) n++;
  return (n - 1) / ((performance.now() - t) / 1000);
}

function cliRun(file: string, dir: string): { rate: number; rssMb: number } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, '--json', 'contacts', 'import', file], {
    env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent', SECRET_KEY: 'b'.repeat(43) },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - t) / 1000;
  const report = JSON.parse(r.stdout) as { created: number };
  const rss = Number(r.stderr.trim().split('\n').pop()) / 1024;
  return { rate: report.created / seconds, rssMb: rss };
}

export async function runImportBench(): Promise<void> {
  const n = Number(process.env.BENCH_IMPORT_N ?? 100_000);
  const results: Record<number, { rate: number; rssMb: number; parse: number }> = {};
  for (const rows of [10_000, n]) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
    const file = join(dir, 'contacts.csv');
    writeFileSync(file, csvOf(rows));
    const parseRate = await csvParseAlone(file);
    results[rows] = { ...cliRun(file, join(dir, 'data')), parse: parseRate };
    rmSync(dir, { recursive: true, force: true });
  }
  const big = results[n] as { rate: number; rssMb: number; parse: number };
  const small = results[10_000] as { rssMb: number };
  console.log(`\n## CSV contacts import through the CLI (SQLite), ${n} rows`);
  console.log(
    `import: ${Math.round(big.rate)} rows/s (whole command, migrations included); csv-parse alone: ${Math.round(big.parse)} rows/s; ratio ${(big.rate / big.parse).toFixed(3)}`,
  );
  console.log(
    `peak RSS: ${big.rssMb.toFixed(0)} MB at ${n} rows, ${small.rssMb.toFixed(0)} MB at 10,000 rows; ratio ${(big.rssMb / small.rssMb).toFixed(2)}`,
  );
}
