// The batches an import keeps between its check and its write: order, the file's mode, removal.
import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BatchSpool } from './batch-spool.ts';

const fileOf = (spool: BatchSpool<unknown>) => (spool as unknown as { file?: { path: string } }).file?.path;

describe('BatchSpool', () => {
  it('keeps one batch in memory, writes later ones to a private file, reads them in order and removes the file', async () => {
    const spool = new BatchSpool<{ row: number; name: string }>();
    await spool.push([{ row: 1, name: 'Søren' }]);
    expect(fileOf(spool)).toBeUndefined();
    await spool.push([]);
    await spool.push([
      { row: 2, name: 'Åse "q"' },
      { row: 3, name: 'line\nbreak' },
    ]);
    await spool.push([{ row: 4, name: 'Ørsted' }]);
    expect(spool.batches).toBe(3);
    const path = fileOf(spool) as string;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const read = [];
    for await (const b of spool.read()) read.push(b);
    expect(read).toEqual([
      [{ row: 1, name: 'Søren' }],
      [
        { row: 2, name: 'Åse "q"' },
        { row: 3, name: 'line\nbreak' },
      ],
      [{ row: 4, name: 'Ørsted' }],
    ]);
    await spool.remove();
    expect(existsSync(path)).toBe(false);
    await spool.remove();
  });

  it('removes its file when nothing was read', async () => {
    const spool = new BatchSpool<number>();
    await spool.push([1]);
    await spool.push([2]);
    const path = fileOf(spool) as string;
    expect(existsSync(path)).toBe(true);
    await spool.remove();
    expect(existsSync(path)).toBe(false);
  });
});
