// Send Invitation end to end on a real SMTP server (smtp-server on loopback, read with mailparser):
// emailaddress1 only, the rendered code and a link that redeems, the language, From, sent status,
// refusals in the run log, sending again, and a 550 shown in the email and the run. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { createSmtpTransport, type MailTransport } from '../email/transport.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../email/testing/smtp-test-server.ts';
import { findInvitationByCode } from '../invitations/invitations.service.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { waitUntil } from '../../test/helpers/wait.ts';

const t = useTestApp();
let smtp: TestSmtpServer;
let transport: MailTransport;
let sendInvitationId: string;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  transport = createSmtpTransport(smtp.url);
  const wfs = (await t.api('GET', 'workflows?limit=500')).json().items;
  sendInvitationId = wfs.find((w: { key: string }) => w.key === 'send-invitation').id;
});
afterAll(async () => {
  await transport.close();
  await smtp.close();
});

const fast = { pollMs: 20, leaseMs: 2_000, backoff: { baseMs: 20, maxMs: 100 } };
const runJobs = () => runDueJobsOnce(t.ctx, jobHandlers(t.ctx, transport), fast);

const { contact, invitation } = factories(t, {
  contact: { firstName: 'Ann', lastName: 'Berg' },
  invitation: { name: 'Partner portal', type: 'single' },
});

/** Runs Send Invitation on the invitations and all due jobs (the run, then the deliveries). */
async function send(...invitationIds: string[]) {
  const r = await t.api('POST', `workflows/${sendInvitationId}/run`, { body: { targetIds: invitationIds } });
  expect(r.statusCode, r.body).toBe(202);
  await runJobs();
  const runs = [];
  for (const item of r.json().items) runs.push((await t.api('GET', `workflow-runs/${item.id}`)).json());
  return runs;
}

const receivedBy = (address: string) => smtp.received.filter((m) => m.to.includes(address));

