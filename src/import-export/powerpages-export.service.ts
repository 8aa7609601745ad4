// Export in Power Pages' (Dataverse Web API) shape: one object keyed by entity set names, records
// with Dataverse logical names, lookups as `_…_value`, N:N sets as arrays of ids on each invitation.
// Never a code: Power Pages would keep it in plain text (and we keep only a hash and a sealed copy).
import { createHash } from 'node:crypto';
import type { Actor, AppContext } from '../context.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { requireAdmin } from '../users/users.service.ts';
import { fromFlag } from '../db/types.ts';
import { allAccounts } from '../accounts/accounts.repo.ts';
import { contactsAfter, webRoleIdsOf } from '../contacts/contacts.repo.ts';
import { allWebRoles } from '../web-roles/web-roles.repo.ts';
import { invitationsForExport } from '../invitations/invitations.import.ts';
import { allRedemptions } from '../redemption/redemption.repo.ts';
import { listSiteSettings } from '../site-settings/site-settings.service.ts';
import { INVITATION_TYPE, modelNames, statusReasonOf, type DataModel } from './powerpages.model.ts';

export type PowerPagesRecord = Record<string, unknown>;
export type PowerPagesDocument = Record<string, PowerPagesRecord[]>;

/** A stable UUID made from a text (the website and site-setting ids Power Pages needs and we do not keep). */
export function stableId(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function exportPowerPages(ctx: AppContext, model: DataModel): Promise<PowerPagesDocument> {
  const n = modelNames[model];
  const website = stableId(`website:${ctx.config.publicUrl}`);
  const accounts = (await allAccounts(ctx.db)).map((a) => ({
    accountid: a.id,
    name: a.name,
    _parentaccountid_value: a.parent_account_id,
  }));
  const contacts: PowerPagesRecord[] = [];
  for (let after: string | null = null; ; ) {
    const page = await contactsAfter(ctx.db, after, 5000);
    if (page.length === 0) break;
    after = page[page.length - 1]?.id ?? null;
    const roles = await webRoleIdsOf(
      ctx.db,
      page.map((c) => c.id),
    );
    for (const c of page)
      contacts.push({
        contactid: c.id,
        firstname: c.first_name,
        lastname: c.last_name,
        emailaddress1: c.emailaddress1,
        emailaddress2: c.emailaddress2,
        emailaddress3: c.emailaddress3,
        _parentcustomerid_value: c.parent_account_id,
        adx_identity_username: c.username,
        adx_identity_emailaddress1confirmed: fromFlag(c.email_confirmed),
        adx_identity_logonenabled: fromFlag(c.login_enabled),
        adx_identity_lockoutenddate: c.lockout_end,
        adx_identity_accessfailedcount: c.access_failed_count,
        [n.contactWebRoles]: roles.get(c.id) ?? [],
      });
  }
  const webRoles = (await allWebRoles(ctx.db)).map((r) => ({
    [n.webRoleId]: r.id,
    [n.webRoleName]: r.name,
    [n.webRoleDescription]: r.description,
    [n.webRoleAuthenticated]: fromFlag(r.authenticated_users_role),
    [n.website]: website,
  }));
  const inv = await invitationsForExport(ctx.db);
  const invitations = inv.rows.map((r) => {
    const invited = inv.invited.get(r.id) ?? [];
    const reason = statusReasonOf[r.status](r);
    return {
      adx_invitationid: r.id,
      adx_name: r.name,
      adx_type: INVITATION_TYPE[r.type],
      adx_expirydate: r.expires_at,
      _adx_invitecontact_value: r.type === 'single' ? (invited[0] ?? null) : null,
      _adx_invitercontact_value: r.inviter_contact_id,
      _adx_assigntoaccount_value: r.assign_to_account_id,
      _adx_redemptionworkflow_value: r.redeem_workflow_id,
      adx_maximumredemptions: r.type === 'group' ? r.max_redemptions : 1,
      adx_redemptions: r.redemption_count,
      statecode: reason === 2 ? 1 : 0,
      statuscode: reason,
      _ownerid_value: r.owner_id,
      [n.website]: website,
      adx_invitation_invitecontacts: invited,
      adx_invitation_redeemedcontacts: inv.redeemed.get(r.id) ?? [],
      [n.invitationWebRoles]: inv.roles.get(r.id) ?? [],
    };
  });
  const redemptions = (await allRedemptions(ctx.db)).map((r) => ({
    activityid: r.id,
    _regardingobjectid_value: r.invitation_id,
    _adx_contact_value: r.contact_id,
    createdon: r.redeemed_at,
    adx_ipaddress: r.ip_address,
    adx_useragent: r.user_agent,
    adx_signinmethod: r.sign_in_method,
  }));
  const settings = (await listSiteSettings(ctx))
    .filter((s) => s.name.startsWith('Authentication/'))
    .map((s) => ({
      [n.siteSettingId]: stableId(`sitesetting:${s.name}`),
      [n.siteSettingName]: s.name,
      [n.siteSettingValue]: s.value,
      [n.website]: website,
    }));
  return {
    accounts,
    contacts,
    [n.webRoles]: webRoles,
    adx_invitations: invitations,
    adx_inviteredemptions: redemptions,
    [n.siteSettings]: settings,
  };
}

/**
 * The export a person asks for (the back office's "Export to Power Pages"): administrators only,
 * since it holds every contact's sign-in state and the Authentication/* settings, and audited
 * (`export`, record type `powerpages`, with the model and the record counts).
 */
export async function exportPowerPagesAs(ctx: AppContext, actor: Actor, model: DataModel): Promise<PowerPagesDocument> {
  requireAdmin(actor);
  const doc = await exportPowerPages(ctx, model);
  const counts = Object.fromEntries(Object.entries(doc).map(([set, records]) => [set, records.length]));
  await ctx.db
    .transaction()
    .execute((tx) =>
      writeAudit(tx, { actor, action: 'export', recordType: 'powerpages', recordId: null, details: { model, counts } }),
    );
  return doc;
}

/** The document as JSON text in pieces (one record at a time), for a download that is streamed. */
export function* powerPagesJsonChunks(doc: PowerPagesDocument): Generator<string> {
  yield '{';
  let firstSet = true;
  for (const [set, records] of Object.entries(doc)) {
    yield `${firstSet ? '' : ','}\n  ${JSON.stringify(set)}: [`;
    firstSet = false;
    let first = true;
    for (const r of records) {
      yield `${first ? '' : ','}\n    ${JSON.stringify(r)}`;
      first = false;
    }
    yield records.length ? '\n  ]' : ']';
  }
  yield '\n}\n';
}
