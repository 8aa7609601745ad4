// Site settings: every setting the product knows, grouped by its name's prefix, each with its Power
// Pages name, its meaning in the page's language, its value and default, and a small form to change
// it; then the settings stored under names the product does not know, and a form to add one.
import type { SiteSetting } from '../../../site-settings/site-settings.schema.ts';
import { definitionByName, type SettingDefinition } from '../../../site-settings/site-settings.definitions.ts';
import { Csrf, FieldFrame } from '../../../web/form-kit.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import { Layout, PageHeader } from '../layout.tsx';

/** A refused change: which setting (or the new-setting form), what was typed, and why. */
export interface SettingRefusal {
  name: string;
  typed: string;
  error: string;
  /** The refusal came from the new-setting form (its name field or its value). */
  adding?: { nameError?: string | undefined; valueError?: string | undefined };
}

/** The group a setting belongs to: `Authentication/<part>` or its first part. */
export function groupOf(name: string): string {
  const parts = name.split('/');
  return parts[0] === 'Authentication' && parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? name);
}

/** The anchor of a setting's row (names have slashes; ids keep to letters, digits and dashes). */
export const settingAnchor = (name: string) => `s-${name.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`;

export function SettingsPage(p: { pc: AdminPageContext; settings: SiteSetting[]; refusal?: SettingRefusal }) {
  const { pc } = p;
  const t = pc.t.settings;
  const known = p.settings.filter((s) => definitionByName.has(s.name));
  const unknown = p.settings.filter((s) => !definitionByName.has(s.name));
  const groups = new Map<string, SiteSetting[]>();
  for (const s of known) groups.set(groupOf(s.name), [...(groups.get(groupOf(s.name)) ?? []), s]);
  return (
    <Layout pc={pc} title={t.title}>
      <PageHeader title={t.title} subtitle={t.lead} />
      {p.refusal ? <RefusalSummary pc={pc} refusal={p.refusal} /> : null}
      {[...groups].map(([group, items]) => (
        <section class="form-section" aria-labelledby={`g-${settingAnchor(group)}`} data-group={group}>
          <h2 id={`g-${settingAnchor(group)}`}>{t.groups[group] ?? group}</h2>
          <SettingsTable pc={pc} items={items} refusal={p.refusal} />
        </section>
      ))}
      <section class="form-section" aria-labelledby="unknown-settings" data-group="unknown">
        <h2 id="unknown-settings">{t.unknownTitle}</h2>
        <p class="hint">{t.unknownLead}</p>
        {unknown.length ? <SettingsTable pc={pc} items={unknown} refusal={p.refusal} /> : <p>{t.noUnknown}</p>}
        <AddSettingForm pc={pc} refusal={p.refusal?.adding ? p.refusal : undefined} />
      </section>
    </Layout>
  );
}

/** Above the page after a refusal: which setting, why, and a link to its field. */
function RefusalSummary(p: { pc: AdminPageContext; refusal: SettingRefusal }) {
  const { refusal } = p;
  const target = refusal.adding
    ? refusal.adding.nameError
      ? 'f-new-name'
      : 'f-new-value'
    : `v-${settingAnchor(refusal.name)}`;
  const why = refusal.adding?.nameError ?? refusal.error;
  return (
    <div class="notice problem error-summary" role="alert" id="error-summary">
      <p>
        <strong>{p.pc.t.form.fixFields}</strong>
      </p>
      <ul>
        <li>
          <a href={`#${target}`}>
            {refusal.name || p.pc.t.settings.newName}: {why}
          </a>
        </li>
      </ul>
    </div>
  );
}

function SettingsTable(p: { pc: AdminPageContext; items: SiteSetting[]; refusal?: SettingRefusal | undefined }) {
  return (
    <ul class="setting-list">
      {p.items.map((s) => (
        <SettingRow
          pc={p.pc}
          setting={s}
          refusal={p.refusal && !p.refusal.adding && p.refusal.name === s.name ? p.refusal : undefined}
        />
      ))}
    </ul>
  );
}

const shown = (value: string) => (value === '' ? '""' : value);

