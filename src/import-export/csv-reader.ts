// Reading CSV as a stream of records (csv-parse): UTF-8 with or without BOM, comma or semicolon
// (the header line decides: Danish Excel writes semicolons), quoted fields, CRLF or LF.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

export { CsvError };

/** Something that can be read from the start as often as needed (a file, a spooled upload). */
export type CsvSource = () => AsyncIterable<Buffer | string>;

export interface CsvRecord {
  /** Data rows count from 1 (the header is row 0); empty lines are not rows. */
  row: number;
  values: Record<string, string>;
}

/** The delimiter of a header line: the one of `,` and `;` that occurs more often outside quotes. */
export function sniffDelimiter(headerLine: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** The chunks of `source`, the first ones joined until they hold the first line break. */
async function* joinedHead(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!head) {
      yield buf;
      continue;
    }
    head = Buffer.concat([head, buf]);
    if (head.indexOf(10) < 0 && head.length < 65_536) continue;
    yield head;
    head = undefined;
  }
  if (head?.length) yield head;
}

/**
 * The records of a CSV, each with its header's names (trimmed; the first line is the header).
 * Memory stays flat: csv-parse reads chunk by chunk and records are handed on one at a time.
 */
export async function* readCsv(source: CsvSource): AsyncGenerator<CsvRecord, string[]> {
  const chunks = joinedHead(source());
  const first = await chunks.next();
  if (first.done) return [];
  const headLine = first.value.subarray(0, Math.max(0, first.value.indexOf(10))).toString('utf8');
  const parser = parse({
    bom: true,
    delimiter: sniffDelimiter((headLine || first.value.toString('utf8')).replace(/^\uFEFF/, '')),
    relax_column_count: true,
    skip_empty_lines: true,
  });
  // pipeline: an error on either side (a file that cannot be read, a stray quote) ends both.
  pipeline(
    Readable.from(
      (async function* () {
        yield first.value;
        yield* chunks;
      })(),
    ),
    parser,
    () => {},
  );
  let header: string[] | undefined;
  let row = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = cells.map((c) => c.trim());
        continue;
      }
      // A line of empty cells (Excel writes ";;;") is no row either.
      if (cells.every((c) => c.trim() === '')) continue;
      row++;
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) {
        const name = header[i] as string;
        if (name) values[name] = cells[i] ?? '';
      }
      yield { row, values };
    }
  } finally {
    parser.destroy();
  }
  return header ?? [];
}

/** The header of a CSV source (its first record), read without the rest. */
export async function readCsvHeader(source: CsvSource): Promise<string[]> {
  const it = readCsv(source);
  const first = await it.next();
  await it.return([]);
  return first.done ? first.value : Object.keys(first.value.values);
}
