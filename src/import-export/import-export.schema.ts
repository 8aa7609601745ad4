// The import report every import answers (CSV contacts, Power Pages), the CSV column names we
// accept (ours and Dataverse's logical names) and the API's query parameters.
import { z } from 'zod';
import { emailSchema, localeSchema } from '../shared/schemas.ts';

export const rowErrorSchema = z.object({
  /** Data rows count from 1 (the header is not a row); 0: the file as a whole. */
  row: z.number().int(),
  field: z.string(),
  message: z.string(),
});
export type RowError = z.infer<typeof rowErrorSchema>;

export const importReportSchema = z.object({
  ok: z.boolean(),
  dryRun: z.boolean(),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.number().int(),
  /** Accounts named by the file and created because none had that name. */
  accountsCreated: z.number().int(),
  /** The first 1,000 errors (errorCount says how many there were). */
  errors: z.array(rowErrorSchema),
  errorCount: z.number().int(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

const flag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be "true" or "false"' })
  .transform((v) => v === 'true' || v === '1');
export const contactsImportQuery = z.strictObject({
  dryRun: flag.optional(),
  continueOnError: flag.optional(),
});

/** Our field for each accepted column name (compared ignoring letter case, spaces and underscores). */
export const contactColumns: Record<string, ContactField> = {
  firstname: 'firstName',
  lastname: 'lastName',
  emailaddress1: 'emailaddress1',
  email: 'emailaddress1',
  emailaddress2: 'emailaddress2',
  emailaddress3: 'emailaddress3',
  account: 'account',
  parentcustomerid: 'account',
  parentaccountid: 'account',
  locale: 'locale',
  webroles: 'webRoles',
};
export type ContactField =
  | 'firstName'
  | 'lastName'
  | 'emailaddress1'
  | 'emailaddress2'
  | 'emailaddress3'
  | 'account'
  | 'locale'
  | 'webRoles';

export const columnKey = (name: string): string => name.toLowerCase().replace(/[\s_-]/g, '');

/** Each cell's check: trimmed text, empty meaning "leave as it is". */
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
export const cellSchemas: Record<ContactField, z.ZodType<string>> = {
  firstName: text(100),
  lastName: text(100),
  emailaddress1: emailSchema,
  emailaddress2: emailSchema,
  emailaddress3: emailSchema,
  account: text(200),
  locale: localeSchema,
  webRoles: text(4000),
};
