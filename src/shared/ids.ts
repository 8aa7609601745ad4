// Record identifiers: UUIDv7 (time-ordered), so that "order by id" is creation order and a
// cursor is just the last id. Ids are not secrets; codes and tokens use shared/crypto.ts.
import { randomBytesPooled } from './random-pool.ts';

let lastMs = 0;
let seq = 0;

export function newId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    // Same millisecond (or clock went back): keep ids increasing within this process.
    ms = lastMs;
    seq = (seq + 1) & 0xfff;
    if (seq === 0) ms = ++lastMs;
  } else {
    seq = randomBytesPooled(2).readUInt16BE(0) & 0x7ff;
  }
  lastMs = ms;
  const b = randomBytesPooled(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);
