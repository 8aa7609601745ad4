// Where the import and export commands do their work: the local database (migrated first) or a
// running server (--url, --token: then no local database is touched). Each command's work is one
// method, so the remote side is a second implementation of the same interface.
import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { systemActor } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import type { ImportReport } from '../import-export/import-export.schema.ts';
import { importContactsCsv } from '../import-export/contacts-import.service.ts';
import { fileSource } from '../import-export/spool.ts';
import { withCliContext } from './context.ts';
import { note, type CliIo } from './io.ts';
import type { Progress } from './progress.ts';

export interface ContactsImportRequest {
  file: string;
  dryRun: boolean;
  continueOnError: boolean;
}

export interface ImportExportTarget {
  importContacts(req: ContactsImportRequest, progress: Progress): Promise<ImportReport>;
}

export interface Remote {
  url: string;
  token: string;
}

export function localTarget(io: CliIo, json: boolean): ImportExportTarget {
  const withCtx = <T>(work: (ctx: Parameters<Parameters<typeof withCliContext>[1]>[0]['ctx']) => Promise<T>) =>
    withCliContext(io.env, async ({ ctx, applied }) => {
      if (applied.length) note(io, json, `Applied migrations: ${applied.join(', ')}`);
      return work(ctx);
    });
  return {
    importContacts: (req, progress) =>
      withCtx(async (ctx) => {
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
  };
}

async function call(remote: Remote, method: string, path: string, init: RequestInit = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(`/api/v1/${path}`, remote.url), {
      method,
      ...init,
      headers: { authorization: `Bearer ${remote.token}`, ...(init.headers as Record<string, string>) },
    });
  } catch (err) {
    throw new AppError('internal-error', `Cannot reach ${remote.url}: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { code?: string; detail?: string; errors?: [] };
  if (!res.ok) {
    const code = (body.code ?? 'internal-error') as ConstructorParameters<typeof AppError>[0];
    throw new AppError(code, body.detail ?? `The server answered ${res.status}.`, { errors: body.errors ?? [] });
  }
  return body;
}

/** The same work on a running server through its API (plain fetch until the typed client is merged). */
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
  };
}
