// Export to Power Pages (administrators): the data model and the form, answered with a download.
import { Csrf } from '../../../web/form-kit.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import { Layout, PageHeader } from '../layout.tsx';

export function PowerPagesExportPage({ pc }: { pc: AdminPageContext }) {
  const t = pc.t.importExport.export;
  const models = ['enhanced', 'standard'] as const;
  return (
    <Layout pc={pc} title={t.title}>
      <PageHeader title={t.title} />
      <section class="card narrow" aria-labelledby="export-heading">
        <h2 id="export-heading" class="visually-hidden">
          {t.title}
        </h2>
        <p class="lead">{t.lead}</p>
        <form method="post" action="/admin/export/powerpages" data-powerpages-export>
          <Csrf pc={pc} />
          <fieldset class="field">
            <legend>{t.model}</legend>
            {models.map((m, i) => (
              <div class="field check">
                <input type="radio" id={`model-${m}`} name="model" value={m} checked={i === 0} />
                <label for={`model-${m}`}>{t.models[m]}</label>
              </div>
            ))}
          </fieldset>
          <fieldset class="field">
            <legend>{t.format}</legend>
            <div class="field check">
              <input type="radio" id="format-json" name="format" value="json" checked aria-describedby="format-hint" />
              <label for="format-json">{t.json}</label>
            </div>
            <p class="hint" id="format-hint">
              {t.formatHint}
            </p>
          </fieldset>
          <p class="actions">
            <button type="submit" class="button">
              {t.download}
            </button>
          </p>
        </form>
      </section>
    </Layout>
  );
}
