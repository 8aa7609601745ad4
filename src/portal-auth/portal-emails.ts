// The portal's own emails (confirm your email, reset your password), in Danish and English, in one
// layout for both (a whole HTML document with lang and title, the portal's name, the button and
// the link written out). Invitation emails are workflow templates that staff edit; these are part
// of the product.
import type { Tx } from '../db/types.ts';
import type { AppContext } from '../context.ts';
import { queueEmail } from '../email/email.service.ts';
import type { Locale } from '../shared/locale.ts';
import { settingValueIn } from '../site-settings/site-settings.service.ts';
import { escapeHtml } from '../shared/html.ts';

const texts = {
  'confirm-email': {
    en: {
      subject: (site: string) => `Confirm your email address for ${site}`,
      intro: (site: string) => `Confirm your email address to finish signing up for ${site}.`,
      action: 'Confirm email address',
      linkIntro: 'If the button does not work, open this link (it works for 24 hours):',
      outro: 'If you did not sign up, ignore this message.',
    },
    da: {
      subject: (site: string) => `Bekræft din e-mailadresse til ${site}`,
      intro: (site: string) => `Bekræft din e-mailadresse for at gøre din tilmelding til ${site} færdig.`,
      action: 'Bekræft e-mailadresse',
      linkIntro: 'Virker knappen ikke, så åbn dette link (det virker i 24 timer):',
      outro: 'Hvis du ikke har tilmeldt dig, kan du se bort fra denne besked.',
    },
  },
  'reset-password': {
    en: {
      subject: (site: string) => `Reset your password for ${site}`,
      intro: (site: string) => `Someone asked to reset the password of your account at ${site}.`,
      action: 'Choose a new password',
      linkIntro: 'If the button does not work, open this link (it works once, for one hour):',
      outro: 'If it was not you, ignore this message; your password stays as it is.',
    },
    da: {
      subject: (site: string) => `Nulstil din adgangskode til ${site}`,
      intro: (site: string) => `Nogen har bedt om at nulstille adgangskoden til din konto på ${site}.`,
      action: 'Vælg en ny adgangskode',
      linkIntro: 'Virker knappen ikke, så åbn dette link (det virker én gang, i en time):',
      outro: 'Hvis det ikke var dig, kan du se bort fra denne besked; din adgangskode er uændret.',
    },
  },
} as const;

/** The portal's name in an email: the default name translated, a name staff set as written. */
const defaultNames: Record<Locale, string> = { en: 'Customer portal', da: 'Kundeportal' };
export async function emailSiteName(tx: Tx, locale: Locale): Promise<string> {
  // Read on the transaction: on SQLite a read on ctx.db would wait for the connection it holds.
  const name = (await settingValueIn(tx, 'Site/Name')).trim();
  return !name || name === defaultNames.en ? defaultNames[locale] : name;
}

export interface PortalEmailParts {
  lang: Locale;
  title: string;
  siteName: string;
  intro: string;
  action: string;
  link: string;
  linkIntro: string;
  outro: string;
}

/** One layout for both emails and both languages. */
export function portalEmailHtml(p: PortalEmailParts): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="${p.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(p.title)}</title></head>
<body style="margin:0;padding:12px;background:#f4f6f9;font-family:Helvetica,Arial,sans-serif;color:#1c2430;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:20px">
<p style="margin:0 0 16px;font-weight:bold;color:#174a96">${e(p.siteName)}</p>
<h1 style="font-size:20px;margin:0 0 12px">${e(p.title)}</h1>
<p>${e(p.intro)}</p>
<p style="margin:24px 0"><a href="${e(p.link)}" style="background:#174a96;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold;display:inline-block">${e(p.action)}</a></p>
<p>${e(p.linkIntro)}<br><a href="${e(p.link)}" style="color:#174a96;word-break:break-all">${e(p.link)}</a></p>
<p style="color:#5b6675;font-size:13px;margin-top:24px">${e(p.outro)}</p>
</div>
</body>
</html>
`;
}

export async function queuePortalEmail(
  ctx: AppContext,
  tx: Tx,
  kind: keyof typeof texts,
  to: { contactId: string; address: string; locale: Locale },
  link: string,
): Promise<void> {
  const t = texts[kind][to.locale];
  const siteName = await emailSiteName(tx, to.locale);
  const subject = t.subject(siteName);
  const intro = t.intro(siteName);
  // The link's token is a credential (it confirms an address or sets a password): sealed until delivery.
  const token = new URL(link).searchParams.get('token');
  await queueEmail(tx, {
    secrets: token ? { values: [token], box: ctx.secrets } : undefined,
    toContactId: to.contactId,
    toAddress: to.address,
    fromAddress: ctx.config.mailFrom,
    subject,
    text: `${siteName}\n\n${intro}\n\n${t.action}:\n${link}\n\n${t.outro}\n`,
    html: portalEmailHtml({
      lang: to.locale,
      title: subject,
      siteName,
      intro,
      action: t.action,
      link,
      linkIntro: t.linkIntro,
      outro: t.outro,
    }),
    regardingType: 'contact',
    regardingId: to.contactId,
  });
}
