// The CSV form of a Power Pages export: one file per entity set (`<set>.csv`) in a directory, with
// the JSON form's column names; an N:N set is its ids joined by commas in one cell, null is empty.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCsv } from './csv-reader.ts';
import { fileSource } from './spool.ts';
import type { PowerPagesDocument, PowerPagesRecord } from './powerpages-export.service.ts';

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) ? v.join(',') : String(v);
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export async function writePowerPagesCsv(dir: string, doc: PowerPagesDocument): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [set, records] of Object.entries(doc)) {
    const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
    const lines = [columns.join(','), ...records.map((r) => columns.map((c) => cell(r[c])).join(','))];
    const file = join(dir, `${set}.csv`);
    await writeFile(file, `${lines.join('\r\n')}\r\n`, 'utf8');
    files.push(file);
  }
  return files;
}

/** Columns that hold N:N sets (arrays of ids) in either data model. */
const arrayColumn = (name: string) =>
  name.startsWith('adx_invitation_') || name.endsWith('_webrole_contact') || name === 'adx_webrole_contact';

export async function readPowerPagesCsv(dir: string): Promise<PowerPagesDocument> {
  const doc: PowerPagesDocument = {};
  for (const name of (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort()) {
    const records: PowerPagesRecord[] = [];
    for await (const rec of readCsv(fileSource(join(dir, name)))) {
      const r: PowerPagesRecord = {};
      for (const [k, v] of Object.entries(rec.values))
        r[k] = arrayColumn(k) ? v.split(',').filter(Boolean) : v === '' ? null : v;
      records.push(r);
    }
    doc[name.slice(0, -4)] = records;
  }
  return doc;
}
