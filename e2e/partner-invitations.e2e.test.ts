// A partner invites a colleague in a real browser (Debian's Chromium through playwright-core), with
// the worker and the local mail store running as under `npm start`: sign in, "Invite a colleague" in
// the navigation, fill the form (a role check box), see the invitation in the list; the colleague
// opens the emailed link in a fresh browser, signs up and lands with the role and the company. Every
// "Invite a colleague" page is checked with axe-core (no serious or critical violation), in both languages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { newId } from '../src/shared/ids.ts';
import { factories } from '../test/helpers/factories.ts';
import { waitUntil } from '../test/helpers/wait.ts';
import { screenshot, seriousViolations, useBrowserApp } from './browser.ts';

const env = useBrowserApp({ worker: true });
const t = env.t;
const make = factories(t);

describe('partners invite colleagues in a browser', () => {
  it('invites a colleague who signs up from the email and gets the role and the company', async () => {
    await make.setting('Invitations/Portal/OwnerUserId', t.adminId);
    const member = await make.webRole({ name: 'Partner member' });
    const admin = await make.webRole({ name: 'Partner admin', canInvite: true });
    await t.api('PATCH', `web-roles/${admin.id}`, { body: { grantableWebRoleIds: [member.id] } });
    const account = await make.account({ name: 'Contoso Ltd' });
    const inviter = await make.contactWithPassword('Inviter-password-1', {
      firstName: 'Ingrid',
      lastName: 'Jensen',
      parentAccountId: account.id,
      webRoleIds: [admin.id, member.id],
    });

    const context = await env.browser.newContext({ locale: 'en-GB', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${env.base}/portal/sign-in`);
    await page.getByLabel('Email or username').fill(inviter.emailaddress1);
    await page.getByLabel('Password').fill('Inviter-password-1');
    await Promise.all([
      page.waitForURL(`${env.base}/portal/profile`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);

    await Promise.all([
      page.waitForURL(`${env.base}/portal/colleagues`),
      page.getByRole('link', { name: 'Invite a colleague' }).click(),
    ]);
    expect((await page.locator('h1').innerText()).trim()).toBe('Invite a colleague');
    expect(await seriousViolations(page)).toEqual([]);
    const email = `maja.${newId()}@example.com`;
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('First name').fill('Maja');
    await page.getByLabel('Last name').fill('Madsen');
    await page.getByLabel('Partner member').check();
    await Promise.all([
      page.waitForURL(`${env.base}/portal/colleagues`),
      page.getByRole('button', { name: 'Send invitation' }).click(),
    ]);
    expect(await page.locator('[data-notice="colleague-invited"]').isVisible()).toBe(true);
    expect(await page.locator('table.colleague-invitations tbody tr').first().innerText()).toContain('Maja Madsen');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'portal-invite-colleague');

    // A refusal is a readable page with its status and code: an address of another company.
    const elsewhere = await make.account({ name: 'Fabrikam' });
    const theirs = await make.contact({
      emailaddress1: `theirs.${newId()}@example.com`,
      parentAccountId: elsewhere.id,
    });
    await page.getByLabel('Email', { exact: true }).fill(theirs.emailaddress1);
    const refused = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send invitation' }).click(),
    ]);
    expect(refused[0].status()).toBe(409);
    expect(await page.locator('[data-code="conflict"]').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${env.base}/portal/colleagues?lang=da`);
    expect((await page.locator('h1').innerText()).trim()).toBe('Inviter en kollega');
    expect(await seriousViolations(page)).toEqual([]);

    // The colleague's mailbox: the message as delivered to the local mail store.
    const invitationId = (await t.api('GET', `invitations?inviterContactId=${inviter.id}`)).json().items[0].id;
    let mailId = '';
    await waitUntil(
      async () => {
        const mails = (await t.api('GET', `emails?regardingId=${invitationId}`)).json().items;
        mailId = mails[0]?.id ?? '';
        return mails[0]?.status === 'sent';
      },
      20_000,
      'the invitation delivered',
    );
    const delivered = await simpleParser(readFileSync(join(t.ctx.config.dataDir, 'mail', `${mailId}.eml`)));
    expect(delivered.subject).toBe('Ingrid Jensen invites you to Customer portal');
    const link = new URL(
      /https?:\/\/[^\s"<]+\/portal\/redeem\?code=[A-Za-z0-9-]+/.exec(delivered.text ?? '')?.[0] as string,
    );

    const invitee = await env.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    const portal = await invitee.newPage();
    await portal.goto(`${env.base}${link.pathname}${link.search}`);
    expect(await portal.locator('.facts').innerText()).toContain('Ingrid Jensen');
    await portal.getByLabel('Email', { exact: true }).fill(email);
    await portal.locator('#signup-password').fill('Maja-password-1');
    await Promise.all([
      portal.waitForURL(`${env.base}/portal/profile`),
      portal.getByRole('button', { name: 'Create account and redeem' }).click(),
    ]);
    expect((await portal.locator('[data-field="account"]').innerText()).trim()).toBe('Contoso Ltd');
    expect(await portal.locator('[data-field="roles"] li').allInnerTexts()).toEqual(['Partner member']);

    await page.goto(`${env.base}/portal/colleagues`);
    expect(await page.locator(`tr[data-invitation="${invitationId}"]`).getAttribute('data-status')).toBe('redeemed');
    expect(problems).toEqual([]);
    await invitee.close();
    await context.close();
  });
});
