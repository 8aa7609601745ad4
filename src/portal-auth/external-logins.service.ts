// A contact's external logins (its identities at OpenID Connect and SAML providers), as the back
// office's Web Authentication section lists them, and their removal: admins only, audited, and the
// contact's portal sessions end with it, since one of them may have come through that login.
import type { Actor, AppContext } from '../context.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { notFound } from '../shared/errors.ts';
import { requireAdmin } from '../users/users.service.ts';
import { deleteExternalLogin, externalLoginsOf } from './external-logins.repo.ts';
import { endSessionsOfContact } from './sessions.repo.ts';

export interface ExternalLogin {
  id: string;
  providerId: string;
  /** The provider's name, or null when the provider is gone. */
  providerName: string | null;
  providerType: 'oidc' | 'saml' | null;
  subject: string;
  email: string | null;
  createdAt: string;
}

export async function listExternalLogins(ctx: AppContext, contactId: string): Promise<ExternalLogin[]> {
  const rows = await externalLoginsOf(ctx.db, contactId);
  return rows.map((r) => ({
    id: r.id,
    providerId: r.provider_id,
    providerName: r.provider_name,
    providerType: r.provider_type,
    subject: r.subject,
    email: r.email,
    createdAt: r.created_at,
  }));
}

export async function removeExternalLogin(
  ctx: AppContext,
  actor: Actor,
  contactId: string,
  loginId: string,
): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await deleteExternalLogin(tx, contactId, loginId))) throw notFound('The external login');
    await endSessionsOfContact(tx, contactId);
    await writeAudit(tx, {
      actor,
      action: 'remove-external-login',
      recordType: 'contact',
      recordId: contactId,
      details: { externalLoginId: loginId },
    });
  });
}
