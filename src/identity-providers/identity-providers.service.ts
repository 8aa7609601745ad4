// Use cases for identity providers: admins only. The OIDC client secret is sealed with its own key
// (HKDF of SECRET_KEY, purpose `identity-provider-secret`) and never returned; the settings of each
// type live as JSON in `config`. Sign-in reads a provider through `providerForSignIn`.
import type { Actor, AppContext } from '../context.ts';
import type { IdentityProvidersTable } from '../db/schema.ts';
import type { Selectable } from 'kysely';
import { fromFlag, toFlag } from '../db/types.ts';
import { lockRow } from '../db/row-locks.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { AppError, conflict, notFound, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { decodeCursor, type Page, toPage } from '../shared/pagination.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { requireAdmin } from '../users/users.service.ts';
import * as repo from './identity-providers.repo.ts';
import { forgetPortalProviders } from './portal-providers.ts';
import {
  DEFAULT_SCOPES,
  type CreateIdentityProviderInput,
  type IdentityProvider,
  type UpdateIdentityProviderInput,
} from './identity-providers.schema.ts';

type Row = Selectable<IdentityProvidersTable>;

export interface OidcConfig {
  issuer: string;
  clientId: string;
  scopes: string[];
}
export interface SamlConfig {
  entityId: string;
  ssoUrl: string;
  certificate: string;
  emailAttribute: string | null;
  trustEmail: boolean;
}

const OIDC_FIELDS = ['issuer', 'clientId', 'clientSecret', 'scopes'] as const;
const SAML_FIELDS = ['entityId', 'ssoUrl', 'certificate', 'emailAttribute', 'trustEmail'] as const;

/** The portal addresses a provider must know, from PUBLIC_URL. */
export const providerUrls = (publicUrl: string, id: string) => ({
  callbackUrl: `${publicUrl}/portal/auth/oidc/${id}/callback`,
  acsUrl: `${publicUrl}/portal/auth/saml/${id}/acs`,
  spEntityId: `${publicUrl}/portal/auth/saml/${id}/metadata`,
});

