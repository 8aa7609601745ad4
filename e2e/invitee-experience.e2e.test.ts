// Issue 15 in a real browser (Debian's Chromium through playwright-core), on a phone (390×844,
// isMobile) and a desktop, with the worker and the local mail store as under `npm start`: the
// language follows the invitee, a failed sign-in's error is in view and focused, "Send the link
// again" delivers a working link, a contact signed in as someone else chooses before anything is
// redeemed, refusal pages help alike in both languages, and axe-core finds no serious or critical
// violation on any portal page nor in any shipped email.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { factories } from '../test/helpers/factories.ts';
import { mailAsSent } from '../test/helpers/mail.ts';
import { waitUntil } from '../test/helpers/wait.ts';
import { newId } from '../src/shared/ids.ts';
import { screenshot, seriousViolations, useBrowserApp } from './browser.ts';

const env = useBrowserApp({ worker: true });
const t = env.t;
const make = factories(t, { contact: { firstName: 'Ivy', lastName: 'Invitee' } });
const PASSWORD = 'Portal-password-1';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1200, height: 900 } };
const redeemPath = (code: string) => `/portal/redeem?code=${encodeURIComponent(code)}`;

async function newPage(browser: Browser, device: object, locale = 'en-GB'): Promise<Page> {
  const context = await browser.newContext({ locale, ...device });
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    throw e;
  });
  return page;
}

async function expectAccessible(page: Page, what: string) {
  expect(await seriousViolations(page), what).toEqual([]);
}

/** The summary is the focused element, and is inside the viewport. */
async function expectSummaryFocusedInView(page: Page) {
  const state = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const r = el?.getBoundingClientRect();
    return {
      summary: el?.hasAttribute('data-error-summary') ?? false,
      top: r?.top ?? -1,
      bottom: r?.bottom ?? -1,
      height: window.innerHeight,
    };
  });
  expect(state.summary).toBe(true);
  expect(state.top).toBeGreaterThanOrEqual(0);
  expect(state.top).toBeLessThan(state.height);
}

