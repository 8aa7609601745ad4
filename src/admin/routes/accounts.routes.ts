// The back office's accounts: the Active Accounts view, + New, the account form, Delete (confirmed).
// Every change goes through the accounts service, exactly as the API's does.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { createAccountSchema, updateAccountSchema } from '../../accounts/accounts.schema.ts';
import type { Account } from '../../accounts/accounts.schema.ts';
import {
  createAccount,
  deleteAccount,
  getAccount,
  listAccounts,
  updateAccount,
} from '../../accounts/accounts.service.ts';
import { listContacts } from '../../contacts/contacts.service.ts';
import { AppError } from '../../shared/errors.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { checked, errorsOf, type FieldErrors, refuse, resolveLookups, SubmittedForm } from '../forms.ts';
import { labelOf } from '../lookups.ts';
import { redirectWithNotice, type StaffPageContext, staffPageContext } from '../page-context.ts';
import { AccountForm, AccountsView } from '../pages/accounts/accounts.tsx';
import { viewQuery } from '../view-query.ts';
import { idParam, pageSize, quickFind, sortOf } from './route-helpers.ts';

async function accountValues(ctx: AppContext, account: Account) {
  return {
    values: { name: account.name },
    parent: account.parentAccountId ? await labelOf(ctx, 'accounts', account.parentAccountId) : undefined,
  };
}

/** Reads the form as the API's input; a problem on any field is thrown as validation-failed. */
async function accountInput(ctx: AppContext, pc: StaffPageContext, form: SubmittedForm) {
  const lookups = await resolveLookups(ctx, pc.t, form, [{ name: 'parentAccountId', kind: 'accounts' }]);
  const input = { name: form.text('name'), parentAccountId: lookups.ids.parentAccountId ?? null };
  const result = checked(pc.t, createAccountSchema, input, pc.locale === 'en');
  const errors: FieldErrors = { ...(result.errors ?? {}), ...lookups.errors };
  if (Object.keys(errors).length || !result.data) refuse(errors);
  return result.data;
}

/** Shows the form again after a refusal: what was typed, and each problem at its field. */
async function refusedAccountForm(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  account: Account | null,
) {
  if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
  const pc = await staffPageContext(ctx, req, reply, {
    canonical: account ? `/admin/accounts/${account.id}` : '/admin/accounts/new',
  });
  const form = new SubmittedForm(req.body);
  const heldParent = form.text('parentAccountId');
  const state = {
    values: form.kept(),
    errors: errorsOf(pc.t, err, pc.locale === 'en'),
    parent: heldParent ? await labelOf(ctx, 'accounts', heldParent) : undefined,
  };
  return sendPage(reply, 422, AccountForm({ pc, account, form: state }));
}

export function accountRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/accounts', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req);
    const sort = sortOf(query, ['name'] as const);
    const page = await listAccounts(ctx, { limit: pageSize, cursor: query.cursor, ...quickFind(query.q), sort });
    const parents = new Map<string, string>();
    for (const id of new Set(page.items.map((a) => a.parentAccountId).filter((x): x is string => Boolean(x)))) {
      const label = await labelOf(ctx, 'accounts', id);
      if (label) parents.set(id, label.label);
    }
    return sendPage(reply, 200, AccountsView({ pc, query, items: page.items, nextCursor: page.nextCursor, parents }));
  });

  admin.get('/accounts/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return sendPage(reply, 200, AccountForm({ pc, account: null, form: { values: {}, errors: {} } }));
  });

  admin.post('/accounts/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    try {
      const input = await accountInput(ctx, pc, new SubmittedForm(req.body));
      const account = await createAccount(ctx, pc.actor, input);
      return redirectWithNotice(reply, `/admin/accounts/${account.id}`, 'created');
    } catch (err) {
      return refusedAccountForm(ctx, req, reply, err, null);
    }
  });

  admin.get('/accounts/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const account = await getAccount(ctx, idParam(req));
    const contacts = await listContacts(ctx, { limit: 50, accountId: account.id });
    const state = { ...(await accountValues(ctx, account)), errors: {} };
    return sendPage(reply, 200, AccountForm({ pc, account, form: state, contacts: contacts.items }));
  });

  admin.post('/accounts/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const account = await getAccount(ctx, idParam(req));
    try {
      const input = await accountInput(ctx, pc, new SubmittedForm(req.body));
      await updateAccount(ctx, pc.actor, account.id, updateAccountSchema.parse(input));
      return redirectWithNotice(reply, `/admin/accounts/${account.id}`, 'saved');
    } catch (err) {
      return refusedAccountForm(ctx, req, reply, err, account);
    }
  });

  admin.get('/accounts/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const account = await getAccount(ctx, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.commands.delete}: ${pc.t.accounts.entity}`,
        question: pc.t.form.confirmDelete,
        recordName: account.name,
        action: `/admin/accounts/${account.id}/delete`,
        confirmLabel: pc.t.commands.delete,
        cancelHref: `/admin/accounts/${account.id}`,
      }),
    );
  });

  admin.post('/accounts/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    await deleteAccount(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, '/admin/accounts', 'deleted');
  });
}
