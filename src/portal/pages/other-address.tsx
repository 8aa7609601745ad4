// Signed in as someone else than the invitee of a single invitation: both addresses, "Sign out and
// continue" (back to this invitation, signed out), and — where the binding lets anyone with the code
// redeem — accepting it as the signed-in contact after ticking an explicit confirmation. Nothing is
// redeemed until one of them is chosen.
import type { AppError } from '../../shared/errors.ts';
import { Csrf, ProblemBox } from '../../web/form-kit.tsx';
import type { Invitee } from '../invitee.ts';
import { displayName, type PageContext, type Profile } from '../page-context.ts';

/** The signed-in contact is not the single invitation's invited contact. */
export const signedInAsOther = (pc: PageContext, invitee: Invitee): boolean =>
  Boolean(pc.profile && invitee.type === 'single' && invitee.invitedContactId) &&
  invitee.invitedContactId !== pc.profile?.contact.id;

/** Accepting as oneself is offered only where the binding does not hold it to the invited address. */
export const mayAcceptAsOther = (invitee: Invitee): boolean => invitee.binding !== 'invited-email';

export function OtherAddress({
  pc,
  profile,
  invitee,
  code,
  next,
  problem,
}: {
  pc: PageContext;
  profile: Profile;
  invitee: Invitee;
  code: string;
  next: string | null;
  problem: AppError | null;
}) {
  const { t } = pc;
  const me = profile.contact.emailaddress1 ?? displayName(profile);
  const sentTo = invitee.invitedEmail ?? '—';
  const back = `/portal/redeem?code=${encodeURIComponent(code)}${next ? `&next=${encodeURIComponent(next)}` : ''}`;
  return (
    <section class="card" aria-labelledby="other-title" id="redeem" data-other-address="">
      <h2 id="other-title">{t.redeem.other.title}</h2>
      <ProblemBox
        pc={pc}
        err={problem}
        focus
        title={problem?.code === 'validation-failed' ? t.redeem.other.confirmMissing : undefined}
      />
      <dl class="facts">
        <div>
          <dt>{t.redeem.other.sentTo}</dt>
          <dd data-field="sent-to">{sentTo}</dd>
        </div>
        <div>
          <dt>{t.redeem.other.signedInAs}</dt>
          <dd data-field="signed-in-as">{me}</dd>
        </div>
      </dl>
      <p>{t.redeem.other.body}</p>
      <form method="post" action={pc.href('/portal/sign-out')}>
        <Csrf pc={pc} />
        <input type="hidden" name="next" value={back} />
        <p class="actions">
          <button type="submit" class="button">
            {t.redeem.other.signOutContinue}
          </button>
        </p>
      </form>
      {mayAcceptAsOther(invitee) ? (
        <form method="post" action={pc.href('/portal/redeem')} class="accept-other">
          <h3>{t.redeem.other.acceptTitle}</h3>
          <Csrf pc={pc} />
          <input type="hidden" name="code" value={code} />
          {next ? <input type="hidden" name="next" value={next} /> : null}
          <p class={problem?.code === 'validation-failed' ? 'check has-error' : 'check'}>
            <input
              type="checkbox"
              id="redeem-confirmOther"
              name="confirmOther"
              value="yes"
              required
              aria-invalid={problem?.code === 'validation-failed' ? 'true' : undefined}
            />{' '}
            <label for="redeem-confirmOther">{t.redeem.other.confirm(sentTo, me)}</label>
          </p>
          <p class="actions">
            <button type="submit" class="button secondary">
              {t.redeem.other.accept}
            </button>
          </p>
        </form>
      ) : (
        <p class="muted">{t.redeem.other.onlyInvited}</p>
      )}
    </section>
  );
}
