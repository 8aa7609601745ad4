// Sent mail in the back office: the view (filter by status, cursor pages), one email as sent with its
// secrets masked and its HTML in a sandboxed frame, and Resend only for unknown/failed ones (confirmed,
// audited by the email service).
import { describe, expect, it } from 'vitest';
import { signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { listEmails, queueEmail } from '../../email/email.service.ts';
import { normalizeCode } from '../../invitations/codes.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const make = () => factories(t);

async function emailWithCode(status: 'pending' | 'unknown' | 'failed' | 'sent' = 'pending') {
  const invitation = await make().invitation({ name: `Mail test ${newId()}`, type: 'group' });
  const code: string = invitation.code;
  const link = `http://localhost:3000/portal/redeem?code=${encodeURIComponent(code)}`;
  const row = await t.ctx.db.transaction().execute((tx) =>
    queueEmail(tx, {
      toAddress: 'invitee@example.com',
      fromAddress: 'portal@example.com',
      subject: `Your code ${code}`,
      html: `<p>Code <b>${code}</b> <a href="${link}">redeem</a></p><script>alert(1)</script><img src="https://tracker.example/x.png">`,
      text: `Code ${code}\n${link}`,
      regardingType: 'invitation',
      regardingId: invitation.id,
      secrets: { values: [code, encodeURIComponent(code), normalizeCode(code)], box: t.ctx.secrets },
    }),
  );
  if (status !== 'pending')
    await t.ctx.db
      .updateTable('emails')
      .set({ status, last_error: status === 'sent' ? null : `Delivery ${status}: test` })
      .where('id', '=', row.id)
      .execute();
  return { id: row.id, code, invitation };
}

describe('Sent mail view', () => {
  it('lists emails newest first with status, attempts, last error and the regarding record, and filters by status', async () => {
    const staff = await signedInStaff(t.app);
    const a = await emailWithCode('unknown');
    const b = await emailWithCode('pending');
    const all = await staff.get('/admin/emails');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Sent mail');
    expect(all.body.indexOf(`/admin/emails/${b.id}`)).toBeLessThan(all.body.indexOf(`/admin/emails/${a.id}`));
    expect(all.body).toContain(`/admin/invitations/${a.invitation.id}`);
    expect(all.body).toContain('Delivery unknown: test');
    expect(all.body).not.toContain(a.code);
    const unknown = await staff.get('/admin/emails?status=unknown');
    expect(unknown.body).toContain(`/admin/emails/${a.id}`);
    expect(unknown.body).not.toContain(`/admin/emails/${b.id}`);
    expect(unknown.body).toMatch(/<option value="unknown" selected/);
  });

  it('pages with the cursor', async () => {
    const staff = await signedInStaff(t.app);
    for (let i = 0; i < 51; i++) await emailWithCode('failed');
    const first = await staff.get('/admin/emails?status=failed');
    const next = /href="(\/admin\/emails\?[^"]*cursor=[^"]+)" rel="next"/.exec(first.body)?.[1];
    expect(next).toBeTruthy();
    const second = await staff.get((next as string).replaceAll('&amp;', '&'));
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('First page');
    // The service's newestFirst order continues towards older emails across pages, with no overlap.
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listEmails(t.ctx, { limit: 20, cursor, status: 'failed', newestFirst: true });
      ids.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids.length).toBeGreaterThanOrEqual(51);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows Danish words with ?lang=da', async () => {
    const staff = await signedInStaff(t.app);
    const { id } = await emailWithCode('unknown');
    const view = await staff.get('/admin/emails?lang=da');
    expect(view.body).toContain('Sendt post');
    expect(view.body).toContain('Statusårsag');
    expect(view.body).toContain('Ukendt udfald');
    const page = await staff.get(`/admin/emails/${id}?lang=da`);
    expect(page.body).toContain('Send igen');
    expect(page.body).toContain('Emne');
  });

  it('answers garbage with a readable page, never a 500', async () => {
    const staff = await signedInStaff(t.app);
    expect((await staff.get('/admin/emails?status=%3Cscript%3E')).statusCode).toBe(200);
    const cursor = await staff.get('/admin/emails?cursor=garbage');
    expect(cursor.statusCode).toBe(422);
    expect(cursor.body).toContain('data-code="validation-failed"');
    expect((await staff.get('/admin/emails/not-an-id')).statusCode).toBe(404);
    expect((await staff.get(`/admin/emails/${newId()}`)).statusCode).toBe(404);
    expect((await staff.post(`/admin/emails/${newId()}/resend`)).statusCode).toBe(404);
  });
});

