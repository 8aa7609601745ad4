// The profile's list of invitations waiting for the signed-in contact, each with a one-click
// Redeem (a POST with the session's CSRF token).
import type { PendingInvitation } from '../../invitations/pending.service.ts';
import { Csrf } from '../../web/form-kit.tsx';
import type { PageContext } from '../page-context.ts';

export function PendingInvitations({ pc, items }: { pc: PageContext; items: PendingInvitation[] }) {
  const { t } = pc;
  const date = (iso: string) =>
    `${new Intl.DateTimeFormat(t.dateLocale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;
  return (
    <section class="card" aria-labelledby="pending-title" data-section="pending-invitations">
      <h2 id="pending-title">{t.lifecycle.pendingTitle}</h2>
      {items.length === 0 ? (
        <p class="muted">{t.lifecycle.pendingNone}</p>
      ) : (
        <ul class="pending-invitations">
          {items.map((inv) => (
            <li data-invitation-id={inv.id}>
              <form method="post" action={pc.href(`/portal/profile/invitations/${inv.id}/redeem`)}>
                <Csrf pc={pc} />
                <strong>{inv.name}</strong>
                {inv.expiresAt ? <span class="muted"> {t.lifecycle.pendingExpires(date(inv.expiresAt))}</span> : null}{' '}
                <button type="submit" class="button" aria-label={`${t.lifecycle.redeemSubmit}: ${inv.name}`}>
                  {t.lifecycle.redeemSubmit}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
