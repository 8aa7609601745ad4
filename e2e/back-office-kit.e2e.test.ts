// The back office's kit in a real browser: sign-in, a view and a form with a type-ahead look-up
// (htmx under the page's CSP), accessibility of those pages, and the phone layout.
import { describe, expect, it } from 'vitest';
import { factories } from '../test/helpers/factories.ts';
import { screenshot, seriousViolations, useBrowserApp } from './browser.ts';

const env = useBrowserApp();
const t = env.t;
const make = factories(t);

describe('back office kit in a browser', () => {
  it('signs in, finds a parent account through the type-ahead, saves, and every page passes axe', async () => {
    await make.account({ name: 'Contoso Holding' });
    const context = await env.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));

    await page.goto(`${env.base}/admin/accounts`);
    expect(page.url()).toContain('/admin/sign-in');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('Admin-password-1');
    await Promise.all([
      page.waitForURL(`${env.base}/admin/accounts`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('link', { name: '+ New' }).click();
    await page.waitForURL(`${env.base}/admin/accounts/new`);
    await page.getByLabel('Account Name').fill('Contoso Denmark');
    const parent = page.getByLabel('Parent Account');
    await parent.pressSequentially('Conto', { delay: 30 });
    // htmx asked for suggestions and swapped them into the field's datalist.
    await page.waitForFunction(() => document.querySelectorAll('#f-parentAccountId-options option').length > 0);
    expect(await page.locator('#f-parentAccountId-options option').first().getAttribute('value')).toBe(
      'Contoso Holding',
    );
    await parent.fill('Contoso Holding');
    expect(await seriousViolations(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(/\/admin\/accounts\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Save' }).click(),
    ]);
    expect(await page.locator('[data-notice="created"]').isVisible()).toBe(true);
    expect(await page.getByLabel('Parent Account').inputValue()).toBe('Contoso Holding');
    await screenshot(page, 'admin-account-form-desktop');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${env.base}/admin/accounts`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-accounts-phone');
    expect(problems).toEqual([]);
    await context.close();
  });
});
