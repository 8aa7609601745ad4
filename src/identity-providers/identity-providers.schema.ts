// Identity providers on the API (`/identity-providers`): OpenID Connect and SAML 2.0 providers the
// portal offers as sign-in buttons. `clientSecret` is write-only; the URLs the provider must know
// (`callbackUrl`, `acsUrl`, `spEntityId`) are read-only and derived from PUBLIC_URL.
import { z } from 'zod';
import { idSchema, nameSchema } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';

export const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
/** Whether a URL's host is this machine (where an `http://` issuer is allowed). */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK.test(hostname);

/** An https URL, or http only on a loopback host (local development and tests). */
const urlSchema = (what: string) =>
  z
    .string()
    .trim()
    .max(2000)
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
      } catch {
        return false;
      }
    }, `must be an https:// URL of the ${what} (http:// only on a loopback host)`);

const scopesSchema = z
  .array(
    z
      .string()
      .trim()
      .regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/, 'must be a scope token'),
  )
  .max(30)
  .refine((s) => s.includes('openid'), 'must include "openid"');

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const certificateSchema = z
  .string()
  .trim()
  .max(20_000)
  .refine((v) => PEM.test(v) || /^[A-Za-z0-9+/=\s]{100,}$/.test(v), 'must be a PEM certificate');

const common = {
  name: nameSchema(200),
  enabled: z.boolean().default(true),
  allowRegistration: z.boolean().default(true),
};

export const createOidcSchema = z.strictObject({
  type: z.literal('oidc'),
  ...common,
  issuer: urlSchema('issuer'),
  clientId: z.string().trim().min(1, 'must not be empty').max(500),
  clientSecret: z.string().max(2000).nullable().optional(),
  scopes: scopesSchema.default(DEFAULT_SCOPES),
});
export const createSamlSchema = z.strictObject({
  type: z.literal('saml'),
  ...common,
  entityId: z.string().trim().min(1, 'must not be empty').max(1000),
  ssoUrl: urlSchema('single sign-on service'),
  certificate: certificateSchema,
  emailAttribute: z.string().trim().max(500).nullable().optional(),
  trustEmail: z.boolean().default(false),
});
export const createIdentityProviderSchema = z.discriminatedUnion('type', [createOidcSchema, createSamlSchema], {
  error: 'must be "oidc" or "saml"',
});
export type CreateIdentityProviderInput = z.infer<typeof createIdentityProviderSchema>;

/** PATCH: any field of the provider's type; `type` itself may be repeated but never changes. */
export const updateIdentityProviderSchema = z.strictObject({
  type: z.enum(['oidc', 'saml']).optional(),
  name: common.name.optional(),
  enabled: z.boolean().optional(),
  allowRegistration: z.boolean().optional(),
  issuer: urlSchema('issuer').optional(),
  clientId: z.string().trim().min(1, 'must not be empty').max(500).optional(),
  clientSecret: z.string().max(2000).nullable().optional(),
  scopes: scopesSchema.optional(),
  entityId: z.string().trim().min(1, 'must not be empty').max(1000).optional(),
  ssoUrl: urlSchema('single sign-on service').optional(),
  certificate: certificateSchema.optional(),
  emailAttribute: z.string().trim().max(500).nullable().optional(),
  trustEmail: z.boolean().optional(),
});
export type UpdateIdentityProviderInput = z.infer<typeof updateIdentityProviderSchema>;

const stamps = { id: idSchema, name: z.string(), enabled: z.boolean(), allowRegistration: z.boolean() };
export const oidcProviderSchema = z.object({
  ...stamps,
  type: z.literal('oidc'),
  issuer: z.string(),
  clientId: z.string(),
  /** Whether a client secret is set (the secret itself is never returned). */
  hasClientSecret: z.boolean(),
  scopes: z.array(z.string()),
  callbackUrl: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const samlProviderSchema = z.object({
  ...stamps,
  type: z.literal('saml'),
  entityId: z.string(),
  ssoUrl: z.string(),
  certificate: z.string(),
  emailAttribute: z.string().nullable(),
  trustEmail: z.boolean(),
  acsUrl: z.string(),
  spEntityId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const identityProviderSchema = z.discriminatedUnion('type', [oidcProviderSchema, samlProviderSchema]);
export type IdentityProvider = z.infer<typeof identityProviderSchema>;
export type OidcProvider = z.infer<typeof oidcProviderSchema>;
export type SamlProvider = z.infer<typeof samlProviderSchema>;

export const identityProviderListQuery = pageQuerySchema;
export const identityProviderListSchema = listSchema(identityProviderSchema);
