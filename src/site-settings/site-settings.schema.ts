// Site settings on the API: `{ name, value }`, values always strings.
import { z } from 'zod';

export const siteSettingSchema = z.object({
  name: z.string(),
  value: z.string(),
  isDefault: z.boolean(),
  description: z.string().nullable(),
});
export type SiteSetting = z.infer<typeof siteSettingSchema>;
export const putSiteSettingSchema = z.strictObject({ value: z.string({ error: 'must be a string' }) });
export const siteSettingListSchema = z.object({ items: z.array(siteSettingSchema), nextCursor: z.null() });
export const settingNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9/_.-]*$/, 'must be letters, digits and / _ . -');