describe('Send Invitation', () => {
  it('delivers one email to emailaddress1 only, with the code and a link that finds the invitation; sets sent', async () => {
    const c = await contact({
      emailaddress2: `second.${newId()}@example.com`,
      emailaddress3: `third.${newId()}@example.com`,
    });
    const inv = await invitation({ invitedContactIds: [c.id], expiresAt: '2099-01-31T12:00:00.000Z' });
    const before = smtp.received.length;
    const [run] = await send(inv.id);

    expect(run).toMatchObject({ status: 'succeeded', error: null, targetId: inv.id, workflowId: sendInvitationId });
    expect(smtp.received.length - before).toBe(1);
    expect(receivedBy(c.emailaddress2)).toHaveLength(0);
    expect(receivedBy(c.emailaddress3)).toHaveLength(0);
    const [mail] = receivedBy(c.emailaddress1);
    expect(mail!.to).toEqual([c.emailaddress1]);
    // The owner (the creating admin) sends.
    expect(mail!.from).toBe('admin@example.com');
    expect(mail!.parsed.from?.value[0]?.name).toBe('Ada Admin');
    expect(mail!.subject).toBe('You are invited to Customer portal');
    expect(mail!.text).toContain('Hello Ann,');
    expect(mail!.text).toContain(inv.code);
    expect(mail!.text).toContain('31 January 2099 at 12:00 UTC');
    expect(mail!.html).toContain(inv.code);

    // The link is PUBLIC_URL/portal/redeem?code=…, and its code finds this invitation.
    const link = /(http:\/\/localhost:3000\/portal\/redeem\?code=\S+)/.exec(mail!.text ?? '')?.[1];
    expect(link).toBe(inv.redeemUrl);
    expect(mail!.html).toContain(`href="${inv.redeemUrl}"`);
    const code = new URL(link!).searchParams.get('code')!;
    expect((await findInvitationByCode(t.ctx, t.ctx.db, code))?.id).toBe(inv.id);
    const preview = await t.app.inject({
      method: 'GET',
      url: `/portal/api/invitations/preview?code=${encodeURIComponent(code)}`,
    });
    expect(preview.statusCode).toBe(200);

    const after = (await t.api('GET', `invitations/${inv.id}`)).json();
    expect(after.status).toBe('sent');
    expect(after.sentAt).not.toBeNull();

    // The email activity: regarding the invitation, part of the run, sent.
    const emails = (await t.api('GET', `emails?regardingId=${inv.id}`)).json().items;
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      regardingType: 'invitation',
      regardingId: inv.id,
      workflowRunId: run.id,
      toContactId: c.id,
      to: c.emailaddress1,
      status: 'sent',
    });
    expect(run.steps).toHaveLength(1);
    expect(run.steps[0]).toMatchObject({ index: 0, type: 'send-invitation', status: 'succeeded' });
    expect(run.steps[0].detail.recipients).toEqual([
      {
        contactId: c.id,
        to: c.emailaddress1,
        locale: 'en',
        templateId: expect.any(String),
        status: 'queued',
        emailId: emails[0].id,
      },
    ]);
    // The code is in the email, never in the run log.
    expect(JSON.stringify(run)).not.toContain(inv.code);
  });

  it('writes in Danish to a Danish contact; the invitation’s locale comes first, the site’s last', async () => {
    const dane = await contact({ firstName: 'Søren', locale: 'da' });
    const danish = await invitation({ invitedContactIds: [dane.id] });
    const dane2 = await contact({ firstName: 'Mette', locale: 'da' });
    const english = await invitation({ invitedContactIds: [dane2.id], locale: 'en' });
    await send(danish.id, english.id);
    const [da] = receivedBy(dane.emailaddress1);
    expect(da!.subject).toBe('Du er inviteret til Kundeportal');
    expect(da!.text).toContain('Hej Søren');
    expect(da!.text).toContain(danish.code);
    expect(da!.html).toContain('Tag imod invitationen');
    const [en] = receivedBy(dane2.emailaddress1);
    expect(en!.subject).toBe('You are invited to Customer portal');

    const put = (value: string) =>
      t.api('PUT', `site-settings/${encodeURIComponent('Site/DefaultLocale')}`, { body: { value } });
    expect((await put('da')).statusCode).toBe(200);
    try {
      const nobody = await contact({ firstName: 'Lars' });
      const inv = await invitation({ invitedContactIds: [nobody.id] });
      await send(inv.id);
      expect(receivedBy(nobody.emailaddress1)[0]!.subject).toBe('Du er inviteret til Kundeportal');
    } finally {
      await put('en');
    }
  });

  it('names the inviter, and a template From overrides the owner', async () => {
    const inviter = await contact({ firstName: 'Ida', lastName: 'Inviter' });
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id], inviterContactId: inviter.id });
    const en = (await t.api('GET', `email-templates?workflowId=${sendInvitationId}`))
      .json()
      .items.find((x: { locale: string }) => x.locale === 'en');
    await t.api('POST', `workflows/${sendInvitationId}/deactivate`);
    expect(
      (await t.api('PATCH', `email-templates/${en.id}`, { body: { from: '"Partner desk" <desk@example.com>' } }))
        .statusCode,
    ).toBe(200);
    await t.api('POST', `workflows/${sendInvitationId}/activate`);
    try {
      await send(inv.id);
      const [mail] = receivedBy(c.emailaddress1);
      expect(mail!.from).toBe('desk@example.com');
      expect(mail!.subject).toBe('Ida Inviter invites you to Customer portal');
      expect(mail!.text).toContain('Ida Inviter has invited you');
    } finally {
      await t.api('POST', `workflows/${sendInvitationId}/deactivate`);
      await t.api('PATCH', `email-templates/${en.id}`, { body: { from: null } });
      await t.api('POST', `workflows/${sendInvitationId}/activate`);
    }
  });

  it('skips a contact without emailaddress1 (never emailaddress2/3) and logs why', async () => {
    const withEmail = await contact();
    const without = await contact({ emailaddress1: null, emailaddress2: `only.second.${newId()}@example.com` });
    const inv = await invitation({ type: 'group', invitedContactIds: [withEmail.id, without.id] });
    const before = smtp.received.length;
    const [run] = await send(inv.id);
    expect(run.status).toBe('succeeded');
    expect(smtp.received.length - before).toBe(1);
    expect(receivedBy(without.emailaddress2)).toHaveLength(0);
    expect(run.steps[0].detail.recipients).toContainEqual({
      contactId: without.id,
      status: 'skipped',
      reason: expect.stringMatching(/no primary email address/),
    });

    // Only contacts without email: nothing sent, the invitation stays new, the run says why.
    const lonely = await invitation({ invitedContactIds: [without.id] });
    const [skipped] = await send(lonely.id);
    expect(skipped.status).toBe('succeeded');
    expect(skipped.steps[0]).toMatchObject({ status: 'skipped' });
    expect((await t.api('GET', `invitations/${lonely.id}`)).json().status).toBe('new');
  });

  it('sends again with the same code when run again', async () => {
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    await send(inv.id);
    const firstSentAt = (await t.api('GET', `invitations/${inv.id}`)).json().sentAt;
    await new Promise((r) => setTimeout(r, 5));
    const [again] = await send(inv.id);
    expect(again.status).toBe('succeeded');
    const mails = receivedBy(c.emailaddress1);
    expect(mails).toHaveLength(2);
    for (const m of mails) expect(m.text).toContain(inv.code);
    expect(mails[0]!.messageId).not.toBe(mails[1]!.messageId);
    const after = (await t.api('GET', `invitations/${inv.id}`)).json();
    expect(after.status).toBe('sent');
    expect(after.sentAt > firstSentAt).toBe(true);
  });

  it('refuses inactive, expired and redeemed invitations in the run log with the reason, sending nothing', async () => {
    const [a, b, c] = [await contact(), await contact(), await contact()];
    const inactive = await invitation({ invitedContactIds: [a.id] });
    await t.api('POST', `invitations/${inactive.id}/deactivate`);
    const expired = await invitation({
      invitedContactIds: [b.id],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', expired.id)
      .execute();
    const redeemed = await invitation({ invitedContactIds: [c.id] });
    await t.ctx.db
      .updateTable('invitations')
      .set({ status: 'redeemed', redemption_count: 1 })
      .where('id', '=', redeemed.id)
      .execute();
    const before = smtp.received.length;
    const runs = await send(inactive.id, expired.id, redeemed.id);
    expect(smtp.received.length).toBe(before);
    const reasons = runs.map((r) => [r.status, r.error, r.steps[0]?.status]);
    expect(reasons[0]).toEqual([
      'failed',
      expect.stringMatching(/^steps\.0 \(send-invitation\): Not sent: The invitation is deactivated/),
      'failed',
    ]);
    expect(reasons[1]).toEqual(['failed', expect.stringMatching(/Not sent: The invitation expired at/), 'failed']);
    expect(reasons[2]).toEqual([
      'failed',
      expect.stringMatching(/Not sent: The invitation has already been redeemed/),
      'failed',
    ]);
    expect((await t.api('GET', `invitations/${inactive.id}`)).json().status).toBe('inactive');
    expect((await t.api('GET', `invitations/${expired.id}`)).json().sentAt).toBeNull();
    // A refusal is final: the job is not retried.
    const jobs = await t.ctx.db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where(
        'payload',
        'in',
        runs.map((r) => JSON.stringify({ runId: r.id })),
      )
      .execute();
    expect(jobs.map((j) => [j.status, j.attempts])).toEqual([
      ['failed', 1],
      ['failed', 1],
      ['failed', 1],
    ]);
  });

  it('a server answering 550 fails the email with the reason, shown in its activity and in the run', async () => {
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    smtp.reply = (_id, _n) => ({ code: 550, message: 'Mailbox unavailable' });
    try {
      const [run] = await send(inv.id);
      const email = (await t.api('GET', `emails?regardingId=${inv.id}`)).json().items[0];
      expect(email.status).toBe('failed');
      expect(email.lastError).toMatch(/^550 Mailbox unavailable/);
      const after = (await t.api('GET', `workflow-runs/${run.id}`)).json();
      expect(after.status).toBe('failed');
      expect(after.error).toMatch(
        new RegExp(
          `The email to ${c.emailaddress1.replace(/\./g, '\\.')} could not be delivered: 550 Mailbox unavailable`,
        ),
      );
      expect(after.steps[0].status).toBe('failed');
      expect(after.steps[0].detail.recipients[0]).toMatchObject({
        emailId: email.id,
        status: 'failed',
        error: expect.stringMatching(/^550/),
      });
    } finally {
      smtp.reply = () => undefined;
    }
  });
});

