// Webhook endpoints (admins only): the view, the record form with its delivery log (Redeliver), and
// the page that shows a `whsec_` secret once, after create and after Rotate secret.
import { lifecycleEventTypes } from '../../../lifecycle-events/lifecycle-events.ts';
import {
  deliveryStatuses,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '../../../lifecycle-events/webhook-endpoints.schema.ts';
import { Csrf, Field } from '../../../web/form-kit.tsx';
import { CommandBar, CommandLink } from '../../components/command-bar.tsx';
import { CheckboxField, ErrorSummary, Section } from '../../components/fields.tsx';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { type ViewQuery, viewHref } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

const base = '/admin/webhook-endpoints';

export function WebhookEndpointsView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: WebhookEndpoint[];
  nextCursor: string | null;
}) {
  const { pc } = p;
  const t = pc.t.webhooks;
  return (
    <Layout pc={pc} title={t.viewTitle}>
      <PageHeader title={t.viewTitle} />
      <CommandBar label={t.entityPlural}>
        <CommandLink href={`${base}/new`} primary>
          {pc.t.commands.new}
        </CommandLink>
      </CommandBar>
      <Grid
        pc={pc}
        basePath={base}
        query={p.query}
        caption={t.viewTitle}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(e) => e.id}
        rowLabel={(e) => e.url}
        columns={[
          {
            label: t.fields.url,
            wrap: true,
            cell: (e) => (
              <a href={`${base}/${e.id}`} data-endpoint-id={e.id}>
                {e.url}
              </a>
            ),
          },
          { label: t.fields.events, wrap: true, cell: (e) => eventsText(pc, e.events) },
          { label: t.fields.enabled, cell: (e) => (e.enabled ? t.yes : t.no) },
          { label: t.fields.createdAt, cell: (e) => formatTime(pc, e.createdAt) },
        ]}
      />
    </Layout>
  );
}

const eventsText = (pc: AdminPageContext, events: string[]) =>
  events.includes('*') ? pc.t.webhooks.allEventsShort : events.join(', ');

export interface WebhookFormState {
  values: Record<string, string>;
  events: string[];
  enabled: boolean;
  errors: FieldErrors;
}

export function WebhookEndpointForm(p: {
  pc: AdminPageContext;
  endpoint: WebhookEndpoint | null;
  form: WebhookFormState;
  deliveries?: DeliveryPage | undefined;
}) {
  const { pc, endpoint, form } = p;
  const t = pc.t.webhooks;
  const title = endpoint ? endpoint.url : t.newTitle;
  const action = endpoint ? `${base}/${endpoint.id}` : `${base}/new`;
  const eventsError = form.errors.events;
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={t.entity} />
      <CommandBar label={t.entity}>
        <button type="submit" class="command primary" form="record-form">
          {pc.t.commands.save}
        </button>
        {endpoint ? (
          <>
            <CommandLink href={`${base}/${endpoint.id}/rotate-secret`}>{t.rotate}</CommandLink>
            <CommandLink href={`${base}/${endpoint.id}/delete`}>{pc.t.commands.delete}</CommandLink>
          </>
        ) : null}
        <CommandLink href={base}>{pc.t.commands.cancel}</CommandLink>
      </CommandBar>
      <form method="post" action={action} class="record-form" id="record-form" novalidate>
        <Csrf pc={pc} />
        <ErrorSummary pc={pc} errors={form.errors} labels={t.fields} />
        <Section title={pc.t.form.general} id="general">
          <Field
            name="url"
            type="url"
            label={t.fields.url}
            value={form.values.url}
            error={form.errors.url}
            hint={t.urlHint}
            required
            maxLength={2000}
          />
          <fieldset
            class={eventsError ? 'field has-error' : 'field'}
            id="f-events"
            aria-describedby={eventsError ? 'f-events-error f-events-hint' : 'f-events-hint'}
          >
            <legend>{t.fields.events}</legend>
            <p class="hint" id="f-events-hint">
              {t.eventsHint}
            </p>
            {eventsError ? (
              <p class="field-error" id="f-events-error">
                {eventsError}
              </p>
            ) : null}
            {['*', ...lifecycleEventTypes].map((type) => (
              <div class="check">
                <input
                  type="checkbox"
                  id={`f-events-${type === '*' ? 'all' : type.replace('.', '-')}`}
                  name="events"
                  value={type}
                  checked={form.events.includes(type)}
                />
                <label for={`f-events-${type === '*' ? 'all' : type.replace('.', '-')}`}>
                  {type === '*' ? t.allEvents : <code>{type}</code>}
                </label>
              </div>
            ))}
          </fieldset>
          <CheckboxField name="enabled" label={t.fields.enabled} checked={form.enabled} error={form.errors.enabled} />
        </Section>
      </form>
      {endpoint ? (
        <DeliveryLog pc={pc} basePath={`${base}/${endpoint.id}`} page={p.deliveries ?? noDeliveries} />
      ) : null}
    </Layout>
  );
}