function SettingRow(p: { pc: AdminPageContext; setting: SiteSetting; refusal?: SettingRefusal | undefined }) {
  const { pc, setting } = p;
  const t = pc.t.settings;
  const def = definitionByName.get(setting.name);
  const anchor = settingAnchor(setting.name);
  const meaning = t.descriptions[setting.name] ?? def?.description ?? pc.t.form.none;
  return (
    <li class="setting" id={anchor} data-setting={setting.name}>
      <div>
        <h3 id={`${anchor}-name`}>
          <code>{setting.name}</code>
        </h3>
        <p>{meaning}</p>
        <dl>
          <dt>{t.currentValue}</dt>
          <dd data-value>
            <code>{shown(setting.value)}</code>{' '}
            <span class="hint">({setting.isDefault ? t.isDefault : t.changed})</span>
          </dd>
          <dt>{t.defaultValue}</dt>
          <dd>{def ? <code>{shown(def.default)}</code> : pc.t.form.none}</dd>
        </dl>
      </div>
      <form method="post" action={`/admin/site-settings#${anchor}`} class="setting-form">
        <Csrf pc={pc} />
        <input type="hidden" name="name" value={setting.name} />
        <ValueControl
          pc={pc}
          id={`v-${anchor}`}
          name="value"
          label={t.newValue}
          labelSuffix={`${t.of} ${setting.name}`}
          def={def}
          value={p.refusal ? p.refusal.typed : setting.value}
          error={p.refusal?.error}
        />
        <button type="submit" class="button secondary">
          {t.save}
        </button>
      </form>
    </li>
  );
}

/** The control of a value: yes/no or a choice as a select, anything else as text; with its rule as hint. */
function ValueControl(p: {
  pc: AdminPageContext;
  id: string;
  name: string;
  label: string;
  /** Said to screen readers after the label (which setting), not shown. */
  labelSuffix?: string;
  def: SettingDefinition | undefined;
  value: string;
  error?: string | undefined;
}) {
  const t = p.pc.t.settings;
  const kind = p.def?.kind ?? 'text';
  const options =
    kind === 'boolean'
      ? [
          { value: 'true', label: t.yes },
          { value: 'false', label: t.no },
        ]
      : kind === 'locale'
        ? ['da', 'en'].map((v) => ({ value: v, label: t.localeNames[v] ?? v }))
        : kind === 'choice'
          ? (p.def?.choices ?? []).map((v) => ({ value: v, label: v }))
          : undefined;
  const rules = t.valueRules;
  const hint =
    kind === 'integer'
      ? rules.integer(p.def?.min, p.def?.max)
      : kind === 'choice'
        ? rules.choice((p.def?.choices ?? []).join(', '))
        : rules[kind];
  const describedBy = [`${p.id}-hint`, p.error ? `${p.id}-error` : ''].filter(Boolean).join(' ');
  const invalid = p.error ? 'true' : undefined;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={p.id}>
        {p.label}
        {p.labelSuffix ? <span class="visually-hidden"> {p.labelSuffix}</span> : null}
      </label>
      <p class="hint" id={`${p.id}-hint`}>
        {hint}
      </p>
      {p.error ? (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      ) : null}
      {options ? (
        <select id={p.id} name={p.name} aria-invalid={invalid} aria-describedby={describedBy}>
          {options.some((o) => o.value === p.value) ? null : <option value={p.value}>{p.value}</option>}
          {options.map((o) => (
            <option value={o.value} selected={o.value === p.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={p.id}
          type="text"
          name={p.name}
          value={p.value}
          maxLength={4000}
          spellcheck={false}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        />
      )}
    </div>
  );
}

function AddSettingForm(p: { pc: AdminPageContext; refusal?: SettingRefusal | undefined }) {
  const { pc, refusal } = p;
  const t = pc.t.settings;
  return (
    <form method="post" action="/admin/site-settings#add-setting" class="record-form" id="add-setting" data-add-setting>
      <h3>{t.addTitle}</h3>
      <p class="hint">{t.addLead}</p>
      <Csrf pc={pc} />
      <input type="hidden" name="adding" value="true" />
      <div class="section-fields">
        <FieldFrame id="f-new-name" label={t.newName} hint={t.newNameHint} error={refusal?.adding?.nameError}>
          {(describedBy) => (
            <input
              id="f-new-name"
              type="text"
              name="name"
              value={refusal?.name ?? ''}
              maxLength={200}
              required
              spellcheck={false}
              aria-invalid={refusal?.adding?.nameError ? 'true' : undefined}
              aria-describedby={describedBy}
            />
          )}
        </FieldFrame>
        <ValueControl
          pc={pc}
          id="f-new-value"
          name="value"
          label={t.value}
          def={undefined}
          value={refusal?.typed ?? ''}
          error={refusal?.adding?.valueError}
        />
      </div>
      <p class="actions">
        <button type="submit" class="button">
          {t.save}
        </button>
      </p>
    </form>
  );
}
