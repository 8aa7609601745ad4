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

function SettingsTable(p: { pc: AdminPageContext; items: SiteSetting[]; refusal?: SettingRefusal | undefined }) {
  const t = p.pc.t.settings;
  return (
    <div class="table-scroll">
      <table class="grid settings">
        <thead>
          <tr>
            <th scope="col">{t.name}</th>
            <th scope="col">{t.meaning}</th>
            <th scope="col">{t.currentValue}</th>
            <th scope="col">{t.defaultValue}</th>
            <th scope="col">{t.value}</th>
          </tr>
        </thead>
        <tbody>
          {p.items.map((s) => (
            <SettingRow
              pc={p.pc}
              setting={s}
              refusal={p.refusal && !p.refusal.adding && p.refusal.name === s.name ? p.refusal : undefined}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SettingRow(p: { pc: AdminPageContext; setting: SiteSetting; refusal?: SettingRefusal | undefined }) {
  const { pc, setting } = p;
  const t = pc.t.settings;
  const def = definitionByName.get(setting.name);
  const anchor = settingAnchor(setting.name);
  const meaning = t.descriptions[setting.name] ?? def?.description ?? pc.t.form.none;
  return (
    <tr id={anchor} data-setting={setting.name}>
      <th scope="row" class="wrap">
        <code>{setting.name}</code>
      </th>
      <td class="wrap">{meaning}</td>
      <td class="wrap" data-value>
        <code>{setting.value === '' ? '""' : setting.value}</code>{' '}
        <span class="hint">({setting.isDefault ? t.isDefault : t.changed})</span>
      </td>
      <td class="wrap">{def ? <code>{def.default === '' ? '""' : def.default}</code> : pc.t.form.none}</td>
      <td>
        <form method="post" action="/admin/site-settings" class="setting-form">
          <Csrf pc={pc} />
          <input type="hidden" name="name" value={setting.name} />
          <ValueControl
            pc={pc}
            id={`v-${anchor}`}
            name="value"
            label={t.newValue(setting.name)}
            def={def}
            value={p.refusal ? p.refusal.typed : setting.value}
            error={p.refusal?.error}
          />
          <button type="submit" class="button secondary">
            {t.save}
          </button>
        </form>
      </td>
    </tr>
  );
}

/** The control of a value: yes/no or a choice as a select, anything else as text; with its rule as hint. */
function ValueControl(p: {
  pc: AdminPageContext;
  id: string;
  name: string;
  label: string;
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
  return (
    <FieldFrame id={p.id} label={p.label} error={p.error} hint={hint}>
      {(describedBy) =>
        options ? (
          <select id={p.id} name={p.name} aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy}>
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
            aria-invalid={p.error ? 'true' : undefined}
            aria-describedby={describedBy}
          />
        )
      }
    </FieldFrame>
  );
}

function AddSettingForm(p: { pc: AdminPageContext; refusal?: SettingRefusal | undefined }) {
  const { pc, refusal } = p;
  const t = pc.t.settings;
  return (
    <form method="post" action="/admin/site-settings" class="record-form" id="add-setting" data-add-setting>
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
