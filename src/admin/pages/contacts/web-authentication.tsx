// Contacts: the Web Authentication section of the contact form (Dynamics "Webgodkendelse": username,
// login enabled, email confirmed, lockout with Unlock, external identities with Remove for admins)
// and the Change Password page.
import type { Contact } from '../../../contacts/contacts.schema.ts';
import { Csrf, Field } from '../../../web/form-kit.tsx';
import { CommandBar } from '../../components/command-bar.tsx';
import { CheckboxField, ErrorSummary, ReadOnlyField, Section } from '../../components/fields.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';
import type { ContactFormState, ContactRelated } from './contact-form.tsx';

export function WebAuthenticationSection(p: {
  pc: AdminPageContext;
  contact: Contact | null;
  form: ContactFormState;
  related?: ContactRelated | undefined;
}) {
  const { pc, contact, form } = p;
  const t = pc.t.contacts;
  const auth = p.related?.auth;
  const yesNo = (b: boolean) => (b ? pc.t.form.yes : pc.t.form.no);
  return (
    <Section title={t.sections.webAuthentication} id="web-authentication">
      <Field
        name="username"
        label={t.fields.username}
        value={form.values.username}
        error={form.errors.username}
        maxLength={100}
        autocomplete="off"
      />
      <CheckboxField
        name="loginEnabled"
        label={t.fields.loginEnabled}
        checked={(form.values.loginEnabled ?? 'true') === 'true'}
        error={form.errors.loginEnabled}
      />
      {contact ? (
        <ReadOnlyField label={t.fields.emailConfirmed}>
          <span data-field="emailConfirmed">{yesNo(contact.emailConfirmed)}</span>
        </ReadOnlyField>
      ) : null}
      {contact && auth ? (
        <>
          <ReadOnlyField label={t.fields.lockoutEnd}>
            <span data-field="lockoutEnd" data-locked={auth.lockedOut ? 'true' : 'false'}>
              {auth.lockedOut && auth.lockoutEnd ? t.lockedUntil(formatTime(pc, auth.lockoutEnd)) : t.notLocked}
            </span>
          </ReadOnlyField>
          <ReadOnlyField label={t.fields.accessFailedCount}>
            <span data-field="accessFailedCount">{auth.accessFailedCount}</span>
          </ReadOnlyField>
          <ReadOnlyField label={t.fields.lastSignIn}>{formatTime(pc, auth.lastSignInAt)}</ReadOnlyField>
          {auth.hasPassword ? null : <p class="hint">{t.noPassword}</p>}
          {auth.lockedOut || auth.accessFailedCount > 0 ? (
            <p class="actions">
              <button
                type="submit"
                class="button secondary"
                formAction={`/admin/contacts/${contact.id}/unlock`}
                data-command="unlock"
              >
                {t.commands.unlock}
              </button>
            </p>
          ) : null}
          <ExternalLogins pc={pc} contact={contact} related={p.related} />
        </>
      ) : null}
    </Section>
  );
}

function ExternalLogins(p: { pc: AdminPageContext; contact: Contact; related?: ContactRelated | undefined }) {
  const { pc } = p;
  const t = pc.t.contacts;
  const logins = p.related?.externalLogins ?? [];
  return (
    <div class="related external-logins" data-related="external-logins">
      <h3>{t.sections.externalLogins}</h3>
      {logins.length === 0 ? (
        <p>{pc.t.grid.noRecords}</p>
      ) : (
        <div class="table-scroll" tabindex={0}>
          <table class="grid">
            <caption class="visually-hidden">{t.sections.externalLogins}</caption>
            <thead>
              <tr>
                <th scope="col">{t.provider}</th>
                <th scope="col">{t.subject}</th>
                <th scope="col">{t.fields.emailaddress1}</th>
                <th scope="col">{pc.t.form.createdOn}</th>
                {pc.isAdmin ? <th scope="col">{t.commands.remove}</th> : null}
              </tr>
            </thead>
            <tbody>
              {logins.map((l) => (
                <tr>
                  <td class="wrap">{l.providerName ?? l.providerId}</td>
                  <td class="wrap">{l.subject}</td>
                  <td class="wrap">{l.email ?? pc.t.form.none}</td>
                  <td>{formatTime(pc, l.createdAt)}</td>
                  {pc.isAdmin ? (
                    <td>
                      <a
                        href={`/admin/contacts/${p.contact.id}/external-logins/${l.id}/remove`}
                        data-command="remove-login"
                      >
                        {t.commands.remove}
                      </a>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function ChangePasswordPage(p: { pc: AdminPageContext; contact: Contact; errors: FieldErrors }) {
  const { pc, contact } = p;
  const t = pc.t.contacts;
  const name = contact.fullName || contact.id;
  const title = t.changePasswordTitle(name);
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={t.entity} />
      <form method="post" action={`/admin/contacts/${contact.id}/password`} class="record-form" novalidate>
        <Csrf pc={pc} />
        <CommandBar label={t.commands.changePassword}>
          <button type="submit" class="command primary">
            {t.commands.changePassword}
          </button>
          <a class="command" href={`/admin/contacts/${contact.id}`}>
            {pc.t.commands.cancel}
          </a>
        </CommandBar>
        <ErrorSummary pc={pc} errors={p.errors} labels={t.fields} />
        <Section title={t.sections.webAuthentication} id="password-section">
          <p class="lead">{t.changePasswordLead}</p>
          <Field
            name="password"
            type="password"
            label={t.fields.password}
            hint={pc.t.setUp.passwordHint}
            error={p.errors.password}
            required
            autocomplete="new-password"
            maxLength={256}
          />
        </Section>
      </form>
    </Layout>
  );
}
