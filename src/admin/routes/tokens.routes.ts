// The back office's API tokens: admins see every token, staff their own (tokens.service decides);
// + New shows the token once on the answer to its POST (nothing keeps it to show again); Revoke is
// confirmed first. Every read and change goes through tokens.service, as the API's.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { createTokenSchema } from '../../tokens/tokens.schema.ts';
import { createToken, getToken, listTokens, revokeToken } from '../../tokens/tokens.service.ts';
import { findOwner } from '../../users/users.service.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { checked, errorsOf, type FieldErrors, refuse, resolveLookups, SubmittedForm } from '../forms.ts';
import { labelOf } from '../lookups.ts';
import { redirectWithNotice, staffPageContext } from '../page-context.ts';
import { TokenCreatedPage, TokenForm, TokensView } from '../pages/tokens/tokens.tsx';
import { viewQuery } from '../view-query.ts';
import { idParam, pageSize } from './route-helpers.ts';

/** "Name <email>" of the users that own tokens, by id (looked up together: one query, see db/coalesce.ts). */
async function userNames(ctx: AppContext, ids: readonly string[]): Promise<Map<string, string>> {
  const users = await Promise.all([...new Set(ids)].map((id) => findOwner(ctx, id)));
  const names = new Map<string, string>();
  for (const u of users) if (u) names.set(u.id, u.fullName ? `${u.fullName} <${u.email}>` : u.email);
  return names;
}

async function refusedTokenForm(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, err: unknown) {
  if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
  const pc = await staffPageContext(ctx, req, reply, { canonical: '/admin/tokens/new' });
  const form = new SubmittedForm(req.body);
  const held = form.text('userId');
  const user = held && /^[0-9a-f-]{36}$/i.test(held) ? await labelOf(ctx, 'users', held) : undefined;
  const state = { values: form.kept(), errors: errorsOf(pc.t, err, pc.locale === 'en'), user };
  return sendPage(reply, 422, TokenForm({ pc, form: state }));
}

export function tokenRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/tokens', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req);
    const page = await listTokens(ctx, pc.actor, { limit: pageSize, cursor: query.cursor });
    const users = await userNames(
      ctx,
      page.items.map((k) => k.userId),
    );
    return sendPage(reply, 200, TokensView({ pc, query, items: page.items, nextCursor: page.nextCursor, users }));
  });

  admin.get('/tokens/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return sendPage(reply, 200, TokenForm({ pc, form: { values: {}, errors: {} } }));
  });

  admin.post('/tokens/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const form = new SubmittedForm(req.body);
    try {
      // The user is whoever the look-up names (empty: oneself); whether one may choose them is the service's rule.
      const lookups = await resolveLookups(ctx, pc.t, form, [{ name: 'userId', kind: 'users' }]);
      const userId = lookups.ids.userId ?? undefined;
      const result = checked(
        pc.t,
        createTokenSchema,
        { name: form.text('name'), ...(userId ? { userId } : {}) },
        pc.locale === 'en',
      );
      const errors: FieldErrors = { ...(result.errors ?? {}), ...lookups.errors };
      if (Object.keys(errors).length || !result.data) refuse(errors);
      const token = await createToken(ctx, pc.actor, result.data);
      const owner = (await userNames(ctx, [token.userId])).get(token.userId) ?? token.userId;
      return sendPage(reply, 201, TokenCreatedPage({ pc, token, user: owner }));
    } catch (err) {
      return refusedTokenForm(ctx, req, reply, err);
    }
  });

  admin.get('/tokens/:id/revoke', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const token = await getToken(ctx, pc.actor, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.tokens.revoke}: ${pc.t.tokens.entity}`,
        question: pc.t.tokens.confirmRevoke,
        recordName: token.name,
        action: `/admin/tokens/${token.id}/revoke`,
        confirmLabel: pc.t.tokens.revoke,
        cancelHref: '/admin/tokens',
      }),
    );
  });

  admin.post('/tokens/:id/revoke', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    await revokeToken(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, '/admin/tokens', 'revoked');
  });
}
