// Pooled random bytes: fresh bytes every call (across refills of the pool), copies of their own.
import { describe, expect, it } from 'vitest';
import { randomBytesPooled } from './random-pool.ts';
import { randomToken } from './crypto.ts';

describe('randomBytesPooled', () => {
  it('hands out bytes once, across many refills, as buffers of their own', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      // 33 bytes do not divide 4096: calls straddle the pool's end and refill it.
      const b = randomBytesPooled(33);
      expect(b.length).toBe(33);
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(2000);
    const a = randomBytesPooled(16);
    const copy = Buffer.from(a);
    for (let i = 0; i < 600; i++) randomBytesPooled(16);
    expect(a.equals(copy)).toBe(true);
    expect(a.equals(Buffer.alloc(16))).toBe(false);
  });

  it('refuses more than the pool holds, and tokens keep their length', () => {
    expect(() => randomBytesPooled(4097)).toThrow(RangeError);
    expect(randomBytesPooled(4096)).toHaveLength(4096);
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
