import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { newId } from '../shared/ids.ts';
import { queueEmail } from './email.service.ts';

const t = useTestApp();

describe('emails API', () => {
  it('lists the email activities of a record page by page, and shows one', async () => {
    const regardingId = newId();
    const ids = await t.ctx.db.transaction().execute(async (tx) => {
      const out: string[] = [];
      for (let i = 0; i < 5; i++) {
        const row = await queueEmail(tx, {
          toAddress: `p${i}@example.com`,
          fromAddress: 'portal@example.com',
          subject: `S${i}`,
          html: '<p>h</p>',
          text: 't',
          regardingType: 'invitation',
          regardingId,
        });
        out.push(row.id);
      }
      return out;
    });
    await t.ctx.db.transaction().execute((tx) =>
      queueEmail(tx, {
        toAddress: 'other@example.com',
        fromAddress: 'portal@example.com',
        subject: 'other',
        html: '',
        text: '',
        regardingId: newId(),
      }),
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.api('GET', `emails?regardingId=${regardingId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode).toBe(200);
      seen.push(...r.json().items.map((e: { id: string }) => e.id));
      cursor = r.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    const one = await t.api('GET', `emails/${ids[0]}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({
      id: ids[0],
      toContactId: null,
      to: 'p0@example.com',
      from: 'portal@example.com',
      subject: 'S0',
      html: '<p>h</p>',
      text: 't',
      secretsMasked: false,
      status: 'pending',
      attempts: 0,
      messageId: expect.stringMatching(/^<.+@portal-invitations>$/),
      providerMessageId: null,
      lastError: null,
      regardingType: 'invitation',
      regardingId,
      workflowRunId: null,
      createdAt: expect.any(String),
      sentAt: null,
    });
  });

  it('answers 404 for an unknown email, 422 for a bad filter, 401 without a token', async () => {
    expect((await t.api('GET', `emails/${newId()}`)).json().code).toBe('not-found');
    const bad = await t.api('GET', 'emails?regardingId=nope');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('regardingId');
    expect((await t.api('GET', 'emails', { token: null })).statusCode).toBe(401);
  });
});

describe('resending an email whose delivery is unknown or failed', () => {
  const queueOne = () =>
    t.ctx.db.transaction().execute((tx) =>
      queueEmail(tx, {
        toAddress: 'again@example.com',
        fromAddress: 'portal@example.com',
        subject: 'Again',
        html: '<p>again</p>',
        text: 'again',
        regardingId: newId(),
      }),
    );
  const setStatus = (id: string, status: 'unknown' | 'failed' | 'sent') =>
    t.ctx.db
      .updateTable('emails')
      .set({ status, last_error: 'Delivery outcome unknown: test' })
      .where('id', '=', id)
      .execute();

  it('POST /emails/{id}/resend puts an unknown one back to pending with the same Message-ID, queues its delivery, audits it; staff may', async () => {
    const row = await queueOne();
    await setStatus(row.id, 'unknown');
    const jobsBefore = await t.ctx.db
      .selectFrom('jobs')
      .select('id')
      .where('payload', '=', JSON.stringify({ emailId: row.id }))
      .execute();
    const r = await t.api('POST', `emails/${row.id}/resend`, { token: t.staffToken });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ id: row.id, status: 'pending', messageId: row.message_id });
    const jobs = await t.ctx.db
      .selectFrom('jobs')
      .select(['id', 'status'])
      .where('payload', '=', JSON.stringify({ emailId: row.id }))
      .execute();
    expect(jobs.length).toBe(jobsBefore.length + 1);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('record_id', '=', row.id)
      .where('action', '=', 'resend')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: t.staffId, record_type: 'email' });
    // A failed one too.
    const failed = await queueOne();
    await setStatus(failed.id, 'failed');
    expect((await t.api('POST', `emails/${failed.id}/resend`)).statusCode).toBe(202);
  });

  it('refuses to resend a sent or pending email (409 with the reason), and an unknown id is 404; nothing changes', async () => {
    const row = await queueOne();
    const pending = await t.api('POST', `emails/${row.id}/resend`);
    expect(pending.statusCode).toBe(409);
    expect(pending.json()).toMatchObject({ code: 'conflict', detail: expect.stringContaining('pending') });
    await setStatus(row.id, 'sent');
    const sent = await t.api('POST', `emails/${row.id}/resend`);
    expect(sent.statusCode).toBe(409);
    expect(sent.json().detail).toContain('sent');
    expect((await t.api('GET', `emails/${row.id}`)).json().status).toBe('sent');
    expect((await t.api('POST', `emails/${newId()}/resend`)).statusCode).toBe(404);
  });

  it('/metrics counts emails by status, unknown among them', async () => {
    const row = await queueOne();
    await setStatus(row.id, 'unknown');
    const unknown = Number(
      (
        await t.ctx.db
          .selectFrom('emails')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', '=', 'unknown')
          .executeTakeFirstOrThrow()
      ).n,
    );
    const text = (await t.api('GET', '/metrics', { token: null })).body;
    expect(text).toContain(`portal_emails{status="unknown"} ${unknown}`);
    expect(text).toMatch(/portal_emails\{status="sent"\} \d+/);
  });
});
