// The back office's Import from CSV and Export to Power Pages, through the real forms: a Danish
// Excel file (semicolons, BOM, quotes, æøå, CRLF, one bad row) uploaded as multipart, its mapping
// preview, the dry run, all-or-nothing, Continue on error; CSRF on the multipart form; bad and
// too-large files; uploads bound to their session; the Dataverse JSON download (admins only).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type AdminClient, signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { newId } from '../../shared/ids.ts';
import { IMPORT_BODY_LIMIT } from '../../import-export/spool.ts';
import { findUpload, holdUpload, sweepUploads, UPLOAD_TTL_MS } from '../import-uploads.ts';

const t = useTestApp();
const f = factories(t);

type Part = { name: string; value: string } | { name: string; filename: string; content: Buffer | string };

const BOUNDARY = '----portal-test-boundary-7d1f';
const partHead = (p: Part) =>
  'filename' in p
    ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: text/csv\r\n\r\n`
    : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n`;

function multipartBody(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(partHead(p)));
    const data = 'filename' in p ? p.content : p.value;
    chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** Posts the upload form as a browser does: the CSRF field first, then the file. */
async function upload(
  client: AdminClient,
  file: { filename: string; content: Buffer | string } | null,
  options: { csrf?: string | false; csrfAfterFile?: boolean; payload?: Readable } = {},
): Promise<LightMyRequestResponse> {
  const csrf: Part[] = options.csrf === false ? [] : [{ name: '_csrf', value: options.csrf ?? client.csrfToken }];
  const filePart: Part[] = file ? [{ name: 'file', ...file }] : [{ name: 'file', filename: '', content: '' }];
  const parts = options.csrfAfterFile ? [...filePart, ...csrf] : [...csrf, ...filePart];
  return t.app.inject({
    method: 'POST',
    url: '/admin/contacts/import',
    headers: {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    },
    remoteAddress: '127.0.0.1',
    payload: options.payload ?? multipartBody(parts),
  });
}

const uploadId = (res: LightMyRequestResponse): string => {
  expect(res.statusCode, res.body.slice(0, 600)).toBe(303);
  const id = /^\/admin\/contacts\/import\/([0-9a-f]{32})$/.exec(String(res.headers.location))?.[1];
  expect(id, String(res.headers.location)).toBeTruthy();
  return id as string;
};

const count = (res: LightMyRequestResponse, key: string) =>
  Number(new RegExp(`data-count="${key}">[^<]*<strong>(\\d+)</strong>`).exec(res.body)?.[1]);
const problemOf = (res: LightMyRequestResponse) => /data-import-problem="([a-z-]+)"/.exec(res.body)?.[1];

async function contactsMatching(domain: string) {
  const r = await t.api('GET', `contacts?q=${encodeURIComponent(domain)}&limit=500`);
  return r.json().items as Array<Record<string, unknown>>;
}

const heldFiles = () => {
  try {
    return readdirSync(join(t.ctx.config.dataDir, 'imports'));
  } catch {
    return [];
  }
};

const danishCsv = (d: string, role: string) =>
  '\uFEFFFornavn;firstname;lastname;emailaddress1;parentcustomerid;locale;webRoles\r\n' +
  `x;"Søren";"Kierkegaard; Æbelø";soren@${d};"Ørsted A/S";da;${role}\r\n` +
  `x;Åse;Øberg;ase@${d};"Ørsted A/S";en;\r\n` +
  `x;Bad;Row;not-an-email;;xx;\r\n` +
  `x;"Line ""quoted""";Hansen;HANS@${d};;;\r\n`;

