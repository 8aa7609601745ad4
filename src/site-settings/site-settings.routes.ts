// /site-settings/{name}: the name URL-encoded, slashes included (unencoded slashes work too).
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import {
  putSiteSettingSchema,
  settingNameSchema,
  siteSettingListSchema,
  siteSettingSchema,
} from './site-settings.schema.ts';
import * as service from './site-settings.service.ts';

const nameParams = z.object({ '*': settingNameSchema });

export function siteSettingsRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Site settings'];
  app.get(
    '/site-settings',
    {
      schema: {
        tags,
        operationId: 'listSiteSettings',
        summary: 'List site settings',
        response: { 200: siteSettingListSchema },
      },
    },
    async () => ({
      items: await service.listSiteSettings(ctx),
      nextCursor: null,
    }),
  );
  app.get(
    '/site-settings/*',
    {
      schema: {
        tags,
        operationId: 'getSiteSetting',
        summary: 'Get a site setting',
        params: nameParams,
        response: { 200: siteSettingSchema },
      },
    },
    (req) => service.getSiteSetting(ctx, req.params['*']),
  );
  app.put(
    '/site-settings/*',
    {
      schema: {
        tags,
        operationId: 'putSiteSetting',
        summary: 'Set a site setting (admins)',
        errors: ['forbidden'],
        params: nameParams,
        body: putSiteSettingSchema,
        response: { 200: siteSettingSchema },
      },
    },
    (req) => service.putSiteSetting(ctx, req.actor, req.params['*'], req.body.value),
  );
}
