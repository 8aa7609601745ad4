// The back office's identity providers (administrators): the view, + New (OpenID Connect or SAML),
// the provider form with the Entra ID / B2C presets, Delete (confirmed). Every change goes through
// the identity-providers service, exactly as the API's does.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { presetIssuer } from '../../identity-providers/identity-provider-presets.ts';
import {
  createIdentityProviderSchema,
  type IdentityProvider,
  updateIdentityProviderSchema,
} from '../../identity-providers/identity-providers.schema.ts';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  getIdentityProvider,
  listIdentityProviders,
  updateIdentityProvider,
} from '../../identity-providers/identity-providers.service.ts';
import { AppError } from '../../shared/errors.ts';
import { requireAdmin } from '../../users/users.service.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { checked, errorsOf, type FieldErrors, refuse, SubmittedForm } from '../forms.ts';
import { redirectWithNotice, type StaffPageContext, staffPageContext } from '../page-context.ts';
import {
  IdentityProviderForm,
  IdentityProvidersView,
  providerValues,
} from '../pages/identity-providers/identity-providers.tsx';
import { idParam } from './route-helpers.ts';

/** The form as the API's input: a preset fills the issuer; an empty secret keeps the one set. */
function providerInput(pc: StaffPageContext, form: SubmittedForm, type: 'oidc' | 'saml', editing: boolean) {
  const errors: FieldErrors = {};
  const common = {
    name: form.text('name'),
    enabled: form.flag('enabled'),
    allowRegistration: form.flag('allowRegistration'),
  };
  let input: Record<string, unknown>;
  if (type === 'oidc') {
    let issuer = form.text('issuer');
    const preset = form.text('preset');
    if (preset === 'entra-id' || preset === 'azure-ad-b2c') {
      try {
        issuer = presetIssuer(preset, form.text('tenant') ?? '', form.text('policy'));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        Object.assign(errors, errorsOf(pc.t, err, pc.locale === 'en'));
      }
    }
    input = {
      type,
      ...common,
      issuer,
      clientId: form.text('clientId'),
      scopes: (form.text('scopes') ?? 'openid email profile').split(/\s+/).filter(Boolean),
    };
    const secret = form.values.clientSecret;
    if (secret) input.clientSecret = secret;
  } else {
    input = {
      type,
      ...common,
      entityId: form.text('entityId'),
      ssoUrl: form.text('ssoUrl'),
      certificate: form.text('certificate'),
      emailAttribute: form.text('emailAttribute') ?? null,
      trustEmail: form.flag('trustEmail'),
    };
  }
  const schema = editing ? updateIdentityProviderSchema : createIdentityProviderSchema;
  const result = checked(pc.t, schema, input, pc.locale === 'en');
  Object.assign(errors, result.errors ?? {});
  if (Object.keys(errors).length || !result.data) refuse(errors);
  return result.data;
}

async function refusedForm(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  type: 'oidc' | 'saml',
  provider: IdentityProvider | null,
) {
  if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
  const pc = await staffPageContext(ctx, req, reply, {
    canonical: provider ? `/admin/identity-providers/${provider.id}` : `/admin/identity-providers/new?type=${type}`,
  });
  const state = { values: new SubmittedForm(req.body).kept(), errors: errorsOf(pc.t, err, pc.locale === 'en') };
  return sendPage(reply, 422, IdentityProviderForm({ pc, type, provider, form: state }));
}

const typeOf = (req: FastifyRequest): 'oidc' | 'saml' =>
  (req.query as Record<string, unknown>)?.type === 'saml' ? 'saml' : 'oidc';

export function identityProviderRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/identity-providers', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const page = await listIdentityProviders(ctx, pc.actor, { limit: 500 });
    return sendPage(reply, 200, IdentityProvidersView({ pc, items: page.items }));
  });

  admin.get('/identity-providers/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    requireAdmin(pc.actor);
    const form = { values: {}, errors: {} };
    return sendPage(reply, 200, IdentityProviderForm({ pc, type: typeOf(req), provider: null, form }));
  });

  admin.post('/identity-providers/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const type = typeOf(req);
    try {
      const input = providerInput(pc, new SubmittedForm(req.body), type, false);
      const created = await createIdentityProvider(ctx, pc.actor, createIdentityProviderSchema.parse(input));
      return redirectWithNotice(reply, `/admin/identity-providers/${created.id}`, 'created');
    } catch (err) {
      return refusedForm(ctx, req, reply, err, type, null);
    }
  });

  admin.get('/identity-providers/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const provider = await getIdentityProvider(ctx, pc.actor, idParam(req));
    const form = { values: providerValues(provider), errors: {} };
    return sendPage(reply, 200, IdentityProviderForm({ pc, type: provider.type, provider, form }));
  });

  admin.post('/identity-providers/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const provider = await getIdentityProvider(ctx, pc.actor, idParam(req));
    try {
      const input = providerInput(pc, new SubmittedForm(req.body), provider.type, true);
      await updateIdentityProvider(ctx, pc.actor, provider.id, updateIdentityProviderSchema.parse(input));
      return redirectWithNotice(reply, `/admin/identity-providers/${provider.id}`, 'saved');
    } catch (err) {
      return refusedForm(ctx, req, reply, err, provider.type, provider);
    }
  });

  admin.get('/identity-providers/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const provider = await getIdentityProvider(ctx, pc.actor, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.commands.delete}: ${pc.t.identityProviders.entity}`,
        question: pc.t.form.confirmDelete,
        recordName: provider.name,
        action: `/admin/identity-providers/${provider.id}/delete`,
        confirmLabel: pc.t.commands.delete,
        cancelHref: `/admin/identity-providers/${provider.id}`,
      }),
    );
  });

  admin.post('/identity-providers/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    await deleteIdentityProvider(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, '/admin/identity-providers', 'deleted');
  });
}
