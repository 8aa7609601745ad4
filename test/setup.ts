// Runs around every test file (vitest setupFiles): the file gets a temporary directory of its own,
// inherited by the processes it starts. At its end the folders the helpers made are removed, and
// anything else still there fails the file: a test removes what it makes.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/temp.ts';

/** Caches of tools the tests run (tsx compiles src/ for the child processes), not left-overs of a test. */
const TOOL_CACHES = /^tsx-\d+$/;

const outer = { TMPDIR: process.env.TMPDIR };
const own = mkdtempSync(join(tmpdir(), 'portal-test-'));
process.env.TMPDIR = own;

// Registered before the file's own hooks, so it runs after all of them (vitest runs afterAll as a stack).
afterAll(() => {
  removeTempDirs();
  const left = readdirSync(own).filter((name) => !TOOL_CACHES.test(name));
  if (outer.TMPDIR === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outer.TMPDIR;
  rmSync(own, { recursive: true, force: true });
  if (left.length > 0)
    throw new Error(
      `This test file left ${left.join(', ')} in the temporary directory. Remove what a test makes, or make folders with tempDir() (test/helpers/temp.ts).`,
    );
});