export function toIdentityProvider(ctx: AppContext, r: Row): IdentityProvider {
  const base = {
    id: r.id,
    name: r.name,
    enabled: fromFlag(r.enabled),
    allowRegistration: fromFlag(r.allow_registration),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  const urls = providerUrls(ctx.config.publicUrl, r.id);
  if (r.type === 'oidc') {
    const c = JSON.parse(r.config) as OidcConfig;
    return {
      ...base,
      type: 'oidc',
      issuer: c.issuer,
      clientId: c.clientId,
      hasClientSecret: r.secret_encrypted !== null,
      scopes: c.scopes ?? DEFAULT_SCOPES,
      callbackUrl: urls.callbackUrl,
    };
  }
  const c = JSON.parse(r.config) as SamlConfig;
  return {
    ...base,
    type: 'saml',
    entityId: c.entityId,
    ssoUrl: c.ssoUrl,
    certificate: c.certificate,
    emailAttribute: c.emailAttribute ?? null,
    trustEmail: c.trustEmail === true,
    acsUrl: urls.acsUrl,
    spEntityId: urls.spEntityId,
  };
}

const seal = (ctx: AppContext, secret: string | null | undefined) =>
  secret ? ctx.secrets.encrypt('identity-provider-secret', secret) : null;

function configOf(input: CreateIdentityProviderInput): OidcConfig | SamlConfig {
  if (input.type === 'oidc') return { issuer: input.issuer, clientId: input.clientId, scopes: input.scopes };
  return {
    entityId: input.entityId,
    ssoUrl: input.ssoUrl,
    certificate: input.certificate,
    emailAttribute: input.emailAttribute?.trim() || null,
    trustEmail: input.trustEmail,
  };
}

export async function createIdentityProvider(
  ctx: AppContext,
  actor: Actor,
  input: CreateIdentityProviderInput,
): Promise<IdentityProvider> {
  requireAdmin(actor);
  const now = nowIso();
  const row: Row = {
    id: newId(),
    type: input.type,
    name: input.name,
    config: JSON.stringify(configOf(input)),
    secret_encrypted: input.type === 'oidc' ? seal(ctx, input.clientSecret) : null,
    enabled: toFlag(input.enabled),
    allow_registration: toFlag(input.allowRegistration),
    created_at: now,
    updated_at: now,
  };
  await ctx.db.transaction().execute(async (tx) => {
    await tx.insertInto('identity_providers').values(row).execute();
    await writeAudit(tx, {
      actor,
      action: 'create',
      recordType: 'identity-provider',
      recordId: row.id,
      details: { name: row.name, type: row.type },
    });
  });
  forgetPortalProviders(ctx);
  return toIdentityProvider(ctx, row);
}

export async function getIdentityProvider(ctx: AppContext, actor: Actor, id: string): Promise<IdentityProvider> {
  requireAdmin(actor);
  const row = await repo.findProvider(ctx.db, id);
  if (!row) throw notFound('The identity provider');
  return toIdentityProvider(ctx, row);
}

export async function listIdentityProviders(
  ctx: AppContext,
  actor: Actor,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<IdentityProvider>> {
  requireAdmin(actor);
  const rows = await repo.listProviders(ctx.db, decodeCursor(query.cursor), query.limit + 1);
  return toPage(rows, query.limit, (r) => toIdentityProvider(ctx, r));
}

export async function updateIdentityProvider(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateIdentityProviderInput,
): Promise<IdentityProvider> {
  requireAdmin(actor);
  const updated = await ctx.db.transaction().execute(async (tx) => {
    const current = await repo.findProvider(tx, id);
    if (!current) throw notFound('The identity provider');
    if (input.type !== undefined && input.type !== current.type)
      throw validationFailed('type', 'cannot change after the provider was created');
    const foreign = (current.type === 'oidc' ? SAML_FIELDS : OIDC_FIELDS).find((f) => input[f] !== undefined);
    if (foreign) throw validationFailed(foreign, `is not a field of an ${current.type} provider`);
    const config = { ...(JSON.parse(current.config) as Record<string, unknown>) };
    const fields = current.type === 'oidc' ? OIDC_FIELDS : SAML_FIELDS;
    for (const f of fields) {
      if (f === 'clientSecret' || input[f] === undefined) continue;
      config[f] = f === 'emailAttribute' ? (input[f] as string | null)?.trim() || null : input[f];
    }
    const now = nowIso();
    const changes: Partial<Row> = { config: JSON.stringify(config), updated_at: now };
    if (input.name !== undefined) changes.name = input.name;
    if (input.enabled !== undefined) changes.enabled = toFlag(input.enabled);
    if (input.allowRegistration !== undefined) changes.allow_registration = toFlag(input.allowRegistration);
    if (input.clientSecret !== undefined) changes.secret_encrypted = seal(ctx, input.clientSecret);
    await tx.updateTable('identity_providers').set(changes).where('id', '=', id).execute();
    await writeAudit(tx, {
      actor,
      action: 'update',
      recordType: 'identity-provider',
      recordId: id,
      // Which fields changed, never their values (a secret among them).
      details: { fields: Object.keys(input).filter((k) => k !== 'type') },
    });
    return toIdentityProvider(ctx, { ...current, ...changes });
  });
  forgetPortalProviders(ctx);
  return updated;
}

export async function deleteIdentityProvider(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction().execute(async (tx) => {
    const current =
      (await lockRow(tx, ctx.dialect, 'identity_providers', id, 'update')) && (await repo.findProvider(tx, id));
    if (!current) throw notFound('The identity provider');
    const usage = await repo.providerUsage(tx, id);
    const uses = [
      usage.logins && `${usage.logins} contact sign-in(s) go through it (remove them on the contacts first)`,
      usage.invitations && `${usage.invitations} invitation(s) require it as their sign-in method`,
    ].filter(Boolean);
    if (uses.length > 0) throw conflict(`The identity provider is in use: ${uses.join('; ')}.`);
    await tx.deleteFrom('identity_providers').where('id', '=', id).execute();
    await writeAudit(tx, {
      actor,
      action: 'delete',
      recordType: 'identity-provider',
      recordId: id,
      details: { name: current.name, type: current.type },
    });
  });
  forgetPortalProviders(ctx);
}

export type ProviderForSignIn =
  | {
      id: string;
      type: 'oidc';
      name: string;
      allowRegistration: boolean;
      oidc: OidcConfig;
      clientSecret: string | null;
    }
  | { id: string; type: 'saml'; name: string; allowRegistration: boolean; saml: SamlConfig };

const unavailable = () =>
  new AppError('external-sign-in-failed', 'This identity provider is not available.', {
    reason: 'external-provider-unavailable',
  });

/**
 * A provider as a sign-in needs it (the OIDC secret decrypted): only an enabled one of `type`,
 * while ExternalLoginEnabled is on; otherwise `external-sign-in-failed` (external-provider-unavailable).
 */
export async function providerForSignIn(
  ctx: AppContext,
  id: string,
  type?: 'oidc' | 'saml',
): Promise<ProviderForSignIn> {
  if (!(await settingFlag(ctx, 'Authentication/Registration/ExternalLoginEnabled'))) throw unavailable();
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findProvider(ctx.db, id) : undefined;
  if (!row || (type !== undefined && row.type !== type) || row.enabled !== 1) throw unavailable();
  const base = { id: row.id, name: row.name, allowRegistration: fromFlag(row.allow_registration) };
  if (row.type === 'oidc')
    return {
      ...base,
      type: 'oidc',
      oidc: JSON.parse(row.config) as OidcConfig,
      clientSecret: row.secret_encrypted ? ctx.secrets.decrypt('identity-provider-secret', row.secret_encrypted) : null,
    };
  return { ...base, type: 'saml', saml: JSON.parse(row.config) as SamlConfig };
}
