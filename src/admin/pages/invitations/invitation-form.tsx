// The invitation form: every field of the model (adx_invitation) plus binding, domains and locale;
// the status in the header; Save, Run Workflow, Deactivate / Activate, Copy link (admins), Delete
// (new only); and the invitation's redemptions. The type switch shows Maximum Redemptions Allowed
// for a group only, with CSS (:has on the select), so it works without JavaScript.
import type { Invitation } from '../../../invitations/invitations.schema.ts';
import { Csrf, Field } from '../../../web/form-kit.tsx';
import { CommandBar, CommandLink } from '../../components/command-bar.tsx';
import {
  ErrorSummary,
  LookupField,
  MultiLookupField,
  ReadOnlyField,
  Section,
  SelectField,
  TextAreaField,
} from '../../components/fields.tsx';
import type { InvitationFormState } from '../../invitations/invitation-input.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';
import { type RedemptionLine, RedemptionsSection } from './invitation-pages.tsx';
import { StatusBadge } from './invitations-view.tsx';
import { RemindersSection } from './invitation-lifecycle.tsx';

/** The forms the command bar's buttons submit (outside the record form, so they post only their own fields). */
function CommandForms({ pc, inv }: { pc: AdminPageContext; inv: Invitation }) {
  return (
    <>
      <form method="post" action="/admin/run-workflow" id="run-workflow-form" hidden>
        <Csrf pc={pc} />
        <input type="hidden" name="entity" value="invitation" />
        <input type="hidden" name="ids" value={inv.id} />
      </form>
      <form method="post" action={`/admin/invitations/${inv.id}/activate`} id="activate-form" hidden>
        <Csrf pc={pc} />
      </form>
      {pc.isAdmin ? (
        <form method="post" action={`/admin/invitations/${inv.id}/link`} id="copy-link-form" hidden>
          <Csrf pc={pc} />
        </form>
      ) : null}
    </>
  );
}