async function deliveredText(emailId: string): Promise<string> {
  await waitUntil(
    async () => (await t.api('GET', `emails/${emailId}`)).json().status === 'sent',
    15_000,
    'email delivered',
  );
  const parsed = await simpleParser(readFileSync(join(t.ctx.config.dataDir, 'mail', `${emailId}.eml`)));
  return parsed.text ?? '';
}

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const)('the invitee on a %s', (device, options) => {
  it("a Danish contact's link opens a Danish page in an English browser; a wrong password is in view and focused", async () => {
    const dane = await make.contact({ locale: 'da' });
    const me = await make.contactWithPassword(PASSWORD, { emailaddress1: dane.emailaddress1.replace('@', '.me@') });
    const inv = await make.invitation({ name: 'Fabrikam klub', type: 'single', invitedContactIds: [dane.id] });
    const page = await newPage(env.browser, options);
    await page.goto(`${env.base}${redeemPath(inv.code)}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('da');
    expect(await page.locator('#signup-email').inputValue()).toBe(dane.emailaddress1);
    // The other choice is named near the top on a phone.
    const jump = page.getByRole('link', { name: 'Jeg har allerede en konto' });
    expect((await jump.boundingBox())?.y ?? 9999).toBeLessThan(844 * 1.5);
    await expectAccessible(page, `redeem preview (${device})`);

    await page.locator('#signin-login').fill(me.emailaddress1);
    await page.locator('#signin-password').fill('Wrong-password-1');
    await page.getByRole('button', { name: 'Log ind og indløs' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('[data-error-summary]').getAttribute('data-code')).toBe('unauthorized');
    await expectSummaryFocusedInView(page);
    expect(await page.locator('#signin-password').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, `invitee-wrong-password-${device}`);
    await expectAccessible(page, `refused sign-in (${device})`);
    // The summary's link takes the focus to its field.
    await page.locator('[data-error-summary] a[href="#signin-password"]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('signin-password');
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redemptionCount).toBe(0);
    await page.context().close();
  });

  it("a signed-in contact opening another person's link sees both addresses; nothing is redeemed until they choose", async () => {
    const me = await make.contactWithPassword(PASSWORD);
    const invited = await make.contact();
    const inv = await make.invitation({ type: 'single', invitedContactIds: [invited.id] });
    const page = await newPage(env.browser, options);
    await page.goto(`${env.base}/portal/sign-in`);
    await page.getByLabel('Email or username').fill(me.emailaddress1);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/portal\/profile/), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.goto(`${env.base}${redeemPath(inv.code)}`);
    expect(await page.locator('[data-field="sent-to"]').innerText()).toBe(invited.emailaddress1);
    expect(await page.locator('[data-field="signed-in-as"]').innerText()).toBe(me.emailaddress1);
    await expectAccessible(page, `signed in as someone else (${device})`);
    // Without the tick the browser does not send the form (and the server would refuse it).
    await page.getByRole('button', { name: 'Accept as myself' }).click();
    expect(page.url()).toContain('/portal/redeem?code=');
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redemptionCount).toBe(0);
    await page.locator('#redeem-confirmOther').check();
    await Promise.all([
      page.waitForURL(/\/portal\/profile/),
      page.getByRole('button', { name: 'Accept as myself' }).click(),
    ]);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redeemedContactIds).toEqual([me.id]);
    await expectAccessible(page, `profile (${device})`);
    await page.context().close();
  });
});

describe('the invitee, once per journey', () => {
  it('"Send the link again" delivers a working link', async () => {
    const c = await make.contact();
    expect((await t.api('POST', `contacts/${c.id}/password`, { body: { password: PASSWORD } })).statusCode).toBe(204);
    const page = await newPage(env.browser, PHONE);
    await page.goto(`${env.base}/portal/sign-in`);
    await page.getByLabel('Email or username').fill(c.emailaddress1);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForLoadState('load');
    await expectSummaryFocusedInView(page);
    await expectAccessible(page, 'unconfirmed sign-in');
    await page.getByRole('button', { name: 'Send the link again' }).click();
    await page.waitForSelector('[data-notice="link-resent"]');
    const mails = (await t.api('GET', `emails?regardingId=${c.id}`)).json().items as Array<{ id: string }>;
    expect(mails).toHaveLength(1);
    const text = await deliveredText(mails[0]?.id as string);
    const link = /https?:\/\/[^\s"<]+\/portal\/confirm-email\?token=[\w-]+/.exec(text)?.[0] as string;
    const url = new URL(link);
    await page.goto(`${env.base}${url.pathname}${url.search}`);
    await expectAccessible(page, 'confirm email');
    await Promise.all([
      page.waitForURL(/\/portal\/profile/),
      page.getByRole('button', { name: 'Confirm my email address' }).click(),
    ]);
    expect((await t.api('GET', `contacts/${c.id}`)).json().emailConfirmed).toBe(true);
    await page.context().close();
  });

  it('English and Danish error pages carry the same guidance', async () => {
    const inviter = await make.contact({ firstName: 'Ingrid', lastName: 'Inviter' });
    const inv = await make.invitation({ type: 'group', inviterContactId: inviter.id });
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', inv.id)
      .execute();
    const guidance: Record<string, string[]> = {};
    for (const lang of ['en', 'da']) {
      const page = await newPage(env.browser, PHONE, lang === 'da' ? 'da-DK' : 'en-GB');
      await page.goto(`${env.base}${redeemPath(inv.code)}&lang=${lang}`);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      guidance[lang] = await page
        .locator('[data-help]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-help') ?? ''));
      expect(await page.locator('[data-help="inviter"]').innerText()).toContain('Ingrid Inviter');
      await screenshot(page, `invitee-expired-${lang}`);
      await expectAccessible(page, `expired (${lang})`);
      await page.context().close();
    }
    expect(guidance.en).toEqual(guidance.da);
    expect(guidance.en).toContain('contact');
  });

  it('"Skip to content" moves the focus, and the focus ring is visible', async () => {
    const page = await newPage(env.browser, DESKTOP);
    await page.goto(`${env.base}/portal`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(ring).toBe('solid');
    await page.keyboard.press('Enter');
    await waitUntil(
      async () => (await page.evaluate(() => document.activeElement?.id)) === 'main',
      5000,
      'main focused',
    );
    await page.context().close();
  });

  it('axe-core: no serious or critical violation on any portal page', { timeout: 300_000 }, async () => {
    const me = await make.contactWithPassword(PASSWORD);
    const inv = await make.invitation({ type: 'group' });
    // Every page in both languages on a phone; in English on a desktop too.
    for (const [device, lang] of [
      [PHONE, 'en'],
      [PHONE, 'da'],
      [DESKTOP, 'en'],
    ] as const) {
      {
        const page = await newPage(env.browser, device);
        for (const path of [
          '/portal',
          '/portal/sign-in',
          '/portal/sign-up',
          '/portal/redeem',
          redeemPath(inv.code),
          redeemPath('NOT-A-CODE'),
          '/portal/forgot-password',
          '/portal/reset-password?token=x',
          '/portal/confirm-email?token=x',
          '/portal/no-such-page',
        ]) {
          await page.goto(`${env.base}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          await expectAccessible(page, `${path} (${lang})`);
        }
        await page.goto(`${env.base}/portal/sign-in?lang=${lang}`);
        await page.locator('#f-login').fill(me.emailaddress1);
        await page.locator('#f-password').fill(PASSWORD);
        await Promise.all([
          page.waitForURL(/\/portal\/profile/),
          page.locator('form button[type="submit"]').last().click(),
        ]);
        for (const path of ['/portal', '/portal/profile', redeemPath(inv.code)]) {
          await page.goto(`${env.base}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          await expectAccessible(page, `${path} signed in (${lang})`);
        }
        await page.context().close();
      }
    }
  });

  it("axe-core: no serious or critical violation in each shipped email's HTML; each has lang and title", {
    timeout: 300_000,
  }, async () => {
    const wf = await t.ctx.db
      .selectFrom('workflows')
      .select('id')
      .where('key', '=', 'send-invitation')
      .executeTakeFirstOrThrow();
    const templates = (await t.api('GET', `email-templates?workflowId=${wf.id}`)).json().items as Array<{ id: string }>;
    const inviter = await make.contact({ firstName: 'Ingrid', lastName: 'Inviter' });
    const invited = await make.contact();
    const inv = await make.invitation({
      type: 'single',
      invitedContactIds: [invited.id],
      inviterContactId: inviter.id,
      expiresAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
    });
    const htmls: string[] = [];
    for (const tpl of templates) {
      const r = await t.api('POST', `email-templates/${tpl.id}/preview`, {
        body: { invitationId: inv.id, contactId: invited.id },
      });
      htmls.push(r.json().html as string);
    }
    // The portal's own emails, in both languages.
    for (const locale of ['en', 'da']) {
      const c = await make.contactWithPassword(PASSWORD, { locale });
      const page = await newPage(env.browser, DESKTOP);
      await page.goto(`${env.base}/portal/forgot-password`);
      await page.locator('#f-email').fill(c.emailaddress1);
      await page.locator('form button[type="submit"]').last().click();
      await page.waitForSelector('[data-outcome="reset-requested"]');
      htmls.push((await mailAsSent(t.ctx, { address: c.emailaddress1 })).html as string);
      await page.context().close();
    }
    const signUpAddress = `new.${newId()}@example.com`;
    const group = await make.invitation({ type: 'group' });
    const page = await newPage(env.browser, DESKTOP);
    await page.goto(`${env.base}${redeemPath(group.code)}`);
    await page.locator('#signup-email').fill(signUpAddress);
    await page.locator('#signup-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account and redeem' }).click();
    await page.waitForSelector('[data-outcome="confirmation-sent"]');
    htmls.push((await mailAsSent(t.ctx, { address: signUpAddress })).html as string);
    expect(htmls.length).toBeGreaterThanOrEqual(5);
    for (const [i, html] of htmls.entries()) {
      expect(html).toMatch(/<html lang="(da|en)">/);
      expect(html).toMatch(/<title>[^<]+<\/title>/);
      for (const device of [PHONE]) {
        const mail = await newPage(env.browser, device);
        await mail.setContent(html);
        await expectAccessible(mail, `email ${i}`);
        if (device === PHONE && i < templates.length) {
          // The code stays on one line on a phone, inside the message.
          const code = mail.locator('strong').filter({ hasText: /^[A-Z0-9]{4}-/ });
          const box = await code.boundingBox();
          expect(box?.height ?? 99).toBeLessThan(30);
          expect((box?.x ?? 0) + (box?.width ?? 999)).toBeLessThanOrEqual(390);
          await screenshot(mail, `invitee-email-${i}-phone`);
        }
        await mail.context().close();
      }
    }
    await page.context().close();
  });
});
