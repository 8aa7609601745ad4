// The dashboard: the funnel of a known set of invitations as an accessible SVG and a table with the
// same numbers, the latest failed emails and failed workflow runs linked, Danish words.
import { describe, expect, it } from 'vitest';
import { signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { queueEmail } from '../../email/email.service.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();

const cell = (body: string, week: string, col: string) =>
  new RegExp(`<tr data-week="${week}">[\\s\\S]*?<td data-col="${col}">([^<]*)</td>`).exec(body)?.[1];

describe('dashboard', () => {
  it('shows the funnel of this week’s invitations as an SVG named for screen readers and as a table', async () => {
    const f = factories(t);
    const now = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await f.invitation({ name: `Dash ${i}`, type: 'group' })).id);
    // Two sent now, one of them redeemed now; one expired a moment ago without a redemption.
    await t.ctx.db
      .updateTable('invitations')
      .set({ status: 'sent', sent_at: now })
      .where('id', 'in', ids.slice(0, 2))
      .execute();
    const c = await f.contact();
    await t.ctx.db
      .insertInto('redemptions')
      .values({
        id: newId(),
        invitation_id: ids[0] as string,
        contact_id: c.id,
        redeemed_at: now,
        ip_address: null,
        user_agent: null,
        sign_in_method: null,
      })
      .execute();
    await t.ctx.db
      .updateTable('invitations')
      .set({ redemption_count: 1 })
      .where('id', '=', ids[0] as string)
      .execute();
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1).toISOString() })
      .where('id', '=', ids[3] as string)
      .execute();

    const staff = await signedInStaff(t.app);
    const page = await staff.get('/admin');
    expect(page.statusCode).toBe(200);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(page.body)?.[0] ?? '';
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="funnel-svg-title funnel-svg-desc"');
    expect(svg).toMatch(/<title id="funnel-svg-title">Invitation funnel, last 12 weeks<\/title>/);
    expect(svg).toContain('In total 4 created, 2 sent, 1 redeemed and 1 expired');
    expect(svg.match(/<rect [^>]*data-series="created"/g)).toHaveLength(12);
    expect(svg).toMatch(/data-series="created" data-value="4"/);
    expect(page.body).not.toMatch(/<script(?! src=)/);
    // The table: the same numbers, with the conversions.
    expect(page.body).toContain('<caption>Invitation funnel per week</caption>');
    expect(cell(page.body, 'total', 'created')).toBe('4');
    expect(cell(page.body, 'total', 'sent')).toBe('2');
    expect(cell(page.body, 'total', 'redeemed')).toBe('1');
    expect(cell(page.body, 'total', 'expired')).toBe('1');
    expect(cell(page.body, 'total', 'sentRate')).toBe('50 %');
    expect(cell(page.body, 'total', 'redeemedRate')).toBe('50 %');
    expect(page.body.match(/<tr data-week="\d{4}-\d{2}-\d{2}">/g)).toHaveLength(12);
  });

  it('lists the latest failed emails and failed workflow runs with links', async () => {
    const email = await t.ctx.db.transaction().execute((tx) =>
      queueEmail(tx, {
        toAddress: 'bad@example.com',
        fromAddress: 'portal@example.com',
        subject: 'Undeliverable',
        html: '<p>x</p>',
        text: 'x',
      }),
    );
    await t.ctx.db
      .updateTable('emails')
      .set({ status: 'failed', last_error: '550 No such user' })
      .where('id', '=', email.id)
      .execute();
    const workflow = await t.ctx.db
      .selectFrom('workflows')
      .select(['id', 'name'])
      .where('key', '=', 'send-invitation')
      .executeTakeFirstOrThrow();
    const olderRunId = newId();
    const runId = newId();
    const at = new Date().toISOString();
    await t.ctx.db
      .insertInto('workflow_runs')
      .values({
        id: olderRunId,
        workflow_id: workflow.id,
        target_id: newId(),
        status: 'failed',
        trigger: 'manual',
        steps: '[]',
        error: 'an older failure',
        created_at: at,
        started_at: at,
        finished_at: at,
      })
      .execute();
    await t.ctx.db
      .insertInto('workflow_runs')
      .values({
        id: runId,
        workflow_id: workflow.id,
        target_id: newId(),
        status: 'failed',
        trigger: 'manual',
        steps: '[]',
        error: 'steps.0 (send-invitation): the invitation is inactive',
        created_at: at,
        started_at: at,
        finished_at: at,
      })
      .execute();
    const staff = await signedInStaff(t.app);
    const page = await staff.get('/admin');
    expect(page.body).toContain(`href="/admin/emails/${email.id}"`);
    expect(page.body).toContain('550 No such user');
    expect(page.body).toContain(`href="/admin/workflow-runs/${runId}"`);
    expect(page.body).toContain(workflow.name);
    expect(page.body).toContain('the invitation is inactive');
    // Newest first (listRuns' newestFirst).
    expect(page.body.indexOf(`/admin/workflow-runs/${runId}`)).toBeLessThan(
      page.body.indexOf(`/admin/workflow-runs/${olderRunId}`),
    );
  });

  it('speaks Danish with ?lang=da, and answers garbage without a 500', async () => {
    const staff = await signedInStaff(t.app);
    const da = await staff.get('/admin?lang=da');
    expect(da.statusCode).toBe(200);
    for (const word of [
      'Invitationstragt',
      'Oprettet',
      'Sendt',
      'Indløst',
      'Udløbet',
      'I alt',
      'Seneste mislykkede e-mails',
    ])
      expect(da.body).toContain(word);
    expect((await staff.get('/admin?weeks=%00&lang=zz')).statusCode).toBeLessThan(500);
    expect((await staff.get('/admin/?x=1')).statusCode).toBeLessThan(500);
  });
});
