// What workflow emails are made of: the template of the recipient's language, the Liquid variables
// (invitation, contact, inviter, owner, code, redeem_url, expires_at, site, redeem_page_url) and the sender. Used by the
// Send Invitation step, the send-email step, the dry run and the template preview.
import type { AppContext } from '../context.ts';
import type { Db } from '../db/types.ts';
import type { Contact } from '../contacts/contacts.schema.ts';
import type { Invitation } from '../invitations/invitations.schema.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { encryptedCodeOf, getInvitation } from '../invitations/invitations.service.ts';
import { decryptCode, redeemUrl } from '../invitations/codes.ts';
import { findUserById } from '../users/users.repo.ts';
import { settingValue } from '../site-settings/site-settings.service.ts';
import { renderEmail, type RenderedEmail } from '../email/templates.ts';
import { AppError } from '../shared/errors.ts';
import { asLocale, pickLocale, type Locale } from '../shared/locale.ts';
import type { EmailTemplateRow } from './workflows.repo.ts';

/** Shared; named here too for the workflow modules that import it from this file. */
export type { Locale };

/** Shown instead of the real code by the template preview: the real one is never rendered there. */
export const STAND_IN_CODE = 'ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2-3456';

export async function siteLocale(ctx: Pick<AppContext, 'db'>): Promise<Locale> {
  return asLocale(await settingValue(ctx, 'Site/DefaultLocale')) ?? 'en';
}

/** The language of an email: the invitation's, then the contact's, then the site's. */
export const emailLocale = (
  invitation: Pick<Invitation, 'locale'> | null,
  contact: Pick<Contact, 'locale'> | null,
  site: Locale,
): Locale => pickLocale([invitation?.locale, contact?.locale], site);

const expiryFormats: Record<Locale, Intl.DateTimeFormat> = {
  da: new Intl.DateTimeFormat('da-DK', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }),
};

/** The expiry as people of `locale` write it ("15. marts 2030 kl. 14.00 UTC", "15 March 2030 at 14:00 UTC"), or null. */
export const formatExpiry = (iso: string | null, locale: Locale): string | null =>
  iso ? expiryFormats[locale].format(new Date(iso)) : null;

/**
 * The template for `locale` among `templates`: of the same name as `preferred` when given, in the
 * recipient's language, else in the site's, else the preferred one itself (or the first).
 */
export function pickTemplate(
  templates: readonly EmailTemplateRow[],
  locale: Locale,
  site: Locale,
  preferred?: EmailTemplateRow,
): EmailTemplateRow | undefined {
  const family = preferred ? templates.filter((t) => t.name === preferred.name) : templates;
  return family.find((t) => t.locale === locale) ?? family.find((t) => t.locale === site) ?? preferred ?? family[0];
}

interface Person {
  id: string;
  email: string;
  fullName: string;
}

/** The owner (a system user) as templates see it. */
export async function ownerOf(db: Db, ownerId: string | null): Promise<Person | null> {
  if (!ownerId) return null;
  const u = await findUserById(db, ownerId);
  return u ? { id: u.id, email: u.email, fullName: u.full_name } : null;
}

const quoted = (name: string) => `"${name.replace(/["\\\r\n]/g, '')}"`;

/** From: the template's when set, else the owner's (with their name), else the service's MAIL_FROM. */
export function senderOf(
  ctx: Pick<AppContext, 'config'>,
  template: Pick<EmailTemplateRow, 'from_address'>,
  owner: Person | null,
): string {
  if (template.from_address) return template.from_address;
  if (owner) return owner.fullName ? `${quoted(owner.fullName)} <${owner.email}>` : owner.email;
  return ctx.config.mailFrom;
}

