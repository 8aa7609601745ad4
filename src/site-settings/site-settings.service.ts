// Site settings: stored values over the defaults of site-settings.definitions.ts.
import type { AppContext, Actor } from '../context.ts';
import type { Tx } from '../db/types.ts';
import { notFound, validationFailed } from '../shared/errors.ts';
import { nowIso } from '../shared/time.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { requireAdmin } from '../users/users.service.ts';
import { definitionByName, settingDefinitions, valueProblem, type SettingName } from './site-settings.definitions.ts';
import type { SiteSetting } from './site-settings.schema.ts';

const describe = (name: string, value: string, stored: boolean): SiteSetting => {
  const def = definitionByName.get(name);
  return { name, value, isDefault: !stored, description: def?.description ?? null };
};

export async function listSiteSettings(ctx: AppContext): Promise<SiteSetting[]> {
  const rows = await ctx.db.selectFrom('site_settings').select(['name', 'value']).orderBy('name').execute();
  const stored = new Map(rows.map((r) => [r.name, r.value]));
  const known = settingDefinitions.map((d) => describe(d.name, stored.get(d.name) ?? d.default, stored.has(d.name)));
  const extra = rows.filter((r) => !definitionByName.has(r.name)).map((r) => describe(r.name, r.value, true));
  return [...known, ...extra];
}

export async function getSiteSetting(ctx: AppContext, name: string): Promise<SiteSetting> {
  const row = await ctx.db.selectFrom('site_settings').select('value').where('name', '=', name).executeTakeFirst();
  if (row) return describe(name, row.value, true);
  const def = definitionByName.get(name);
  if (!def) throw notFound(`The site setting ${name}`);
  return describe(name, def.default, false);
}

/**
 * Values read for services are cached for a second per database: a hot path (every redemption checks
 * its limits) should not read settings each time. A change made here clears this process's cache at
 * once; other processes see it within the second.
 */
const CACHE_MS = 1000;
const cache = new WeakMap<object, Map<string, { value: string; until: number }>>();

export async function settingValue(ctx: Pick<AppContext, 'db'>, name: SettingName): Promise<string> {
  let byName = cache.get(ctx.db);
  if (!byName) {
    byName = new Map();
    cache.set(ctx.db, byName);
  }
  const hit = byName.get(name);
  const now = Date.now();
  if (hit && hit.until > now) return hit.value;
  const row = await ctx.db.selectFrom('site_settings').select('value').where('name', '=', name).executeTakeFirst();
  const value = row?.value ?? definitionByName.get(name)?.default ?? '';
  byName.set(name, { value, until: now + CACHE_MS });
  return value;
}

/**
 * A setting read inside a write transaction, on it: on SQLite a read on `ctx.db` would wait for the
 * connection the transaction holds. Not cached (a transaction is short-lived).
 */
export async function settingValueIn(tx: Tx, name: SettingName): Promise<string> {
  const row = await tx.selectFrom('site_settings').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value ?? definitionByName.get(name)?.default ?? '';
}

export const settingFlag = async (ctx: Pick<AppContext, 'db'>, name: SettingName): Promise<boolean> =>
  (await settingValue(ctx, name)) === 'true';
/**
 * Sign-up without an invitation: OpenRegistrationEnabled, unless Power Pages' RequiresInvitation
 * is "true" (which turns it off whatever OpenRegistrationEnabled says).
 */
export const openRegistrationAllowed = async (ctx: Pick<AppContext, 'db'>): Promise<boolean> =>
  (await settingFlag(ctx, 'Authentication/Registration/OpenRegistrationEnabled')) &&
  !(await settingFlag(ctx, 'Authentication/Registration/RequiresInvitation'));
export const settingInt = async (ctx: Pick<AppContext, 'db'>, name: SettingName): Promise<number> =>
  Number.parseInt(await settingValue(ctx, name), 10) || 0;

export async function putSiteSetting(ctx: AppContext, actor: Actor, name: string, value: string): Promise<SiteSetting> {
  requireAdmin(actor);
  const def = definitionByName.get(name);
  const problem = valueProblem(def, value);
  if (problem) throw validationFailed('value', problem);
  const now = nowIso();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('site_settings')
      .values({ name, value, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: now }))
      .execute();
    await writeAudit(tx, {
      actor,
      action: 'update',
      recordType: 'site-setting',
      recordId: null,
      details: { name, value },
    });
  });
  forgetCachedSettings(ctx);
  return describe(name, value, true);
}

/** Drops this process's cached setting values, so the next read sees the database. */
export function forgetCachedSettings(ctx: Pick<AppContext, 'db'>): void {
  cache.delete(ctx.db);
}

/**
 * Sets a known setting inside the caller's transaction (an import applying Power Pages' settings):
 * the value is checked as at PUT; returns the problem instead of throwing. Audited.
 */
export async function applySettingIn(
  tx: Tx,
  actor: Actor,
  name: string,
  value: string,
  now: string = nowIso(),
): Promise<{ changed: boolean; problem?: string }> {
  const problem = valueProblem(definitionByName.get(name), value);
  if (problem) return { changed: false, problem };
  const current = await tx.selectFrom('site_settings').select('value').where('name', '=', name).executeTakeFirst();
  if ((current?.value ?? definitionByName.get(name)?.default) === value && current) return { changed: false };
  if (!current && definitionByName.get(name)?.default === value) return { changed: false };
  await tx
    .insertInto('site_settings')
    .values({ name, value, updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: now }))
    .execute();
  await writeAudit(tx, {
    actor,
    action: 'update',
    recordType: 'site-setting',
    recordId: null,
    details: { name, value },
  });
  return { changed: true };
}
