// Temporary folders for tests: made in the test file's own temporary directory, and removed when the
// file ends (test/setup.ts), which also fails the file if it left anything else there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A new empty folder, removed at the end of the test file at the latest. */
export function tempDir(prefix = 'portal-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes a folder made by tempDir now (an app closed in the middle of a file). */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}

/** Removes every folder tempDir made in this test file. */
export function removeTempDirs(): void {
  for (const dir of made) removeTempDir(dir);
}
