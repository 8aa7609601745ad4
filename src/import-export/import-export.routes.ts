// POST /contacts/import: a CSV body streamed to a temporary file, checked, then written (see
// contacts-import.service.ts); the answer is the import report.
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { contactsImportQuery, importReportSchema } from './import-export.schema.ts';
import { importContactsCsv } from './contacts-import.service.ts';
import { spoolUpload } from './spool.ts';
import { AppError } from '../shared/errors.ts';

/** The body as a stream, out of reach of hooks that walk a body's fields (control characters). */
class StreamBody {
  readonly #stream: NodeJS.ReadableStream;
  constructor(stream: NodeJS.ReadableStream) {
    this.#stream = stream;
  }
  get stream(): NodeJS.ReadableStream {
    return this.#stream;
  }
}

export function importExportRoutes(app: Api, ctx: AppContext): void {
  // The body stays a stream: spoolUpload counts it against the import's own limit.
  for (const type of ['text/csv', 'application/csv'])
    app.addContentTypeParser(type, (_req, payload, done) => done(null, new StreamBody(payload)));
  app.post(
    '/contacts/import',
    {
      schema: {
        summary: 'Import contacts from CSV',
        description:
          'A CSV body (text/csv; UTF-8, BOM optional; comma or semicolon; at most 100 MiB). Contacts are matched by emailaddress1 in any letter case; accounts by name are created when missing. Without continueOnError a file with any bad row imports nothing. Answers the import report (also when rows failed).',
        tags: ['Contacts'],
        operationId: 'importContacts',
        consumes: ['text/csv'],
        querystring: contactsImportQuery,
        response: { 200: importReportSchema },
      },
    },
    async (req) => {
      const body = req.body;
      if (!(body instanceof StreamBody))
        throw new AppError('validation-failed', 'The body must be CSV (Content-Type: text/csv).', {
          errors: [{ field: 'body', message: 'must be text/csv' }],
        });
      const spooled = await spoolUpload(body.stream);
      try {
        return await importContactsCsv(ctx, req.actor, spooled.source, req.query);
      } finally {
        await spooled.remove();
      }
    },
  );
}
