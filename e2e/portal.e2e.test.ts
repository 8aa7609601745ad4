// The invitee's journey in a real browser (Debian's Chromium through playwright-core): open the
// emailed link, sign up on the redeem page, land redeemed on the profile with the role and account.
import { describe, expect, it } from 'vitest';
import { factories } from '../test/helpers/factories.ts';
import { newId } from '../src/shared/ids.ts';
import { screenshot, useBrowserApp } from './browser.ts';

const env = useBrowserApp();
const t = env.t;
const make = factories(t);

describe('portal in a browser', () => {
  it('opens the emailed link, signs up, and lands redeemed on the profile showing the role and account', async () => {
    const role = await make.webRole({ name: 'Partner' });
    const account = await make.account({ name: 'Contoso Ltd' });
    const inviter = await make.contact({
      firstName: 'Ingrid',
      lastName: 'Jensen',
      emailaddress1: `ingrid.${newId()}@example.com`,
    });
    const email = `maja.${newId()}@example.com`;
    const invitee = (await t.api('POST', 'contacts', { body: { emailaddress1: email } })).json();
    const inv = await make.invitation({
      name: 'Contoso partner portal',
      type: 'single',
      invitedContactIds: [invitee.id],
      inviterContactId: inviter.id,
      assignToAccountId: account.id,
      webRoleIds: [role.id],
      expiresAt: new Date(Date.now() + 14 * 86400_000).toISOString(),
    });

    const context = await env.browser.newContext({ locale: 'en-GB', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));

    // The link from the email: the GET shows the preview and changes nothing.
    const opened = await page.goto(`${env.base}/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    expect(opened?.status()).toBe(200);
    expect((await page.locator('h1').innerText()).trim()).toBe('Contoso partner portal');
    expect(await page.locator('.facts').innerText()).toContain('Ingrid Jensen');
    expect(await page.getByRole('heading', { name: 'I have an existing account' }).count()).toBe(1);
    // The stylesheet loaded (served by the app; CSP allows only 'self').
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.card') as Element).borderRadius)).toBe(
      '10px',
    );
    await screenshot(page, 'portal-redeem-preview');
    expect((await t.api('GET', `invitations/${inv.id}`)).json()).toMatchObject({ redemptionCount: 0 });

    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.locator('#signup-password').fill('Maja-password-1');
    await page.getByLabel('First name').fill('Maja');
    await page.getByLabel('Last name').fill('Madsen');
    await Promise.all([
      page.waitForURL(`${env.base}/portal/profile`),
      page.getByRole('button', { name: 'Create account and redeem' }).click(),
    ]);

    expect((await page.locator('h1').innerText()).trim()).toBe('My profile');
    expect(await page.locator('[data-notice="redeemed"]').isVisible()).toBe(true);
    expect((await page.locator('[data-field="name"]').innerText()).trim()).toBe('Maja Madsen');
    expect((await page.locator('[data-field="account"]').innerText()).trim()).toBe('Contoso Ltd');
    expect(await page.locator('[data-field="roles"] li').allInnerTexts()).toEqual(['Partner']);
    await screenshot(page, 'portal-profile-redeemed');

    const read = (await t.api('GET', `invitations/${inv.id}`)).json();
    expect(read).toMatchObject({ status: 'redeemed', redemptionCount: 1, redeemedContactIds: [invitee.id] });
    expect(problems).toEqual([]);
    await context.close();
  });
});
