// The back office's Import from CSV (contacts) and Export to Power Pages, on the import-export
// services the API and the CLI use. The upload is a normal multipart form: @fastify/multipart is
// registered in a scope of its own holding only that route, and its file part is streamed to the
// import's spool, never buffered. The scope's CSRF check reads `_csrf` from the body, so a
// preValidation hook takes the form's first part (the CSRF field comes first in the form) into the
// body and keeps the rest of the stream for the handler.
import { Readable } from 'node:stream';
import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { importContactsCsv } from '../../import-export/contacts-import.service.ts';
import { previewContactsCsv } from '../../import-export/contacts-import.preview.ts';
import type { ImportReport } from '../../import-export/import-export.schema.ts';
import { exportPowerPagesAs, powerPagesJsonChunks } from '../../import-export/powerpages-export.service.ts';
import { IMPORT_BODY_LIMIT } from '../../import-export/spool.ts';
import { AppError, validationFailed } from '../../shared/errors.ts';
import { requireAdmin } from '../../users/users.service.ts';
import { sendPage } from '../../web/render.ts';
import { SubmittedForm } from '../forms.ts';
import { dropUpload, findUpload, holdUpload } from '../import-uploads.ts';
import { type StaffPageContext, staffPageContext } from '../page-context.ts';
import {
  type ImportProblem,
  ImportPreviewPage,
  ImportReportPage,
  ImportUploadPage,
} from '../pages/import-export/contacts-import.tsx';
import { PowerPagesExportPage } from '../pages/import-export/powerpages-export.tsx';

/** The parts of an upload not read yet, from the preValidation hook to the handler. */
const pendingParts = new WeakMap<FastifyRequest, AsyncIterator<Multipart>>();

/** Reads what is left of a multipart body and throws it away, so the connection is not held up. */
async function drain(parts: AsyncIterator<Multipart>): Promise<void> {
  try {
    for (let next = await parts.next(); !next.done; next = await parts.next())
      if (next.value.type === 'file') next.value.file.resume();
  } catch {
    // A broken body: nothing is left to read.
  }
}

/** A multipart body that cannot be read (no boundary, cut short) is the client's problem, not a 500. */
function unreadable(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = err as { statusCode?: number; code?: unknown } | undefined;
  // The file system's own failures (ENOSPC, EACCES) stay what they are.
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) return err;
  if (e?.statusCode && e.statusCode < 500) return err;
  return new AppError('malformed-request', 'The upload is not a readable multipart form.');
}

const uploadPage = (
  pc: StaffPageContext,
  reply: FastifyReply,
  status: number,
  problem: ImportProblem,
  columns?: Parameters<typeof ImportUploadPage>[0]['columns'],
) => sendPage(reply, status, ImportUploadPage({ pc, problem, ...(columns ? { columns } : {}) }));

const keepsUpload = (r: ImportReport) =>
  r.dryRun || (!r.ok && r.created + r.updated === 0 && !r.errors.some((e) => e.field === 'file'));

/** Today's date in the site's time zone, for the download's file name. */
function today(timeZone: string | undefined): string {
  const at = new Date();
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone || 'UTC', dateStyle: 'short' }).format(at);
  } catch {
    return at.toISOString().slice(0, 10);
  }
}

