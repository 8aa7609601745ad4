// The workflow form's step editor: every step as a group of named fields (`steps.1.then.0.webRoleId`)
// with its own Remove / Move up / Move down buttons, and under each list a type choice with "Add
// step". The buttons submit the whole form with `_action`, so the server re-renders the edited list
// without saving; it works without JavaScript. Errors sit at the step field that failed.
import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../../forms.ts';
import type { LookupKind } from '../../lookups.ts';
import { Area, Check, fieldId, Select, StepLookup, Text } from './step-controls.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import { type StepDraft, stepLookups, stepTypes, takesValue, updatableTextFields } from '../../workflows/step-draft.ts';

export interface StepEditorProps {
  pc: AdminPageContext;
  drafts: StepDraft[];
  errors: FieldErrors;
  primaryEntity: 'invitation' | 'contact';
  /** The workflow's templates for send-email steps. */
  templates: { id: string; label: string }[];
  /** The fields a condition may test. */
  conditionFields: readonly string[];
  /** Labels of records chosen in set look-ups. */
  labels: Map<string, string>;
  readOnly: boolean;
}

/** The error for a field: its own, or the first one about a part of it (`invitation.webRoleIds.1`). */
function errorAt(errors: FieldErrors, name: string): string | undefined {
  if (errors[name]) return errors[name];
  const key = Object.keys(errors).find((k) => k.startsWith(`${name}.`));
  return key ? errors[key] : undefined;
}

/** The relative names a step type renders (so errors on others are shown at the step itself). */
function renderedNames(type: string): string[] {
  switch (type) {
    case 'send-email':
      return ['templateId', 'to'];
    case 'update-contact':
      return ['fields'];
    case 'add-web-role':
    case 'remove-web-role':
      return ['webRoleId'];
    case 'set-account':
      return ['accountId'];
    case 'create-invitation':
      return ['invitation', 'send'];
    case 'webhook':
      return ['url', 'event'];
    case 'condition':
      return ['field', 'operator', 'value', 'then', 'else'];
    default:
      return [];
  }
}

export function StepList(p: StepEditorProps & { prefix: string; depth?: number }) {
  const { pc, drafts, prefix } = p;
  const t = pc.t.workflows;
  const types = stepTypes.filter((ty) => ty !== 'send-invitation' || p.primaryEntity === 'invitation');
  const items = drafts;
  return (
    <div class="step-list-block" data-step-list={prefix}>
      {items.length === 0 ? <p class="hint">{t.steps.none}</p> : null}
      <ol class="step-list">
        {items.map((d, i) => (
          <li>
            <StepCard {...p} draft={d} path={`${prefix}.${i}`} index={i} count={items.length} depth={p.depth ?? 1} />
          </li>
        ))}
      </ol>
      {p.readOnly ? null : (
        <div class="step-add">
          <div class="field inline">
            <label for={fieldId(`add.${prefix}`)}>{t.steps.newStepType}</label>
            <select id={fieldId(`add.${prefix}`)} name={`add.${prefix}`}>
              {types.map((ty) => (
                <option value={ty}>{t.steps.types[ty]}</option>
              ))}
            </select>
          </div>
          <button type="submit" class="button secondary" name="_action" value={`add:${prefix}`} data-add-step={prefix}>
            {t.commands.addStep}
          </button>
        </div>
      )}
    </div>
  );
}

function StepCard(
  p: StepEditorProps & { draft: StepDraft; path: string; index: number; count: number; depth: number },
) {
  const { pc, draft, path } = p;
  const t = pc.t.workflows;
  const typeLabel = t.steps.types[draft.type] ?? t.steps.unknownType;
  const own = renderedNames(draft.type);
  const leftovers = Object.entries(p.errors).filter(([k]) => {
    if (!k.startsWith(`${path}.`) && k !== path) return false;
    const rel = k.slice(path.length + 1);
    if (rel.startsWith('then.') || rel.startsWith('else.')) return false;
    return !own.some((n) => rel === n || rel.startsWith(`${n}.`));
  });
  // Send Invitation only where it means something (invitation workflows), unless a step has it already.
  const fitting = stepTypes.filter(
    (ty) => ty !== 'send-invitation' || p.primaryEntity === 'invitation' || ty === draft.type,
  );
  const typeOptions: { value: string; label: string }[] = fitting.map((ty) => ({
    value: ty,
    label: t.steps.types[ty] ?? ty,
  }));
  if (!(stepTypes as readonly string[]).includes(draft.type))
    typeOptions.unshift({ value: draft.type, label: t.steps.unknownType });
  const legend = t.steps.numbered(p.index + 1, typeLabel);
  return (
    <fieldset class="step" data-step={path} data-step-type={draft.type}>
      <legend>{legend}</legend>
      {leftovers.map(([k, message]) => (
        <p class="field-error" id={`${fieldId(k)}-error`}>
          {message}
        </p>
      ))}
      <div class="step-head">
        <Select name={`${path}.type`} label={t.steps.type} value={draft.type} options={typeOptions} />
        {p.readOnly ? null : (
          <div class="step-commands">
            <button
              type="submit"
              class="link-button"
              name="_action"
              value={`apply:${path}`}
              aria-label={`${t.commands.apply}: ${legend}`}
            >
              {t.commands.apply}
            </button>
            {p.index > 0 ? (
              <button
                type="submit"
                class="link-button"
                name="_action"
                value={`up:${path}`}
                aria-label={`${t.commands.moveUp}: ${legend}`}
              >
                {t.commands.moveUp}
              </button>
            ) : null}
            {p.index < p.count - 1 ? (
              <button
                type="submit"
                class="link-button"
                name="_action"
                value={`down:${path}`}
                aria-label={`${t.commands.moveDown}: ${legend}`}
              >
                {t.commands.moveDown}
              </button>
            ) : null}
            <button
              type="submit"
              class="link-button danger"
              name="_action"
              value={`remove:${path}`}
              aria-label={`${t.commands.remove}: ${legend}`}
            >
              {t.commands.remove}
            </button>
          </div>
        )}
      </div>
      <StepFields {...p} />
    </fieldset>
  );
}