describe('one email as it was sent', () => {
  it('masks the code as the API does, frames the HTML in a sandbox that runs no script, shows the text', async () => {
    const staff = await signedInStaff(t.app);
    const { id, code, invitation } = await emailWithCode('pending');
    const page = await staff.get(`/admin/emails/${id}`);
    expect(page.statusCode).toBe(200);
    for (const form of [code, normalizeCode(code), encodeURIComponent(code)]) expect(page.body).not.toContain(form);
    expect(page.body).toContain('••••');
    expect(page.body).toContain('data-secrets-masked');
    const iframe = /<iframe[\s\S]*?<\/iframe>/.exec(page.body)?.[0] ?? '';
    // An empty sandbox (written bare, which HTML reads as sandbox=""): no script, no form, no top navigation.
    expect(iframe).toMatch(/^<iframe [^>]*\bsandbox(="")?[ >]/);
    expect(iframe).not.toMatch(/sandbox="[^"]/);
    expect(iframe).toContain('srcdoc="');
    // The email's script and markup are text of the attribute, not part of the page.
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(iframe).toContain('&lt;script>alert(1)&lt;/script>');
    expect(iframe).toContain("default-src 'none'");
    expect(page.body).toMatch(/<pre class="email-text"[^>]*>Code ••••/);
    expect(page.body).toContain(`&lt;${id}@portal-invitations>`);
    expect(page.body).toContain(`/admin/invitations/${invitation.id}`);
    expect(page.body).toContain(invitation.name);
    // The page's own policy keeps the frame from loading anything from outside.
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("default-src 'self'");
  });
});

describe('Resend', () => {
  it('is offered and done for an unknown or failed email, after a confirmation; the service audits it', async () => {
    const staff = await signedInStaff(t.app);
    for (const status of ['unknown', 'failed'] as const) {
      const { id } = await emailWithCode(status);
      const page = await staff.get(`/admin/emails/${id}`);
      expect(page.body).toContain(`href="/admin/emails/${id}/resend"`);
      const confirm = await staff.get(`/admin/emails/${id}/resend`);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain(`action="/admin/emails/${id}/resend"`);
      const done = await staff.post(`/admin/emails/${id}/resend`);
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe(`/admin/emails/${id}`);
      const after = await staff.get(`/admin/emails/${id}`);
      expect(after.body).toContain('data-notice="resent"');
      expect(after.body).toContain('data-status="pending"');
      const audit = await t.ctx.db
        .selectFrom('audit_log')
        .selectAll()
        .where('record_id', '=', id)
        .where('action', '=', 'resend')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_type: 'user', actor_id: t.staffId });
    }
  });

  it('is refused for a pending or sent email with a readable 409 page, and nothing changes', async () => {
    const staff = await signedInStaff(t.app);
    for (const status of ['pending', 'sent'] as const) {
      const { id } = await emailWithCode(status);
      const page = await staff.get(`/admin/emails/${id}`);
      expect(page.body).not.toContain(`/admin/emails/${id}/resend`);
      const confirm = await staff.get(`/admin/emails/${id}/resend`);
      expect(confirm.statusCode).toBe(409);
      expect(confirm.body).toContain('data-code="conflict"');
      const post = await staff.post(`/admin/emails/${id}/resend`);
      expect(post.statusCode).toBe(409);
      expect(post.body).toContain('data-code="conflict"');
      const row = await t.ctx.db.selectFrom('emails').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status).toBe(status);
    }
  });

  it('refuses a POST without the CSRF token', async () => {
    const staff = await signedInStaff(t.app);
    const { id } = await emailWithCode('unknown');
    const r = await staff.post(`/admin/emails/${id}/resend`, {}, { csrf: false });
    expect(r.statusCode).toBe(403);
    const row = await t.ctx.db.selectFrom('emails').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('unknown');
  });
});
