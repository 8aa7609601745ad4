// The contacts import across write batches (kept between check and write in batch-spool.ts): every
// good row written once, in order, bad rows left out only with continueOnError, nothing otherwise.
import { describe, expect, it } from 'vitest';
import { systemActor } from '../context.ts';
import { useTestApp } from '../../test/helpers/app.ts';
import { importContactsCsv } from './contacts-import.service.ts';

const t = useTestApp();

const source = (text: string) =>
  async function* () {
    yield Buffer.from(text);
  };

async function emailsAt(domain: string): Promise<string[]> {
  const r = await t.api('GET', `contacts?q=${encodeURIComponent(domain)}&limit=500`);
  return (r.json().items as Array<{ emailaddress1: string }>).map((c) => c.emailaddress1).sort();
}

describe('importContactsCsv in batches', () => {
  it('writes every good row of many batches; with a bad row in a later batch nothing unless continueOnError', async () => {
    const d = 'batches-import.example';
    const rows = Array.from({ length: 7 }, (_, i) => `Navn ${i};p${i}@${d}`);
    const bad = [...rows.slice(0, 5), 'Bad;not-an-email', ...rows.slice(5)];
    const csv = (lines: string[]) => `firstname;emailaddress1\r\n${lines.join('\r\n')}\r\n`;
    const writes: number[] = [];
    const options = { batchSize: 2, onProgress: (phase: string, n: number) => phase === 'write' && writes.push(n) };

    const strict = await importContactsCsv(t.ctx, systemActor, source(csv(bad)), options);
    expect(strict).toMatchObject({ ok: false, rows: 8, created: 0, skipped: 8 });
    expect(await emailsAt(d)).toEqual([]);

    const loose = await importContactsCsv(t.ctx, systemActor, source(csv(bad)), {
      ...options,
      continueOnError: true,
    });
    expect(loose).toMatchObject({ ok: false, rows: 8, created: 7, skipped: 1, errorCount: 1 });
    expect(loose.errors).toEqual([{ row: 6, field: 'emailaddress1', message: 'must be an email address' }]);
    expect(await emailsAt(d)).toEqual(Array.from({ length: 7 }, (_, i) => `p${i}@${d}`));
    // Four batches of good rows (2, 2, 2, 1); progress names the file's row each batch ended at.
    expect(writes).toEqual([2, 4, 7, 8, 8]);

    const again = await importContactsCsv(t.ctx, systemActor, source(csv(rows)), options);
    expect(again).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 7 });
  });

  it('writes several parts in one transaction: a transaction of up to batchSize rows, parts of partSize', async () => {
    const d = 'parts-import.example';
    const csv = `firstname;emailaddress1\r\n${Array.from({ length: 7 }, (_, i) => `Navn ${i};q${i}@${d}`).join('\r\n')}\r\n`;
    const writes: number[] = [];
    const r = await importContactsCsv(t.ctx, systemActor, source(csv), {
      batchSize: 4,
      partSize: 2,
      onProgress: (phase, n) => phase === 'write' && writes.push(n),
    });
    expect(r).toMatchObject({ ok: true, rows: 7, created: 7 });
    // Parts of 2, 2 | 2, 1 rows: two transactions, ending at rows 4 and 7.
    expect(writes).toEqual([4, 7, 7]);
    expect(await emailsAt(d)).toEqual(Array.from({ length: 7 }, (_, i) => `q${i}@${d}`));
  });
});
