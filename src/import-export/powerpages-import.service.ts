// Import of a Power Pages (Dataverse) export, either data model, in one transaction: all or nothing,
// ids kept, each record inserted or updated by its id (a second import changes nothing), plain
// codes hashed and encrypted, Authentication/* site settings applied with Power Pages' meaning.
import type { Actor, AppContext } from '../context.ts';
import type { ContactRow } from '../db/schema.ts';
import { toFlag } from '../db/types.ts';
import { isUuid } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import * as accountsRepo from '../accounts/accounts.repo.ts';
import * as contactsRepo from '../contacts/contacts.repo.ts';
import { newContactRow } from '../contacts/contacts.service.ts';
import { recordLifecycleEvents } from '../lifecycle-events/lifecycle-events.ts';
import { contactData } from '../lifecycle-events/event-data.ts';
import { allWebRoles, upsertWebRole } from '../web-roles/web-roles.repo.ts';
import { adminIds } from '../users/users.repo.ts';
import { importInvitation } from '../invitations/invitations.import.ts';
import { insertImportedRedemptions } from '../redemption/redemption.repo.ts';
import { applySettingIn, settingValue, forgetCachedSettings } from '../site-settings/site-settings.service.ts';
import { definitionByName } from '../site-settings/site-settings.definitions.ts';
import { replaceLinks } from '../db/link-sets.ts';
import type { PowerPagesDocument, PowerPagesRecord } from './powerpages-export.service.ts';
import { endOfDayIn, INVITATION_TYPE, modelNames, statusFromReason, type DataModel } from './powerpages.model.ts';
import type { RowError } from './import-export.schema.ts';

type Counts = { created: number; updated: number; unchanged: number };
export interface PowerPagesImportReport {
  ok: boolean;
  dataModel: DataModel;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  entities: Record<string, Counts>;
  settingsApplied: string[];
  settingsUnknown: string[];
  /** Things said once: owners replaced, codes made, workflows left out. */
  notes: string[];
  errors: RowError[];
}

class Bad extends Error {}

/** The data model of a document: the enhanced one names mspp_ sets or the mspp relationship. */
export function dataModelOf(doc: PowerPagesDocument): DataModel {
  if (doc.mspp_webroles || doc.mspp_sitesettings) return 'enhanced';
  if ((doc.adx_invitations ?? []).some((i) => modelNames.enhanced.invitationWebRoles in i)) return 'enhanced';
  return 'standard';
}

