// Contacts: the contact form (every field of the API's contact, the Web Authentication section) and
// its related records: invitations, redemptions, web roles and account.
import type { Contact } from '../../../contacts/contacts.schema.ts';
import type { ContactAuthentication } from '../../../contacts/contacts.service.ts';
import type { Invitation } from '../../../invitations/invitations.schema.ts';
import type { ExternalLogin } from '../../../portal-auth/external-logins.service.ts';
import { Csrf, Field } from '../../../web/form-kit.tsx';
import { CommandBar, CommandButton, CommandLink } from '../../components/command-bar.tsx';
import {
  ErrorSummary,
  LookupField,
  MultiLookupField,
  ReadOnlyField,
  Section,
  SelectField,
} from '../../components/fields.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { LookupOption } from '../../lookups.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';
import { WebAuthenticationSection } from './web-authentication.tsx';

export interface ContactFormState {
  values: Record<string, string>;
  errors: FieldErrors;
  account?: LookupOption | undefined;
  webRoles: LookupOption[];
}

export interface ContactRelated {
  invitations: Invitation[];
  redemptions: {
    id: string;
    invitationId: string;
    invitationName: string;
    redeemedAt: string;
    signInMethod: string | null;
  }[];
  auth: ContactAuthentication;
  externalLogins: ExternalLogin[];
}

/** The form's values from a stored contact. */
export const contactValues = (c: Contact): Record<string, string> => ({
  firstName: c.firstName ?? '',
  lastName: c.lastName ?? '',
  emailaddress1: c.emailaddress1 ?? '',
  emailaddress2: c.emailaddress2 ?? '',
  emailaddress3: c.emailaddress3 ?? '',
  locale: c.locale ?? '',
  username: c.username ?? '',
  loginEnabled: c.loginEnabled ? 'true' : 'false',
});

export function ContactForm(p: {
  pc: AdminPageContext;
  contact: Contact | null;
  form: ContactFormState;
  related?: ContactRelated | undefined;
}) {
  const { pc, contact, form } = p;
  const t = pc.t.contacts;
  const title = contact ? contact.fullName || contact.id : t.newTitle;
  const action = contact ? `/admin/contacts/${contact.id}` : '/admin/contacts/new';
  const v = form.values;
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={t.entity} />
      <form method="post" action={action} class="record-form" id="record-form" novalidate>
        <Csrf pc={pc} />
        <CommandBar label={t.entity}>
          <button type="submit" class="command primary">
            {pc.t.commands.save}
          </button>
          {contact ? (
            <>
              <CommandLink href="/admin/contacts/new">{pc.t.commands.new}</CommandLink>
              <CommandLink href={`/admin/invitations/new?contactId=${contact.id}`}>
                {t.commands.createInvitation}
              </CommandLink>
              <CommandButton form="run-workflow" formAction="/admin/run-workflow">
                {t.commands.runWorkflow}
              </CommandButton>
              <CommandLink href={`/admin/contacts/${contact.id}/password`}>{t.commands.changePassword}</CommandLink>
              <CommandLink href={`/admin/contacts/${contact.id}/delete`} danger>
                {pc.t.commands.delete}
              </CommandLink>
            </>
          ) : null}
        </CommandBar>
        <ErrorSummary pc={pc} errors={form.errors} labels={t.fields} />
        <Section title={pc.t.form.general} id="general">
          <Field
            name="firstName"
            label={t.fields.firstName}
            value={v.firstName}
            error={form.errors.firstName}
            maxLength={100}
          />
          <Field
            name="lastName"
            label={t.fields.lastName}
            value={v.lastName}
            error={form.errors.lastName}
            maxLength={100}
          />
          <Field
            name="emailaddress1"
            type="email"
            label={t.fields.emailaddress1}
            value={v.emailaddress1}
            error={form.errors.emailaddress1}
            maxLength={320}
          />
          <Field
            name="emailaddress2"
            type="email"
            label={t.fields.emailaddress2}
            value={v.emailaddress2}
            error={form.errors.emailaddress2}
            maxLength={320}
          />
          <Field
            name="emailaddress3"
            type="email"
            label={t.fields.emailaddress3}
            value={v.emailaddress3}
            error={form.errors.emailaddress3}
            maxLength={320}
          />
          <LookupField
            pc={pc}
            name="parentAccountId"
            label={t.fields.parentAccountId}
            kind="accounts"
            value={form.account}
            typed={v.parentAccountIdLookup}
            error={form.errors.parentAccountId}
          />
          <SelectField
            name="locale"
            label={t.fields.locale}
            empty={t.localeNone}
            options={[
              { value: 'da', label: pc.t.localeNames.da },
              { value: 'en', label: pc.t.localeNames.en },
            ]}
            value={v.locale}
            error={form.errors.locale}
          />
          <MultiLookupField
            pc={pc}
            name="webRoleIds"
            label={t.fields.webRoleIds}
            kind="web-roles"
            values={form.webRoles}
            typed={v.webRoleIdsLookup}
            error={form.errors.webRoleIds}
          />
          {contact ? (
            <ReadOnlyField label={pc.t.form.createdOn}>{formatTime(pc, contact.createdAt)}</ReadOnlyField>
          ) : null}
        </Section>
        <WebAuthenticationSection pc={pc} contact={contact} form={form} related={p.related} />
      </form>
      {contact ? (
        <form id="run-workflow" method="post" action="/admin/run-workflow" hidden>
          <Csrf pc={pc} />
          <input type="hidden" name="entity" value="contact" />
          <input type="hidden" name="ids" value={contact.id} />
        </form>
      ) : null}
      {contact && p.related ? <RelatedSections pc={pc} contact={contact} form={form} related={p.related} /> : null}
    </Layout>
  );
}

function RelatedSections(p: {
  pc: AdminPageContext;
  contact: Contact;
  form: ContactFormState;
  related: ContactRelated;
}) {
  const { pc, related } = p;
  const t = pc.t.contacts;
  const statuses = t.invitationStatuses as Record<string, string>;
  return (
    <>
      <Section title={t.sections.invitations} id="invitations">
        <ul class="related-list" data-related="invitations">
          {related.invitations.length === 0 ? <li>{pc.t.grid.noRecords}</li> : null}
          {related.invitations.map((i) => (
            <li>
              <a href={`/admin/invitations/${i.id}`}>{i.name}</a> — {statuses[i.status] ?? i.status}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t.sections.redemptions} id="redemptions">
        <ul class="related-list" data-related="redemptions">
          {related.redemptions.length === 0 ? <li>{pc.t.grid.noRecords}</li> : null}
          {related.redemptions.map((r) => (
            <li>
              <a href={`/admin/invitations/${r.invitationId}`}>{r.invitationName}</a> — {t.redeemedOn}{' '}
              {formatTime(pc, r.redeemedAt)}
              {r.signInMethod ? ` (${r.signInMethod})` : ''}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t.sections.webRoles} id="web-roles">
        <ul class="related-list" data-related="web-roles">
          {p.form.webRoles.length === 0 ? <li>{pc.t.grid.noRecords}</li> : null}
          {p.form.webRoles.map((r) => (
            <li>
              <a href={`/admin/web-roles/${r.id}`}>{r.label}</a>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t.sections.account} id="account">
        <p class="related-list" data-related="account">
          {p.form.account ? (
            <a href={`/admin/accounts/${p.form.account.id}`}>{p.form.account.label}</a>
          ) : (
            pc.t.form.none
          )}
        </p>
      </Section>
    </>
  );
}
