// "Send the link again": a contact with a password whose email is not confirmed (confirmation on)
// asks for a new confirmation link. Rate-limited like sign-in, per client; the answer is the same
// whether or not such an account exists, so it tells no one which addresses have accounts.
import type { AppContext } from '../context.ts';
import { contactsWithEmail, contactWithPasswordByUsername } from '../contacts/contacts.repo.ts';
import { takeAttempt } from '../rate-limit/rate-limit.service.ts';
import type { Client } from '../redemption/redemption.service.ts';
import type { Locale } from '../shared/locale.ts';
import { asLocale } from '../shared/locale.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { sendConfirmation } from './local.service.ts';

/** Emails a new confirmation link when `login` (email or username) is an unconfirmed account; else nothing. */
export async function resendConfirmation(
  ctx: AppContext,
  login: string,
  locale: Locale,
  client: Client,
): Promise<void> {
  await takeAttempt(ctx, 'signIn', client.ip ?? 'unknown');
  if (!(await settingFlag(ctx, 'Authentication/Registration/RequiresConfirmation'))) return;
  const value = login.trim();
  if (!value) return;
  const contact =
    (await contactWithPasswordByUsername(ctx.db, value)) ??
    (await contactsWithEmail(ctx.db, value)).find((c) => c.password_hash);
  if (!contact?.password_hash || contact.email_confirmed === 1 || !contact.emailaddress1) return;
  if (contact.login_enabled !== 1) return;
  const address = contact.emailaddress1;
  await ctx.db.transaction().execute(async (tx) => {
    await sendConfirmation(ctx, tx, contact.id, address, asLocale(contact.locale) ?? locale, null);
  });
}
