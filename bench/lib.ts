// Shared pieces of the benchmarks: databases to run on, timing, and printing ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Config, DatabaseConfig } from '../src/config.ts';
import type { AppContext } from '../src/context.ts';
import { openDatabase, type DatabaseHandle } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createSecrets, randomToken } from '../src/shared/crypto.ts';
import { startPostgresCluster, type PostgresCluster } from '../test/helpers/postgres.ts';

export interface BenchDatabase {
  handle: DatabaseHandle;
  ctx: AppContext;
  config: DatabaseConfig;
  close(): Promise<void>;
}

let cluster: PostgresCluster | undefined;

/** A durable PostgreSQL cluster for the whole bench run (BENCH_DATABASE_URL to use a server of one's own). */
export async function postgresUrl(): Promise<string> {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  cluster ??= await startPostgresCluster({ durable: true });
  return cluster.url;
}

export function stopCluster(): void {
  cluster?.stop();
  cluster = undefined;
}

export async function openBenchDatabase(dialect: 'sqlite' | 'postgres', poolSize = 10): Promise<BenchDatabase> {
  let config: DatabaseConfig;
  let remove: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'portal-bench-'));
    config = { dialect: 'sqlite', file: join(dir, 'bench.db') };
    remove = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const admin = await postgresUrl();
    const name = `bench_${randomToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    config = { dialect: 'postgres', url: url.toString() };
    remove = async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    };
  }
  const handle = openDatabase(config, { poolSize });
  await migrateToLatest(handle.db);
  const appConfig: Config = {
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://localhost:3000',
    dataDir: mkdtempSync(join(tmpdir(), 'portal-bench-data-')),
    database: config,
    secretKey: randomToken(32),
    smtpUrl: undefined,
    mailFrom: 'portal@example.com',
    logLevel: 'silent',
    trustProxy: false,
    bodyLimit: 10_485_760,
    initialAdmin: undefined,
  };
  const ctx: AppContext = {
    config: appConfig,
    db: handle.db,
    dialect: handle.dialect,
    secrets: createSecrets(appConfig.secretKey),
  };
  return {
    handle,
    ctx,
    config,
    close: async () => {
      await handle.close();
      await remove();
    },
  };
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function heading(title: string): void {
  console.log(`\n## ${title}`);
}

/** The dialects a bench runs on: both, or the one `BENCH_DB` names (`sqlite` or `postgres`). */
export function benchDialects(): Array<'sqlite' | 'postgres'> {
  const only = process.env.BENCH_DB;
  if (only === 'sqlite' || only === 'postgres') return [only];
  return ['sqlite', 'postgres'];
}
