// A whole back-office page that says why something could not be done, with the problem's stable
// code (data-code) and the way on.
import type { AppError } from '../../shared/errors.ts';
import { problemText } from '../../web/refusal.ts';
import type { AdminPageContext } from '../page-context.ts';
import { Layout } from './layout.tsx';

export function AdminProblemPage({ pc, err }: { pc: AdminPageContext; err: AppError }) {
  const text = problemText(pc.t, err, pc.locale === 'en');
  return (
    <Layout pc={pc} title={text.title} bare={!pc.user}>
      <section class="card problem-page" data-code={err.code} aria-labelledby="problem-title">
        <h1 id="problem-title">{text.title}</h1>
        <p class="lead">{text.body}</p>
        <p class="problem-code">
          {pc.t.codeLabel}: <code>{err.code}</code>
        </p>
        <p class="actions">
          <a class="button secondary" href={pc.user ? '/admin' : '/admin/sign-in'}>
            {pc.user ? pc.t.nav.dashboard : pc.t.signIn.submit}
          </a>
        </p>
      </section>
    </Layout>
  );
}
