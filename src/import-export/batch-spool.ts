// Parts of checked import rows kept between an import's check and its write, so the write does
// not read and check the CSV a second time. One batch stays in memory (most imports are one batch);
// when a second comes, every batch goes to a temporary file (mode 0600: it holds personal data) as
// one JSON line, so memory stays one batch whatever the row count.
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export class BatchSpool<T> {
  private first: T[] | undefined;
  private file: { dir: string; path: string; handle: FileHandle } | undefined;
  private count = 0;

  /** Keeps one batch, in memory or on disk. */
  async push(batch: T[]): Promise<void> {
    if (batch.length === 0) return;
    this.count++;
    if (!this.first) {
      this.first = batch;
      return;
    }
    if (!this.file) {
      const dir = await mkdtemp(join(tmpdir(), 'portal-import-batches-'));
      const path = join(dir, 'batches.jsonl');
      this.file = { dir, path, handle: await open(path, 'w', 0o600) };
      // From the second batch on, none stays in memory (the first goes to the file before it).
      await this.file.handle.write(`${JSON.stringify(this.first)}\n`);
      this.first = [];
    }
    await this.file.handle.write(`${JSON.stringify(batch)}\n`);
  }

  /** How many batches it holds. */
  get batches(): number {
    return this.count;
  }

  /** The batches in the order they were pushed. */
  async *read(): AsyncGenerator<T[]> {
    if (!this.file) {
      if (this.first) yield this.first;
      return;
    }
    await this.file.handle.close();
    const lines = createInterface({ input: createReadStream(this.file.path, { highWaterMark: 1024 * 1024 }) });
    for await (const line of lines) if (line) yield JSON.parse(line) as T[];
  }

  /** Deletes the file (safe to call more than once, and after a failed read). */
  async remove(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    this.first = undefined;
    if (!file) return;
    await file.handle.close().catch(() => {});
    await rm(file.dir, { recursive: true, force: true });
  }
}
