// Where the import and export commands do their work: the local database (migrated first) or a
// running server (--url, --token: then no local database is touched). Each command's work is one
// method, so the remote side is a second implementation of the same interface. Each local method
// loads its own service when it runs: `contacts import` need not load the Power Pages import.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { UsageError } from './io.ts';
import type { PowerPagesImportReport } from '../import-export/powerpages-import.service.ts';
import type { PowerPagesDocument } from '../import-export/powerpages-export.service.ts';
import type { DataModel } from '../import-export/powerpages.model.ts';
import { Readable } from 'node:stream';
import { systemActor } from '../context.ts';
import { problemError } from './remote.ts';
import type { ImportReport } from '../import-export/import-export.schema.ts';
import { withCliContext } from './command.ts';
import { note, type CliIo } from './io.ts';
import type { Progress } from './progress.ts';
import type { CliContext } from './context.ts';

export interface ContactsImportRequest {
  file: string;
  dryRun: boolean;
  continueOnError: boolean;
}

export interface ImportExportTarget {
  importContacts(req: ContactsImportRequest, progress: Progress): Promise<ImportReport>;
  importPowerPages(path: string, dryRun: boolean): Promise<PowerPagesImportReport>;
  exportPowerPages(out: string, model: DataModel): Promise<{ files: string[]; counts: Record<string, number> }>;
}

/** A Power Pages export: a JSON file, or a directory of CSV files. */
async function readPowerPages(path: string): Promise<PowerPagesDocument> {
  if ((await stat(path)).isDirectory())
    return (await import('../import-export/powerpages-csv.ts')).readPowerPagesCsv(path);
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as unknown;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
    return doc as PowerPagesDocument;
  } catch (err) {
    throw new UsageError(`${path} is not a Power Pages JSON export: ${(err as Error).message}`);
  }
}

export interface Remote {
  url: string;
  token: string;
}

export function localTarget(io: CliIo, json: boolean): ImportExportTarget {
  const withCtx = <T>(work: (ctx: CliContext['ctx']) => Promise<T>) =>
    withCliContext(io.env, async ({ ctx, applied }) => {
      if (applied.length) note(io, json, `Applied migrations: ${applied.join(', ')}`);
      return work(ctx);
    });
  return {
    importContacts: (req, progress) =>
      withCtx(async (ctx) => {
        const { importContactsCsv } = await import('../import-export/contacts-import.service.ts');
        const { fileSource } = await import('../import-export/spool.ts');
        let stage: 'check' | 'write' | undefined;
        let checked = 0;
        const report = await importContactsCsv(ctx, systemActor, fileSource(req.file), {
          dryRun: req.dryRun,
          continueOnError: req.continueOnError,
          onProgress(phase, rows) {
            if (phase !== stage) {
              if (stage === 'check') progress.finish(checked);
              stage = phase;
              progress.stage(phase === 'check' ? 'Checking' : 'Importing', phase === 'write' ? checked : undefined);
            }
            if (phase === 'check') checked = rows;
            progress.update(rows);
          },
        });
        progress.finish(stage === 'write' ? report.rows : checked);
        return report;
      }),
    importPowerPages: async (path, dryRun) => {
      const doc = await readPowerPages(path);
      const { importPowerPages } = await import('../import-export/powerpages-import.service.ts');
      return withCtx((ctx) => importPowerPages(ctx, systemActor, doc, { dryRun }));
    },
    exportPowerPages: (out, model) =>
      withCtx(async (ctx) => {
        const { exportPowerPages } = await import('../import-export/powerpages-export.service.ts');
        const doc = await exportPowerPages(ctx, model);
        const counts = Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, v.length]));
        if (out.endsWith('/') || (existsSync(out) && (await stat(out)).isDirectory()))
          return {
            files: await (await import('../import-export/powerpages-csv.ts')).writePowerPagesCsv(out, doc),
            counts,
          };
        await writeFile(out, `${JSON.stringify(doc, null, 2)}\n`, 'utf8');
        return { files: [out], counts };
      }),
  };
}

/**
 * A call the typed client does not know yet (POST /contacts/import streams a CSV body, which
 * openapi-fetch would buffer; its types are regenerated from the document after this merge).
 */
async function call(remote: Remote, method: string, path: string, init: RequestInit = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${remote.url}/api/v1/${path}`, {
      method,
      ...init,
      headers: { authorization: `Bearer ${remote.token}`, ...(init.headers as Record<string, string>) },
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    throw Object.assign(new Error(`cannot reach ${remote.url}: ${cause?.code ?? (err as Error).message}`), {
      code: 'server-unreachable',
    });
  }
  const body = (await res.json().catch(() => ({}))) as unknown;
  if (!res.ok) throw problemError(res.status, body);
  return body;
}

/** The same work on a running server through its API (no local database). */
export function remoteTarget(remote: Remote): ImportExportTarget {
  return {
    async importContacts(req, progress) {
      const size = (await stat(req.file)).size;
      let sent = 0;
      progress.stage('Uploading', size);
      const body = Readable.toWeb(
        createReadStream(req.file).on('data', (chunk) => {
          sent += chunk.length;
          progress.update(sent);
        }),
      ) as ReadableStream;
      const q = new URLSearchParams();
      if (req.dryRun) q.set('dryRun', 'true');
      if (req.continueOnError) q.set('continueOnError', 'true');
      const report = (await call(remote, 'POST', `contacts/import?${q}`, {
        body,
        headers: { 'content-type': 'text/csv' },
        duplex: 'half',
      } as RequestInit)) as ImportReport;
      progress.finish(size);
      return report;
    },
    importPowerPages() {
      throw new UsageError('import powerpages works on the local database only (the API has no such call)');
    },
    exportPowerPages() {
      throw new UsageError('export powerpages works on the local database only (the API has no such call)');
    },
  };
}
