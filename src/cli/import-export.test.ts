// `contacts import`, `import powerpages`, `export powerpages` as users run them: the real bin in a
// child process on a test database; progress lines on stderr, one --json document, exit 0/1/2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliBinary, type CliRan } from '../../test/helpers/cli.ts';
import type { DatabaseConfig } from '../config.ts';
import { randomToken } from '../shared/crypto.ts';
import { createEmptyDatabase } from '../../test/helpers/db.ts';

let dir: string;
let database: DatabaseConfig;
let removeDatabase: () => Promise<void>;
const secretKey = randomToken(32);

function cli(args: string[]): Promise<CliRan> {
  return runCliBinary(args, {
    cwd: dir,
    env: {
      DATA_DIR: join(dir, 'data'),
      DATABASE_URL: database.dialect === 'postgres' ? database.url : database.file,
      SECRET_KEY: secretKey,
      LOG_LEVEL: 'silent',
    },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portal-import-cli-'));
  ({ config: database, remove: removeDatabase } = await createEmptyDatabase());
});
afterAll(async () => {
  await removeDatabase();
  rmSync(dir, { recursive: true, force: true });
});

describe('import and export on the command line', () => {
  it('contacts import: progress lines, --json, exit 1 with a bad row (nothing imported), 0 when clean; usage is 2', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '\uFEFFfirstname;emailaddress1\r\nSøren;soren@cli.example\r\nBad;nope\r\n');
    const dry = await cli(['--json', 'contacts', 'import', bad, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(1);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      ok: false,
      dryRun: true,
      created: 1,
      skipped: 1,
      errors: [{ row: 2, field: 'emailaddress1', message: 'must be an email address' }],
    });
    expect(dry.stderr).toMatch(/^Checking: 2 rows \(\d+ rows\/s\)$/m);

    const strict = await cli(['contacts', 'import', bad]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('row 2, emailaddress1: must be an email address');
    expect(strict.stdout).toContain('Nothing was imported.');

    const loose = await cli(['--json', 'contacts', 'import', bad, '--continue-on-error']);
    expect(loose.code).toBe(1);
    expect(JSON.parse(loose.stdout)).toMatchObject({ ok: false, created: 1, skipped: 1 });
    expect(loose.stderr).toMatch(/^Importing: 1\/2 rows|^Importing: 2\/2 rows/m);

    const good = join(dir, 'good.csv');
    writeFileSync(good, 'firstname,emailaddress1\nSøren,SOREN@cli.example\n');
    const clean = await cli(['--json', 'contacts', 'import', good]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, created: 0, unchanged: 1, errors: [] });

    const missing = await cli(['contacts', 'import', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const noFile = await cli(['contacts', 'import']);
    expect(noFile.code).toBe(2);
  });

  it('export powerpages → import powerpages (JSON and a CSV directory); a second import changes nothing', async () => {
    const json = join(dir, 'pp.json');
    const out = await cli(['export', 'powerpages', '--out', json, '--model', 'standard']);
    expect(out.code, out.stderr).toBe(0);
    const again = await cli(['--json', 'import', 'powerpages', json]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, dataModel: 'standard', created: 0, updated: 0 });
    const csvDir = join(dir, 'pp-csv/');
    expect((await cli(['export', 'powerpages', '--out', csvDir])).code).toBe(0);
    const fromCsv = await cli(['--json', 'import', 'powerpages', csvDir]);
    expect(JSON.parse(fromCsv.stdout)).toMatchObject({ ok: true, dataModel: 'enhanced', created: 0, updated: 0 });
    const wrong = await cli(['export', 'powerpages', '--out', json, '--model', 'classic']);
    expect(wrong.code).toBe(2);
  });
});