describe('Import from CSV in the back office', () => {
  it('previews the mapping; the dry run reports the bad row and changes nothing; all or nothing; Continue on error imports the rest', async () => {
    const role = await f.webRole({ name: `Kunder æøå ${newId().slice(-6)}` });
    const d = `bo-${newId().slice(-8)}.example`;
    const staff = await signedInStaff(t.app);
    const view = await staff.get('/admin/contacts');
    expect(view.body).toContain('href="/admin/contacts/import"');
    expect(view.body).toContain('Import from CSV');
    expect(view.body).not.toContain('href="/admin/export/powerpages"');
    const form = await staff.get('/admin/contacts/import');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('enctype="multipart/form-data"');

    const id = uploadId(await upload(staff, { filename: 'kontakter.csv', content: danishCsv(d, role.name) }));
    const preview = await staff.get(`/admin/contacts/import/${id}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('data-column="Fornavn" data-field="ignored"');
    expect(preview.body).toContain('data-column="firstname" data-field="firstName"');
    expect(preview.body).toContain('data-column="emailaddress1" data-field="emailaddress1"');
    expect(preview.body).toContain('data-column="parentcustomerid" data-field="account"');
    expect(preview.body).toContain('data-column="webRoles" data-field="webRoles"');
    expect(preview.body).toContain('data-fact="encoding" data-value="utf-8-bom"');
    expect(preview.body).toContain('data-fact="delimiter" data-value=";"');
    expect(preview.body).toContain('kontakter.csv');
    expect(preview.body).toContain('Kierkegaard; Æbelø');
    expect(preview.body).toMatch(/Line (&quot;|")quoted(&quot;|")/);

    const dry = await staff.post(`/admin/contacts/import/${id}`, { continueOnError: 'false', mode: 'dry-run' });
    expect(dry.statusCode).toBe(200);
    expect(dry.body).toContain('data-report-ok="false" data-dry-run="true"');
    expect([count(dry, 'rows'), count(dry, 'created'), count(dry, 'skipped')]).toEqual([4, 3, 1]);
    expect(dry.body).toContain('data-error-row="3" data-error-field="emailaddress1"');
    expect(dry.body).toContain('data-error-row="3" data-error-field="locale"');
    expect(dry.body).toContain('must be an email address');
    expect(await contactsMatching(d)).toHaveLength(0);

    const strict = await staff.post(`/admin/contacts/import/${id}`, { continueOnError: 'false', mode: 'import' });
    expect(strict.statusCode).toBe(200);
    expect(strict.body).toContain('data-report-ok="false" data-dry-run="false"');
    expect([count(strict, 'created'), count(strict, 'skipped')]).toEqual([0, 4]);
    expect(strict.body).toContain('Nothing was imported');
    expect(strict.body).toContain(`action="/admin/contacts/import/${id}"`);
    expect(await contactsMatching(d)).toHaveLength(0);

    const loose = await staff.post(`/admin/contacts/import/${id}`, {
      continueOnError: ['false', 'true'],
      mode: 'import',
    });
    expect([count(loose, 'created'), count(loose, 'skipped'), count(loose, 'accountsCreated')]).toEqual([3, 1, 1]);
    expect(loose.body).toContain('href="/admin/contacts"');
    const made = await contactsMatching(d);
    expect(made).toHaveLength(3);
    expect(made.find((c) => c.emailaddress1 === `soren@${d}`)).toMatchObject({
      firstName: 'Søren',
      lastName: 'Kierkegaard; Æbelø',
      locale: 'da',
      webRoleIds: [role.id],
    });
    expect(made.find((c) => c.lastName === 'Hansen')?.firstName).toBe('Line "quoted"');
    // Audited as the API's import: one entry per contact, by the staff member.
    const audits = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'record_id'])
      .where('actor_id', '=', t.staffId)
      .where('record_type', '=', 'contact')
      .where('details', 'like', '%"import":"csv"%')
      .execute();
    expect(audits.map((a) => a.record_id).sort()).toEqual(made.map((c) => c.id).sort());
    // The file is gone once imported.
    const gone = await staff.get(`/admin/contacts/import/${id}`);
    expect(gone.statusCode).toBe(404);
    expect(problemOf(gone)).toBe('gone');
    expect(heldFiles().filter((n) => n.startsWith(id))).toEqual([]);

    // Twice changes nothing.
    const again = uploadId(await upload(staff, { filename: 'k.csv', content: danishCsv(d, role.name) }));
    const second = await staff.post(`/admin/contacts/import/${again}`, { continueOnError: 'true', mode: 'import' });
    expect([count(second, 'created'), count(second, 'updated'), count(second, 'unchanged')]).toEqual([0, 0, 3]);
  });

  it('speaks Danish, the row problems too', async () => {
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/contacts?lang=da');
    const id = uploadId(await upload(admin, { filename: 'a.csv', content: 'email;locale\r\nnot-an-email;da\r\n' }));
    const preview = await admin.get(`/admin/contacts/import/${id}`);
    expect(preview.body).toContain('Kolonnetilknytning');
    expect(preview.body).toContain('Semikolon (;)');
    const dry = await admin.post(`/admin/contacts/import/${id}`, { mode: 'dry-run' });
    expect(dry.body).toContain('Rapport fra prøvekørsel');
    expect(dry.body).toContain('skal være en mailadresse');
    await admin.get('/admin/contacts?lang=en');
  });

  it('refuses a multipart upload without the CSRF field first, and keeps nothing', async () => {
    const staff = await signedInStaff(t.app);
    const before = heldFiles().length;
    const file = { filename: 'a.csv', content: 'email\r\ncsrf@example.com\r\n' };
    for (const res of [
      await upload(staff, file, { csrf: false }),
      await upload(staff, file, { csrf: 'not-the-token' }),
      await upload(staff, file, { csrfAfterFile: true }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('data-code="csrf-invalid"');
    }
    expect(heldFiles()).toHaveLength(before);
    const id = uploadId(await upload(staff, file));
    const run = await staff.post(`/admin/contacts/import/${id}`, { mode: 'import' }, { csrf: false });
    expect(run.statusCode).toBe(403);
    expect((await t.api('GET', 'contacts?email=csrf@example.com')).json().items).toHaveLength(0);
    // Signed out: refused, nothing kept.
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/contacts/import',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody([
        { name: '_csrf', value: 'x' },
        { name: 'file', ...file },
      ]),
    });
    expect(res.statusCode).toBe(401);
  });

  it('answers a multipart body it cannot read with a page, never a 500', async () => {
    const staff = await signedInStaff(t.app);
    const cookie = [...staff.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const whole = multipartBody([
      { name: '_csrf', value: staff.csrfToken },
      { name: 'file', filename: 'a.csv', content: 'email\r\ncut@example.com\r\n' },
    ]);
    for (const [contentType, payload] of [
      ['multipart/form-data', whole],
      [`multipart/form-data; boundary=${BOUNDARY}`, whole.subarray(0, whole.length - 30)],
      [`multipart/form-data; boundary=${BOUNDARY}`, Buffer.from('junk')],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/admin/contacts/import',
        headers: { cookie, 'content-type': contentType },
        remoteAddress: '127.0.0.1',
        payload,
      });
      expect(res.statusCode, `${contentType}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
    // Multipart where the back office takes none: refused as such.
    const id = uploadId(await upload(staff, { filename: 'a.csv', content: 'email\r\nm@example.com\r\n' }));
    const res = await t.app.inject({
      method: 'POST',
      url: `/admin/contacts/import/${id}`,
      headers: { cookie, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      remoteAddress: '127.0.0.1',
      payload: multipartBody([
        { name: '_csrf', value: staff.csrfToken },
        { name: 'mode', value: 'import' },
      ]),
    });
    expect([400, 403, 415]).toContain(res.statusCode);
    expect((await t.api('GET', 'contacts?email=m@example.com')).json().items).toHaveLength(0);
  });

  it('answers a readable page for no file, an empty file, not text, not CSV, no email column, and a file too large', async () => {
    const staff = await signedInStaff(t.app);
    const before = heldFiles().length;
    const cases: Array<[string, { filename: string; content: Buffer | string } | null, number]> = [
      ['no-file', null, 422],
      ['empty', { filename: 'empty.csv', content: '' }, 422],
      ['empty', { filename: 'bom.csv', content: '\uFEFF\r\n  \r\n' }, 422],
      [
        'not-text',
        { filename: 'photo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe]) },
        422,
      ],
      [
        'not-text',
        { filename: 'latin1.csv', content: Buffer.from('email;firstName\r\na@example.com;S\xf8ren\r\n', 'latin1') },
        422,
      ],
      ['not-csv', { filename: 'quote.csv', content: 'email,"name\r\n' }, 422],
      ['no-email-column', { filename: 'names.csv', content: 'firstName;lastName\r\nAnn;Berg\r\n' }, 422],
    ];
    for (const [problem, file, status] of cases) {
      const res = await upload(staff, file);
      expect(res.statusCode, `${problem}: ${res.body.slice(0, 300)}`).toBe(status);
      expect(problemOf(res), file?.filename).toBe(problem);
      expect(res.body).toContain('enctype="multipart/form-data"');
    }
    const noEmail = await upload(staff, { filename: 'names.csv', content: 'firstName;lastName\r\nAnn;Berg\r\n' });
    expect(noEmail.body).toContain('data-column="firstName" data-field="firstName"');

    // One byte over 100 MiB, streamed (never held here either).
    const head = Buffer.from(
      `${partHead({ name: '_csrf', value: '' })}${staff.csrfToken}\r\n${partHead({ name: 'file', filename: 'big.csv', content: '' })}email\n`,
    );
    const mib = Buffer.alloc(1024 * 1024, 'a');
    const body = Readable.from(
      (function* () {
        yield head;
        let left = IMPORT_BODY_LIMIT + 1 - 'email\n'.length;
        while (left > 0) {
          const n = Math.min(left, mib.length);
          yield mib.subarray(0, n);
          left -= n;
        }
        yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
      })(),
    );
    const big = await upload(staff, null, { payload: body });
    expect(big.statusCode).toBe(413);
    expect(problemOf(big)).toBe('too-large');
    expect(heldFiles()).toHaveLength(before);
  }, 60_000);

  it('finds an upload only in its own session, and not after an hour', async () => {
    const staff = await signedInStaff(t.app);
    const other = await signedInStaff(t.app);
    const id = uploadId(await upload(staff, { filename: 'a.csv', content: 'email\r\nmine@example.com\r\n' }));
    expect((await other.get(`/admin/contacts/import/${id}`)).statusCode).toBe(404);
    const run = await other.post(`/admin/contacts/import/${id}`, { mode: 'import' });
    expect(run.statusCode).toBe(404);
    expect((await t.api('GET', 'contacts?email=mine@example.com')).json().items).toHaveLength(0);
    for (const bad of ['..%2F..%2Fsecret.key', 'ABC', `${id}x`])
      expect((await staff.get(`/admin/contacts/import/${bad}`)).statusCode).toBe(404);

    const session = { id: newId(), csrfToken: '', user: null };
    const held = await holdUpload(t.ctx, session, Readable.from([Buffer.from('email\nx@example.com\n')]), 'x.csv');
    expect(await findUpload(t.ctx, session, held.id)).toBeTruthy();
    const later = Date.now() + UPLOAD_TTL_MS;
    expect(await findUpload(t.ctx, session, held.id, later)).toBeUndefined();
    const kept = await holdUpload(t.ctx, session, Readable.from([Buffer.from('email\ny@example.com\n')]), 'y.csv');
    await sweepUploads(t.ctx, Date.now() + UPLOAD_TTL_MS);
    expect(await findUpload(t.ctx, session, kept.id)).toBeUndefined();
    expect(heldFiles()).toEqual([]);
  });
});

describe('Export to Power Pages in the back office', () => {
  it('downloads the Dataverse JSON in either data model, audited; administrators only', async () => {
    const account = await f.account({ name: `Export ${newId().slice(-6)}` });
    const contact = await f.contact({ parentAccountId: account.id });
    const inv = await f.invitation({ type: 'single', invitedContactIds: [contact.id] });
    const admin = await signedInAdmin(t.app);
    expect((await admin.get('/admin/contacts')).body).toContain('href="/admin/export/powerpages"');
    expect((await admin.get('/admin/invitations?view=all')).body).toContain('href="/admin/export/powerpages"');
    const page = await admin.get('/admin/export/powerpages');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="model" value="enhanced"');

    for (const model of ['enhanced', 'standard'] as const) {
      const res = await admin.post('/admin/export/powerpages', { model, format: 'json' });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(String(res.headers['content-disposition'])).toMatch(
        new RegExp(`^attachment; filename="powerpages-${model}-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
      );
      const doc = JSON.parse(res.body) as Record<string, Array<Record<string, unknown>>>;
      const roles = model === 'enhanced' ? 'mspp_webroles' : 'adx_webroles';
      expect(Object.keys(doc)).toEqual(expect.arrayContaining(['accounts', 'contacts', roles, 'adx_invitations']));
      expect(doc.contacts?.find((c) => c.contactid === contact.id)).toMatchObject({
        emailaddress1: contact.emailaddress1,
        _parentcustomerid_value: account.id,
      });
      const exported = doc.adx_invitations?.find((i) => i.adx_invitationid === inv.id);
      expect(exported).toMatchObject({ _adx_invitecontact_value: contact.id, adx_type: 756150000 });
      expect(res.body).not.toContain('adx_invitationcode');
    }
    const audits = await t.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'export')
      .where('actor_id', '=', t.adminId)
      .execute();
    expect(audits.length).toBe(2);
    expect(JSON.parse(audits[0]?.details ?? '{}')).toMatchObject({ model: 'enhanced' });

    const bad = await admin.post('/admin/export/powerpages', { model: 'other' });
    expect(bad.statusCode).toBe(422);

    const staff = await signedInStaff(t.app);
    expect((await staff.get('/admin/export/powerpages')).statusCode).toBe(403);
    expect((await staff.post('/admin/export/powerpages', { model: 'enhanced' })).statusCode).toBe(403);
    expect((await staff.get('/admin/invitations?view=all')).body).not.toContain('href="/admin/export/powerpages"');
    const refused = await admin.post('/admin/export/powerpages', { model: 'enhanced' }, { csrf: false });
    expect(refused.statusCode).toBe(403);
  });
});
