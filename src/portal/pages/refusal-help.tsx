// The step that helps after a code is refused, per refusal code, in the visitor's language from
// the one dictionary: whom to ask (expired, inactive, fully used), "Was it you? Sign in" or the
// profile (redeemed), and the code form (unknown code).
import type { AppError } from '../../shared/errors.ts';
import type { Invitee } from '../invitee.ts';
import type { PageContext } from '../page-context.ts';
import { CodeForm } from './layout.tsx';
import type { ProblemAction } from './problem.tsx';

const askCodes = new Set(['invitation-expired', 'invitation-inactive', 'max-redemptions-reached']);

/** Whom to ask: who invited, and where to write (Site/ContactEmail, else the owner or inviter). */
export function ContactPoint({
  pc,
  inviterName,
  contactEmail,
  askNew,
}: {
  pc: PageContext;
  inviterName: string | null;
  contactEmail: string | null;
  askNew: boolean;
}) {
  const { t } = pc;
  return (
    <div class="help" data-help="contact">
      <h2>{askNew ? t.help.askNew : t.help.askAbout}</h2>
      {inviterName ? <p data-help="inviter">{t.help.invitedBy(inviterName)}</p> : null}
      {contactEmail ? (
        <p data-help="contact-email">
          {t.help.writeTo} <a href={`mailto:${contactEmail}`}>{contactEmail}</a>
        </p>
      ) : (
        <p>{askNew ? t.help.askInviter : t.help.askAbout}</p>
      )}
    </div>
  );
}

export function RefusalHelp(props: {
  pc: PageContext;
  err: AppError;
  invitee: Invitee | null;
  code: string;
  contactEmail: string | null;
}) {
  const { pc, err, invitee } = props;
  const { t } = pc;
  if (askCodes.has(err.code))
    return (
      <ContactPoint
        pc={pc}
        inviterName={invitee?.inviterName ?? null}
        contactEmail={props.contactEmail}
        askNew={err.code !== 'invitation-inactive'}
      />
    );
  if (err.code === 'invitation-redeemed')
    return (
      <div class="help" data-help="was-it-you">
        <p>{pc.profile ? t.help.seeAccess : t.help.wasItYou}</p>
      </div>
    );
  if (err.code === 'invitation-not-found')
    return (
      <div class="help" data-help="check-code">
        <h2>{t.help.checkCode}</h2>
        <p>{t.help.checkCodeBody}</p>
        <CodeForm pc={pc} value={props.code} />
      </div>
    );
  return null;
}

/** The buttons under a refused code's page. */
export function refusalActions(pc: PageContext, err: AppError): ProblemAction[] {
  const { t } = pc;
  const signIn = pc.href(`/portal/sign-in?next=${encodeURIComponent('/portal/profile')}`);
  const profile = { href: pc.href('/portal/profile'), label: t.help.seeAccess, primary: true };
  if (err.code === 'invitation-redeemed')
    return pc.profile ? [profile] : [{ href: signIn, label: t.actions.signIn, primary: true }];
  if (err.code === 'already-redeemed-by-contact') return [profile];
  if (err.code === 'invitation-not-found') return [{ href: pc.href('/portal'), label: t.actions.home }];
  return [
    { href: pc.href('/portal/redeem'), label: t.actions.redeem, primary: true },
    pc.profile ? profile : { href: pc.href('/portal/sign-in'), label: t.actions.signIn },
  ];
}
