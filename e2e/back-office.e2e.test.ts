// Staff's whole job in a real browser (Debian's Chromium through playwright-core), with the worker and
// the local mail store running as under `npm start`: sign in, + New contact, select it in the view,
// Create Invitation, fill the form (account and web role through the look-ups), save, Run Workflow →
// Send invitation, open the message in Sent mail, follow the emailed link in a fresh browser, sign up
// and redeem on the portal; back in the back office the invitation is Redeemed and the contact has the
// web role and the account. Every page the journey opens is checked with axe-core, and no request
// leaves the service.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newId } from '../src/shared/ids.ts';
import { factories } from '../test/helpers/factories.ts';
import { waitUntil } from '../test/helpers/wait.ts';
import { screenshot, seriousViolations, useBrowserApp } from './browser.ts';

const env = useBrowserApp({ worker: true });
const t = env.t;
const make = factories(t);

/** A browser context that records every request that is not to the service, and page errors. */
async function staffBrowser(viewport = { width: 1280, height: 900 }, locale = 'en-GB') {
  const context = await env.browser.newContext({ locale, viewport });
  const outside: string[] = [];
  const problems: string[] = [];
  context.on('request', (r) => {
    if (!r.url().startsWith(env.base) && !r.url().startsWith('data:') && r.url() !== 'about:srcdoc')
      outside.push(r.url());
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { context, page, outside, problems };
}

async function signIn(page: Page, email = 'admin@example.com', password = 'Admin-password-1') {
  await page.goto(`${env.base}/admin/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${env.base}/admin`), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** Types into a look-up until htmx has offered `label`, then chooses it. */
async function chooseInLookup(page: Page, inputSelector: string, typed: string, label: string) {
  const input = page.locator(inputSelector);
  await input.click();
  await input.pressSequentially(typed, { delay: 25 });
  const list = await input.getAttribute('list');
  await page.waitForFunction(
    ([id, value]) =>
      Array.from(document.querySelectorAll(`#${id} option`)).some((o) => o.getAttribute('value') === value),
    [list, label] as const,
  );
  await input.fill(label);
}

async function expectAccessible(page: Page) {
  expect(await seriousViolations(page), page.url()).toEqual([]);
}

describe('the back office in a browser', () => {
  it('takes staff from a new contact to a redeemed invitation, with the message in Sent mail', async () => {
    const account = await make.account({ name: `Contoso ${newId().slice(-6)}` });
    const role = await make.webRole({ name: `Partner ${newId().slice(-6)}` });
    const email = `maja.${newId()}@example.com`;
    const { context, page, outside, problems } = await staffBrowser();
    await signIn(page);
    await expectAccessible(page);

    // + New contact.
    await page.goto(`${env.base}/admin/contacts`);
    await page.getByRole('link', { name: '+ New' }).click();
    await page.getByLabel('First Name').fill('Maja');
    await page.getByLabel('Last Name').fill('Madsen');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await expectAccessible(page);
    await Promise.all([
      page.waitForURL(/\/admin\/contacts\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Save' }).click(),
    ]);
    const contactId = /contacts\/([0-9a-f-]{36})$/.exec(page.url())?.[1] as string;
    await expectAccessible(page);

    // Select it in the contacts view; Create Invitation needs exactly one.
    await page.goto(`${env.base}/admin/contacts?q=${encodeURIComponent(email)}`);
    const create = page.getByRole('button', { name: 'Create Invitation' });
    expect(await create.isDisabled()).toBe(true);
    await page.getByLabel('Select Maja Madsen').check();
    expect(await create.isDisabled()).toBe(false);
    await expectAccessible(page);
    await Promise.all([page.waitForURL(/\/admin\/invitations\/new\?contactId=/), create.click()]);

    // The invitation form: account and web role through the look-ups.
    await chooseInLookup(page, '#f-assignToAccountId', account.name.slice(0, 8), account.name);
    await chooseInLookup(page, '#f-webRoleIds', role.name.slice(0, 7), role.name);
    await expectAccessible(page);
    await screenshot(page, 'admin-invitation-form-desktop');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.waitForLoadState();
    // The code is shown once; then the invitation form.
    const openLink = page.getByRole('link', { name: 'Open the invitation' });
    if (await openLink.count())
      await Promise.all([page.waitForURL(/\/admin\/invitations\/[0-9a-f-]{36}$/), openLink.click()]);
    const invitationId = /invitations\/([0-9a-f-]{36})/.exec(page.url())?.[1] as string;
    expect(invitationId).toBeTruthy();
    const saved = (await t.api('GET', `invitations/${invitationId}`)).json();
    expect(saved).toMatchObject({
      type: 'single',
      invitedContactIds: [contactId],
      assignToAccountId: account.id,
      webRoleIds: [role.id],
    });

    // Run Workflow → Send invitation, and its progress until it finishes.
    await page.getByRole('button', { name: 'Run Workflow' }).first().click();
    await page.getByLabel('Send invitation').check();
    await expectAccessible(page);
    await page
      .getByRole('button', { name: /start|run/i })
      .first()
      .click();
    // htmx polls the progress until every run has finished.
    await page.waitForSelector('#run-progress[data-finished="true"]', { timeout: 30_000 });
    expect(await page.locator('[data-total="succeeded"] strong').innerText()).toBe('1');
    await expectAccessible(page);
    await waitUntil(
      async () => (await t.api('GET', `invitations/${invitationId}`)).json().status === 'sent',
      20_000,
      'invitation sent',
    );

    // Sent mail: the message, its secrets masked, the HTML in an empty sandbox.
    await page.goto(`${env.base}/admin/emails`);
    await expectAccessible(page);
    const mails = (await t.api('GET', `emails?regardingId=${invitationId}`)).json().items as Array<{ id: string }>;
    expect(mails).toHaveLength(1);
    await waitUntil(
      async () => (await t.api('GET', `emails/${mails[0]?.id}`)).json().status === 'sent',
      20_000,
      'email delivered',
    );
    await page.goto(`${env.base}/admin/emails/${mails[0]?.id}`);
    expect(await page.locator('iframe').getAttribute('sandbox')).toBe('');
    await expectAccessible(page);
    await screenshot(page, 'admin-sent-mail-desktop');

    // The invitee follows the emailed link in a fresh browser and signs up on the portal.
    // The invitee's mailbox: the message as delivered to the local mail store (DATA_DIR/mail/<id>.eml).
    const delivered = await simpleParser(readFileSync(join(t.ctx.config.dataDir, 'mail', `${mails[0]?.id}.eml`)));
    const link = /https?:\/\/[^\s"<]+\/portal\/redeem\?code=[A-Za-z0-9-]+/.exec(delivered.text ?? '')?.[0] as string;
    expect(link).toBeTruthy();
    expect(await page.content()).not.toContain(new URL(link).searchParams.get('code') as string);
    const invitee = await env.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    const portal = await invitee.newPage();
    await portal.goto(`${env.base}${new URL(link).pathname}${new URL(link).search}`);
    await portal.getByLabel('Email', { exact: true }).fill(email);
    await portal.locator('#signup-password').fill('Maja-password-1');
    await Promise.all([
      portal.waitForURL(`${env.base}/portal/profile`),
      portal.getByRole('button', { name: 'Create account and redeem' }).click(),
    ]);
    expect(await portal.locator('[data-field="roles"] li').allInnerTexts()).toEqual([role.name]);
    await invitee.close();

    // Back in the back office: Redeemed, with the redeemed contact; the contact has the role and account.
    await page.goto(`${env.base}/admin/invitations/${invitationId}`);
    expect(await page.locator('.page-header .status').innerText()).toMatch(/Redeemed/);
    expect(await page.getByText('Maja Madsen').count()).toBeGreaterThan(0);
    await page.goto(`${env.base}/admin/contacts/${contactId}`);
    expect(await page.content()).toContain(role.name);
    expect(await page.getByLabel('Account Name').inputValue()).toBe(account.name);
    await expectAccessible(page);

    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
