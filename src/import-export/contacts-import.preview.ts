// What a contacts CSV looks like before it is imported (the back office shows it after an upload):
// the encoding and delimiter found, each column and the field it maps to, the first few rows. It
// reads only the start of the file, and refuses what the import could not use (empty, not UTF-8
// text, not CSV, no email column) with a reason a page can explain.
import { describeHeader } from './contacts-import.service.ts';
import { CsvError, readCsv, sniffDelimiter, type CsvSource } from './csv-reader.ts';
import type { ContactField } from './import-export.schema.ts';

export type CsvPreviewProblem = 'empty' | 'not-text' | 'not-csv' | 'no-email-column';

export interface CsvPreview {
  /** `utf-8-bom`: the file starts with a byte order mark (Excel's "CSV UTF-8"). */
  encoding: 'utf-8' | 'utf-8-bom';
  delimiter: ',' | ';';
  columns: Array<{ column: string; field: ContactField | null }>;
  /** The first rows, their cells in the header's order. */
  rows: string[][];
  /** Set when the import could not use the file. */
  problem?: CsvPreviewProblem;
}

/** How much of the file's start is checked for being UTF-8 text. */
const HEAD_BYTES = 64 * 1024;

async function head(source: CsvSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of source()) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    parts.push(buf);
    length += buf.length;
    if (length >= HEAD_BYTES) break;
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

/** Whether `bytes` is UTF-8 text (a sequence cut at the end is fine; a NUL byte is not text). */
function isUtf8Text(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export async function previewContactsCsv(source: CsvSource, sampleRows = 5): Promise<CsvPreview> {
  const start = await head(source);
  const bom = start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf;
  const text = start.subarray(bom ? 3 : 0);
  const preview: CsvPreview = {
    encoding: bom ? 'utf-8-bom' : 'utf-8',
    delimiter: ',',
    columns: [],
    rows: [],
  };
  if (text.toString('utf8').trim() === '') return { ...preview, problem: 'empty' };
  if (!isUtf8Text(text)) return { ...preview, problem: 'not-text' };
  const firstLine = text.toString('utf8').split(/\r?\n/, 1)[0] ?? '';
  preview.delimiter = sniffDelimiter(firstLine);

  const records = readCsv(source);
  let header: string[] = [];
  try {
    for (;;) {
      const next = await records.next();
      if (next.done) {
        if (next.value.length) header = next.value;
        break;
      }
      if (header.length === 0) header = Object.keys(next.value.values);
      preview.rows.push(header.map((h) => next.value.values[h] ?? ''));
      if (preview.rows.length >= sampleRows) break;
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    return { ...preview, columns: describeHeader(header), problem: 'not-csv' };
  } finally {
    await records.return([]);
  }
  preview.columns = describeHeader(header);
  if (!preview.columns.some((c) => c.field === 'emailaddress1')) preview.problem = 'no-email-column';
  return preview;
}
