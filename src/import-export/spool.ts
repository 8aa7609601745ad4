// An upload spooled to a temporary file while it arrives, so an import can read it twice (check,
// then write) without holding it in memory. Over `limit` bytes the upload is refused (413).
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { AppError } from '../shared/errors.ts';
import type { CsvSource } from './csv-reader.ts';

/** 100 MiB: a million contact rows of a hundred bytes. */
export const IMPORT_BODY_LIMIT = 100 * 1024 * 1024;

export interface Spooled {
  source: CsvSource;
  /** The spooled file (the back office keeps it between its preview and the import). */
  path: string;
  bytes: number;
  remove(): Promise<void>;
}

export async function spoolUpload(
  body: NodeJS.ReadableStream,
  limit = IMPORT_BODY_LIMIT,
  /** Where the spool's own directory is made (default: the OS temporary directory). */
  parent: string = tmpdir(),
): Promise<Spooled> {
  const dir = await mkdtemp(join(parent, 'portal-import-'));
  const file = join(dir, 'upload.csv');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit)
        done(new AppError('payload-too-large', `An import may be at most ${limit} bytes; send a smaller file.`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(body, count, createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    source: () => createReadStream(file, { highWaterMark: 256 * 1024 }),
    path: file,
    bytes,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A file on disk as a CSV source. */
export const fileSource =
  (path: string): CsvSource =>
  () =>
    createReadStream(path, { highWaterMark: 256 * 1024 });
