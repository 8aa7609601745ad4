// Power Pages' (Dataverse's) names for our records, in its two data models, and the mappings of
// option values and status reasons (SPEC.md "Compatibility with Power Pages").
import type { InvitationRow } from '../db/schema.ts';

export type DataModel = 'standard' | 'enhanced';

/** The names that differ between the standard (adx_) and the enhanced (mspp_) data model. */
export const modelNames = {
  standard: {
    webRoles: 'adx_webroles',
    webRoleId: 'adx_webroleid',
    webRoleName: 'adx_name',
    webRoleDescription: 'adx_description',
    webRoleAuthenticated: 'adx_authenticatedusersrole',
    website: '_adx_websiteid_value',
    invitationWebRoles: 'adx_invitation_webrole',
    contactWebRoles: 'adx_webrole_contact',
    siteSettings: 'adx_sitesettings',
    siteSettingId: 'adx_sitesettingid',
    siteSettingName: 'adx_name',
    siteSettingValue: 'adx_value',
  },
  enhanced: {
    webRoles: 'mspp_webroles',
    webRoleId: 'mspp_webroleid',
    webRoleName: 'mspp_name',
    webRoleDescription: 'mspp_description',
    webRoleAuthenticated: 'mspp_authenticatedusersrole',
    website: '_mspp_websiteid_value',
    invitationWebRoles: 'adx_invitation_mspp_webrole_powerpagecomponent',
    contactWebRoles: 'powerpagecomponent_mspp_webrole_contact',
    siteSettings: 'mspp_sitesettings',
    siteSettingId: 'mspp_sitesettingid',
    siteSettingName: 'mspp_name',
    siteSettingValue: 'mspp_value',
  },
} as const;

export const INVITATION_TYPE = { single: 756150000, group: 756150001 } as const;

export const STATUS_REASON = { new: 1, sent: 756150000, redeemed: 756150001, inactive: 2 } as const;
type StatusReason = (typeof STATUS_REASON)[keyof typeof STATUS_REASON];

/**
 * Our status → Power Pages' status reason. Power Pages has no Expired: an expired invitation keeps
 * the reason it had (Sent when it was sent) and its adx_expirydate says the rest. A status added to
 * the union (lifecycle's `declined` → Inactive) is one more line here, and does not compile without it.
 */
export const statusReasonOf: Record<InvitationRow['status'], (r: Pick<InvitationRow, 'sent_at'>) => StatusReason> = {
  new: () => STATUS_REASON.new,
  sent: () => STATUS_REASON.sent,
  redeemed: () => STATUS_REASON.redeemed,
  inactive: () => STATUS_REASON.inactive,
  // Declined (beyond the model) is Inactive in Power Pages.
  declined: () => STATUS_REASON.inactive,
  expired: (r) => (r.sent_at ? STATUS_REASON.sent : STATUS_REASON.new),
};

/** Power Pages' status reason → ours (statecode 1 = Inactive whatever the reason). */
export function statusFromReason(statuscode: number, statecode: number | undefined): ImportedStatus | undefined {
  if (statecode === 1 || statuscode === STATUS_REASON.inactive) return 'inactive';
  if (statuscode === STATUS_REASON.new) return 'new';
  if (statuscode === STATUS_REASON.sent) return 'sent';
  if (statuscode === STATUS_REASON.redeemed) return 'redeemed';
  return undefined;
}
export type ImportedStatus = 'new' | 'sent' | 'redeemed' | 'inactive';

/**
 * The end of a date-only day in `timeZone`, as an ISO time in UTC: the first instant of the next
 * day there (an invitation cannot be redeemed at and after its expiry).
 */
export function endOfDayIn(date: string, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d + 1);
  const offset = (t: number) => {
    const parts: Record<string, string> = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(t)
        .map((p) => [p.type, p.value]),
    );
    const n = (k: string) => Number(parts[k]);
    const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
    return local - t;
  };
  let t = guess - offset(guess);
  t = guess - offset(t);
  return new Date(t).toISOString();
}

/** Our records' Dataverse entity sets that are the same in both models. */
export const ENTITY_SETS = ['accounts', 'contacts', 'adx_invitations', 'adx_inviteredemptions'] as const;