export function InvitationForm(p: {
  pc: AdminPageContext;
  invitation: Invitation | null;
  form: InvitationFormState;
  /** "Create Invitation" on this contact brought the user here. */
  contactId?: string | undefined;
  redemptions?: RedemptionLine[];
}) {
  const { pc, invitation: inv, form } = p;
  const t = pc.t.invitations;
  const f = t.fields;
  const title = inv ? inv.name : p.contactId ? t.commands.createInvitation : t.newTitle;
  const action = inv ? `/admin/invitations/${inv.id}` : '/admin/invitations/new';
  const type = inv?.type ?? (form.values.type === 'group' ? 'group' : 'single');
  const labels = { ...f, ownerIdLookup: f.ownerId };
  return (
    <Layout pc={pc} title={title}>
      <PageHeader
        title={title}
        subtitle={t.entity}
        status={inv ? <StatusBadge pc={pc} status={inv.status} /> : undefined}
      />
      {inv ? <CommandForms pc={pc} inv={inv} /> : null}
      <form method="post" action={action} class="record-form invitation-form" id="record-form" novalidate>
        <Csrf pc={pc} />
        {p.contactId ? <input type="hidden" name="contactId" value={p.contactId} /> : null}
        <CommandBar label={t.entity}>
          <button type="submit" class="command primary" data-command="save">
            {pc.t.commands.save}
          </button>
          {inv ? (
            <>
              <CommandLink href="/admin/invitations/new">{pc.t.commands.new}</CommandLink>
              <button type="submit" class="command" form="run-workflow-form" data-command="run-workflow">
                {t.commands.runWorkflow}
              </button>
              {inv.status === 'inactive' ? (
                <button type="submit" class="command" form="activate-form" data-command="activate">
                  {pc.t.commands.activate}
                </button>
              ) : (
                <CommandLink href={`/admin/invitations/${inv.id}/deactivate`}>{pc.t.commands.deactivate}</CommandLink>
              )}
              {pc.isAdmin ? (
                <button type="submit" class="command" form="copy-link-form" data-command="copy-link">
                  {t.commands.copyLink}
                </button>
              ) : null}
              {inv.status === 'new' || inv.status === 'sent' || inv.status === 'expired' ? (
                <CommandLink href={`/admin/invitations/${inv.id}/resend`}>{t.lifecycle.resend}</CommandLink>
              ) : null}
              {pc.isAdmin ? (
                <>
                  <CommandLink href={`/admin/invitations/${inv.id}/card.svg`}>{t.lifecycle.card}</CommandLink>
                  <CommandLink href={`/admin/invitations/${inv.id}/card.png`}>{t.lifecycle.cardPng}</CommandLink>
                </>
              ) : null}
              {inv.status === 'new' && inv.sentAt === null && inv.redemptionCount === 0 ? (
                <CommandLink href={`/admin/invitations/${inv.id}/delete`} danger>
                  {pc.t.commands.delete}
                </CommandLink>
              ) : null}
            </>
          ) : null}
        </CommandBar>
        <ErrorSummary pc={pc} errors={form.errors} labels={labels} />
        <Section title={t.sections.general} id="general">
          <Field
            name="name"
            label={f.name}
            value={form.values.name}
            error={form.errors.name}
            required
            maxLength={200}
          />
          {inv ? (
            <ReadOnlyField label={f.type}>{t.types[inv.type]}</ReadOnlyField>
          ) : (
            <SelectField
              name="type"
              label={f.type}
              value={type}
              error={form.errors.type}
              options={[
                { value: 'single', label: t.types.single },
                { value: 'group', label: t.types.group },
              ]}
              attrs={{ 'data-type-switch': '' }}
            />
          )}
          <LookupField
            pc={pc}
            name="ownerId"
            label={f.ownerId}
            kind="users"
            value={form.lookups.ownerId}
            typed={form.values.ownerIdLookup}
            error={form.errors.ownerId}
          />
          <ReadOnlyField label={f.code}>
            <span data-code-hidden>{inv ? t.hidden : pc.t.form.none}</span>
            <span class="hint">{inv ? t.hints.code : t.hints.codeNew}</span>
          </ReadOnlyField>
          <Field
            name="expiresAt"
            type="datetime-local"
            label={f.expiresAt}
            value={form.values.expiresAt}
            error={form.errors.expiresAt}
            hint={t.hints.expiresAt(pc.timeZone ?? 'UTC')}
          />
          <LookupField
            pc={pc}
            name="inviterContactId"
            label={f.inviterContactId}
            kind="contacts"
            value={form.lookups.inviterContactId}
            typed={form.values.inviterContactIdLookup}
            error={form.errors.inviterContactId}
          />
          <MultiLookupField
            pc={pc}
            name="invitedContactIds"
            label={f.invitedContactIds}
            kind="contacts"
            values={form.sets.invitedContactIds}
            typed={form.values.invitedContactIdsLookup}
            error={form.errors.invitedContactIds}
          />
          {type === 'group' || !inv ? (
            <div class="max-redemptions" data-group-only>
              <Field
                name="maxRedemptions"
                type="number"
                min="1"
                label={f.maxRedemptions}
                value={form.values.maxRedemptions}
                error={form.errors.maxRedemptions}
                hint={t.hints.maxRedemptions}
              />
            </div>
          ) : null}
          {inv ? (
            <>
              <ReadOnlyField label={f.createdAt}>{formatTime(pc, inv.createdAt)}</ReadOnlyField>
              <ReadOnlyField label={f.sentAt}>{formatTime(pc, inv.sentAt)}</ReadOnlyField>
            </>
          ) : null}
        </Section>
        <Section title={t.sections.access} id="access">
          <LookupField
            pc={pc}
            name="assignToAccountId"
            label={f.assignToAccountId}
            kind="accounts"
            value={form.lookups.assignToAccountId}
            typed={form.values.assignToAccountIdLookup}
            error={form.errors.assignToAccountId}
          />
          <LookupField
            pc={pc}
            name="redeemWorkflowId"
            label={f.redeemWorkflowId}
            kind="contact-workflows"
            value={form.lookups.redeemWorkflowId}
            typed={form.values.redeemWorkflowIdLookup}
            error={form.errors.redeemWorkflowId}
          />
          <MultiLookupField
            pc={pc}
            name="webRoleIds"
            label={f.webRoleIds}
            kind="web-roles"
            values={form.sets.webRoleIds}
            typed={form.values.webRoleIdsLookup}
            error={form.errors.webRoleIds}
          />
          <SelectField
            name="binding"
            label={f.binding}
            value={form.values.binding}
            error={form.errors.binding}
            empty={inv ? undefined : t.siteDefault}
            options={(['any', 'invited-email', 'email-domain'] as const).map((b) => ({
              value: b,
              label: t.bindings[b],
            }))}
          />
          <TextAreaField
            name="allowedDomains"
            label={f.allowedDomains}
            value={form.values.allowedDomains}
            error={form.errors.allowedDomains ?? form.errors['allowedDomains.0']}
            hint={t.hints.allowedDomains}
            rows={2}
          />
          <SelectField
            name="locale"
            label={f.locale}
            value={form.values.locale}
            error={form.errors.locale}
            empty={t.siteDefault}
            options={[
              { value: 'da', label: pc.t.localeNames.da },
              { value: 'en', label: pc.t.localeNames.en },
            ]}
          />
          <Field
            name="signInProviderId"
            label={f.signInProviderId}
            value={form.values.signInProviderId}
            error={form.errors.signInProviderId}
            hint={t.hints.signInProviderId}
          />
          {inv ? (
            <ReadOnlyField label={f.redeemedContactIds}>
              {form.redeemed.length === 0 ? (
                pc.t.form.none
              ) : (
                <span data-redeemed-contacts>
                  {form.redeemed.map((c, i) => (
                    <>
                      {i > 0 ? ', ' : ''}
                      <a href={`/admin/contacts/${c.id}`}>{c.label}</a>
                    </>
                  ))}
                </span>
              )}
            </ReadOnlyField>
          ) : null}
        </Section>
      </form>
      {inv && p.redemptions ? <RedemptionsSection pc={pc} lines={p.redemptions} /> : null}
      {inv ? <RemindersSection pc={pc} inv={inv} /> : null}
    </Layout>
  );
}
