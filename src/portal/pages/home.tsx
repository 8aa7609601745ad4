// The portal's front page: what one can do here, and the content pages the viewer may open.
import type { PageContext } from '../page-context.ts';
import { displayName } from '../page-context.ts';
import { Layout } from './layout.tsx';

export function HomePage({ pc, pages }: { pc: PageContext; pages: Array<{ slug: string; title: string }> }) {
  const { t } = pc;
  return (
    <Layout pc={pc} title={t.home.title}>
      <section class="hero">
        <h1>{t.home.title}</h1>
        <p class="lead">{pc.profile ? t.home.signedInLead(displayName(pc.profile)) : t.home.lead}</p>
      </section>
      <div class="grid two">
        <section class="card">
          <h2>{pc.profile ? t.home.anotherCode : t.home.haveCode}</h2>
          <p>{pc.profile ? t.home.anotherCodeBody : t.home.haveCodeBody}</p>
          <p>
            <a class="button" href={pc.href('/portal/redeem')}>
              {t.nav.redeem}
            </a>
          </p>
        </section>
        <section class="card">
          {pc.profile ? (
            <>
              <h2>{t.home.yourAccess}</h2>
              <p>{t.home.yourAccessBody}</p>
              <p>
                <a class="button secondary" href={pc.href('/portal/profile')}>
                  {t.nav.profile}
                </a>
              </p>
            </>
          ) : (
            <>
              <h2>{t.home.returning}</h2>
              <p>{t.home.returningBody}</p>
              <p>
                <a class="button secondary" href={pc.href('/portal/sign-in')}>
                  {t.nav.signIn}
                </a>
              </p>
            </>
          )}
        </section>
      </div>
      <section class="card">
        <h2>{t.home.pages}</h2>
        {pages.length === 0 ? (
          <p class="muted">{t.home.noPages}</p>
        ) : (
          <ul class="link-list">
            {pages.map((p) => (
              <li>
                <a href={pc.href(`/portal/pages/${p.slug}`)}>{p.title}</a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}
