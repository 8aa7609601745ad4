// The back office's site settings: every known setting grouped with its name, meaning, value and
// default; a change goes through the same bounds as the API's PUT and is what the API then returns;
// staff are refused; Danish words; no 500 on garbage.
import { describe, expect, it } from 'vitest';
import { signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { settingDefinitions } from '../../site-settings/site-settings.definitions.ts';

const t = useTestApp();

const LOCKOUT = 'Authentication/UserManager/MaxFailedAccessAttemptsBeforeLockout';
const apiValue = async (name: string) => (await t.api('GET', `site-settings/${encodeURIComponent(name)}`)).json().value;

describe('site settings page', () => {
  it('lists every setting the product knows, grouped by prefix, with its meaning, value and default', async () => {
    const admin = await signedInAdmin(t.app);
    const res = await admin.get('/admin/site-settings');
    expect(res.statusCode).toBe(200);
    for (const d of settingDefinitions) expect(res.body).toContain(`data-setting="${d.name}"`);
    for (const group of [
      'Authentication/Registration',
      'Authentication/UserManager',
      'Authentication/RateLimit',
      'Site',
      'Invitations',
      'Email',
      'Webhooks',
    ])
      expect(res.body).toContain(`data-group="${group}"`);
    expect(res.body).toContain('Failed sign-ins before the account locks');
    // A yes/no setting is a select of true/false; a choice lists its choices.
    expect(res.body).toMatch(/<option value="true"[^>]*>Yes \(true\)<\/option>/);
    expect(res.body).toContain('<option value="invited-email">invited-email</option>');
    // Every control has a label.
    const ids = [...res.body.matchAll(/<(?:input|select)[^>]* id="(v-[^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(settingDefinitions.length);
    for (const id of ids) expect(res.body).toContain(`<label for="${id}"`);
  });

  it('changes a value through the service: the API returns it, the page shows it and says it changed', async () => {
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/site-settings');
    const res = await admin.post('/admin/site-settings', { name: LOCKOUT, value: '7' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(
      '/admin/site-settings#s-authentication-usermanager-maxfailedaccessattemptsbeforelockout',
    );
    expect(await apiValue(LOCKOUT)).toBe('7');
    const page = await admin.get('/admin/site-settings');
    expect(page.body).toContain('data-notice="saved"');
    const row = page.body.slice(page.body.indexOf(`data-setting="${LOCKOUT}"`));
    expect(row).toMatch(/data-value="true"><code>7<\/code> <span class="hint">\(changed\)/);
    // A yes/no switch.
    await admin.post('/admin/site-settings', { name: 'Webhooks/AllowPrivateNetworks', value: 'true' });
    expect(await apiValue('Webhooks/AllowPrivateNetworks')).toBe('true');
    await admin.post('/admin/site-settings', { name: 'Webhooks/AllowPrivateNetworks', value: 'false' });
  });

  it('refuses a value out of bounds at its field (422), keeps what was typed and changes nothing', async () => {
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/site-settings');
    const before = await apiValue(LOCKOUT);
    const api = await t.api('PUT', `site-settings/${encodeURIComponent(LOCKOUT)}`, { body: { value: '5000' } });
    expect(api.statusCode).toBe(422);
    const res = await admin.post('/admin/site-settings', { name: LOCKOUT, value: '5000' });
    expect(res.statusCode).toBe(422);
    const row = res.body.slice(res.body.indexOf(`data-setting="${LOCKOUT}"`));
    const id = 'v-s-authentication-usermanager-maxfailedaccessattemptsbeforelockout';
    expect(row).toContain(`id="${id}-error"`);
    expect(row).toContain('Must be at most 1000');
    expect(row).toMatch(new RegExp(`id="${id}"[^>]*value="5000"|value="5000"[^>]*id="${id}"`));
    expect(row).toMatch(/aria-invalid="true"/);
    // The summary at the top links to the field; the form posts to the setting's own anchor.
    expect(res.body).toContain(`<a href="#${id}">${LOCKOUT}: Must be at most 1000</a>`);
    expect(row).toContain(
      'action="/admin/site-settings#s-authentication-usermanager-maxfailedaccessattemptsbeforelockout"',
    );
    expect(await apiValue(LOCKOUT)).toBe(before);
    // Other kinds: a bad time span, a bad switch, a choice not offered.
    for (const [name, value] of [
      ['Authentication/UserManager/DefaultAccountLockoutTimeSpan', '00:99:00'],
      ['Authentication/Registration/Enabled', 'maybe'],
      ['Invitations/DefaultBinding', 'email-domain'],
      ['Site/TimeZone', 'Mars/Olympus'],
    ] as const) {
      const r = await admin.post('/admin/site-settings', { name, value });
      expect(r.statusCode, name).toBe(422);
      expect(r.body, name).toContain('aria-invalid="true"');
    }
  });

  it('lists, changes and adds settings the product does not know, as text', async () => {
    await t.api('PUT', 'site-settings/Partner/Theme', { body: { value: 'blue' } });
    const admin = await signedInAdmin(t.app);
    const page = await admin.get('/admin/site-settings');
    expect(page.body).toContain('data-setting="Partner/Theme"');
    expect(page.body.indexOf('data-setting="Partner/Theme"')).toBeGreaterThan(
      page.body.indexOf('data-group="unknown"'),
    );
    expect((await admin.post('/admin/site-settings', { name: 'Partner/Theme', value: 'green' })).statusCode).toBe(303);
    expect(await apiValue('Partner/Theme')).toBe('green');
    const added = await admin.post('/admin/site-settings', { adding: 'true', name: 'Partner/Logo', value: 'logo.svg' });
    expect(added.statusCode).toBe(303);
    expect(await apiValue('Partner/Logo')).toBe('logo.svg');
    const badName = await admin.post('/admin/site-settings', { adding: 'true', name: '/bad name', value: 'x' });
    expect(badName.statusCode).toBe(422);
    expect(badName.body).toContain('id="f-new-name-error"');
    expect(badName.body).toContain('value="/bad name"');
  });

  it('refuses staff with a readable 403 page and changes nothing', async () => {
    const staff = await signedInStaff(t.app);
    const res = await staff.get('/admin/site-settings');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('data-code="forbidden"');
    const before = await apiValue('Site/DefaultLocale');
    const post = await staff.post('/admin/site-settings', { name: 'Site/DefaultLocale', value: 'da' });
    expect(post.statusCode).toBe(403);
    expect(await apiValue('Site/DefaultLocale')).toBe(before);
    // Staff do not see the link in the site map either.
    expect((await staff.get('/admin/tokens')).body).not.toContain('href="/admin/site-settings"');
  });

  it('speaks Danish with ?lang=da', async () => {
    const admin = await signedInAdmin(t.app);
    const res = await admin.get('/admin/site-settings?lang=da');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="da"');
    expect(res.body).toContain('Indstillinger for websted');
    expect(res.body).toContain('Mislykkede logonforsøg, før kontoen låses');
    expect(res.body).toContain('Godkendelse: registrering');
    expect(res.body).toContain('Ja (true)');
    const refused = await admin.post('/admin/site-settings', { name: LOCKOUT, value: '0' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Værdien er ikke gyldig.');
    expect(refused.body).toContain('Et helt tal fra 1 til 1000.');
  });

  it('answers garbage with a readable refusal, never a 500', async () => {
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/site-settings');
    const cases: Record<string, string | string[] | undefined>[] = [
      {},
      { name: '' },
      { name: 'Site/DefaultLocale' },
      { name: ['Site/DefaultLocale', 'Site/TimeZone'], value: ['da', 'x'] },
      { name: '../../etc/passwd', value: 'x' },
      { name: 'x'.repeat(5000), value: 'y' },
      { name: 'Site/Name', value: 'z'.repeat(5000) },
      { name: 'Site/Name', value: 'bad\u0001char' },
    ];
    for (const form of cases) {
      const r = await admin.post('/admin/site-settings', form);
      expect(r.statusCode, JSON.stringify(form).slice(0, 80)).toBeLessThan(500);
      expect(r.statusCode, JSON.stringify(form).slice(0, 80)).not.toBe(200);
    }
  });
});
