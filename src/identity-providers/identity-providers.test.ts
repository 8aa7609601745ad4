// The /identity-providers API: admins only; the client secret sealed and never returned; an http://
// issuer only on a loopback host; unknown and foreign fields are 422s; presets build the issuer.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { presetIssuer } from './identity-provider-presets.ts';

const t = useTestApp();

const oidc = {
  type: 'oidc',
  name: 'Contoso ID',
  issuer: 'https://login.example.com/tenant/v2.0',
  clientId: 'portal-client',
  clientSecret: 'super-secret-value',
};
const CERT = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(120)}\n-----END CERTIFICATE-----`;

describe('identity providers API', () => {
  it('creates an OIDC provider with its defaults and callback URL; the secret is sealed and never returned', async () => {
    const res = await t.api('POST', 'identity-providers', { body: oidc });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({
      type: 'oidc',
      name: 'Contoso ID',
      scopes: ['openid', 'email', 'profile'],
      enabled: true,
      allowRegistration: true,
      hasClientSecret: true,
      callbackUrl: `${t.ctx.config.publicUrl}/portal/auth/oidc/${p.id}/callback`,
    });
    expect(res.body).not.toContain('super-secret-value');
    expect(p.clientSecret).toBeUndefined();
    const row = await t.ctx.db
      .selectFrom('identity_providers')
      .selectAll()
      .where('id', '=', p.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_encrypted).not.toContain('super-secret-value');
    expect(t.ctx.secrets.decrypt('identity-provider-secret', row.secret_encrypted as string)).toBe(
      'super-secret-value',
    );
    for (const r of [await t.api('GET', `identity-providers/${p.id}`), await t.api('GET', 'identity-providers')])
      expect(r.body).not.toContain('super-secret-value');

    const patched = await t.api('PATCH', `identity-providers/${p.id}`, {
      body: { enabled: false, scopes: ['openid', 'email'], clientSecret: 'rotated-secret' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ enabled: false, scopes: ['openid', 'email'], issuer: oidc.issuer });
    expect(patched.body).not.toContain('rotated-secret');
    const audit = await t.ctx.db.selectFrom('audit_log').select('details').where('record_id', '=', p.id).execute();
    expect(JSON.stringify(audit)).not.toContain('secret-value');
    expect(JSON.stringify(audit)).not.toContain('rotated-secret');

    expect((await t.api('DELETE', `identity-providers/${p.id}`)).statusCode).toBe(204);
    expect((await t.api('GET', `identity-providers/${p.id}`)).statusCode).toBe(404);
  });

  it('creates a SAML provider with its ACS URL and SP entity id', async () => {
    const res = await t.api('POST', 'identity-providers', {
      body: {
        type: 'saml',
        name: 'Corp SAML',
        entityId: 'urn:corp',
        ssoUrl: 'https://idp.corp/sso',
        certificate: CERT,
      },
    });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({
      type: 'saml',
      trustEmail: false,
      emailAttribute: null,
      acsUrl: `${t.ctx.config.publicUrl}/portal/auth/saml/${p.id}/acs`,
      spEntityId: `${t.ctx.config.publicUrl}/portal/auth/saml/${p.id}/metadata`,
    });
    const foreign = await t.api('PATCH', `identity-providers/${p.id}`, { body: { clientId: 'x' } });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0].field).toBe('clientId');
    const retype = await t.api('PATCH', `identity-providers/${p.id}`, { body: { type: 'oidc' } });
    expect(retype.statusCode).toBe(422);
  });

  it('accepts an http:// issuer only on a loopback host', async () => {
    const off = await t.api('POST', 'identity-providers', { body: { ...oidc, issuer: 'http://idp.example.com' } });
    expect(off.statusCode).toBe(422);
    expect(off.json()).toMatchObject({ code: 'validation-failed' });
    expect(JSON.stringify(off.json().errors)).toContain('issuer');
    for (const issuer of ['http://127.0.0.1:9999/', 'http://localhost:9999/x'])
      expect((await t.api('POST', 'identity-providers', { body: { ...oidc, issuer } })).statusCode).toBe(201);
  });

  it('is 422 for unknown fields, a missing type or scopes without openid; 403 for staff', async () => {
    const unknown = await t.api('POST', 'identity-providers', { body: { ...oidc, tenant: 'x' } });
    expect(unknown.statusCode).toBe(422);
    expect(JSON.stringify(unknown.json())).toContain('tenant');
    expect((await t.api('POST', 'identity-providers', { body: { name: 'x' } })).statusCode).toBe(422);
    expect((await t.api('POST', 'identity-providers', { body: { ...oidc, scopes: ['email'] } })).statusCode).toBe(422);
    const staff = await t.api('GET', 'identity-providers', { token: t.staffToken });
    expect(staff.statusCode).toBe(403);
    expect((await t.api('POST', 'identity-providers', { token: t.staffToken, body: oidc })).statusCode).toBe(403);
  });

  it('refuses to delete a provider an invitation requires (409), and invitations name only real ones (422)', async () => {
    const p = (await t.api('POST', 'identity-providers', { body: oidc })).json();
    const contact = (
      await t.api('POST', 'contacts', { body: { lastName: 'X', emailaddress1: 'x@example.com' } })
    ).json();
    const bad = await t.api('POST', `invitations`, {
      body: { name: 'I', invitedContactIds: [contact.id], signInProviderId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('signInProviderId');
    const inv = await t.api('POST', 'invitations', {
      body: { name: 'I', invitedContactIds: [contact.id], signInProviderId: p.id },
    });
    expect(inv.statusCode).toBe(201);
    expect(inv.json().signInProviderId).toBe(p.id);
    const del = await t.api('DELETE', `identity-providers/${p.id}`);
    expect(del.statusCode).toBe(409);
    const cleared = await t.api('PATCH', `invitations/${inv.json().id}`, { body: { signInProviderId: null } });
    expect(cleared.json().signInProviderId).toBeNull();
    expect((await t.api('DELETE', `identity-providers/${p.id}`)).statusCode).toBe(204);
  });

  it('builds the Entra ID and Azure AD B2C issuers from a tenant and policy', () => {
    expect(presetIssuer('entra-id', 'contoso.onmicrosoft.com')).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
    );
    expect(presetIssuer('azure-ad-b2c', 'Contoso', 'B2C_1_signin')).toBe(
      'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin/v2.0/',
    );
    expect(() => presetIssuer('azure-ad-b2c', 'contoso', '')).toThrow();
    expect(() => presetIssuer('entra-id', 'a/b')).toThrow();
  });
});