export async function contactOrNull(ctx: AppContext, id: string | null): Promise<Contact | null> {
  if (!id) return null;
  try {
    return await getContact(ctx, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not-found') return null;
    throw err;
  }
}

export async function invitationOrNull(ctx: AppContext, id: string): Promise<Invitation | null> {
  try {
    return await getInvitation(ctx, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not-found') return null;
    throw err;
  }
}

/** Why an invitation cannot be sent now, or null when it can. */
export function refusalOf(invitation: Invitation): string | null {
  switch (invitation.status) {
    case 'inactive':
      return 'The invitation is deactivated (inactive); activate it to send it.';
    case 'expired':
      return `The invitation expired at ${invitation.expiresAt}.`;
    case 'redeemed':
      return 'The invitation has already been redeemed.';
    case 'declined':
      return 'The invitee declined the invitation.';
    default:
      return null;
  }
}

export interface InvitationEmailContext {
  invitation: Invitation;
  inviter: Contact | null;
  owner: Person | null;
  /** The real code (from the encrypted copy), or the stand-in for previews. */
  code: string;
  redeemUrl: string;
  /** Site/Name and Site/ContactEmail as set (the default name is translated per recipient). */
  site: { name: string; contactEmail: string };
}

const DEFAULT_SITE_NAMES: Record<Locale, string> = { en: 'Customer portal', da: 'Kundeportal' };

/** The portal's name for `locale`: the default name translated, a name staff set as written. */
export const siteNameFor = (name: string, locale: Locale): string =>
  !name.trim() || name.trim() === DEFAULT_SITE_NAMES.en ? DEFAULT_SITE_NAMES[locale] : name.trim();

/** Loads what every email of one invitation shares. `code: 'stand-in'` never decrypts the real one. */
export async function invitationEmailContext(
  ctx: AppContext,
  invitation: Invitation,
  code: 'real' | 'stand-in',
): Promise<InvitationEmailContext> {
  let plain = STAND_IN_CODE;
  if (code === 'real') {
    const encrypted = await encryptedCodeOf(ctx, invitation.id);
    if (!encrypted)
      throw new InvitationNotSendable(
        'The invitation keeps no recoverable copy of its code (it was imported without one); create a new invitation.',
      );
    try {
      plain = decryptCode(ctx.secrets, encrypted);
    } catch {
      throw new InvitationNotSendable('The code cannot be recovered with the current SECRET_KEY.');
    }
  }
  return {
    invitation,
    inviter: await contactOrNull(ctx, invitation.inviterContactId),
    owner: await ownerOf(ctx.db, invitation.ownerId),
    code: plain,
    redeemUrl: redeemUrl(ctx.config.publicUrl, plain),
    site: {
      name: await settingValue(ctx, 'Site/Name'),
      contactEmail: (await settingValue(ctx, 'Site/ContactEmail')).trim(),
    },
  };
}

/** Thrown when an invitation cannot be sent at all (the reason goes into the run log). */
export class InvitationNotSendable extends Error {}

/** The Liquid variables of an invitation email to `contact`. */
export function invitationVariables(
  e: InvitationEmailContext,
  contact: Contact | null,
  locale: Locale,
): Record<string, unknown> {
  return {
    invitation: e.invitation,
    contact,
    inviter: e.inviter,
    owner: e.owner,
    code: e.code,
    redeem_url: e.redeemUrl,
    expires_at: formatExpiry(e.invitation.expiresAt, locale),
    locale,
    // The page to type the code on (the link without its code), and the portal as invitees know it.
    redeem_page_url: `${e.redeemUrl.split('?')[0]}`,
    site: { name: siteNameFor(e.site.name, locale), contact_email: e.site.contactEmail || null },
  };
}

export interface PlannedEmail {
  contactId: string;
  to: string;
  locale: Locale;
  templateId: string;
  from: string;
  rendered: RenderedEmail;
}

export interface SkippedRecipient {
  contactId: string;
  reason: string;
}

export interface InvitationEmailPlan {
  emails: PlannedEmail[];
  skipped: SkippedRecipient[];
}

/**
 * One email per invited contact, to `emailaddress1` only: a contact without one is skipped with
 * the reason (never sent to emailaddress2/3). Renders with the template of each one's language.
 */
export async function planInvitationEmails(
  ctx: AppContext,
  templates: readonly EmailTemplateRow[],
  e: InvitationEmailContext,
): Promise<InvitationEmailPlan> {
  const site = await siteLocale(ctx);
  const plan: InvitationEmailPlan = { emails: [], skipped: [] };
  for (const contactId of e.invitation.invitedContactIds) {
    const contact = await contactOrNull(ctx, contactId);
    if (!contact) {
      plan.skipped.push({ contactId, reason: 'The contact no longer exists.' });
      continue;
    }
    if (!contact.emailaddress1) {
      plan.skipped.push({ contactId, reason: 'The contact has no primary email address (emailaddress1).' });
      continue;
    }
    if (contact.emailaddress1Undeliverable) {
      // A hard bounce marked it (src/email/bounces.ts) until staff change the address.
      plan.skipped.push({
        contactId,
        reason: `The primary email address (emailaddress1) is undeliverable: ${contact.emailaddress1Undeliverable}`,
      });
      continue;
    }
    const locale = emailLocale(e.invitation, contact, site);
    const template = pickTemplate(templates, locale, site);
    if (!template) throw new InvitationNotSendable('The workflow has no email template.');
    plan.emails.push({
      contactId,
      to: contact.emailaddress1,
      locale,
      templateId: template.id,
      from: senderOf(ctx, template, e.owner),
      rendered: renderEmail(template, invitationVariables(e, contact, locale)),
    });
  }
  return plan;
}
