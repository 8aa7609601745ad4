// `invitations create --contacts-from` and `invitations send` as users run them: the real bin in a
// child process on the test app's database (and, with --url, against it listening on 127.0.0.1), a
// real SMTP server receiving the invitations. Settings, row errors, --json, exit 0/1/2.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliBinary, type CliRan } from '../../test/helpers/cli.ts';
import { useTestApp } from '../../test/helpers/app.ts';
import { tempDir } from '../../test/helpers/temp.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../email/testing/smtp-test-server.ts';
import { createSmtpTransport } from '../email/transport.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { endOfDayIn } from '../import-export/powerpages.model.ts';
import { newId } from '../shared/ids.ts';

const t = useTestApp();
let smtp: TestSmtpServer;
let dir: string;

type Ran = CliRan;

function cli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const db = t.database.config;
  return runCliBinary(args, {
    cwd: dir,
    env: {
      DATA_DIR: join(dir, 'data'),
      DATABASE_URL: db.dialect === 'postgres' ? db.url : db.file,
      SECRET_KEY: t.ctx.config.secretKey,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'silent',
      ...env,
    },
  });
}

const json = (r: Ran) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
};

async function contact(body: Record<string, unknown>): Promise<{ id: string; emailaddress1: string | null }> {
  const r = await t.api('POST', 'contacts', { body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}
const invitationsOf = async (contactId: string) =>
  (await t.api('GET', `invitations?invitedContactId=${contactId}`)).json().items;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  dir = tempDir('portal-invitations-cli-');
});
afterAll(async () => {
  await smtp.close();
});

