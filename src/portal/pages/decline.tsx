// Declining an invitation on the portal: the small "This is not for me" form the preview page
// shows (a POST with the session's CSRF token), and the page that confirms it was declined.
import type { PageContext } from '../page-context.ts';
import { Csrf } from '../../web/form-kit.tsx';
import { Layout } from './layout.tsx';

export function DeclineForm({ pc, code }: { pc: PageContext; code: string }) {
  const { t } = pc;
  return (
    <section class="card decline" aria-labelledby="decline-title">
      <h2 id="decline-title">{t.lifecycle.declineTitle}</h2>
      <p class="muted">{t.lifecycle.declineBody}</p>
      <form method="post" action={pc.href('/portal/redeem/decline')}>
        <Csrf pc={pc} />
        <input type="hidden" name="code" value={code} />
        <p class="actions">
          <button type="submit" class="button secondary">
            {t.lifecycle.declineSubmit}
          </button>
        </p>
      </form>
    </section>
  );
}

export function DeclinedPage({ pc }: { pc: PageContext }) {
  const { t } = pc;
  return (
    <Layout pc={pc} title={t.lifecycle.declinedTitle} narrow>
      <section class="card" aria-labelledby="declined-title" data-status="declined">
        <h1 id="declined-title">{t.lifecycle.declinedTitle}</h1>
        <p>{t.lifecycle.declinedBody}</p>
      </section>
    </Layout>
  );
}
