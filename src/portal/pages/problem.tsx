// A whole page that says why something could not be done, in the visitor's language, with the
// problem's stable code (data-code) and the way on.
import type { ComponentChildren } from 'preact';
import type { AppError } from '../../shared/errors.ts';
import { problemText } from '../../web/refusal.ts';
import type { PageContext } from '../page-context.ts';
import { Layout } from './layout.tsx';

export interface ProblemAction {
  href: string;
  label: string;
  primary?: boolean;
}

export function ProblemPage(props: {
  pc: PageContext;
  err: AppError;
  actions?: ProblemAction[];
  title?: string;
  body?: string;
  children?: ComponentChildren;
}) {
  const { pc, err } = props;
  const text = problemText(pc.t, err, pc.locale === 'en');
  const title = props.title ?? text.title;
  const actions = props.actions ?? [{ href: pc.href('/portal'), label: pc.t.actions.home }];
  return (
    <Layout pc={pc} title={title} narrow>
      <section class="card problem-page" data-code={err.code} aria-labelledby="problem-title">
        <h1 id="problem-title">{title}</h1>
        <p class="lead">{props.body ?? text.body}</p>
        {props.children}
        <p class="problem-code">
          <small>
            {pc.t.codeLabel}: <code>{err.code}</code>
          </small>
        </p>
        <p class="actions">
          {actions.map((a) => (
            <a class={a.primary ? 'button' : 'button secondary'} href={a.href}>
              {a.label}
            </a>
          ))}
        </p>
      </section>
    </Layout>
  );
}