describe('invitations create --contacts-from', () => {
  it('creates one invitation per contact of a semicolon CSV with BOM, with the settings of the options', async () => {
    const tag = newId().slice(-8);
    const role = (await t.api('POST', 'web-roles', { body: { name: `Partners ${tag}` } })).json();
    const account = (await t.api('POST', 'accounts', { body: { name: `Acme ${tag}` } })).json();
    expect(
      (await t.api('PUT', 'site-settings/Site%2FTimeZone', { body: { value: 'Europe/Copenhagen' } })).statusCode,
    ).toBe(200);
    const soren = await contact({ firstName: 'Søren', emailaddress1: `soren.${tag}@cli.example` });
    const ann = await contact({ firstName: 'Ann', lastName: 'Berg', emailaddress1: `ann.${tag}@cli.example` });
    const noMail = await contact({ firstName: 'Nomail', lastName: tag });
    const file = join(dir, `create-${tag}.csv`);
    writeFileSync(
      file,
      `\uFEFFcontactid;firstname;emailaddress1\r\n;"Søren; Æblegård";SOREN.${tag}@CLI.example\r\n${ann.id};Ann;\r\n${noMail.id};Nomail;\r\n;Søren again;soren.${tag}@cli.example\r\n`,
    );
    const ran = await cli([
      '--json',
      'invitations',
      'create',
      '--contacts-from',
      file,
      '--name',
      'Partner portal',
      '--expires-at',
      '2099-12-31',
      '--owner',
      'ADMIN@example.com',
      '--web-role',
      `partners ${tag}`,
      '--account',
      account.id,
      '--binding',
      'invited-email',
      '--locale',
      'da',
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const doc = json(ran);
    expect(doc).toMatchObject({
      ok: true,
      dryRun: false,
      rows: 4,
      created: 3,
      updated: 0,
      unchanged: 1,
      skipped: 0,
      errors: [],
      contactsWithoutEmail: [noMail.id],
    });
    expect(ran.stderr).toMatch(/^Checking: 4 rows/m);
    expect(ran.stderr).toMatch(/^Creating: 3\/3 rows/m);
    for (const c of [soren, ann, noMail]) {
      const [inv] = await invitationsOf(c.id);
      expect(inv).toMatchObject({
        name: 'Partner portal',
        type: 'single',
        status: 'new',
        ownerId: t.adminId,
        webRoleIds: [role.id],
        assignToAccountId: account.id,
        binding: 'invited-email',
        locale: 'da',
        invitedContactIds: [c.id],
        expiresAt: endOfDayIn('2099-12-31', 'Europe/Copenhagen'),
      });
      expect(doc.invitations).toContainEqual({ id: inv.id, contactId: c.id });
    }
    expect(endOfDayIn('2099-12-31', 'Europe/Copenhagen')).toBe('2099-12-31T23:00:00.000Z');
  });

  it('a row naming no known contact: the dry run reports it, nothing is created without --continue-on-error', async () => {
    const tag = newId().slice(-8);
    const known = await contact({ firstName: 'Known', emailaddress1: `known.${tag}@cli.example` });
    const file = join(dir, `unknown-${tag}.csv`);
    writeFileSync(file, `emailaddress1,firstname\nKNOWN.${tag}@cli.example,Known\nnobody.${tag}@cli.example,Nobody\n`);
    const args = ['invitations', 'create', '--contacts-from', file];
    const dry = await cli(['--json', ...args, '--dry-run']);
    expect(dry.code).toBe(1);
    expect(json(dry)).toMatchObject({
      ok: false,
      dryRun: true,
      created: 1,
      skipped: 1,
      errors: [{ row: 2, field: 'emailaddress1', message: expect.stringContaining('contacts import') }],
    });
    const strict = await cli(args);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('row 2, emailaddress1: no contact has this email address');
    expect(strict.stdout).toContain('Nothing was created.');
    expect(await invitationsOf(known.id)).toHaveLength(0);

    const loose = await cli(['--json', ...args, '--continue-on-error']);
    expect(loose.code).toBe(1);
    expect(json(loose)).toMatchObject({ ok: false, created: 1, skipped: 1, errorCount: 1 });
    expect(await invitationsOf(known.id)).toHaveLength(1);
  }, 120_000);

  it('wrong usage and unknown names are exit 2 with a clear message, before anything is written', async () => {
    const file = join(dir, 'usage.csv');
    writeFileSync(file, 'emailaddress1\nsomeone@cli.example\n');
    const create = ['invitations', 'create', '--contacts-from', file];
    await contact({ emailaddress1: 'someone@cli.example' });
    const invitations = () =>
      t.ctx.db
        .selectFrom('invitations')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
    const before = Number((await invitations()).n);
    const noColumn = join(dir, 'no-column.csv');
    writeFileSync(noColumn, 'firstname;lastname\r\nAnn;Berg\r\n');
    const [binding, role, past, owner, noFile, sendBoth, column] = await Promise.all([
      cli([...create, '--binding', 'nope']),
      cli([...create, '--web-role', 'No such role anywhere']),
      cli([...create, '--expires-at', '2001-01-01']),
      cli([...create, '--owner', 'nobody@example.com']),
      cli(['invitations', 'create', '--contacts-from', join(dir, 'missing.csv')]),
      cli(['invitations', 'send', '--status', 'new', '--ids', newId()]),
      cli(['--json', 'invitations', 'create', '--contacts-from', noColumn]),
    ]);
    expect(binding.code).toBe(2);
    expect(binding.stderr).toContain('--binding: must be "any", "invited-email" or "email-domain"');
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--web-role: no web role is named No such role anywhere');
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('--expires-at: must be in the future');
    expect(owner.code).toBe(2);
    expect(owner.stderr).toContain('--owner: no system user is named nobody@example.com');
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('no such file');
    expect(sendBoth.code).toBe(2);
    expect(sendBoth.stderr).toContain('give either --status or --ids');
    // A file without a column naming the contact is the file's error (row 0), exit 1.
    expect(column.code).toBe(1);
    expect(json(column)).toMatchObject({
      ok: false,
      created: 0,
      errors: [{ row: 0, field: 'file', message: 'the file has no id, contactid or emailaddress1 column' }],
    });
    expect(Number((await invitations()).n)).toBe(before);
  }, 180_000);
});

describe('invitations send', () => {
  it('--status new: one email per invited contact through SMTP_URL, the invitations sent', async () => {
    const tag = newId().slice(-8);
    const a = await contact({ firstName: 'Alma', emailaddress1: `alma.${tag}@cli.example` });
    const b = await contact({ firstName: 'Bo', emailaddress1: `bo.${tag}@cli.example` });
    for (const c of [a, b])
      expect((await t.api('POST', `contacts/${c.id}/invitations`, { body: {} })).statusCode).toBe(201);
    const waiting = (await t.api('GET', 'invitations?status=new&limit=500')).json().items as Array<{
      id: string;
      invitedContactIds: string[];
    }>;
    const before = smtp.received.length;
    const ran = await cli(['--json', 'invitations', 'send', '--status', 'new']);
    expect(ran.code, ran.stderr + ran.stdout).toBe(0);
    const doc = json(ran);
    expect(doc).toMatchObject({ ok: true, invitations: waiting.length, failed: 0, errors: [] });
    expect(doc.succeeded).toBe(waiting.length);
    expect(ran.stderr).toMatch(new RegExp(`^Sending: ${waiting.length}/${waiting.length} invitations`, 'm'));
    // Every invitation whose contact has an email got exactly one; the one without is reported.
    const mailed = smtp.received.slice(before).flatMap((m) => m.to);
    for (const c of [a, b]) expect(mailed.filter((to) => to === c.emailaddress1)).toHaveLength(1);
    expect(mailed).toHaveLength(waiting.length - doc.skipped.length);
    expect(doc.skipped.length).toBeGreaterThanOrEqual(1);
    for (const c of [a, b]) expect((await invitationsOf(c.id))[0].status).toBe('sent');
  });

  it('--ids with a deactivated invitation: its run fails and is reported (exit 1), the other is sent', async () => {
    const tag = newId().slice(-8);
    const ok = await contact({ firstName: 'Ok', emailaddress1: `ok.${tag}@cli.example` });
    const off = await contact({ firstName: 'Off', emailaddress1: `off.${tag}@cli.example` });
    const good = (await t.api('POST', `contacts/${ok.id}/invitations`, { body: { name: `Good ${tag}` } })).json();
    const bad = (await t.api('POST', `contacts/${off.id}/invitations`, { body: { name: `Off ${tag}` } })).json();
    expect((await t.api('POST', `invitations/${bad.id}/deactivate`)).statusCode).toBe(200);
    const ran = await cli(['invitations', 'send', '--ids', `${good.id},${bad.id}`]);
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stdout).toContain('2 invitations: 1 runs succeeded, 1 failed.');
    expect(ran.stdout).toMatch(new RegExp(`failed: ${bad.id} \\(Off ${tag}\\), run \\S+: .*deactivated`));
    expect((await invitationsOf(ok.id))[0].status).toBe('sent');
    expect(smtp.received.filter((m) => m.to.includes(off.emailaddress1 as string))).toHaveLength(0);
  });
});

describe('on a running server (--url, --token)', () => {
  it('creates through POST /invitations/bulk and sends through the workflow runs, opening no local database', async () => {
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const tag = newId().slice(-8);
    const c = await contact({ firstName: 'Remote', emailaddress1: `remote.${tag}@cli.example` });
    const file = join(dir, `remote-${tag}.csv`);
    writeFileSync(file, `emailaddress1\nREMOTE.${tag}@cli.example\n`);
    const remote = {
      DATA_DIR: join(dir, `never-${tag}`),
      DATABASE_URL: '',
      PORTAL_URL: url,
      PORTAL_TOKEN: t.adminToken,
    };
    await t.api('PUT', 'site-settings/Site%2FTimeZone', { body: { value: 'Europe/Copenhagen' } });
    const created = await cli(
      ['--json', 'invitations', 'create', '--contacts-from', file, '--locale', 'da', '--expires-at', '2099-06-30'],
      remote,
    );
    expect(created.code, created.stderr).toBe(0);
    const [item] = json(created).invitations;
    expect(item.contactId).toBe(c.id);
    expect((await invitationsOf(c.id))[0]).toMatchObject({
      id: item.id,
      locale: 'da',
      status: 'new',
      expiresAt: endOfDayIn('2099-06-30', 'Europe/Copenhagen'),
    });

    // The server's worker: this process works the queue while the CLI waits for the run.
    const transport = createSmtpTransport(smtp.url);
    let done = false;
    const worker = (async () => {
      while (!done) {
        await runDueJobsOnce(t.ctx, jobHandlers(t.ctx, transport));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      const sent = await cli(['--json', 'invitations', 'send', '--ids', item.id], remote);
      expect(sent.code, sent.stderr).toBe(0);
      expect(json(sent)).toMatchObject({ ok: true, invitations: 1, succeeded: 1 });
    } finally {
      done = true;
      await worker;
      await transport.close();
    }
    expect(smtp.received.filter((m) => m.to.includes(c.emailaddress1 as string))).toHaveLength(1);
    expect(existsSync(remote.DATA_DIR)).toBe(false);
  }, 120_000);
});
