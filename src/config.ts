// Every setting, read from the environment and validated once at start.
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const envSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  PUBLIC_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (v) => /^(postgres|postgresql|sqlite):/.test(v) || !v.includes('://'),
        'must be postgres://…, sqlite:PATH or a file path',
      )
      .optional(),
  ),
  SECRET_KEY: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  MAIL_FROM: z.preprocess(emptyToUndefined, z.email().optional()),
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
  ),
  BOUNCE_SMTP_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  MAIL_BOUNCE_DOMAIN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-z0-9.-]+$/i, 'must be a domain name')
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.string().max(500).optional()),
  BODY_LIMIT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1024).default(1_048_576)),
  INITIAL_ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email().optional()),
  INITIAL_ADMIN_PASSWORD: optionalString,
  INITIAL_ADMIN_NAME: optionalString,
  INITIAL_API_TOKEN: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
});

export type DatabaseConfig = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  secretKey: string;
  smtpUrl: string | undefined;
  /** Sender of the portal's own emails (confirmation, password reset). */
  mailFrom: string;
  logLevel: string;
  bodyLimit: number;
  /**
   * Which proxies may tell the client's address (X-Forwarded-For): false (none), true (any), or
   * addresses/CIDRs. Rate limits and redemption records use that address.
   */
  trustProxy: boolean | string[];
  initialAdmin: { email: string; password: string; name: string; apiToken: string | undefined } | undefined;
  /**
   * BOUNCE_SMTP_PORT: the port of the inbound SMTP receiver for delivery status notifications
   * (email/bounces.ts); unset, there is none and emails go out with the sender as return path.
   */
  bounceSmtpPort?: number | undefined;
  /** MAIL_BOUNCE_DOMAIN: the domain of the return paths bounce+<email id>@…; default MAIL_FROM's. */
  mailBounceDomain?: string | undefined;
}

export { ConfigError };

export function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  const list = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (list.some((v) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(v))) {
    throw new ConfigError(
      'Invalid configuration:\n  TRUST_PROXY: must be true, false, or addresses/CIDRs separated by commas',
    );
  }
  return list;
}

export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseConfig {
  if (url === undefined) return { dialect: 'sqlite', file: join(dataDir, 'portal.db') };
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  return { dialect: 'sqlite', file: file === ':memory:' ? file : resolve(file) };
}

/** Reads SECRET_KEY, or the generated DATA_DIR/secret.key, creating it (mode 0600) on first start. */
export function loadOrCreateSecretKey(dataDir: string): string {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length < 32) throw new ConfigError(`${file} holds a key shorter than 32 characters`);
    return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  // Written whole to a file of its own, then linked into place: a process starting at the same
  // moment sees no key file or the whole key, never a file between its creation and its write.
  const temporary = join(dataDir, `.secret.key.${process.pid}.${randomBytes(6).toString('hex')}`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${key}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
  } catch (err) {
    // Another process starting at the same moment linked its key first: use that one.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return loadOrCreateSecretKey(dataDir);
  } finally {
    unlinkSync(temporary);
  }
  chmodSync(file, 0o600);
  return key;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  if ((e.INITIAL_ADMIN_EMAIL === undefined) !== (e.INITIAL_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration:\n  INITIAL_ADMIN_EMAIL and INITIAL_ADMIN_PASSWORD go together');
  }
  if (e.INITIAL_API_TOKEN !== undefined && e.INITIAL_ADMIN_EMAIL === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  INITIAL_API_TOKEN needs INITIAL_ADMIN_EMAIL and INITIAL_ADMIN_PASSWORD',
    );
  }
  const publicUrl = (
    e.PUBLIC_URL ??
    `http://${e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST === '127.0.0.1' ? 'localhost' : e.HOST}:${e.PORT}`
  ).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    dataDir,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir),
    secretKey: e.SECRET_KEY ?? loadOrCreateSecretKey(dataDir),
    smtpUrl: e.SMTP_URL,
    mailFrom:
      e.MAIL_FROM ??
      `no-reply@${new URL(publicUrl).hostname === 'localhost' ? 'localhost.localdomain' : new URL(publicUrl).hostname}`,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    bounceSmtpPort: e.BOUNCE_SMTP_PORT,
    mailBounceDomain: e.MAIL_BOUNCE_DOMAIN,
    initialAdmin:
      e.INITIAL_ADMIN_EMAIL && e.INITIAL_ADMIN_PASSWORD
        ? {
            email: e.INITIAL_ADMIN_EMAIL,
            password: e.INITIAL_ADMIN_PASSWORD,
            name: e.INITIAL_ADMIN_NAME ?? 'Administrator',
            apiToken: e.INITIAL_API_TOKEN,
          }
        : undefined,
  };
}

/** The domain of bounce return paths: MAIL_BOUNCE_DOMAIN, else the domain of MAIL_FROM. */
export const bounceDomainOf = (config: Pick<Config, 'mailBounceDomain' | 'mailFrom'>): string =>
  config.mailBounceDomain ?? config.mailFrom.slice(config.mailFrom.lastIndexOf('@') + 1);
