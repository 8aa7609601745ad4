// Random bytes from the system's cryptographic generator, drawn 4 KiB at a time: one call into it
// per few hundred ids or tokens instead of one per value (that cost showed up in the sending and
// import benchmarks). Every byte is handed out once; callers get a copy.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let offset = pool.length;

/** `n` fresh random bytes (n ≤ 4096), a buffer of their own. */
export function randomBytesPooled(n: number): Buffer {
  if (n > pool.length) throw new RangeError(`at most ${pool.length} bytes at a time`);
  if (offset + n > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  // The bytes handed out are not kept where a later read of the pool could see them.
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
