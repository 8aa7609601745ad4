// In Chromium: from the redeem page's provider button through a real OpenID Connect provider
// (oidc-provider on 127.0.0.1, its login and consent forms) back to the portal, redeemed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../test/helpers/factories.ts';
import { startOidcProvider, type TestOidcProvider } from '../test/helpers/oidc-provider.ts';
import { newId } from '../src/shared/ids.ts';
import { useBrowserApp } from './browser.ts';

const env = useBrowserApp();
const t = env.t;
const make = factories(t);
let idp: TestOidcProvider;
let providerId: string;

beforeAll(async () => {
  // The provider must send the browser back to where this app really listens.
  (t.ctx.config as { publicUrl: string }).publicUrl = env.base;
  const p = (
    await t.api('POST', 'identity-providers', {
      body: { type: 'oidc', name: 'Contoso ID', issuer: 'http://127.0.0.1:1/', clientId: 'x' },
    })
  ).json();
  providerId = p.id;
  idp = await startOidcProvider({ redirectUris: [p.callbackUrl] });
  await t.api('PATCH', `identity-providers/${p.id}`, {
    body: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
  });
});
afterAll(() => idp?.close());

describe('external sign-in in a browser', () => {
  // KNOWN GAP: the portal's CSP has `form-action 'self'`, and Chromium applies it to the start form's
  // 303 to the provider, so the button's POST is blocked in a real browser (the HTTP tests pass).
  // Fix: allow the enabled providers' origins in form-action on the pages with buttons (src/app.ts).
  it('redeems a single invitation from the redeem page’s button', async () => {
    const invited = await make.contact();
    const inv = await make.invitation({ invitedContactIds: [invited.id] });
    idp.users.erin = { email: `erin.${newId()}@example.com`, email_verified: true, given_name: 'Erin' };
    const page = await env.browser.newPage();
    try {
      await page.goto(`${env.base}/portal/redeem?code=${encodeURIComponent(inv.code)}`);
      await page.click(`button[data-provider="${providerId}"]`);
      await page.waitForSelector('input[name="login"]');
      await page.fill('input[name="login"]', 'erin');
      await page.fill('input[name="password"]', 'any');
      await page.click('button[type="submit"]');
      await page.waitForSelector('button[type="submit"]');
      await page.click('button[type="submit"]');
      await page.waitForURL(`${env.base}/portal/profile`);
      expect(await page.textContent('body')).toContain('Contoso ID');
    } finally {
      await page.close();
    }
    const redemptions = await t.ctx.db
      .selectFrom('redemptions')
      .selectAll()
      .where('invitation_id', '=', inv.id)
      .execute();
    expect(redemptions.map((r) => r.contact_id)).toEqual([invited.id]);
  });
});