function uploadRoute(upload: Api, ctx: AppContext): void {
  upload.addHook('preValidation', async (req) => {
    if (!req.isMultipart()) return;
    let parts: AsyncIterator<Multipart>;
    let first: IteratorResult<Multipart>;
    try {
      parts = req.parts();
      first = await parts.next();
    } catch (err) {
      throw unreadable(err);
    }
    pendingParts.set(req, parts);
    if (first.done) return;
    if (first.value.type === 'field' && first.value.fieldname === '_csrf')
      req.body = { _csrf: String(first.value.value) };
    else if (first.value.type === 'file') first.value.file.resume();
  });
  // A refusal before the handler took the file (not signed in, CSRF): read the rest away.
  upload.addHook('onSend', async (req) => {
    const parts = pendingParts.get(req);
    if (parts) {
      pendingParts.delete(req);
      void drain(parts);
    }
  });

  upload.post('/contacts/import', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply, { canonical: '/admin/contacts/import' });
    const parts = pendingParts.get(req);
    pendingParts.delete(req);
    if (!parts) return uploadPage(pc, reply, 422, 'no-file');
    let file: Extract<Multipart, { type: 'file' }> | undefined;
    try {
      for (let next = await parts.next(); !next.done; next = await parts.next())
        if (next.value.type === 'file') {
          file = next.value;
          break;
        }
    } catch (err) {
      throw unreadable(err);
    }
    if (!file?.filename) {
      file?.file.resume();
      void drain(parts);
      return uploadPage(pc, reply, 422, 'no-file');
    }
    // A body cut short before the handler took the file: busboy has already ended the part.
    if (file.file.destroyed) throw unreadable(new Error('the multipart body ended inside the file'));
    let held: Awaited<ReturnType<typeof holdUpload>>;
    try {
      held = await holdUpload(ctx, pc.session, file.file, file.filename);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'payload-too-large') throw unreadable(err);
      file.file.resume();
      void drain(parts);
      return uploadPage(pc, reply, 413, 'too-large');
    }
    void drain(parts);
    const preview = await previewContactsCsv(held.source);
    if (preview.problem) {
      await dropUpload(ctx, held.id);
      return uploadPage(pc, reply, 422, preview.problem, preview.columns);
    }
    return reply.code(303).header('Location', `/admin/contacts/import/${held.id}`).send();
  });
}

export function importExportRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/contacts/import', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return sendPage(reply, 200, ImportUploadPage({ pc }));
  });

  admin.register(async (upload) => {
    // The file's own limit is one byte over the import's, so the spool sees the excess and refuses it.
    await upload.register(multipart, {
      limits: { fileSize: IMPORT_BODY_LIMIT + 1, files: 1, fields: 4, parts: 5, fieldSize: 4096 },
      throwFileSizeLimit: false,
    });
    uploadRoute(upload, ctx);
  });

  admin.get('/contacts/import/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const held = await findUpload(ctx, pc.session, (req.params as { id: string }).id);
    if (!held) return uploadPage(pc, reply, 404, 'gone');
    const preview = await previewContactsCsv(held.source);
    return sendPage(reply, 200, ImportPreviewPage({ pc, upload: held, preview }));
  });

  admin.post('/contacts/import/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply, { canonical: '/admin/contacts/import' });
    const held = await findUpload(ctx, pc.session, (req.params as { id: string }).id);
    if (!held) return uploadPage(pc, reply, 404, 'gone');
    const form = new SubmittedForm(req.body);
    const continueOnError = form.flag('continueOnError');
    const report = await importContactsCsv(ctx, pc.actor, held.source, {
      dryRun: form.text('mode') !== 'import',
      continueOnError,
    });
    const keep = keepsUpload(report);
    if (!keep) await dropUpload(ctx, held.id);
    return sendPage(reply, 200, ImportReportPage({ pc, report, upload: keep ? held : undefined, continueOnError }));
  });

  admin.get('/export/powerpages', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    requireAdmin(pc.actor);
    return sendPage(reply, 200, PowerPagesExportPage({ pc }));
  });

  admin.post('/export/powerpages', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const form = new SubmittedForm(req.body);
    const model = form.text('model') ?? 'enhanced';
    if (model !== 'enhanced' && model !== 'standard')
      throw validationFailed('model', 'must be "enhanced" or "standard"');
    if ((form.text('format') ?? 'json') !== 'json') throw validationFailed('format', 'must be "json"');
    const doc = await exportPowerPagesAs(ctx, pc.actor, model);
    return reply
      .code(200)
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="powerpages-${model}-${today(pc.timeZone)}.json"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(powerPagesJsonChunks(doc)));
  });
}
