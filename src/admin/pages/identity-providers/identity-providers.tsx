// Identity providers (administrators): the view and the provider form, OpenID Connect (with the
// Entra ID / Azure AD B2C presets) or SAML 2.0, with the addresses the provider must be given.
import type { IdentityProvider } from '../../../identity-providers/identity-providers.schema.ts';
import { Csrf, Field } from '../../../web/form-kit.tsx';
import { CommandBar, CommandLink } from '../../components/command-bar.tsx';
import {
  CheckboxField,
  ErrorSummary,
  ReadOnlyField,
  Section,
  SelectField,
  TextAreaField,
} from '../../components/fields.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { Layout, PageHeader } from '../layout.tsx';

export function IdentityProvidersView({ pc, items }: { pc: AdminPageContext; items: IdentityProvider[] }) {
  const t = pc.t.identityProviders;
  return (
    <Layout pc={pc} title={t.entityPlural}>
      <PageHeader title={t.entityPlural} />
      <CommandBar label={t.entityPlural}>
        <CommandLink href="/admin/identity-providers/new?type=oidc" primary>
          {t.newOidc}
        </CommandLink>
        <CommandLink href="/admin/identity-providers/new?type=saml">{t.newSaml}</CommandLink>
      </CommandBar>
      <section class="table-scroll" tabindex={0} aria-label={t.entityPlural}>
        <table class="grid">
          <caption class="visually-hidden">{t.entityPlural}</caption>
          <thead>
            <tr>
              <th scope="col">{t.fields.name}</th>
              <th scope="col">{t.fields.type}</th>
              <th scope="col">{t.fields.enabled}</th>
              <th scope="col">{t.fields.allowRegistration}</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 ? (
              <tr>
                <td colSpan={4}>{pc.t.grid.noRecords}</td>
              </tr>
            ) : null}
            {items.map((p) => (
              <tr data-id={p.id}>
                <td>
                  <a href={`/admin/identity-providers/${p.id}`}>{p.name}</a>
                </td>
                <td>{t.types[p.type]}</td>
                <td>{p.enabled ? t.yes : t.no}</td>
                <td>{p.allowRegistration ? t.yes : t.no}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}

export interface ProviderFormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

/** The form's values of a provider as it is. */
export function providerValues(p: IdentityProvider): Record<string, string> {
  const common = { name: p.name, enabled: String(p.enabled), allowRegistration: String(p.allowRegistration) };
  if (p.type === 'oidc') return { ...common, issuer: p.issuer, clientId: p.clientId, scopes: p.scopes.join(' ') };
  return {
    ...common,
    entityId: p.entityId,
    ssoUrl: p.ssoUrl,
    certificate: p.certificate,
    emailAttribute: p.emailAttribute ?? '',
    trustEmail: String(p.trustEmail),
  };
}

export function IdentityProviderForm(p: {
  pc: AdminPageContext;
  type: 'oidc' | 'saml';
  provider: IdentityProvider | null;
  form: ProviderFormState;
}) {
  const { pc, provider, form, type } = p;
  const t = pc.t.identityProviders;
  const v = form.values;
  const e = form.errors;
  const title = provider ? provider.name : type === 'oidc' ? t.newOidc : t.newSaml;
  const action = provider ? `/admin/identity-providers/${provider.id}` : `/admin/identity-providers/new?type=${type}`;
  const flag = (name: string, fallback: boolean) => (v[name] === undefined ? fallback : v[name] === 'true');
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={`${t.entity} · ${t.types[type]}`} />
      <form method="post" action={action} class="record-form" id="record-form" novalidate>
        <Csrf pc={pc} />
        <CommandBar label={t.entity}>
          <button type="submit" class="command primary">
            {pc.t.commands.save}
          </button>
          {provider ? (
            <CommandLink href={`/admin/identity-providers/${provider.id}/delete`} danger>
              {pc.t.commands.delete}
            </CommandLink>
          ) : null}
        </CommandBar>
        <ErrorSummary pc={pc} errors={e} labels={t.fields} />
        <Section title={t.sections.provider} id="general">
          <Field name="name" label={t.fields.name} value={v.name} error={e.name} required maxLength={200} />
          <CheckboxField name="enabled" label={t.fields.enabled} checked={flag('enabled', true)} error={e.enabled} />
          <CheckboxField
            name="allowRegistration"
            label={t.fields.allowRegistration}
            checked={flag('allowRegistration', true)}
            error={e.allowRegistration}
          />
          {type === 'oidc' ? (
            <>
              <SelectField
                name="preset"
                label={t.fields.preset}
                hint={t.hints.preset}
                value={v.preset ?? ''}
                error={e.preset}
                options={[
                  { value: '', label: t.presets.none },
                  { value: 'entra-id', label: t.presets.entra },
                  { value: 'azure-ad-b2c', label: t.presets.b2c },
                ]}
              />
              <Field name="tenant" label={t.fields.tenant} hint={t.hints.tenant} value={v.tenant} error={e.tenant} />
              <Field name="policy" label={t.fields.policy} value={v.policy} error={e.policy} />
              <Field name="issuer" label={t.fields.issuer} type="url" value={v.issuer} error={e.issuer} />
              <Field name="clientId" label={t.fields.clientId} value={v.clientId} error={e.clientId} required />
              <Field
                name="clientSecret"
                label={t.fields.clientSecret}
                type="password"
                autocomplete="off"
                hint={`${t.hints.clientSecret} (${provider?.type === 'oidc' && provider.hasClientSecret ? t.secretSet : t.secretNotSet})`}
                error={e.clientSecret}
              />
              <Field
                name="scopes"
                label={t.fields.scopes}
                hint={t.hints.scopes}
                value={v.scopes ?? 'openid email profile'}
                error={e.scopes}
              />
            </>
          ) : (
            <>
              <Field name="entityId" label={t.fields.entityId} value={v.entityId} error={e.entityId} required />
              <Field name="ssoUrl" label={t.fields.ssoUrl} type="url" value={v.ssoUrl} error={e.ssoUrl} required />
              <TextAreaField
                name="certificate"
                label={t.fields.certificate}
                value={v.certificate}
                error={e.certificate}
                rows={8}
                code
              />
              <Field
                name="emailAttribute"
                label={t.fields.emailAttribute}
                hint={t.hints.emailAttribute}
                value={v.emailAttribute}
                error={e.emailAttribute}
              />
              <CheckboxField
                name="trustEmail"
                label={t.fields.trustEmail}
                checked={flag('trustEmail', false)}
                error={e.trustEmail}
              />
            </>
          )}
        </Section>
      </form>
      {provider ? (
        <Section title={t.sections.portal} id="portal">
          {provider.type === 'oidc' ? (
            <ReadOnlyField label={t.fields.callbackUrl}>
              <code data-field="callbackUrl">{provider.callbackUrl}</code>
            </ReadOnlyField>
          ) : (
            <>
              <ReadOnlyField label={t.fields.acsUrl}>
                <code data-field="acsUrl">{provider.acsUrl}</code>
              </ReadOnlyField>
              <ReadOnlyField label={t.fields.spEntityId}>
                <code data-field="spEntityId">{provider.spEntityId}</code>
              </ReadOnlyField>
            </>
          )}
        </Section>
      ) : null}
    </Layout>
  );
}
