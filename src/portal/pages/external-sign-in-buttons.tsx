// The external sign-in buttons (one POST form with the CSRF token per enabled provider, labelled
// with its name) that the sign-in, sign-up, redeem and profile pages show, and the profile's list
// of linked sign-in methods. Pages insert one line; everything else is here.
import type { ExternalLogin } from '../../portal-auth/external-logins.service.ts';
import type { SignInIntent } from '../../portal-auth/pending-sign-ins.ts';
import { Csrf } from '../../web/form-kit.tsx';
import type { PageContext } from '../page-context.ts';

export function ExternalSignInButtons(props: {
  pc: PageContext;
  intent: SignInIntent;
  /** The invitation code (intent redeem): kept server-side with the pending sign-in. */
  code?: string | null;
  next?: string | null;
  /** The invitation's signInProviderId: only that provider is offered. */
  only?: string | null;
}) {
  const { pc, intent } = props;
  const t = pc.t.externalSignIn;
  const viaRequired = Boolean(props.only && pc.session.data.signInMethod.endsWith(`:${props.only}`));
  // A signed-in contact needs the buttons only to add a method, or to sign in with the one an invitation requires.
  if (pc.profile && intent !== 'link' && (!props.only || viaRequired)) return null;
  const providers = props.only ? pc.externalProviders.filter((p) => p.id === props.only) : pc.externalProviders;
  if (providers.length === 0) return null;
  const headingId = `external-${intent}-title`;
  return (
    <section class="card external-sign-in" aria-labelledby={headingId} data-external-sign-in={intent}>
      <h2 id={headingId}>{intent === 'link' ? t.addMethod : t.heading}</h2>
      {intent === 'link' ? <p class="muted">{t.addMethodBody}</p> : null}
      {props.only && providers[0] ? <p class="muted">{t.onlyProvider(providers[0].name)}</p> : null}
      <ul class="provider-buttons">
        {providers.map((p) => (
          <li>
            <form method="post" action={pc.href(`/portal/auth/${p.type}/${p.id}/start`)}>
              <Csrf pc={pc} />
              <input type="hidden" name="intent" value={intent} />
              {props.code ? <input type="hidden" name="code" value={props.code} /> : null}
              {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
              <button type="submit" class="button secondary" data-provider={p.id}>
                {t.with(p.name)}
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The profile's sign-in methods: the linked providers, then the buttons to add one. */
export function ExternalSignInMethods({ pc, logins }: { pc: PageContext; logins: ExternalLogin[] }) {
  const t = pc.t.externalSignIn;
  return (
    <>
      <section class="card" aria-labelledby="sign-in-methods-title" data-related="external-logins">
        <h2 id="sign-in-methods-title">{t.linked}</h2>
        {logins.length === 0 ? (
          <p class="muted">{t.noLinked}</p>
        ) : (
          <ul class="tags">
            {logins.map((l) => (
              <li data-provider={l.providerId}>{l.providerName ?? l.providerId}</li>
            ))}
          </ul>
        )}
      </section>
      <ExternalSignInButtons pc={pc} intent="link" />
    </>
  );
}
