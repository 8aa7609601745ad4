// A view: a grid of records with sortable column headers, a search box, filters, cursor pagination
// (the API's cursors: first page and next page) and row selection. The selection is a form: each
// row has a checkbox `ids`, and the command bar's buttons submit it to their own address
// (`formaction`), so commands on selected rows work without JavaScript. admin.js only keeps the
// selection count and the buttons that need one or many rows in step.
import type { ComponentChildren } from 'preact';
import { Csrf } from '../../web/form-kit.tsx';
import type { AdminPageContext } from '../page-context.ts';
import type { ViewQuery } from '../view-query.ts';
import { viewHref } from '../view-query.ts';

export interface GridColumn<T> {
  /** The sort key this column sorts by (as ViewQuery.sort says it), when it can. */
  sort?: string;
  label: string;
  cell: (row: T) => ComponentChildren;
  /** Wide text that may wrap (names); other cells keep to one line. */
  wrap?: boolean;
}

export interface GridProps<T> {
  pc: AdminPageContext;
  /** The view's address without query (`/admin/contacts`). */
  basePath: string;
  query: ViewQuery;
  columns: GridColumn<T>[];
  rows: T[];
  nextCursor: string | null;
  rowId: (row: T) => string;
  /** How a row is named to a screen reader ("Select Maja Jensen"). */
  rowLabel: (row: T) => string;
  /** The accessible name of the table. */
  caption: string;
  /** Command buttons that act on the selected rows; without them no checkboxes are shown. */
  commands?: ComponentChildren;
  /** The form id the row checkboxes belong to (default `selection`). */
  formId?: string;
}

export function Grid<T>(p: GridProps<T>) {
  const { pc, query } = p;
  const formId = p.formId ?? 'selection';
  const selectable = Boolean(p.commands);
  return (
    <div class="grid-block">
      {selectable ? (
        <form id={formId} method="post" class="command-bar" data-selection-form>
          <Csrf pc={pc} />
          {p.commands}
          <span
            class="selection-count"
            aria-live="polite"
            data-selection-count
            data-template={pc.t.grid.selected(0).replace('0', '{n}')}
          >
            {''}
          </span>
        </form>
      ) : null}
      <section class="table-scroll" tabindex={0} aria-label={p.caption}>
        <table class="grid">
          <caption class="visually-hidden">{p.caption}</caption>
          <thead>
            <tr>
              {selectable ? (
                <th scope="col" class="select-col">
                  <input type="checkbox" data-select-all aria-label={pc.t.grid.selectAll} form={formId} />
                </th>
              ) : null}
              {p.columns.map((c) => (
                <ColumnHeader pc={pc} basePath={p.basePath} query={query} column={c} />
              ))}
            </tr>
          </thead>
          <tbody>
            {p.rows.length === 0 ? (
              <tr>
                <td colSpan={p.columns.length + (selectable ? 1 : 0)} class="empty">
                  {pc.t.grid.noRecords}
                </td>
              </tr>
            ) : (
              p.rows.map((row) => (
                <tr>
                  {selectable ? (
                    <td class="select-col">
                      <input
                        type="checkbox"
                        name="ids"
                        value={p.rowId(row)}
                        form={formId}
                        aria-label={pc.t.grid.selectRow(p.rowLabel(row))}
                        data-row-select
                      />
                    </td>
                  ) : null}
                  {p.columns.map((c) => (
                    <td class={c.wrap ? 'wrap' : undefined}>{c.cell(row)}</td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </section>
      <nav class="pager" aria-label={pc.t.grid.view}>
        <span>{pc.t.grid.rows(p.rows.length)}</span>
        {query.cursor ? <a href={viewHref(p.basePath, query, { cursor: undefined })}>{pc.t.grid.firstPage}</a> : null}
        {p.nextCursor ? (
          <a href={viewHref(p.basePath, query, { cursor: p.nextCursor })} rel="next">
            {pc.t.grid.nextPage}
          </a>
        ) : null}
      </nav>
    </div>
  );
}

function ColumnHeader<T>(p: { pc: AdminPageContext; basePath: string; query: ViewQuery; column: GridColumn<T> }) {
  const { column, query, pc } = p;
  if (!column.sort) return <th scope="col">{column.label}</th>;
  const active = query.sort === column.sort;
  const nextDir = active && query.dir === 'asc' ? 'desc' : 'asc';
  const ariaSort = active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined;
  return (
    <th scope="col" aria-sort={ariaSort}>
      <a
        href={viewHref(p.basePath, query, { sort: column.sort, dir: nextDir, cursor: undefined })}
        aria-label={`${pc.t.grid.sortBy(column.label)}${active ? `, ${query.dir === 'asc' ? pc.t.grid.sortedAscending : pc.t.grid.sortedDescending}` : ''}`}
      >
        {column.label}
        {active ? <span aria-hidden="true">{query.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
      </a>
    </th>
  );
}

export interface ViewOption {
  key: string;
  label: string;
}

/**
 * The view's search box, view picker (system views) and filters, as one GET form: choosing and
 * searching change nothing, and the address can be bookmarked.
 */
export function ViewToolbar(p: {
  pc: AdminPageContext;
  basePath: string;
  query: ViewQuery;
  views?: ViewOption[];
  /** Extra filter controls (selects named as ViewQuery.filters keys). */
  filters?: ComponentChildren;
  /** Whether the view has a search box. */
  search?: boolean;
  /** The search is Quick Find ("begins with", `*` for anywhere): say so under the box. */
  quickFind?: boolean;
}) {
  const { pc, query } = p;
  return (
    <form method="get" action={p.basePath} class="view-toolbar">
      {p.views ? (
        <div class="field inline">
          <label for="view-picker">{pc.t.grid.view}</label>
          <select id="view-picker" name="view">
            {p.views.map((v) => (
              <option value={v.key} selected={query.view === v.key}>
                {v.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {p.filters}
      {p.search !== false ? (
        <div class="field inline grow">
          <label for="view-search">{pc.t.grid.searchLabel}</label>
          <input
            id="view-search"
            type="search"
            name="q"
            value={query.q ?? ''}
            maxLength={200}
            aria-describedby={p.quickFind ? 'view-search-hint' : undefined}
          />
          {p.quickFind ? (
            <p class="hint" id="view-search-hint">
              {pc.t.grid.searchHint}
            </p>
          ) : null}
        </div>
      ) : null}
      {query.sort ? <input type="hidden" name="sort" value={query.sort} /> : null}
      {query.sort ? <input type="hidden" name="dir" value={query.dir} /> : null}
      <button type="submit" class="button secondary">
        {pc.t.commands.search}
      </button>
    </form>
  );
}
