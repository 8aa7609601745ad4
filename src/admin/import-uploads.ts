// The back office's uploaded CSV files, kept between the preview and the import: spooled (never
// held in memory) into DATA_DIR/imports under a random id, with a small JSON file beside it naming
// the staff session it belongs to (a keyed hash of the session id, never the id). Only that session
// finds it again; a form names the id, never a path. Removed after an import that wrote, and by
// the sweep at every upload once an hour old. Several app processes on one machine share DATA_DIR,
// so the preview and the import may be answered by different ones.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AppContext } from '../context.ts';
import type { CsvSource } from '../import-export/csv-reader.ts';
import { IMPORT_BODY_LIMIT, spoolUpload } from '../import-export/spool.ts';
import type { StaffSession } from '../staff-auth/staff-sessions.ts';

/** How long an upload waits for its import. */
export const UPLOAD_TTL_MS = 3600_000;

const ID = /^[0-9a-f]{32}$/;
const SPOOL_DIR = /^portal-import-[A-Za-z0-9]+$/;

export interface HeldUpload {
  id: string;
  fileName: string;
  bytes: number;
  createdAt: string;
  source: CsvSource;
}

interface Meta {
  owner: string;
  fileName: string;
  bytes: number;
  createdAt: string;
  /** The spool's directory under the imports folder (made by spoolUpload, checked on reading). */
  dir: string;
}

const root = (ctx: AppContext) => join(ctx.config.dataDir, 'imports');
const ownerOf = (ctx: AppContext, session: StaffSession) => ctx.secrets.hash('session', `staff-import:${session.id}`);

async function readMeta(ctx: AppContext, id: string): Promise<Meta | undefined> {
  if (!ID.test(id)) return undefined;
  try {
    const meta = JSON.parse(await readFile(join(root(ctx), `${id}.json`), 'utf8')) as Meta;
    return SPOOL_DIR.test(meta.dir) ? meta : undefined;
  } catch {
    return undefined;
  }
}

const fileOf = (ctx: AppContext, meta: Meta) => join(root(ctx), meta.dir, 'upload.csv');
const expired = (createdAt: string, now: number) => now - Date.parse(createdAt) >= UPLOAD_TTL_MS;

/** Removes an upload (its file and its note); nothing when it is already gone. */
export async function dropUpload(ctx: AppContext, id: string): Promise<void> {
  const meta = await readMeta(ctx, id);
  if (meta) await rm(join(root(ctx), meta.dir), { recursive: true, force: true });
  if (ID.test(id)) await rm(join(root(ctx), `${id}.json`), { force: true });
}

/** Removes every upload an hour old, and spool folders a crash (or an upload under way elsewhere) left without a note. */
export async function sweepUploads(ctx: AppContext, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(root(ctx));
  } catch {
    return;
  }
  const noted = new Set<string>();
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const id = name.slice(0, -5);
    const meta = await readMeta(ctx, id);
    if (meta && !expired(meta.createdAt, now)) noted.add(meta.dir);
    else await dropUpload(ctx, id);
  }
  for (const name of names.filter((n) => SPOOL_DIR.test(n) && !noted.has(n))) {
    const info = await stat(join(root(ctx), name)).catch(() => undefined);
    if (info && now - info.mtimeMs >= UPLOAD_TTL_MS) await rm(join(root(ctx), name), { recursive: true, force: true });
  }
}

/** Spools an uploaded file and keeps it for this session; over the import's limit it is refused (413). */
export async function holdUpload(
  ctx: AppContext,
  session: StaffSession,
  file: NodeJS.ReadableStream,
  fileName: string,
  limit = IMPORT_BODY_LIMIT,
): Promise<HeldUpload> {
  await mkdir(root(ctx), { recursive: true, mode: 0o700 });
  // Streamed at once (the sweep comes after): a part ended while we waited would never finish.
  const spooled = await spoolUpload(file, limit, root(ctx));
  const id = randomBytes(16).toString('hex');
  const meta: Meta = {
    owner: ownerOf(ctx, session),
    fileName: basename(fileName).slice(0, 200) || 'upload.csv',
    bytes: spooled.bytes,
    createdAt: new Date().toISOString(),
    dir: basename(dirname(spooled.path)),
  };
  await writeFile(join(root(ctx), `${id}.json`), JSON.stringify(meta), { mode: 0o600 });
  await sweepUploads(ctx);
  return { id, fileName: meta.fileName, bytes: meta.bytes, createdAt: meta.createdAt, source: spooled.source };
}

/** The upload `id` of this session, when it is still there (another session's is simply not found). */
export async function findUpload(
  ctx: AppContext,
  session: StaffSession,
  id: string,
  now = Date.now(),
): Promise<HeldUpload | undefined> {
  const meta = await readMeta(ctx, id);
  if (!meta || meta.owner !== ownerOf(ctx, session)) return undefined;
  if (expired(meta.createdAt, now)) {
    await dropUpload(ctx, id);
    return undefined;
  }
  const path = fileOf(ctx, meta);
  if (!(await stat(path).catch(() => undefined))) return undefined;
  return {
    id,
    fileName: meta.fileName,
    bytes: meta.bytes,
    createdAt: meta.createdAt,
    source: () => createReadStream(path, { highWaterMark: 256 * 1024 }),
  };
}
