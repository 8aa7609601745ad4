// The portal's own emails (confirm your email, reset your password), in Danish and English.
// Invitation emails are workflow templates that staff edit; these are part of the product.
import type { Tx } from '../db/types.ts';
import type { AppContext } from '../context.ts';
import { queueEmail } from '../email/email.service.ts';
import type { Locale } from '../shared/locale.ts';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const texts = {
  'confirm-email': {
    en: {
      subject: 'Confirm your email address',
      intro: 'Confirm your email address to finish signing up for the portal:',
      action: 'Confirm email address',
      outro: 'If you did not sign up, ignore this message.',
    },
    da: {
      subject: 'Bekræft din e-mailadresse',
      intro: 'Bekræft din e-mailadresse for at gøre din tilmelding til portalen færdig:',
      action: 'Bekræft e-mailadresse',
      outro: 'Hvis du ikke har tilmeldt dig, kan du se bort fra denne besked.',
    },
  },
  'reset-password': {
    en: {
      subject: 'Reset your password',
      intro:
        'Someone asked to reset the password of your portal account. Choose a new password here (the link works once, for one hour):',
      action: 'Choose a new password',
      outro: 'If it was not you, ignore this message; your password stays as it is.',
    },
    da: {
      subject: 'Nulstil din adgangskode',
      intro:
        'Nogen har bedt om at nulstille adgangskoden til din portalkonto. Vælg en ny adgangskode her (linket virker én gang, i en time):',
      action: 'Vælg en ny adgangskode',
      outro: 'Hvis det ikke var dig, kan du se bort fra denne besked; din adgangskode er uændret.',
    },
  },
} as const;

export async function queuePortalEmail(
  ctx: AppContext,
  tx: Tx,
  kind: keyof typeof texts,
  to: { contactId: string; address: string; locale: Locale },
  link: string,
): Promise<void> {
  const t = texts[kind][to.locale];
  // The link's token is a credential (it confirms an address or sets a password): sealed until delivery.
  const token = new URL(link).searchParams.get('token');
  await queueEmail(tx, {
    secrets: token ? { values: [token], box: ctx.secrets } : undefined,
    toContactId: to.contactId,
    toAddress: to.address,
    fromAddress: ctx.config.mailFrom,
    subject: t.subject,
    text: `${t.intro}\n\n${link}\n\n${t.outro}\n`,
    html: `<p>${escapeHtml(t.intro)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(t.action)}</a></p><p>${escapeHtml(t.outro)}</p>`,
    regardingType: 'contact',
    regardingId: to.contactId,
  });
}
