// CSV import of contacts through POST /api/v1/contacts/import: a Danish Excel file (semicolons,
// BOM, quotes, æøå, CRLF) with one bad row; dry run, all-or-nothing, continueOnError, twice.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';

const t = useTestApp();
const f = factories(t);

const post = (csv: string, query = '') =>
  t.api('POST', `contacts/import${query}`, { body: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } });

async function contactsMatching(domain: string) {
  const r = await t.api('GET', `contacts?q=${encodeURIComponent(domain)}&limit=500`);
  return r.json().items as Array<Record<string, unknown>>;
}

describe('POST /contacts/import', () => {
  it('dry run reports the bad row and changes nothing; without continueOnError nothing is imported; with it the rest; twice changes nothing', async () => {
    const role = await f.webRole({ name: 'Kunder æøå' });
    const d = 'danish-import.example';
    const csv =
      '\uFEFFFornavn;firstname;lastname;emailaddress1;parentcustomerid;locale;webRoles\r\n' +
      `x;"Søren";"Kierkegaard; Æbelø";soren@${d};"Ørsted A/S";da;Kunder æøå\r\n` +
      `x;Åse;Øberg;ase@${d};"Ørsted A/S";en;\r\n` +
      `x;Bad;Row;not-an-email;;xx;\r\n` +
      `x;"Line ""quoted""";Hansen;HANS@${d};;;\r\n`;

    const dry = await post(csv, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    const report = dry.json();
    expect(report).toMatchObject({
      ok: false,
      dryRun: true,
      rows: 4,
      created: 3,
      updated: 0,
      unchanged: 0,
      skipped: 1,
    });
    expect(report.accountsCreated).toBe(1);
    expect(report.errors).toEqual([
      { row: 3, field: 'emailaddress1', message: 'must be an email address' },
      { row: 3, field: 'locale', message: 'must be "da" or "en"' },
    ]);
    expect(await contactsMatching(d)).toHaveLength(0);

    const strict = (await post(csv)).json();
    expect(strict).toMatchObject({ ok: false, created: 0, updated: 0, skipped: 4 });
    expect(await contactsMatching(d)).toHaveLength(0);

    const loose = (await post(csv, '?continueOnError=true')).json();
    expect(loose).toMatchObject({ ok: false, created: 3, updated: 0, unchanged: 0, skipped: 1, accountsCreated: 1 });
    const made = await contactsMatching(d);
    expect(made).toHaveLength(3);
    const soren = made.find((c) => c.emailaddress1 === `soren@${d}`) as Record<string, unknown>;
    expect(soren).toMatchObject({
      firstName: 'Søren',
      lastName: 'Kierkegaard; Æbelø',
      locale: 'da',
      webRoleIds: [role.id],
    });
    const ase = made.find((c) => c.emailaddress1 === `ase@${d}`) as Record<string, unknown>;
    expect(ase.parentAccountId).toBe(soren.parentAccountId);
    const account = (await t.api('GET', `accounts/${soren.parentAccountId}`)).json();
    expect(account.name).toBe('Ørsted A/S');
    expect(made.find((c) => c.lastName === 'Hansen')?.firstName).toBe('Line "quoted"');

    const again = (await post(csv, '?continueOnError=true')).json();
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, skipped: 1, accountsCreated: 0 });

    // Matching ignores letter case; a changed cell updates; empty cells leave fields as they are.
    const change = (await post(`email,lastName,firstName\r\nSOREN@${d.toUpperCase()},Kierkegaard,\r\n`)).json();
    expect(change).toMatchObject({ ok: true, created: 0, updated: 1, unchanged: 0 });
    const after = (await t.api('GET', `contacts/${soren.id}`)).json();
    expect(after).toMatchObject({ lastName: 'Kierkegaard', firstName: 'Søren', emailaddress1: `soren@${d}` });
  });

  it('comma files, unknown web roles, duplicates in one file, a stray quote, no email column', async () => {
    const d = 'comma-import.example';
    const r = (
      await post(`firstName,emailaddress1,webRoles\nA,a@${d},Nope\nB,b@${d},\nC,B@${d},\n`, '?dryRun=true')
    ).json();
    expect(r.errors).toEqual([
      { row: 1, field: 'webRoles', message: 'no web role is named "Nope"' },
      { row: 3, field: 'emailaddress1', message: 'is the same as in row 2' },
    ]);
    expect(r).toMatchObject({ created: 1, skipped: 2 });
    const quote = (await post(`firstName,emailaddress1\n"A,a@${d}\nB"x,b@${d}\n`)).json();
    expect(quote.ok).toBe(false);
    expect(quote.errors[0].field).toBe('file');
    const noEmail = (await post('firstName,lastName\nA,B\n')).json();
    expect(noEmail.errors).toEqual([
      { row: 0, field: 'emailaddress1', message: 'the file needs an emailaddress1 (or email) column' },
    ]);
    expect(await contactsMatching(d)).toHaveLength(0);
  });

  it('refuses a body that is not CSV, and unknown query fields, changing nothing', async () => {
    const json = await t.api('POST', 'contacts/import', { body: { a: 1 } });
    expect(json.statusCode).toBe(422);
    expect(json.json().code).toBe('validation-failed');
    const q = await post('email\na@x.example\n', '?dry=true');
    expect(q.statusCode).toBe(422);
    const staff = await t.api('POST', 'contacts/import', {
      token: t.staffToken,
      body: 'email\nstaff-import@x.example\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(staff.json()).toMatchObject({ ok: true, created: 1 });
  });
});
