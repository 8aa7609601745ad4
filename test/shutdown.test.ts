// The server stops cleanly on SIGTERM: a request in flight finishes, then the process exits with 0.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomToken } from '../src/shared/crypto.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { databaseUrlOf, startAppProcess, stopAppProcess, type AppProcess } from './helpers/processes.ts';

let database: TestDatabase;
let app: AppProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startAppProcess({
    DATABASE_URL: databaseUrlOf(database.config),
    SECRET_KEY: randomToken(32),
    DATA_DIR: testConfig({ database: database.config }).dataDir,
  });
}, 120_000);

afterAll(async () => {
  await stopAppProcess(app);
  await database.drop();
});

it('finishes a request in flight and exits 0 on SIGTERM', async () => {
  const body = JSON.stringify({ email: 'someone@example.com', password: 'Some-password-1' });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      `${app.url}/portal/api/sign-in`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    // Half the body now: the request is in flight when the signal arrives; the rest after it.
    req.write(body.slice(0, 10));
    setTimeout(() => {
      app.child.kill('SIGTERM');
      setTimeout(() => req.end(body.slice(10)), 300);
    }, 300);
  });
  const exited = new Promise<number | null>((resolve) => app.child.once('exit', (code) => resolve(code)));
  const answered = await response;
  // The request ran to its end: without a session it is refused for its missing CSRF token.
  expect(answered.status).toBe(403);
  expect(JSON.parse(answered.body).code).toBe('csrf-invalid');
  expect(await exited).toBe(0);
  await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
}, 60_000);
