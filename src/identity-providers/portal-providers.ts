// The providers the portal shows as sign-in buttons (and lets its forms lead to: CSP form-action),
// read on every portal page, so kept in a short per-process cache.
import type { AppContext } from '../context.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import * as repo from './identity-providers.repo.ts';

/** The buttons the portal shows: enabled providers, none while ExternalLoginEnabled is off. */
export interface PortalProvider {
  id: string;
  name: string;
  type: 'oidc' | 'saml';
  /**
   * Where the provider's button leads the browser (the OIDC issuer's origin, which is its
   * authorization endpoint's for Entra ID, B2C and the common issuers; the SAML SSO URL's origin).
   * A page that shows the button lets its form go there: Chromium applies CSP `form-action` to the
   * redirect that answers the start form's POST.
   */
  formActionOrigin: string | null;
}

const originOf = (url: unknown): string | null => {
  try {
    return typeof url === 'string' ? new URL(url).origin : null;
  } catch {
    return null;
  }
};

/**
 * How long another process's change may go unseen here. A change through this process's service
 * clears the cache at once (`forgetPortalProviders`); processes sharing a PostgreSQL database see
 * each other's changes within this bound.
 */
export const PORTAL_PROVIDERS_TTL_MS = 5000;

interface Cached {
  providers: PortalProvider[];
  until: number;
}
const cache = new WeakMap<object, Cached>();
// Bumped by every forget: a read that began before a change committed must not store what it read.
const generation = new WeakMap<object, number>();

export async function portalProviders(ctx: AppContext, now: number = Date.now()): Promise<PortalProvider[]> {
  if (!(await settingFlag(ctx, 'Authentication/Registration/ExternalLoginEnabled'))) return [];
  const hit = cache.get(ctx.db);
  if (hit && hit.until > now) return hit.providers;
  const started = generation.get(ctx.db) ?? 0;
  const rows = await repo.enabledProviders(ctx.db);
  const providers = rows.map(({ config, ...row }) => {
    const parsed = JSON.parse(config) as { issuer?: unknown; ssoUrl?: unknown };
    return { ...row, formActionOrigin: originOf(row.type === 'oidc' ? parsed.issuer : parsed.ssoUrl) };
  });
  if ((generation.get(ctx.db) ?? 0) === started) cache.set(ctx.db, { providers, until: now + PORTAL_PROVIDERS_TTL_MS });
  return providers;
}

/** Drops this process's cached providers (after a provider's change has committed). */
export function forgetPortalProviders(ctx: Pick<AppContext, 'db'>): void {
  cache.delete(ctx.db);
  generation.set(ctx.db, (generation.get(ctx.db) ?? 0) + 1);
}
