// Workflow commands that have pages of their own: the dry run on a chosen record, and the page that
// shows a new webhook secret once.
import type { AppError } from '../../../shared/errors.ts';
import type { DryRunResult, Workflow } from '../../../workflows/workflows.schema.ts';
import { Csrf, ProblemBox } from '../../../web/form-kit.tsx';
import { Section } from '../../components/fields.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import { Layout, PageHeader } from '../layout.tsx';
import { StepLookup } from './step-controls.tsx';

export function DryRunPage(p: {
  pc: AdminPageContext;
  workflow: Workflow;
  values: Record<string, string>;
  error?: string | undefined;
  result?: DryRunResult | undefined;
  refusal?: AppError | undefined;
}) {
  const { pc, workflow } = p;
  const t = pc.t.workflows;
  const entity = t.entities[workflow.primaryEntity];
  return (
    <Layout pc={pc} title={`${t.dryRun.title}: ${workflow.name}`}>
      <PageHeader title={`${t.dryRun.title}: ${workflow.name}`} subtitle={t.entity} />
      <p class="lead">{t.dryRun.lead}</p>
      <ProblemBox pc={pc} err={p.refusal ?? null} />
      <form method="post" action={`/admin/workflows/${workflow.id}/dry-run`} class="record-form" novalidate>
        <Csrf pc={pc} />
        <StepLookup
          pc={pc}
          name="targetId"
          label={t.dryRun.record(entity)}
          kind={workflow.primaryEntity === 'contact' ? 'contacts' : 'invitations'}
          id={p.values.targetId}
          typed={p.values.targetIdLookup}
          error={p.error}
        />
        <p class="actions">
          <button type="submit" class="button">
            {t.dryRun.submit}
          </button>
          <a class="button secondary" href={`/admin/workflows/${workflow.id}`}>
            {pc.t.commands.back}
          </a>
        </p>
      </form>
      {p.result ? (
        <Section title={t.dryRun.result} id="dry-run-result">
          {p.result.steps.length === 0 ? <p>{t.dryRun.noSteps}</p> : null}
          <ol class="dry-run-steps" data-dry-run>
            {p.result.steps.map((s) => (
              <li data-path={s.path} data-type={s.type}>
                <strong>{t.steps.types[s.type] ?? s.type}</strong> <code>{s.path}</code>
                <p>{s.wouldDo}</p>
              </li>
            ))}
          </ol>
        </Section>
      ) : null}
    </Layout>
  );
}

export function SecretPage(p: { pc: AdminPageContext; workflow: Workflow; secret: string }) {
  const { pc } = p;
  const t = pc.t.workflows.secret;
  return (
    <Layout pc={pc} title={t.title}>
      <section class="card narrow" aria-labelledby="secret-title">
        <h1 id="secret-title">{t.title}</h1>
        <p class="lead">{p.workflow.name}</p>
        <p>{t.shownOnce}</p>
        <label for="webhook-secret">{t.label}</label>
        <input id="webhook-secret" type="text" readOnly value={p.secret} class="code" data-secret />
        <p class="actions">
          <a class="button" href={`/admin/workflows/${p.workflow.id}`}>
            {pc.t.commands.back}
          </a>
        </p>
      </section>
    </Layout>
  );
}
