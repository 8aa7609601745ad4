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
