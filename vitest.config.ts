// Every test file runs twice: once on SQLite and once on PostgreSQL (a cluster the suite starts itself).
// test/setup.ts gives each test file a temporary directory of its own and fails it if it leaves anything there.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite', env: { TEST_DB: 'sqlite' } } },
      {
        extends: true,
        test: { name: 'postgres', env: { TEST_DB: 'postgres' }, globalSetup: ['test/postgres-cluster.ts'] },
      },
    ],
  },
});
