// What the portal's route files share (they never import one another): the client of a request,
// the invitations switch, the sign-up switches as a page shows them, safe return paths, and the
// content-page viewer of a page context.
import { safeReturnPath } from '../web/return-path.ts';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { PageViewer } from '../content-pages/content-pages.service.ts';
import type { Client } from '../redemption/redemption.service.ts';
import { AppError } from '../shared/errors.ts';
import { openRegistrationAllowed, settingFlag } from '../site-settings/site-settings.service.ts';
import { refusedForm, type FormState, type ParsedForm } from '../web/forms.ts';
import { displayName, type PageContext } from './page-context.ts';
import type { SignUpMode } from './pages/sign-up.tsx';

export const clientOf = (request: FastifyRequest): Client => ({
  ip: request.ip ?? null,
  userAgent: request.headers['user-agent'] ?? null,
});

/** The redeem page, preview and invitation sign-up exist only while invitations are enabled. */
export async function assertInvitationsEnabled(ctx: AppContext): Promise<void> {
  if (!(await settingFlag(ctx, 'Authentication/Registration/InvitationEnabled')))
    throw new AppError('not-found', 'Invitations are not in use on this portal.');
}

/** The sign-up switches, as the page shows them (the service enforces them either way). */
export async function signUpMode(ctx: AppContext): Promise<SignUpMode> {
  if (!(await settingFlag(ctx, 'Authentication/Registration/Enabled'))) return 'closed';
  if (!(await settingFlag(ctx, 'Authentication/Registration/LocalLoginEnabled'))) return 'local-off';
  if (!(await openRegistrationAllowed(ctx))) return 'invitation-only';
  return 'open';
}

/** The query string as trimmed strings (a repeated parameter is left out). */
export const queryOf = (request: FastifyRequest): Record<string, string> => {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (typeof v === 'string') out[k] = v.trim();
  return out;
};

/** Only a path on this portal (never its JSON API) may be a place to return to after sign-in. */
export const safeNext = (value: string | undefined | null): string | null =>
  safeReturnPath(value, { under: '/portal', refused: ['/portal/api'] });

export const redeemPath = (code: string) => `/portal/redeem?code=${encodeURIComponent(code)}`;

export const viewerOf = (pc: PageContext): PageViewer | null =>
  pc.profile
    ? {
        contactId: pc.profile.contact.id,
        roleIds: pc.profile.webRoles.map((r) => r.id),
        user: {
          firstName: pc.profile.contact.first_name,
          lastName: pc.profile.contact.last_name,
          fullName: displayName(pc.profile),
          email: pc.profile.contact.emailaddress1,
        },
      }
    : null;

/** A refused sign-in form: wrong credentials are named on the password field (the summary links to it). */
export function signInRefusedForm(t: PageContext['t'], form: ParsedForm<unknown>, err: AppError): FormState {
  const refused = refusedForm(t, form, err);
  if (err.code === 'unauthorized' && !err.reason && !refused.errors.password)
    refused.errors.password = t.signIn.wrongCredentials;
  return refused;
}
