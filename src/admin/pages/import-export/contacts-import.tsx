// Import contacts from CSV, as Dynamics 365's "Import from CSV": upload the file, review the column
// mapping and the first rows, then a dry run or the import, and the report with each bad row.
import type { CsvPreview } from '../../../import-export/contacts-import.preview.ts';
import type { ContactField, ImportReport } from '../../../import-export/import-export.schema.ts';
import { Csrf } from '../../../web/form-kit.tsx';
import { CheckboxField, Section } from '../../components/fields.tsx';
import type { HeldUpload } from '../../import-uploads.ts';
import { rowMessage } from '../../i18n/import-export.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { Layout, PageHeader } from '../layout.tsx';

export type ImportProblem = keyof AdminPageContext['t']['importExport']['import']['problems'];

const fieldLabel = (pc: AdminPageContext, field: ContactField | string): string => {
  const f = pc.t.contacts.fields;
  const labels: Record<string, string> = {
    firstName: f.firstName,
    lastName: f.lastName,
    emailaddress1: f.emailaddress1,
    emailaddress2: f.emailaddress2,
    emailaddress3: f.emailaddress3,
    account: f.parentAccountId,
    locale: f.locale,
    webRoles: f.webRoleIds,
    file: pc.t.importExport.import.wholeFile,
  };
  return labels[field] ?? field;
};

function formatBytes(pc: AdminPageContext, n: number): string {
  const fmt = (v: number) => v.toLocaleString(pc.locale === 'da' ? 'da-DK' : 'en-GB', { maximumFractionDigits: 1 });
  if (n < 1024) return `${fmt(n)} B`;
  if (n < 1024 * 1024) return `${fmt(n / 1024)} KiB`;
  return `${fmt(n / 1024 / 1024)} MiB`;
}

function ProblemNotice({ pc, problem }: { pc: AdminPageContext; problem: ImportProblem }) {
  const text = pc.t.importExport.import.problems[problem];
  return (
    <div class="notice problem" role="alert" data-import-problem={problem} tabindex={-1} autofocus>
      <p>
        <strong>{text.title}</strong>
      </p>
      <p>{text.body}</p>
    </div>
  );
}