export async function importPowerPages(
  ctx: AppContext,
  actor: Actor,
  doc: PowerPagesDocument,
  options: { dryRun?: boolean } = {},
): Promise<PowerPagesImportReport> {
  const model = dataModelOf(doc);
  const n = modelNames[model];
  const errors: RowError[] = [];
  const entities: Record<string, Counts> = {};
  const count = (set: string, outcome: keyof Counts) => {
    entities[set] ??= { created: 0, updated: 0, unchanged: 0 };
    (entities[set] as Counts)[outcome]++;
  };
  const report = (): PowerPagesImportReport => {
    const sum = (k: keyof Counts) => Object.values(entities).reduce((a, c) => a + c[k], 0);
    return {
      ok: errors.length === 0,
      dataModel: model,
      created: errors.length ? 0 : sum('created'),
      updated: errors.length ? 0 : sum('updated'),
      unchanged: errors.length ? 0 : sum('unchanged'),
      skipped: 0,
      entities: errors.length ? {} : entities,
      settingsApplied,
      settingsUnknown,
      notes,
      errors,
    };
  };
  const settingsApplied: string[] = [];
  const settingsUnknown: string[] = [];
  const notes: string[] = [];
  const list = (set: string) => (Array.isArray(doc[set]) ? (doc[set] as PowerPagesRecord[]) : []);
  // Field readers that record a problem at (set, row, field) and go on, so that all are reported.
  let where = { set: '', row: 0 };
  const fail = (field: string, message: string) => {
    errors.push({ row: where.row, field: `${where.set}.${field}`, message });
    return undefined;
  };
  const id = (r: PowerPagesRecord, f: string, required = true): string | null => {
    const v = r[f];
    if (v === null || v === undefined || v === '') return required ? (fail(f, 'is needed') ?? null) : null;
    if (typeof v !== 'string' || !isUuid(v)) return fail(f, 'must be a GUID') ?? null;
    return v.toLowerCase();
  };
  const text = (r: PowerPagesRecord, f: string, max: number, required = false): string | null => {
    const v = r[f];
    if (v === null || v === undefined || v === '') return required ? (fail(f, 'is needed') ?? null) : null;
    if (typeof v !== 'string') return fail(f, 'must be text') ?? null;
    if (v.length > max) return fail(f, `must be at most ${max} characters`) ?? null;
    return v.trim();
  };
  const ids = (r: PowerPagesRecord, f: string): string[] => {
    const v = r[f] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !isUuid(x)))
      return fail(f, 'must be an array of GUIDs') ?? [];
    return [...new Set(v.map((x: string) => x.toLowerCase()))];
  };
  const bool = (r: PowerPagesRecord, f: string, dflt: boolean) => {
    const v = r[f];
    return v === undefined || v === null ? dflt : v === true || v === 'true' || v === 1 || v === '1';
  };
  const int = (r: PowerPagesRecord, f: string): number | null => {
    const v = r[f];
    if (v === null || v === undefined || v === '') return null;
    const num = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(num) || num < 0 || num > 2_147_483_647) return fail(f, 'must be a whole number') ?? null;
    return num;
  };
  const timeZone = await settingValue(ctx, 'Site/TimeZone');
  const time = (r: PowerPagesRecord, f: string): string | null => {
    const v = text(r, f, 40);
    if (v === null) return null;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return endOfDayIn(v, timeZone);
    const t = Date.parse(v);
    return Number.isNaN(t) ? (fail(f, 'must be a date or an ISO 8601 time') ?? null) : new Date(t).toISOString();
  };

  const now = nowIso();
  const importerId = actor.type === 'user' ? actor.id : ((await adminIds(ctx.db)).sort()[0] ?? null);
  const write = async () =>
    ctx.db.transaction().execute(async (tx) => {
      // Accounts: first without parents, then the parents (an account may name a later one).
      const accounts = list('accounts').map((r, i) => {
        where = { set: 'accounts', row: i + 1 };
        return {
          id: id(r, 'accountid'),
          name: text(r, 'name', 200, true),
          parent: id(r, '_parentaccountid_value', false),
        };
      });
      const existingAccounts = new Map(
        (
          await accountsRepo.accountsByIds(
            tx,
            accounts.map((a) => a.id).filter((x): x is string => Boolean(x)),
          )
        ).map((a) => [a.id, a]),
      );
      if (errors.length) throw new Bad();
      for (const a of accounts) {
        const cur = existingAccounts.get(a.id as string);
        if (!cur) {
          await accountsRepo.insertAccounts(tx, [
            { id: a.id as string, name: a.name as string, parent_account_id: null, created_at: now, updated_at: now },
          ]);
          count('accounts', 'created');
        } else if (cur.name !== a.name || cur.parent_account_id !== a.parent) {
          await accountsRepo.updateAccountColumns(tx, cur.id, { name: a.name as string, updated_at: now });
          count('accounts', 'updated');
        } else count('accounts', 'unchanged');
      }
      for (const a of accounts)
        if (a.parent && existingAccounts.get(a.id as string)?.parent_account_id !== a.parent)
          await accountsRepo.updateAccountColumns(tx, a.id as string, { parent_account_id: a.parent, updated_at: now });

      // Web roles, by id; a name taken by another id is a problem of that record.
      const roles = new Map((await allWebRoles(tx)).map((r) => [r.id, r]));
      const roleNames = new Map([...roles.values()].map((r) => [r.name.toLowerCase(), r.id]));
      for (const [i, r] of list(n.webRoles).entries()) {
        where = { set: n.webRoles, row: i + 1 };
        const rid = id(r, n.webRoleId);
        const name = text(r, n.webRoleName, 100, true);
        if (!rid || !name) continue;
        const other = roleNames.get(name.toLowerCase());
        if (other && other !== rid) {
          fail(n.webRoleName, `a web role named "${name}" exists with another id`);
          continue;
        }
        const row = {
          id: rid,
          name,
          description: text(r, n.webRoleDescription, 2000),
          authenticated_users_role: toFlag(bool(r, n.webRoleAuthenticated, false)),
          // Power Pages has no right to invite: a role keeps what it has here.
          can_invite: roles.get(rid)?.can_invite ?? 0,
          created_at: now,
          updated_at: now,
        };
        const cur = roles.get(rid);
        const same =
          cur &&
          cur.name === row.name &&
          cur.description === row.description &&
          cur.authenticated_users_role === row.authenticated_users_role;
        if (!same) await upsertWebRole(tx, cur ? { ...row, created_at: cur.created_at } : row);
        count(n.webRoles, cur ? (same ? 'unchanged' : 'updated') : 'created');
        roles.set(rid, row);
      }

      // Accounts the other records name must exist (here or in the file).
      const accountRefs = [
        ...list('contacts').map((r) => r._parentcustomerid_value),
        ...list('adx_invitations').map((r) => r._adx_assigntoaccount_value),
      ]
        .filter((x): x is string => typeof x === 'string' && isUuid(x))
        .map((x) => x.toLowerCase());
      const knownAccounts = new Set((await accountsRepo.accountsByIds(tx, [...new Set(accountRefs)])).map((a) => a.id));
      const account = (r: PowerPagesRecord, f: string) => {
        const a = id(r, f, false);
        return a && !knownAccounts.has(a) ? (fail(f, `no such account: ${a}`) ?? null) : a;
      };

      // Contacts, by id.
      const contactRecords = list('contacts');
      const existing = new Map(
        (
          await contactsRepo.contactsByIds(
            tx,
            contactRecords.map((r) => String(r.contactid ?? '').toLowerCase()).filter(isUuid),
          )
        ).map((c) => [c.id, c]),
      );
      const currentRoles = await contactsRepo.webRoleIdsOf(tx, [...existing.keys()]);
      const createdContacts: ContactRow[] = [];
      for (const [i, r] of contactRecords.entries()) {
        where = { set: 'contacts', row: i + 1 };
        const cid = id(r, 'contactid');
        const fields: Partial<ContactRow> = {
          first_name: text(r, 'firstname', 100),
          last_name: text(r, 'lastname', 100),
          emailaddress1: text(r, 'emailaddress1', 320),
          emailaddress2: text(r, 'emailaddress2', 320),
          emailaddress3: text(r, 'emailaddress3', 320),
          parent_account_id: account(r, '_parentcustomerid_value'),
          username: text(r, 'adx_identity_username', 100),
          email_confirmed: toFlag(bool(r, 'adx_identity_emailaddress1confirmed', false)),
          login_enabled: toFlag(bool(r, 'adx_identity_logonenabled', true)),
          lockout_end: time(r, 'adx_identity_lockoutenddate'),
          access_failed_count: int(r, 'adx_identity_accessfailedcount') ?? 0,
        };
        const wanted = ids(r, n.contactWebRoles).filter((w) => {
          if (roles.has(w)) return true;
          fail(n.contactWebRoles, `no such web role: ${w}`);
          return false;
        });
        if (!cid || errors.length) continue;
        const cur = existing.get(cid);
        if (!cur) {
          const row = newContactRow({ ...fields, id: cid, created_at: now, updated_at: now });
          await contactsRepo.insertContactRows(tx, [row]);
          createdContacts.push(row);
          await contactsRepo.addWebRoles(
            tx,
            wanted.map((w) => [cid, w] as const),
          );
          count('contacts', 'created');
          continue;
        }
        const changes = Object.fromEntries(
          Object.entries(fields).filter(([k, v]) => cur[k as keyof ContactRow] !== v),
        ) as Partial<ContactRow>;
        const have = currentRoles.get(cid) ?? [];
        const rolesSame = have.length === wanted.length && wanted.every((w) => have.includes(w));
        if (Object.keys(changes).length)
          await contactsRepo.updateContactColumns(tx, cid, { ...changes, updated_at: now });
        if (!rolesSame) await replaceLinks(tx, 'contact_web_roles', cid, wanted);
        count('contacts', Object.keys(changes).length || !rolesSame ? 'updated' : 'unchanged');
      }
      if (errors.length) throw new Bad();
      // contact.created for each contact new here (docs/import-export.md: a site's move fires them).
      await recordLifecycleEvents(
        tx,
        'contact.created',
        createdContacts.map((r) => ({ contactId: r.id, contact: contactData(r) })),
      );

      // Invitations, by id; then their redemptions.
      const users = new Set((await tx.selectFrom('system_users').select('id').execute()).map((u) => u.id));
      const workflows = new Set((await tx.selectFrom('workflows').select('id').execute()).map((w) => w.id));
      const contactIds = new Set(contactRecords.map((x) => String(x.contactid).toLowerCase()));
      let ownersReplaced = 0;
      let workflowsDropped = 0;
      let codesMade = 0;
      const redemptionRows: Parameters<typeof insertImportedRedemptions>[1][number][] = [];
      for (const [i, r] of list('adx_invitations').entries()) {
        where = { set: 'adx_invitations', row: i + 1 };
        const iid = id(r, 'adx_invitationid');
        const typeCode = int(r, 'adx_type');
        const type =
          typeCode === INVITATION_TYPE.group ? 'group' : typeCode === INVITATION_TYPE.single ? 'single' : undefined;
        if (!type) fail('adx_type', 'must be 756150000 (Single) or 756150001 (Group)');
        const status = statusFromReason(int(r, 'statuscode') ?? 1, int(r, 'statecode') ?? undefined);
        if (!status) fail('statuscode', 'must be 1 (New), 756150000 (Sent), 756150001 (Redeemed) or 2 (Inactive)');
        const single = id(r, '_adx_invitecontact_value', false);
        const invited = [...new Set([...(single ? [single] : []), ...ids(r, 'adx_invitation_invitecontacts')])];
        const redeemed = ids(r, 'adx_invitation_redeemedcontacts');
        for (const c of [...invited, ...redeemed])
          if (!existing.has(c) && !contactIds.has(c)) fail('adx_invitation_invitecontacts', `no such contact: ${c}`);
        const webRoleIds = ids(r, n.invitationWebRoles).filter((w) => {
          if (roles.has(w)) return true;
          fail(n.invitationWebRoles, `no such web role: ${w}`);
          return false;
        });
        let ownerId = id(r, '_ownerid_value', false);
        if (!ownerId || !users.has(ownerId)) {
          ownerId = importerId;
          ownersReplaced++;
        }
        let workflowId = id(r, '_adx_redemptionworkflow_value', false);
        if (workflowId && !workflows.has(workflowId)) {
          workflowId = null;
          workflowsDropped++;
        }
        const name = text(r, 'adx_name', 200, true);
        const code = text(r, 'adx_invitationcode', 200) ?? undefined;
        const max = int(r, 'adx_maximumredemptions');
        const count_ = Math.max(int(r, 'adx_redemptions') ?? 0, redeemed.length);
        const expiresAt = time(r, 'adx_expirydate');
        if (type === 'single' && invited.length > 1)
          fail('adx_invitation_invitecontacts', 'a single invitation invites one contact');
        const assign = account(r, '_adx_assigntoaccount_value');
        const inviter = id(r, '_adx_invitercontact_value', false);
        if (inviter && !existing.has(inviter) && !contactIds.has(inviter))
          fail('_adx_invitercontact_value', `no such contact: ${inviter}`);
        if (!iid || !type || !status || !name || errors.length) continue;
        const result = await importInvitation(
          ctx,
          tx,
          {
            id: iid,
            name,
            type,
            ownerId,
            code,
            expiresAt,
            inviterContactId: inviter,
            assignToAccountId: assign,
            redeemWorkflowId: workflowId,
            maxRedemptions: type === 'group' ? (max && max > 0 ? max : null) : 1,
            redemptionCount: count_,
            status,
            invitedContactIds: invited,
            webRoleIds,
          },
          importerId,
          now,
        );
        if (result.newCode) codesMade++;
        count('adx_invitations', result.outcome);
        const detailed = list('adx_inviteredemptions').filter(
          (x) => String(x._regardingobjectid_value ?? '').toLowerCase() === iid,
        );
        for (const c of redeemed) {
          const d = detailed.find((x) => String(x._adx_contact_value ?? '').toLowerCase() === c);
          redemptionRows.push({
            id: d && isUuid(String(d.activityid)) ? String(d.activityid).toLowerCase() : stableRedemptionId(iid, c),
            invitation_id: iid,
            contact_id: c,
            redeemed_at: (d && typeof d.createdon === 'string' && d.createdon) || now,
            ip_address: (d?.adx_ipaddress as string | undefined) ?? null,
            user_agent: (d?.adx_useragent as string | undefined) ?? null,
            sign_in_method: (d?.adx_signinmethod as string | undefined) ?? null,
          });
        }
      }
      if (errors.length) throw new Bad();
      const added = await insertImportedRedemptions(tx, redemptionRows);
      entities.adx_inviteredemptions = {
        created: added,
        updated: 0,
        unchanged: redemptionRows.length - added,
      };
      if (ownersReplaced)
        notes.push(`${ownersReplaced} invitations named an unknown owner: they are owned by the importing user.`);
      if (workflowsDropped)
        notes.push(`${workflowsDropped} invitations named a redemption workflow that does not exist here: left out.`);
      if (codesMade) notes.push(`${codesMade} invitations came without a code: new codes were made (send them again).`);

      // Site settings with Power Pages' meaning.
      for (const [i, r] of list(n.siteSettings).entries()) {
        where = { set: n.siteSettings, row: i + 1 };
        const name = text(r, n.siteSettingName, 200, true);
        const value =
          String(r[n.siteSettingValue] ?? '')
            .trim()
            .toLowerCase() === 'true'
            ? 'true'
            : String(r[n.siteSettingValue] ?? '').trim();
        if (!name) continue;
        if (!name.startsWith('Authentication/') || !definitionByName.has(name)) {
          settingsUnknown.push(name);
          continue;
        }
        const v = definitionByName.get(name)?.kind === 'boolean' ? value.toLowerCase() : value;
        const applied = await applySettingIn(tx, actor, name, v, now);
        if (applied.problem) fail(n.siteSettingValue, applied.problem);
        else settingsApplied.push(name);
        // Power Pages: RequiresConfirmation "true" also turns open registration off.
        if (name === 'Authentication/Registration/RequiresConfirmation' && v === 'true')
          await applySettingIn(tx, actor, 'Authentication/Registration/OpenRegistrationEnabled', 'false', now);
      }
      if (errors.length) throw new Bad();
      await writeAudit(tx, {
        actor,
        action: 'import',
        recordType: 'power-pages',
        recordId: null,
        details: { dataModel: model, entities },
      });
      if (options.dryRun) throw new DryRun();
    });
  try {
    await write();
  } catch (err) {
    if (!(err instanceof Bad) && !(err instanceof DryRun)) throw err;
  }
  forgetCachedSettings(ctx);
  return report();
}

/** A dry run does the whole import and rolls it back. */
class DryRun extends Error {}

/** The id of a redemption Power Pages gave without its activity: made of its invitation and contact. */
function stableRedemptionId(invitationId: string, contactId: string): string {
  const a = invitationId.replace(/-/g, '');
  const b = contactId.replace(/-/g, '');
  let h = '';
  for (let i = 0; i < 32; i++)
    h += (Number.parseInt(a[i] as string, 16) ^ Number.parseInt(b[i] as string, 16)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
}