/** One page of an endpoint's delivery log: the filter (?status=) and the cursor it was read with. */
export interface DeliveryPage {
  query: ViewQuery;
  items: WebhookDelivery[];
  nextCursor: string | null;
}

const noDeliveries: DeliveryPage = {
  query: { view: undefined, q: undefined, sort: undefined, dir: 'asc', cursor: undefined, filters: {} },
  items: [],
  nextCursor: null,
};

function DeliveryLog(p: { pc: AdminPageContext; basePath: string; page: DeliveryPage }) {
  const { pc, page } = p;
  const { query } = page;
  const t = pc.t.webhooks;
  const filtered = Boolean(query.filters.status) || Boolean(query.cursor);
  const href = (cursor: string | undefined) => `${viewHref(p.basePath, query, { cursor })}#deliveries`;
  return (
    <Section title={t.deliveries} id="deliveries">
      <ViewToolbar
        pc={pc}
        basePath={`${p.basePath}#deliveries`}
        query={query}
        search={false}
        filters={
          <div class="field inline">
            <label for="filter-delivery-status">{t.delivery.status}</label>
            <select id="filter-delivery-status" name="status">
              <option value="">{t.allStatuses}</option>
              {deliveryStatuses.map((s) => (
                <option value={s} selected={query.filters.status === s}>
                  {t.statuses[s]}
                </option>
              ))}
            </select>
          </div>
        }
      />
      {page.items.length === 0 ? (
        <p class="hint">{filtered ? t.noMatchingDeliveries : t.noDeliveries}</p>
      ) : (
        <section class="table-scroll" tabindex={0} aria-label={t.deliveries}>
          <table class="grid">
            <caption class="visually-hidden">{t.deliveries}</caption>
            <thead>
              <tr>
                <th scope="col">{t.delivery.eventType}</th>
                <th scope="col">{t.delivery.status}</th>
                <th scope="col">{t.delivery.attempts}</th>
                <th scope="col">{t.delivery.createdAt}</th>
                <th scope="col">
                  <span class="visually-hidden">{t.delivery.redeliver}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((d) => (
                <tr data-delivery-id={d.id} data-status={d.status}>
                  <td>
                    <code>{d.eventType}</code>
                  </td>
                  <td>{t.statuses[d.status]}</td>
                  <td>
                    <ol class="plain">
                      {d.attempts.map((a) => (
                        <li>
                          {formatTime(pc, a.at)}: {a.statusCode ?? t.noAnswer}, {a.latencyMs} ms
                          {a.error ? ` (${a.error})` : ''}
                        </li>
                      ))}
                    </ol>
                  </td>
                  <td>{formatTime(pc, d.createdAt)}</td>
                  <td>
                    <form method="post" action={`/admin/webhook-deliveries/${d.id}/redeliver`}>
                      <Csrf pc={pc} />
                      <button type="submit" class="command" aria-label={`${t.delivery.redeliver}: ${d.eventType}`}>
                        {t.delivery.redeliver}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <nav class="pager" aria-label={t.deliveries}>
        {query.cursor ? <a href={href(undefined)}>{pc.t.grid.firstPage}</a> : null}
        {page.nextCursor ? (
          <a href={href(page.nextCursor)} rel="next">
            {pc.t.grid.nextPage}
          </a>
        ) : null}
      </nav>
    </Section>
  );
}

/** The one page that shows a secret; it is stored only sealed, and never shown from there. */
export function WebhookSecretPage(p: { pc: AdminPageContext; endpoint: WebhookEndpointWithSecret }) {
  const { pc, endpoint } = p;
  const t = pc.t.webhooks;
  return (
    <Layout pc={pc} title={t.secretTitle}>
      <section class="card" aria-labelledby="secret-title" data-secret-shown={endpoint.id}>
        <h1 id="secret-title">{t.secretTitle}</h1>
        <p class="notice warning" role="status">
          <strong>{t.shownOnce}</strong>
        </p>
        <div class="field">
          <label for="new-secret">
            {t.secret}: {endpoint.url}
          </label>
          <input id="new-secret" type="text" readOnly value={endpoint.secret} spellcheck={false} autocomplete="off" />
        </div>
        <p class="hint">{t.usage}</p>
        <p class="actions">
          <a class="button" href={`${base}/${endpoint.id}`}>
            {t.done}
          </a>
        </p>
      </section>
    </Layout>
  );
}
