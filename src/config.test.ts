import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'portal-config-'));
  dirs.push(dir);
  return dir;
};
const KEY = 'k'.repeat(40);

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted a bad configuration');
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const dataDir = tempDir();
    const c = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY });
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.database).toEqual({ dialect: 'sqlite', file: join(dataDir, 'portal.db') });
    expect(c.smtpUrl).toBeUndefined();
    expect(c.initialAdmin).toBeUndefined();
    expect(c.secretKey).toBe(KEY);
  });

  it('refuses a bad PORT with a ConfigError naming PORT', () => {
    for (const PORT of ['abc', '70000', '-1', '80.5']) {
      const err = configError({ DATA_DIR: tempDir(), SECRET_KEY: KEY, PORT });
      expect(err.message).toContain('PORT');
    }
    expect(loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, PORT: '8080' }).port).toBe(8080);
  });

  it('names each bad variable', () => {
    expect(configError({ DATA_DIR: tempDir(), SECRET_KEY: 'short' }).message).toContain('SECRET_KEY');
    expect(configError({ DATA_DIR: tempDir(), SECRET_KEY: KEY, SMTP_URL: 'http://mail' }).message).toContain(
      'SMTP_URL',
    );
    expect(configError({ DATA_DIR: tempDir(), SECRET_KEY: KEY, LOG_LEVEL: 'loud' }).message).toContain('LOG_LEVEL');
    expect(configError({ DATA_DIR: tempDir(), SECRET_KEY: KEY, DATABASE_URL: 'mysql://db/portal' }).message).toContain(
      'DATABASE_URL',
    );
    expect(
      configError({ DATA_DIR: tempDir(), SECRET_KEY: KEY, INITIAL_ADMIN_EMAIL: 'a@example.com' }).message,
    ).toContain('INITIAL_ADMIN_PASSWORD');
  });

  it('selects PostgreSQL for a postgres:// DATABASE_URL', () => {
    const url = 'postgres://portal:secret@db.example:5432/portal';
    expect(loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, DATABASE_URL: url }).database).toEqual({
      dialect: 'postgres',
      url,
    });
    expect(
      loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, DATABASE_URL: 'postgresql://db/portal' }).database.dialect,
    ).toBe('postgres');
    expect(loadConfig({ DATA_DIR: tempDir(), SECRET_KEY: KEY, DATABASE_URL: 'sqlite:/tmp/x.db' }).database).toEqual({
      dialect: 'sqlite',
      file: '/tmp/x.db',
    });
  });

  it('reads the INITIAL_* bootstrap variables', () => {
    const token = 't'.repeat(40);
    const c = loadConfig({
      DATA_DIR: tempDir(),
      SECRET_KEY: KEY,
      INITIAL_ADMIN_EMAIL: 'root@example.com',
      INITIAL_ADMIN_PASSWORD: 'Root-password-1',
      INITIAL_API_TOKEN: token,
    });
    expect(c.initialAdmin).toEqual({
      email: 'root@example.com',
      password: 'Root-password-1',
      name: 'Administrator',
      apiToken: token,
    });
  });

  it('generates DATA_DIR/secret.key (mode 0600) when SECRET_KEY is unset, and reuses it next time', () => {
    const dataDir = join(tempDir(), 'not-yet-there');
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secretKey);

    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.secretKey).toBe(first.secretKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // A SECRET_KEY in the environment wins over the file.
    expect(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY }).secretKey).toBe(KEY);
  });

  it('refuses a generated key file that was truncated', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'secret.key'), 'too-short\n', { mode: 0o600 });
    const err = configError({ DATA_DIR: dataDir });
    expect(err.message).toContain('secret.key');
  });
});

describe('secret.key written by processes starting together', () => {
  it('gives every process the same key', async () => {
    const dataDir = tempDir();
    const script =
      "import { loadConfig } from './src/config.ts'; process.stdout.write(loadConfig({ DATA_DIR: process.env.RACE_DIR }).secretKey);";
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          env: { ...process.env, RACE_DIR: dataDir },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
      });
    const keys = await Promise.all([run(), run(), run(), run()]);
    const onDisk = readFileSync(join(dataDir, 'secret.key'), 'utf8').trim();
    expect(new Set(keys)).toEqual(new Set([onDisk]));
    // Nothing of the writing is left behind.
    expect(readdirSync(dataDir)).toEqual(['secret.key']);
  }, 60_000);
});

describe('TRUST_PROXY', () => {
  it('is off by default, and takes true, false or addresses; anything else names the variable', () => {
    const dataDir = tempDir();
    const base = { DATA_DIR: dataDir, SECRET_KEY: 'k'.repeat(40) };
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
    ]);
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'everyone!' })).toThrow(/TRUST_PROXY/);
  });
});
