// The back office's main pages in a real browser: axe-core (no violation of impact serious or
// critical) and a screenshot of each at laptop and phone size, no sideways scroll on a phone even
// with long names; Create Invitation only with exactly one contact selected; a refused form keeps
// what was typed; the Danish model words; Run Workflow on 50 selected invitations.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newId } from '../src/shared/ids.ts';
import { factories } from '../test/helpers/factories.ts';
import { waitUntil } from '../test/helpers/wait.ts';
import { screenshot, seriousViolations, useBrowserApp } from './browser.ts';

const env = useBrowserApp({ worker: true });
const t = env.t;
const make = factories(t);

const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };

async function signedInPage(viewport = desktop, locale = 'en-GB'): Promise<Page> {
  const context = await env.browser.newContext({ locale, viewport });
  const page = await context.newPage();
  await page.goto(`${env.base}/admin/sign-in`);
  await page.locator('#f-email').fill('admin@example.com');
  await page.locator('#f-password').fill('Admin-password-1');
  await Promise.all([
    page.waitForURL(`${env.base}/admin`),
    page.locator('form[action="/admin/sign-in"] button').click(),
  ]);
  return page;
}

const sendInvitationId = async () =>
  ((await t.api('GET', 'workflows?limit=100')).json().items as Array<{ id: string; key: string | null }>).find(
    (w) => w.key === 'send-invitation',
  )?.id as string;

