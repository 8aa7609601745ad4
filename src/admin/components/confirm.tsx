// The page that asks before a destructive command (Delete, Deactivate, Revoke): it names the record
// and posts the command only when confirmed, so it works the same with and without JavaScript.
import { Csrf } from '../../web/form-kit.tsx';
import type { AdminPageContext } from '../page-context.ts';
import { Layout } from '../pages/layout.tsx';

export function ConfirmPage(p: {
  pc: AdminPageContext;
  title: string;
  question: string;
  recordName: string;
  action: string;
  confirmLabel: string;
  cancelHref: string;
}) {
  return (
    <Layout pc={p.pc} title={p.title}>
      <section class="card narrow confirm" aria-labelledby="confirm-title">
        <h1 id="confirm-title">{p.title}</h1>
        <p class="lead">
          <strong>{p.recordName}</strong>
        </p>
        <p>{p.question}</p>
        <form method="post" action={p.action} class="actions">
          <Csrf pc={p.pc} />
          <button type="submit" class="button danger">
            {p.confirmLabel}
          </button>
          <a class="button secondary" href={p.cancelHref}>
            {p.pc.t.commands.cancel}
          </a>
        </form>
      </section>
    </Layout>
  );
}