function MappingTable({ pc, columns }: { pc: AdminPageContext; columns: CsvPreview['columns'] }) {
  const t = pc.t.importExport.import;
  return (
    <section class="table-scroll" tabindex={0} aria-labelledby="mapping-heading">
      <table class="grid" data-mapping>
        <thead>
          <tr>
            <th scope="col">{t.column}</th>
            <th scope="col">{t.field}</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((c) => (
            <tr data-column={c.column} data-field={c.field ?? 'ignored'}>
              <td class="wrap">
                <code>{c.column}</code>
              </td>
              <td>{c.field ? fieldLabel(pc, c.field) : <span class="hint">{t.ignored}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The upload form; after a refusal, with the problem (and the columns found, when there was a header). */
export function ImportUploadPage(p: {
  pc: AdminPageContext;
  problem?: ImportProblem;
  columns?: CsvPreview['columns'];
}) {
  const { pc } = p;
  const t = pc.t.importExport.import;
  return (
    <Layout pc={pc} title={t.title}>
      <PageHeader title={t.title} subtitle={pc.t.contacts.entityPlural} />
      {p.problem ? <ProblemNotice pc={pc} problem={p.problem} /> : null}
      <section class="card narrow" aria-labelledby="upload-heading">
        <h2 id="upload-heading" class="visually-hidden">
          {t.title}
        </h2>
        <p class="lead">{t.lead}</p>
        <p class="hint">{t.columnsHint}</p>
        {/* The CSRF field comes first: the server reads it before it takes the file. */}
        <form method="post" action="/admin/contacts/import" enctype="multipart/form-data" data-import-upload>
          <Csrf pc={pc} />
          <div class="field">
            <label for="f-file">{t.file}</label>
            <input type="file" id="f-file" name="file" accept=".csv,text/csv" required />
          </div>
          <p class="actions">
            <button type="submit" class="button">
              {t.next}
            </button>
            <a class="button secondary" href="/admin/contacts">
              {pc.t.commands.cancel}
            </a>
          </p>
        </form>
      </section>
      {p.columns?.length ? (
        <Section title={t.mappingTitle} id="mapping">
          <MappingTable pc={pc} columns={p.columns} />
        </Section>
      ) : null}
    </Layout>
  );
}

function RunForm({
  pc,
  upload,
  continueOnError,
}: {
  pc: AdminPageContext;
  upload: HeldUpload;
  continueOnError: boolean;
}) {
  const t = pc.t.importExport.import;
  return (
    <form method="post" action={`/admin/contacts/import/${upload.id}`} data-import-run>
      <Csrf pc={pc} />
      <CheckboxField name="continueOnError" label={t.continueOnError} hint={t.continueHint} checked={continueOnError} />
      <p class="hint">{t.dryRunHint}</p>
      <p class="actions">
        <button type="submit" class="button secondary" name="mode" value="dry-run">
          {t.dryRun}
        </button>
        <button type="submit" class="button" name="mode" value="import">
          {t.import}
        </button>
      </p>
    </form>
  );
}

/** The preview of an upload: what was found, the mapping, the first rows, and the run commands. */
export function ImportPreviewPage(p: { pc: AdminPageContext; upload: HeldUpload; preview: CsvPreview }) {
  const { pc, upload, preview } = p;
  const t = pc.t.importExport.import;
  const header = preview.columns;
  return (
    <Layout pc={pc} title={t.previewTitle}>
      <PageHeader title={t.previewTitle} subtitle={t.title} />
      <Section title={t.fileName} id="file">
        <dl class="import-facts">
          <dt>{t.fileName}</dt>
          <dd data-fact="file">{upload.fileName}</dd>
          <dt>{t.size}</dt>
          <dd data-fact="size">{formatBytes(pc, upload.bytes)}</dd>
          <dt>{t.encoding}</dt>
          <dd data-fact="encoding" data-value={preview.encoding}>
            {t.encodings[preview.encoding]}
          </dd>
          <dt>{t.delimiter}</dt>
          <dd data-fact="delimiter" data-value={preview.delimiter}>
            {t.delimiters[preview.delimiter]}
          </dd>
        </dl>
      </Section>
      <section class="form-section" aria-labelledby="mapping-heading">
        <h2 id="mapping-heading">{t.mappingTitle}</h2>
        <MappingTable pc={pc} columns={header} />
      </section>
      <section class="form-section" aria-labelledby="sample-heading">
        <h2 id="sample-heading">{t.sampleTitle}</h2>
        {preview.rows.length === 0 ? (
          <p>{t.noRows}</p>
        ) : (
          <section class="table-scroll" tabindex={0} aria-labelledby="sample-heading">
            <table class="grid" data-sample>
              <caption class="visually-hidden">{t.sampleCaption(preview.rows.length)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.row}</th>
                  {header.map((c) => (
                    <th scope="col">{c.column}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((cells, i) => (
                  <tr>
                    <td>{i + 1}</td>
                    {cells.map((cell) => (
                      <td class="wrap">{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </section>
      <Section title={t.runTitle} id="run">
        <RunForm pc={pc} upload={upload} continueOnError={false} />
        <p class="actions">
          <a class="button secondary" href="/admin/contacts/import">
            {t.uploadAnother}
          </a>
        </p>
      </Section>
    </Layout>
  );
}

function outcomeOf(pc: AdminPageContext, r: ImportReport): string {
  const t = pc.t.importExport.import;
  if (r.ok) return r.dryRun ? t.allGoodDry : t.allGood;
  if (r.dryRun) return t.problemsFound;
  if (r.errors.some((e) => e.field === 'file')) return t.fileUnreadable;
  return r.created + r.updated + r.unchanged > 0 ? t.someSkipped : t.nothingImported;
}

/** The report of a dry run or an import; the run form again while the upload is kept. */
export function ImportReportPage(p: {
  pc: AdminPageContext;
  report: ImportReport;
  /** The upload, when it is kept (a dry run, or an import that wrote nothing). */
  upload?: HeldUpload | undefined;
  continueOnError: boolean;
}) {
  const { pc, report } = p;
  const t = pc.t.importExport.import;
  const title = report.dryRun ? t.dryRunReportTitle : t.reportTitle;
  const counts = ['rows', 'created', 'updated', 'unchanged', 'skipped', 'accountsCreated'] as const;
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={p.upload?.fileName ?? t.title} />
      <p
        role="status"
        class={report.ok ? 'notice success' : 'notice problem'}
        data-report-ok={String(report.ok)}
        data-dry-run={String(report.dryRun)}
      >
        {outcomeOf(pc, report)}
      </p>
      {report.dryRun ? <p data-dry-run-note>{t.dryRunNote}</p> : null}
      <ul class="run-totals">
        {counts.map((k) => (
          <li data-count={k}>
            {t.counts[k]}: <strong>{report[k]}</strong>
          </li>
        ))}
      </ul>
      {report.errors.length ? (
        <section class="form-section" aria-labelledby="errors-heading">
          <h2 id="errors-heading">{t.errorsTitle}</h2>
          {report.errorCount > report.errors.length ? (
            <p class="hint">{t.moreErrors(report.errors.length, report.errorCount)}</p>
          ) : null}
          <section class="table-scroll" tabindex={0} aria-labelledby="errors-heading">
            <table class="grid" data-import-errors>
              <thead>
                <tr>
                  <th scope="col">{t.row}</th>
                  <th scope="col">{t.field}</th>
                  <th scope="col">{t.message}</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((e) => (
                  <tr data-error-row={String(e.row)} data-error-field={e.field}>
                    <td>{e.row > 0 ? e.row : t.wholeFile}</td>
                    <td>{fieldLabel(pc, e.field)}</td>
                    <td class="wrap">{rowMessage(pc.locale, e.message)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </section>
      ) : null}
      {p.upload ? (
        <Section title={t.runTitle} id="run">
          <RunForm pc={pc} upload={p.upload} continueOnError={p.continueOnError} />
        </Section>
      ) : null}
      <p class="actions">
        <a class="button" href="/admin/contacts">
          {t.backToContacts}
        </a>
        <a class="button secondary" href="/admin/contacts/import">
          {t.uploadAnother}
        </a>
      </p>
    </Layout>
  );
}
