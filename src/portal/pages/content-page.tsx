// A content page kept by staff. Its body was rendered by Liquid with every output escaped (user
// data included), so the result is the page author's own HTML and is placed as such.
import type { OpenedPage } from '../../content-pages/content-pages.service.ts';
import type { PageContext } from '../page-context.ts';
import { Layout } from './layout.tsx';

export function ContentPageView({ pc, page }: { pc: PageContext; page: OpenedPage }) {
  return (
    <Layout pc={pc} title={page.title}>
      <article class="card content-page" data-slug={page.slug}>
        <h1>{page.title}</h1>
        <div class="content-body" dangerouslySetInnerHTML={{ __html: page.html }} />
      </article>
    </Layout>
  );
}
