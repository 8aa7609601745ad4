// The signed-in contact's own page: name, email, account and web roles.
import type { PageContext, Profile } from '../page-context.ts';
import { displayName } from '../page-context.ts';
import { Csrf } from '../../web/form-kit.tsx';
import type { ExternalLogin } from '../../portal-auth/external-logins.service.ts';
import { ExternalSignInMethods } from './external-sign-in-buttons.tsx';
import { Layout } from './layout.tsx';
import { PendingInvitations } from './pending-invitations.tsx';
import type { PendingInvitation } from '../../invitations/pending.service.ts';

export function ProfilePage({
  pc,
  profile,
  externalLogins = [],
  pending = [],
}: {
  pc: PageContext;
  profile: Profile;
  externalLogins?: ExternalLogin[];
  pending?: PendingInvitation[];
}) {
  const { t } = pc;
  return (
    <Layout pc={pc} title={t.profile.title} narrow>
      <section class="card" aria-labelledby="profile-title">
        <h1 id="profile-title">{t.profile.title}</h1>
        <dl class="facts">
          <div>
            <dt>{t.profile.name}</dt>
            <dd data-field="name">{displayName(profile)}</dd>
          </div>
          <div>
            <dt>{t.profile.email}</dt>
            <dd data-field="email">{profile.contact.emailaddress1 ?? '—'}</dd>
          </div>
          <div>
            <dt>{t.profile.account}</dt>
            <dd data-field="account">
              {profile.account ? profile.account.name : <span class="muted">{t.profile.noAccount}</span>}
            </dd>
          </div>
          <div>
            <dt>{t.profile.roles}</dt>
            <dd data-field="roles">
              {profile.webRoles.length === 0 ? (
                <span class="muted">{t.profile.noRoles}</span>
              ) : (
                <ul class="tags">
                  {profile.webRoles.map((r) => (
                    <li>{r.name}</li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
        </dl>
        <form method="post" action={pc.href('/portal/sign-out')}>
          <Csrf pc={pc} />
          <p class="actions">
            <button type="submit" class="button secondary">
              {t.profile.signOut}
            </button>
          </p>
        </form>
      </section>
      <ExternalSignInMethods pc={pc} logins={externalLogins} />
      <PendingInvitations pc={pc} items={pending} />
    </Layout>
  );
}