describe('the secrets of an invitation email', () => {
  /** Every text column of the email's rows, as the database holds them. */
  const storedText = async (emailId: string) => {
    const row = await t.ctx.db
      .selectFrom('emails')
      .innerJoin('email_bodies', 'email_bodies.email_id', 'emails.id')
      .selectAll()
      .where('emails.id', '=', emailId)
      .executeTakeFirstOrThrow();
    return JSON.stringify(row);
  };
  const sealedOf = async (emailId: string) =>
    (await t.ctx.db.selectFrom('emails').select('sealed_secrets').where('id', '=', emailId).executeTakeFirstOrThrow())
      .sealed_secrets;
  const variants = (code: string) => [code, code.replace(/-/g, ''), encodeURIComponent(code)];

  it('are stored only encrypted and only until delivery; staff see them masked; the message itself carries them', async () => {
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    // Queued but not delivered yet: the first server answers 451, so the email waits for a retry.
    const busy = await startTestSmtpServer({ reply: () => ({ code: 451, message: 'Try again later' }) });
    const busyTransport = createSmtpTransport(busy.url);
    try {
      const r = await t.api('POST', `workflows/${sendInvitationId}/run`, { body: { targetIds: [inv.id] } });
      expect(r.statusCode).toBe(202);
      await runDueJobsOnce(t.ctx, jobHandlers(t.ctx, busyTransport), fast);
    } finally {
      await busyTransport.close();
      await busy.close();
    }
    const [queued] = (await t.api('GET', `emails?regardingId=${inv.id}`, { token: t.staffToken })).json().items;
    expect(queued.status).toBe('pending');
    const beforeDelivery = await storedText(queued.id);
    for (const v of variants(inv.code)) expect(beforeDelivery).not.toContain(v);
    expect(await sealedOf(queued.id)).toMatch(/^v1\./);

    await waitUntil(async () => {
      await runJobs();
      return receivedBy(c.emailaddress1).length === 1;
    });
    const [mail] = receivedBy(c.emailaddress1);
    expect(mail!.text).toContain(inv.code);
    expect(mail!.html).toContain(`href="${inv.redeemUrl}"`);

    for (const token of [t.staffToken, t.adminToken]) {
      const shown = (await t.api('GET', `emails/${queued.id}`, { token })).json();
      expect(shown.status).toBe('sent');
      expect(shown.secretsMasked).toBe(true);
      expect(shown.text).toContain('••••');
      expect(shown.html).toContain('••••');
      for (const v of variants(inv.code)) {
        expect(shown.text).not.toContain(v);
        expect(shown.html).not.toContain(v);
      }
    }
    // Delivered: not even the sealed copy is kept.
    const afterDelivery = await storedText(queued.id);
    for (const v of variants(inv.code)) expect(afterDelivery).not.toContain(v);
    expect(await sealedOf(queued.id)).toBeNull();
    // The code stays revealable by an admin through the audited link call only.
    const link = await t.api('POST', `invitations/${inv.id}/link`);
    expect(link.statusCode).toBe(200);
    expect(link.json().code).toBe(inv.code);
    expect((await t.api('POST', `invitations/${inv.id}/link`, { token: t.staffToken })).statusCode).toBe(403);
  });

  it('a confirmation link emailed by the portal is never shown to staff', async () => {
    const address = `confirm.${newId()}@example.com`;
    const me = await t.app.inject({ method: 'GET', url: '/portal/api/me' });
    const cookie = me.cookies.map((k) => `${k.name}=${k.value}`).join('; ');
    const c = await contact({ emailaddress1: address });
    const inv = await invitation({ invitedContactIds: [c.id] });
    const signUp = await t.app.inject({
      method: 'POST',
      url: '/portal/api/sign-up',
      headers: { cookie, 'x-csrf-token': me.json().csrfToken },
      payload: { email: `other.${newId()}@example.com`, password: 'Confirm-me-passw0rd', invitationCode: inv.code },
    });
    expect(signUp.statusCode).toBeLessThan(300);
    const emails = (await t.api('GET', 'emails?limit=500', { token: t.staffToken })).json().items as Array<{
      text: string;
      html: string;
      secretsMasked: boolean;
      subject: string;
    }>;
    const confirmation = emails.filter((e) => e.text.includes('/portal/confirm-email?token='));
    expect(confirmation.length).toBeGreaterThan(0);
    for (const e of confirmation) {
      expect(e.secretsMasked).toBe(true);
      expect(e.text).toMatch(/confirm-email\?token=••••/);
      expect(e.html).not.toMatch(/token=[A-Za-z0-9_-]{20,}/);
    }
  });
});
