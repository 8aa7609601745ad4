// Vitest global setup of the postgres project: a throwaway cluster for the run, unless
// TEST_DATABASE_URL names a server to use. A missing PostgreSQL fails the run: database tests
// are never skipped.
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './helpers/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('postgresUrl', process.env.TEST_DATABASE_URL);
    return undefined;
  }
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