describe('the back office pages in a browser', () => {
  it('passes axe on every main page at laptop and phone size, with screenshots and no sideways scroll', async () => {
    const long = 'Aktieselskabet Sønderjyske Andelsmejerier og Tilknyttede Virksomheder i Nordslesvig';
    const account = await make.account({ name: long });
    const role = await make.webRole({ name: `Partner ${newId().slice(-6)}` });
    const contact = await make.contact({
      firstName: 'Maximiliane-Charlotte',
      lastName: 'Østergaard-Vestergaard-Christiansen',
      parentAccountId: account.id,
      webRoleIds: [role.id],
    });
    const inv = await make.invitation({
      name: `Invitation for ${long}`,
      type: 'single',
      invitedContactIds: [contact.id],
      assignToAccountId: account.id,
      webRoleIds: [role.id],
    });
    expect(
      (await t.api('POST', `workflows/${await sendInvitationId()}/run`, { body: { targetIds: [inv.id] } })).statusCode,
    ).toBe(202);
    await waitUntil(
      async () => (await t.api('GET', `emails?regardingId=${inv.id}`)).json().items.length === 1,
      20_000,
      'email',
    );
    const email = (await t.api('GET', `emails?regardingId=${inv.id}`)).json().items[0];
    const workflow = (
      await t.api('POST', 'workflows', {
        body: {
          name: 'Welcome partners',
          primaryEntity: 'contact',
          steps: [
            {
              type: 'condition',
              field: 'locale',
              operator: 'equals',
              value: 'da',
              then: [{ type: 'add-web-role', webRoleId: role.id }],
              else: [{ type: 'stop' }],
            },
          ],
        },
      })
    ).json();
    const template = (await t.api('GET', `email-templates?workflowId=${await sendInvitationId()}`)).json().items[0];
    const runs = (await t.api('GET', 'workflow-runs?limit=1')).json().items;

    const pages: Array<[string, string]> = [
      ['dashboard', '/admin'],
      ['contacts-view', '/admin/contacts'],
      ['contact-form', `/admin/contacts/${contact.id}`],
      ['accounts-view', '/admin/accounts'],
      ['account-form', `/admin/accounts/${account.id}`],
      ['web-roles-view', '/admin/web-roles'],
      ['invitations-view', '/admin/invitations?view=all'],
      ['invitation-form', `/admin/invitations/${inv.id}`],
      ['invitation-new', `/admin/invitations/new?contactId=${contact.id}`],
      ['redemptions-view', '/admin/redemptions'],
      ['workflows-view', '/admin/workflows'],
      ['workflow-editor', `/admin/workflows/${workflow.id}`],
      ['workflow-runs-view', '/admin/workflow-runs'],
      ['workflow-run', `/admin/workflow-runs/${runs[0]?.id}`],
      ['template-editor', `/admin/email-templates/${template.id}`],
      ['sent-mail-view', '/admin/emails'],
      ['sent-mail-message', `/admin/emails/${email.id}`],
      ['audit-log', '/admin/audit'],
      ['site-settings', '/admin/site-settings'],
      ['users-view', '/admin/users'],
      ['tokens-view', '/admin/tokens'],
      ['webhooks-view', '/admin/webhook-endpoints'],
      ['identity-providers-view', '/admin/identity-providers'],
      ['identity-provider-new', '/admin/identity-providers/new'],
      ['webhook-endpoint-new', '/admin/webhook-endpoints/new'],
      ['contacts-import', '/admin/contacts/import'],
      ['powerpages-export', '/admin/export/powerpages'],
    ];
    for (const [viewport, size] of [
      [desktop, 'desktop'],
      [phone, 'phone'],
    ] as const) {
      const page = await signedInPage(viewport);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      for (const [name, path] of pages) {
        const res = await page.goto(`${env.base}${path}`);
        expect(res?.status(), `${name}: ${path}`).toBe(200);
        expect(await seriousViolations(page), `${name} (${size})`).toEqual([]);
        if (size === 'phone') {
          const sideways = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          expect(sideways, `${name} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
        }
        await screenshot(page, `admin-${name}-${size}`);
      }
      expect(errors).toEqual([]);
      await page.context().close();
    }
    // Signed out: the sign-in page.
    const context = await env.browser.newContext({ locale: 'en-GB', viewport: phone });
    const signIn = await context.newPage();
    await signIn.goto(`${env.base}/admin/sign-in`);
    expect(await seriousViolations(signIn)).toEqual([]);
    await screenshot(signIn, 'admin-sign-in-phone');
    await context.close();
    // 27 pages at two sizes with axe each: minutes on a loaded 2-core machine.
  }, 300_000);

  it('imports contacts from a CSV file chosen in the browser: mapping, dry run, report', async () => {
    const d = `e2e-${newId().slice(-8)}.example`;
    const csv =
      '\uFEFFfirstname;lastname;emailaddress1;parentcustomerid;locale\r\n' +
      `"Søren";"Kierkegaard; Æbelø";soren@${d};"Ørsted A/S";da\r\n` +
      `Bad;Row;not-an-email;;xx\r\n` +
      `Åse;Øberg;ase@${d};;en\r\n`;
    for (const viewport of [desktop, phone]) {
      const page = await signedInPage(viewport);
      await page.goto(`${env.base}/admin/contacts`);
      await page.getByRole('link', { name: 'Import from CSV' }).click();
      await page.locator('#f-file').setInputFiles({
        name: 'kontakter.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv, 'utf8'),
      });
      await Promise.all([
        page.waitForURL(/\/admin\/contacts\/import\/[0-9a-f]{32}$/),
        page.getByRole('button', { name: 'Next' }).click(),
      ]);
      expect(await page.locator('[data-fact="delimiter"]').getAttribute('data-value')).toBe(';');
      expect(await page.locator('tr[data-column="parentcustomerid"]').innerText()).toContain('Account Name');
      expect(await seriousViolations(page), `preview (${viewport.width})`).toEqual([]);
      const sideways = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(sideways, 'the preview scrolls sideways').toBeLessThanOrEqual(0);
      await screenshot(page, `admin-contacts-import-preview-${viewport === phone ? 'phone' : 'desktop'}`);
      await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Dry run' }).click()]);
      await page.waitForSelector('[data-report-ok="false"][data-dry-run="true"]');
      expect(await page.locator('[data-count="created"] strong').innerText()).toBe('2');
      expect(await page.locator('tr[data-error-row="2"]').count()).toBe(2);
      expect(await seriousViolations(page), `report (${viewport.width})`).toEqual([]);
      await screenshot(page, `admin-contacts-import-report-${viewport === phone ? 'phone' : 'desktop'}`);
      await page.context().close();
    }
    const page = await signedInPage();
    await page.goto(`${env.base}/admin/contacts/import`);
    await page.locator('#f-file').setInputFiles({ name: 'k.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await Promise.all([page.waitForURL(/import\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Next' }).click()]);
    await page.getByLabel('Continue on error').check();
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Import', exact: true }).click()]);
    await page.waitForSelector('[data-dry-run="false"]');
    expect(await page.locator('[data-count="created"] strong').innerText()).toBe('2');
    expect((await t.api('GET', `contacts?q=${d}`)).json().items).toHaveLength(2);
    await page.context().close();
  }, 120_000);

  it('enables Create Invitation only with exactly one contact selected', async () => {
    const tag = `Sel${newId().slice(-8)}`;
    await make.contact({ firstName: 'Anna', lastName: tag });
    await make.contact({ firstName: 'Bo', lastName: tag });
    const page = await signedInPage();
    await page.goto(`${env.base}/admin/contacts?q=${tag}`);
    const create = page.getByRole('button', { name: 'Create Invitation' });
    expect(await create.isDisabled()).toBe(true);
    await page.getByLabel(`Select Anna ${tag}`).check();
    expect(await create.isDisabled()).toBe(false);
    await page.getByLabel(`Select Bo ${tag}`).check();
    expect(await create.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Run Workflow' }).isDisabled()).toBe(false);
    await page.context().close();
  });

  it('keeps what was typed when the invitation form is refused, with the error at its field', async () => {
    const contact = await make.contact();
    const page = await signedInPage();
    await page.goto(`${env.base}/admin/invitations/new?contactId=${contact.id}`);
    await page.locator('#f-name').fill('');
    await page.locator('#f-maxRedemptions').evaluate((el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.locator('#f-assignToAccountId').fill('No such account anywhere');
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Save' }).first().click()]);
    await page.waitForSelector('#error-summary');
    expect(await page.locator('#f-assignToAccountId').inputValue()).toBe('No such account anywhere');
    expect(await page.locator('#f-assignToAccountId').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#error-summary a[href="#f-assignToAccountId"]').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('shows the invitation form and its commands in the Danish words of the model', async () => {
    const contact = await make.contact();
    const page = await signedInPage(desktop, 'da-DK');
    await page.goto(`${env.base}/admin/invitations/new?contactId=${contact.id}&lang=da`);
    expect(await page.locator('#f-type option').allInnerTexts()).toEqual(['Enkelt', 'Gruppe']);
    // Maximum Redemptions Allowed shows for a group only (the type switch, no script needed).
    expect(await page.getByText('Maksimalt antal tilladte indløsninger').isVisible()).toBe(false);
    await page.locator('#f-type').selectOption('group');
    const text = await page.locator('main').innerText();
    for (const word of [
      'Navn',
      'Type',
      'Ejer/afsender',
      'Invitationskode',
      'Udløbsdato',
      'Inviter',
      'Inviterede kontaktperson(er)',
      'Tildel til firma',
      'Udfør arbejdsproces på indløserkontakt',
      'Tildel til webroller',
      'Maksimalt antal tilladte indløsninger',
    ])
      expect(text, word).toContain(word);
    await page.goto(`${env.base}/admin/invitations`);
    expect(await page.locator('main').innerText()).toContain('+ Ny');
    await page.goto(`${env.base}/admin/contacts`);
    expect(await page.locator('main').innerText()).toContain('Opret invitation');
    expect(await page.locator('main').innerText()).toContain('Kør arbejdsproces');
    await screenshot(page, 'admin-contacts-view-danish');
    await page.context().close();
  });

  it('runs Send invitation on 50 selected invitations and shows them finish with 50 sent', async () => {
    const tag = `Batch${newId().slice(-8)}`;
    const contacts = [];
    for (let i = 0; i < 50; i++) contacts.push((await make.contact({ firstName: 'Bulk', lastName: `${tag} ${i}` })).id);
    const bulk = await t.api('POST', 'invitations/bulk', {
      body: { contactIds: contacts, settings: { name: `${tag} invitation` } },
    });
    expect(bulk.statusCode, bulk.body).toBe(201);
    const page = await signedInPage();
    await page.goto(`${env.base}/admin/invitations?view=new&q=${tag}`);
    expect(await page.locator('input[data-row-select]').count()).toBe(50);
    await page.locator('input[data-select-all]').check();
    await page.getByRole('button', { name: 'Run Workflow' }).click();
    await page.getByLabel('Send invitation').check();
    await page.locator('form[data-run-workflow-chooser] button[type="submit"]').click();
    await page.waitForSelector('#run-progress[data-finished="true"]', { timeout: 60_000 });
    expect(await page.locator('[data-total="succeeded"] strong').innerText()).toBe('50');
    await screenshot(page, 'admin-run-workflow-progress-desktop');
    const ids = (bulk.json().items as Array<{ id: string }>).map((i) => i.id);
    await waitUntil(
      async () => {
        const statuses = await Promise.all(
          ids.map(async (id) => (await t.api('GET', `invitations/${id}`)).json().status),
        );
        return statuses.every((s) => s === 'sent');
      },
      30_000,
      '50 invitations sent',
    );
    await page.context().close();
  });

  it('previews a template as it is typed, and shows a Liquid error at its line', async () => {
    const sendInvitation = await sendInvitationId();
    expect((await t.api('POST', `workflows/${sendInvitation}/deactivate`)).statusCode).toBe(200);
    try {
      const contact = await make.contact({ firstName: 'Preview', lastName: `Person ${newId().slice(-6)}` });
      const inv = await make.invitation({
        name: `Preview ${newId().slice(-6)}`,
        type: 'single',
        invitedContactIds: [contact.id],
      });
      const template = (await t.api('GET', `email-templates?workflowId=${sendInvitation}`))
        .json()
        .items.find((x: { locale: string }) => x.locale === 'en');
      const page = await signedInPage();
      await page.goto(`${env.base}/admin/email-templates/${template.id}`);
      await page.locator('#f-invitationId').fill(inv.name);
      await page.locator('#f-contactId').fill(contact.emailaddress1);
      await page.locator('#f-subject').fill('Hello {{ contact.firstName }} from the preview');
      // htmx posts the form as it is typed and swaps the preview in, without a page load.
      await page.waitForFunction(
        () => document.querySelector('[data-preview-subject]')?.textContent === 'Hello Preview from the preview',
        null,
        { timeout: 15_000 },
      );
      expect(await page.locator('iframe[data-preview-html]').getAttribute('sandbox')).toBe('');
      await page.locator('#f-html').fill('<p>Line one</p>\n<p>{% if %}</p>');
      await page.waitForSelector('[data-liquid-field="html"]', { timeout: 15_000 });
      expect(await page.locator('[data-liquid-field="html"]').getAttribute('data-line')).toBe('2');
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'admin-template-preview-desktop');
      await page.context().close();
    } finally {
      await t.api('POST', `workflows/${sendInvitation}/activate`);
    }
  });
});
