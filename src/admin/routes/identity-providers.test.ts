// The back office's identity providers: administrators create one with the Entra ID preset (the
// secret never shown again), see the redirect URI, get a 422 at the field, and delete it after
// confirming; staff are refused.
import { describe, expect, it } from 'vitest';
import { signedInAdmin, signedInStaff, createdId } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';

const t = useTestApp();

describe('back office: identity providers', () => {
  it('creates an OIDC provider from the Entra ID preset, edits and deletes it', async () => {
    const admin = await signedInAdmin(t.app);
    expect((await admin.get('/admin/identity-providers/new?type=oidc')).statusCode).toBe(200);
    const res = await admin.post('/admin/identity-providers/new?type=oidc', {
      name: 'Contoso Entra',
      enabled: 'true',
      allowRegistration: 'false',
      preset: 'entra-id',
      tenant: 'contoso.onmicrosoft.com',
      clientId: 'app-id',
      clientSecret: 'the-client-secret',
      scopes: 'openid email profile',
    });
    const id = createdId(res);
    const api = (await t.api('GET', `identity-providers/${id}`)).json();
    expect(api).toMatchObject({
      issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
      allowRegistration: false,
      hasClientSecret: true,
    });
    const form = await admin.get(`/admin/identity-providers/${id}`);
    expect(form.body).toContain(api.callbackUrl);
    expect(form.body).not.toContain('the-client-secret');

    const bad = await admin.post(`/admin/identity-providers/${id}`, {
      name: 'Contoso Entra',
      issuer: 'http://idp.example.com',
      clientId: 'app-id',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('aria-invalid="true"');
    expect((await t.api('GET', `identity-providers/${id}`)).json().hasClientSecret).toBe(true);

    expect((await admin.get(`/admin/identity-providers/${id}/delete`)).statusCode).toBe(200);
    expect((await admin.post(`/admin/identity-providers/${id}/delete`)).statusCode).toBe(303);
    expect((await t.api('GET', `identity-providers/${id}`)).statusCode).toBe(404);
  });

  it('creates a SAML provider and shows its ACS URL and SP entity id; staff are refused', async () => {
    const admin = await signedInAdmin(t.app);
    const id = createdId(
      await admin.post('/admin/identity-providers/new?type=saml', {
        name: 'Corp SAML',
        enabled: 'true',
        entityId: 'urn:corp',
        ssoUrl: 'https://idp.corp.example/sso',
        certificate: `-----BEGIN CERTIFICATE-----\n${'A'.repeat(120)}\n-----END CERTIFICATE-----`,
        trustEmail: 'true',
      }),
    );
    const page = await admin.get(`/admin/identity-providers/${id}`);
    expect(page.body).toContain(`/portal/auth/saml/${id}/acs`);
    expect(page.body).toContain(`/portal/auth/saml/${id}/metadata`);
    const staff = await signedInStaff(t.app);
    expect((await staff.get('/admin/identity-providers')).statusCode).toBe(403);
  });
});
