// SAML 2.0 through the portal's addresses: the SP metadata an IdP imports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { TestSamlIdp } from '../../test/helpers/saml-idp.ts';

const t = useTestApp();
const idp = new TestSamlIdp();
let providerId = '';

beforeAll(async () => {
  await idp.start();
  const res = await t.api('POST', 'identity-providers', {
    body: {
      type: 'saml',
      name: 'Corp SSO',
      entityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      certificate: idp.certificatePem,
      trustEmail: true,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  providerId = res.json().id;
});
afterAll(() => idp.close());

describe('the SP metadata', () => {
  it('names our entity id and ACS, for an IdP to import', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/portal/auth/saml/${providerId}/metadata` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/samlmetadata+xml; charset=utf-8');
    const provider = (await t.api('GET', `identity-providers/${providerId}`)).json();
    expect(res.body).toContain(`entityID="${provider.spEntityId}"`);
    expect(res.body).toContain(`Location="${provider.acsUrl}"`);
  });

  it('is served for a disabled provider too, and not for an unknown one', async () => {
    await t.api('PATCH', `identity-providers/${providerId}`, { body: { enabled: false } });
    const off = await t.app.inject({ method: 'GET', url: `/portal/auth/saml/${providerId}/metadata` });
    expect(off.statusCode).toBe(200);
    await t.api('PATCH', `identity-providers/${providerId}`, { body: { enabled: true } });
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/portal/auth/saml/00000000-0000-4000-8000-000000000000/metadata',
    });
    expect(unknown.statusCode).toBe(404);
    const junk = await t.app.inject({ method: 'GET', url: '/portal/auth/saml/junk/metadata' });
    expect(junk.statusCode).toBe(404);
  });
});