function StepFields(p: StepEditorProps & { draft: StepDraft; path: string; depth: number }) {
  const { pc, draft, path, errors } = p;
  const t = pc.t.workflows.steps;
  const name = (rel: string) => `${path}.${rel}`;
  const val = (rel: string) => draft.values[rel];
  const text = (rel: string, label: string, extra: { hint?: string; type?: string } = {}) => (
    <Text name={name(rel)} label={label} value={val(rel)} error={errorAt(errors, name(rel))} {...extra} />
  );
  const lookup = (rel: string, label: string, hint?: string) => {
    const kind = stepLookups[draft.type]?.find((l) => l.name === rel)?.kind as LookupKind;
    return (
      <StepLookup
        pc={pc}
        name={name(rel)}
        label={label}
        kind={kind}
        id={val(rel)}
        typed={val(`${rel}Lookup`)}
        error={errorAt(errors, name(rel))}
        hint={hint}
      />
    );
  };
  switch (draft.type) {
    case 'send-email':
      return (
        <>
          <Select
            name={name('templateId')}
            label={t.templateId}
            value={val('templateId')}
            options={p.templates.map((x) => ({ value: x.id, label: x.label }))}
            empty=""
            error={errorAt(errors, name('templateId'))}
            hint={p.templates.length ? undefined : t.noTemplates}
          />
          {text('to', t.to, { hint: t.toHint, type: 'email' })}
        </>
      );
    case 'update-contact':
      return (
        <>
          <p class="hint">{t.updateHint}</p>
          {errors[name('fields')] ? <p class="field-error">{errors[name('fields')]}</p> : null}
          {updatableTextFields.map((f) => (
            <div class="field-pair">
              {text(`fields.${f}`, t.contactField[f] ?? f)}
              <Check
                name={name(`fields.${f}.clear`)}
                label={t.clearField(t.contactField[f] ?? f)}
                checked={val(`fields.${f}.clear`) === 'true'}
              />
            </div>
          ))}
          <Select
            name={name('fields.locale')}
            label={t.contactField.locale ?? 'locale'}
            value={val('fields.locale') ?? ''}
            options={[
              { value: '', label: t.unchanged },
              { value: 'da', label: pc.t.localeNames.da },
              { value: 'en', label: pc.t.localeNames.en },
              { value: 'none', label: pc.t.form.none },
            ]}
            error={errorAt(errors, name('fields.locale'))}
          />
          <Select
            name={name('fields.loginEnabled')}
            label={t.contactField.loginEnabled ?? 'loginEnabled'}
            value={val('fields.loginEnabled') ?? ''}
            options={[
              { value: '', label: t.unchanged },
              { value: 'true', label: pc.t.form.yes },
              { value: 'false', label: pc.t.form.no },
            ]}
            error={errorAt(errors, name('fields.loginEnabled'))}
          />
        </>
      );
    case 'add-web-role':
    case 'remove-web-role':
      return lookup('webRoleId', t.webRoleId);
    case 'set-account':
      return lookup('accountId', t.accountId, t.accountHint);
    case 'create-invitation':
      return <CreateInvitationFields {...p} text={text} lookup={lookup} />;
    case 'webhook':
      return (
        <>
          {text('url', t.url, { type: 'url' })}
          {text('event', t.event)}
        </>
      );
    case 'condition':
      return <ConditionFields {...p} text={text} />;
    default:
      return <p class="hint">{t.noFields}</p>;
  }
}

type TextFn = (rel: string, label: string, extra?: { hint?: string; type?: string }) => ComponentChildren;
type LookupFn = (rel: string, label: string, hint?: string) => ComponentChildren;

