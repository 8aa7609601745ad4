// Tests leave nothing in the temporary directory: a test file gets a directory of its own
// (test/setup.ts), and an app's data folder and a SQLite database's folder go when they close.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { expect, it } from 'vitest';
import { createTestApp } from './helpers/app.ts';
import { createTestDatabase } from './helpers/db.ts';
import { removeTempDir, tempDir } from './helpers/temp.ts';

it('gives each test file a temporary directory of its own', () => {
  expect(basename(tmpdir())).toMatch(/^portal-test-/);
  expect(process.env.TMPDIR).toBe(tmpdir());
});

it("removes a test app's data folder and its database when the app closes", async () => {
  const t = await createTestApp();
  const dataDir = t.ctx.config.dataDir;
  expect(dirname(dataDir)).toBe(tmpdir());
  expect(existsSync(dataDir)).toBe(true);
  await t.close();
  expect(existsSync(dataDir)).toBe(false);
  expect(readdirSync(tmpdir()).filter((name) => name.startsWith('portal-'))).toEqual([]);
});

it("removes a SQLite test database's folder when it is dropped (nothing on PostgreSQL)", async () => {
  const database = await createTestDatabase();
  if (database.config.dialect === 'sqlite') expect(existsSync(database.config.file)).toBe(true);
  await database.drop();
  if (database.config.dialect === 'sqlite') expect(existsSync(dirname(database.config.file))).toBe(false);
  expect(readdirSync(tmpdir())).toEqual([]);
});

it('removes a folder made with tempDir when asked, and any left at the end of the file', () => {
  const early = tempDir('portal-early-');
  const late = tempDir('portal-late-');
  expect(existsSync(early) && existsSync(late)).toBe(true);
  removeTempDir(early);
  expect(existsSync(early)).toBe(false);
  // `late` is removed by test/setup.ts when this file ends; were it not, the file would fail there.
});
