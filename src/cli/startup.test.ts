// The CLI's start-up stays small: the real binary runs with a hook that records every module it
// loads (test/helpers/loaded-modules.mjs), and a command must not pull in the web app or libraries
// it never uses. Structural, not timed: it fails when an import makes a command load the app again.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../config.ts';
import { randomToken } from '../shared/crypto.ts';
import { createEmptyDatabase } from '../../test/helpers/db.ts';
import { runCliBinary, type CliRan } from '../../test/helpers/cli.ts';
import { tempDir } from '../../test/helpers/temp.ts';

const hook = new URL('../../test/helpers/loaded-modules.mjs', import.meta.url).href;
let dir: string;
let database: DatabaseConfig;
let removeDatabase: () => Promise<void>;
const secretKey = randomToken(32);
let runs = 0;

/** Runs the CLI and returns what it printed and the URLs of every module it loaded. */
async function loaded(args: string[]): Promise<CliRan & { modules: string[] }> {
  const file = join(dir, `modules-${++runs}.txt`);
  writeFileSync(file, '');
  const ran = await runCliBinary(args, {
    cwd: dir,
    execArgv: ['--import', hook],
    env: {
      LOADED_MODULES_FILE: file,
      DATA_DIR: join(dir, 'data'),
      DATABASE_URL: database.dialect === 'postgres' ? database.url : database.file,
      SECRET_KEY: secretKey,
    },
  });
  const modules = [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
  return { ...ran, modules };
}

/** The modules of `modules` that belong to one of `names` (a package, or a path in this repository). */
function matching(modules: string[], names: string[]): string[] {
  return modules.filter((url) =>
    names.some((name) => (name.startsWith('src/') ? url.endsWith(`/${name}`) : url.includes(`/node_modules/${name}/`))),
  );
}

/** What the web app is made of: no local command needs it. */
const WEB_APP = ['fastify', 'liquidjs', 'openid-client', '@node-saml/node-saml', 'src/app.ts', 'src/main.ts'];
const DATABASE = ['better-sqlite3', 'pg', 'kysely', 'src/db/connection.ts'];

beforeAll(async () => {
  dir = tempDir('portal-cli-startup-');
  ({ config: database, remove: removeDatabase } = await createEmptyDatabase());
  writeFileSync(join(dir, 'one.csv'), 'firstName,lastName,emailaddress1\nAda,Lovelace,ada@example.com\n');
});
afterAll(async () => {
  await removeDatabase();
});

describe('what the CLI loads to start', () => {
  it('--help and --version load commander and the command definitions only: no database, no app', async () => {
    for (const args of [['--help'], ['--version']]) {
      const r = await loaded(args);
      expect(r.code, r.stderr).toBe(0);
      // The hook saw the run (else the checks below would pass on nothing).
      expect(matching(r.modules, ['commander', 'src/cli/main.ts'])).not.toHaveLength(0);
      expect(matching(r.modules, [...DATABASE, ...WEB_APP, 'zod', 'src/config.ts'])).toEqual([]);
    }
  });

  it('contacts import of a 1-row file loads its import and the database, not the web app', async () => {
    const r = await loaded(['contacts', 'import', 'one.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 rows: 1 contacts were created');
    for (const needed of ['src/import-export/contacts-import.service.ts', 'kysely'])
      expect(matching(r.modules, [needed]), needed).not.toHaveLength(0);
    // bin/ loads kysely and zod before tsx's hooks: the sources must find those very modules, not a
    // second copy (Kysely's own instanceof checks would fail between two).
    for (const entry of [/\/kysely\/dist\/[^/]+\/index\.js$/, /\/zod\/(v4\/)?index\.js$/])
      expect(
        r.modules.filter((m) => entry.test(m)),
        String(entry),
      ).toHaveLength(1);
    expect(
      matching(r.modules, [
        ...WEB_APP,
        'src/import-export/powerpages-import.service.ts',
        'src/import-export/powerpages-export.service.ts',
        'src/api-client/index.ts',
        'cli-progress',
      ]),
    ).toEqual([]);
  });

  it('export and import powerpages load their own service, not the web app', async () => {
    const out = await loaded(['export', 'powerpages', '--out', 'pp.json']);
    expect(out.code, out.stderr).toBe(0);
    expect(matching(out.modules, ['src/import-export/powerpages-export.service.ts'])).toHaveLength(1);
    expect(matching(out.modules, [...WEB_APP, 'src/import-export/contacts-import.service.ts'])).toEqual([]);

    const back = await loaded(['import', 'powerpages', 'pp.json', '--dry-run']);
    expect(back.code, back.stderr).toBe(0);
    expect(matching(back.modules, ['src/import-export/powerpages-import.service.ts'])).toHaveLength(1);
    expect(matching(back.modules, [...WEB_APP, 'src/import-export/powerpages-export.service.ts'])).toEqual([]);
  });

  it('invitations create loads no job handlers and no web app; a remote command opens no database', async () => {
    const r = await loaded(['invitations', 'create', '--contacts-from', 'one.csv', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(matching(r.modules, ['src/invitations/invitations.service.ts'])).toHaveLength(1);
    expect(
      matching(r.modules, [
        'fastify',
        'openid-client',
        '@node-saml/node-saml',
        'src/app.ts',
        'src/jobs/job-registry.ts',
      ]),
    ).toEqual([]);

    // Nothing listens there: the command fails to reach it, having loaded only the client.
    const remote = await loaded(['--url', 'http://127.0.0.1:9', '--token', 'x', 'contacts', 'import', 'one.csv']);
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain('server-unreachable');
    expect(matching(remote.modules, [...DATABASE, ...WEB_APP, 'src/cli/context.ts'])).toEqual([]);
  });
});
