// Presets for well-known OpenID Connect issuers: the back office's provider form fills the issuer
// from a tenant (and a B2C user flow) with these. The API takes the issuer itself (it accepts no
// unknown fields), so a preset is a convenience of the form only (docs/external-sign-in.md).
import { validationFailed } from '../shared/errors.ts';

export type IssuerPreset = 'entra-id' | 'azure-ad-b2c';

const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;
const POLICY = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The issuer URL of a preset: Microsoft Entra ID `https://login.microsoftonline.com/{tenant}/v2.0`
 * (tenant id, domain, or `organizations`/`common`); Azure AD B2C
 * `https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}/v2.0/` (tenant name, user flow).
 */
export function presetIssuer(preset: IssuerPreset, tenant: string, policy?: string): string {
  const t = tenant.trim();
  if (!TENANT.test(t)) throw validationFailed('tenant', 'must be a tenant id or name');
  if (preset === 'entra-id') return `https://login.microsoftonline.com/${t}/v2.0`;
  const name = t.replace(/\.onmicrosoft\.com$/i, '').toLowerCase();
  const p = (policy ?? '').trim();
  if (!POLICY.test(p)) throw validationFailed('policy', 'must be the user flow (policy) name, such as B2C_1_signin');
  return `https://${name}.b2clogin.com/${name}.onmicrosoft.com/${p}/v2.0/`;
}