function CreateInvitationFields(
  p: StepEditorProps & { draft: StepDraft; path: string; text: TextFn; lookup: LookupFn },
) {
  const { pc, draft, path, errors } = p;
  const t = pc.t.workflows.steps;
  const i = t.invitation;
  const chosen = (draft.lists['invitation.webRoleIds'] ?? []).map((id) => ({ id, label: p.labels.get(id) ?? id }));
  const rolesName = `${path}.invitation.webRoleIds`;
  return (
    <>
      {p.text('invitation.name', i.name ?? 'name')}
      {p.text('invitation.expiresInDays', i.expiresInDays ?? 'expiresInDays', { type: 'number' })}
      {p.lookup('invitation.ownerId', i.ownerId ?? 'ownerId')}
      {p.lookup('invitation.inviterContactId', i.inviterContactId ?? 'inviterContactId')}
      {p.lookup('invitation.assignToAccountId', i.assignToAccountId ?? 'assignToAccountId')}
      {p.lookup('invitation.redeemWorkflowId', i.redeemWorkflowId ?? 'redeemWorkflowId')}
      <fieldset class={errorAt(errors, rolesName) ? 'field multi-lookup has-error' : 'field multi-lookup'}>
        <legend>{i.webRoleIds}</legend>
        {errorAt(errors, rolesName) ? <p class="field-error">{errorAt(errors, rolesName)}</p> : null}
        {chosen.length ? (
          <ul class="chosen">
            {chosen.map((c, n) => (
              <li>
                <input type="checkbox" id={`${fieldId(rolesName)}-${n}`} name={rolesName} value={c.id} checked />
                <label for={`${fieldId(rolesName)}-${n}`}>{c.label}</label>
              </li>
            ))}
          </ul>
        ) : null}
        <StepLookup
          pc={pc}
          name={rolesName}
          label={pc.t.form.add}
          kind="web-roles"
          typed={draft.values['invitation.webRoleIdsLookup']}
          noHidden
        />
      </fieldset>
      <Select
        name={`${path}.invitation.binding`}
        label={i.binding ?? 'binding'}
        value={draft.values['invitation.binding'] ?? ''}
        empty=""
        options={(['any', 'invited-email', 'email-domain'] as const).map((b) => ({ value: b, label: t.bindings[b] }))}
        error={errorAt(errors, `${path}.invitation.binding`)}
      />
      <Area
        name={`${path}.invitation.allowedDomains`}
        label={i.allowedDomains ?? 'allowedDomains'}
        hint={i.allowedDomainsHint}
        value={draft.values['invitation.allowedDomains']}
        error={errorAt(errors, `${path}.invitation.allowedDomains`)}
      />
      <Select
        name={`${path}.invitation.locale`}
        label={i.locale ?? 'locale'}
        value={draft.values['invitation.locale'] ?? ''}
        empty=""
        options={[
          { value: 'da', label: pc.t.localeNames.da },
          { value: 'en', label: pc.t.localeNames.en },
        ]}
        error={errorAt(errors, `${path}.invitation.locale`)}
      />
      {errorAt(errors, `${path}.invitation`) &&
      !Object.keys(errors).some((k) => k.startsWith(`${path}.invitation.`)) ? (
        <p class="field-error">{errors[`${path}.invitation`]}</p>
      ) : null}
      <Check
        name={`${path}.send`}
        label={t.send}
        checked={draft.values.send === 'true'}
        error={errorAt(errors, `${path}.send`)}
      />
    </>
  );
}

function ConditionFields(p: StepEditorProps & { draft: StepDraft; path: string; text: TextFn; depth: number }) {
  const { pc, draft, path, errors } = p;
  const t = pc.t.workflows.steps;
  const field = draft.values.field ?? '';
  const fields = p.conditionFields.includes(field) || !field ? p.conditionFields : [field, ...p.conditionFields];
  const operator = draft.values.operator ?? 'equals';
  return (
    <>
      <div class="condition-row">
        <Select
          name={`${path}.field`}
          label={t.field}
          value={field}
          empty=""
          options={fields.map((f) => ({ value: f, label: f }))}
          error={errorAt(errors, `${path}.field`)}
        />
        <Select
          name={`${path}.operator`}
          label={t.operator}
          value={operator}
          options={Object.entries(t.operators).map(([value, label]) => ({ value, label }))}
          error={errorAt(errors, `${path}.operator`)}
          data-operator
        />
        {/* Always there, so that choosing another operator needs no round trip; CSS hides it when unused. */}
        <div class="condition-value" data-takes-value={takesValue(operator) ? 'true' : 'false'}>
          {p.text('value', t.value, { hint: t.valueHint })}
        </div>
      </div>
      <div class="branches">
        {(['then', 'else'] as const).map((b) => (
          <section class="branch" aria-labelledby={`${fieldId(`${path}.${b}`)}-heading`} data-branch={`${path}.${b}`}>
            <h3 id={`${fieldId(`${path}.${b}`)}-heading`}>{b === 'then' ? t.then : t.else}</h3>
            <StepList {...p} drafts={draft[b]} prefix={`${path}.${b}`} depth={p.depth + 1} />
          </section>
        ))}
      </div>
    </>
  );
}

export { fieldId, StepLookup };
