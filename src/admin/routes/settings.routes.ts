// The back office's site settings (admins only): the list of every setting with a form per setting,
// saved through site-settings.service's putSiteSetting, the same call (and bounds) as the API's PUT.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { settingNameSchema } from '../../site-settings/site-settings.schema.ts';
import { listSiteSettings, putSiteSetting } from '../../site-settings/site-settings.service.ts';
import { requireAdmin } from '../../users/users.service.ts';
import { sendPage } from '../../web/render.ts';
import { errorsOf, SubmittedForm } from '../forms.ts';
import { redirectWithNotice, staffPageContext } from '../page-context.ts';
import { type SettingRefusal, SettingsPage, settingAnchor } from '../pages/settings/settings.tsx';

async function adminContext(ctx: AppContext, req: FastifyRequest, reply: FastifyReply) {
  const pc = await staffPageContext(ctx, req, reply, { canonical: '/admin/site-settings' });
  requireAdmin(pc.actor);
  return pc;
}

export function settingsRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/site-settings', async (req, reply) => {
    const pc = await adminContext(ctx, req, reply);
    return sendPage(reply, 200, SettingsPage({ pc, settings: await listSiteSettings(ctx) }));
  });

  admin.post('/site-settings', async (req, reply) => {
    const pc = await adminContext(ctx, req, reply);
    const form = new SubmittedForm(req.body);
    // A value may be empty or padded on purpose (a text setting): taken as sent, not trimmed.
    const rawValue = (req.body as Record<string, unknown> | undefined)?.value;
    const value = typeof rawValue === 'string' ? rawValue : Array.isArray(rawValue) ? String(rawValue.at(-1)) : '';
    const name = form.text('name') ?? '';
    const adding = form.flag('adding');
    const refused = async (refusal: SettingRefusal, status = 422) =>
      sendPage(reply, status, SettingsPage({ pc, settings: await listSiteSettings(ctx), refusal }));
    if (!settingNameSchema.safeParse(name).success) {
      if (adding) return refused({ name, typed: value, error: '', adding: { nameError: pc.t.settings.nameRule } });
      throw new AppError('not-found', 'There is no such site setting.');
    }
    try {
      await putSiteSetting(ctx, pc.actor, name, value);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
      const error = errorsOf(pc.t, err, pc.locale === 'en').value ?? pc.t.form.invalidValue;
      return refused({ name, typed: value, error, ...(adding ? { adding: { valueError: error } } : {}) });
    }
    return redirectWithNotice(reply, `/admin/site-settings#${settingAnchor(name)}`, 'saved');
  });
}
