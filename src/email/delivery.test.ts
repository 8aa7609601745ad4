import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.ts';
import { tempDir } from '../../test/helpers/temp.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { newId } from '../shared/ids.ts';
import { createWorker, runDueJobsOnce, type JobContext } from '../jobs/worker.ts';
import { DELIVER_EMAIL_JOB, queueEmail, type EmailRow, type QueueEmailInput } from './email.service.ts';
import { findEmail } from './email.repo.ts';
import { emailJobHandlers, OUTCOME_UNKNOWN, RETRY_UNKNOWN_SETTING } from './delivery.ts';
import { forgetCachedSettings } from '../site-settings/site-settings.service.ts';
import { startBrokenSmtpServer } from './testing/broken-smtp-server.ts';
import { createLocalStoreTransport, createSmtpTransport, smtpPoolOptions, type MailTransport } from './transport.ts';
import { startTestSmtpServer, type TestSmtpServer } from './testing/smtp-test-server.ts';

const database = useTestDatabase({ poolSize: 20 });
const ctx: JobContext = database;

const fast = { pollMs: 20, leaseMs: 2_000, concurrency: 10, backoff: { baseMs: 50, maxMs: 500 } };

const emailInput = (n: number, regardingId = newId()): QueueEmailInput => ({
  toAddress: `person${n}@example.com`,
  fromAddress: '"Portal" <portal@example.com>',
  subject: `Invitation ${n}`,
  html: `<p>Hello number ${n}</p>`,
  text: `Hello number ${n}`,
  regardingType: 'invitation',
  regardingId,
});

async function queue(count: number, regardingId = newId()): Promise<EmailRow[]> {
  return database.db.transaction().execute(async (tx) => {
    const rows: EmailRow[] = [];
    for (let i = 0; i < count; i++) rows.push(await queueEmail(tx, emailInput(i, regardingId)));
    return rows;
  });
}

const email = async (id: string) => (await findEmail(database.db, id)) as EmailRow;
const jobOf = async (emailId: string) =>
  database.db
    .selectFrom('jobs')
    .selectAll()
    .where('type', '=', DELIVER_EMAIL_JOB)
    .where('payload', '=', JSON.stringify({ emailId }))
    .executeTakeFirstOrThrow();

async function withServer<T>(
  options: Parameters<typeof startTestSmtpServer>[0],
  fn: (server: TestSmtpServer, transport: MailTransport) => Promise<T>,
): Promise<T> {
  const server = await startTestSmtpServer(options);
  const transport = createSmtpTransport(server.url);
  try {
    return await fn(server, transport);
  } finally {
    await transport.close();
    await server.close();
  }
}

describe('email delivery over SMTP', () => {
  it('delivers a queued email with its stored Message-ID and records it as sent', async () => {
    await withServer({}, async (server, transport) => {
      const [row] = (await queue(1)) as [EmailRow];
      expect(row).toMatchObject({ status: 'pending', attempts: 0 });
      expect(row.message_id).toMatch(/^<[0-9a-f-]{36}@portal-invitations>$/);
      await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);

      expect(server.received).toHaveLength(1);
      const got = server.received[0]!;
      expect(got.messageId).toBe(row.message_id);
      expect(got.to).toEqual(['person0@example.com']);
      expect(got.from).toBe('portal@example.com');
      expect(got.subject).toBe('Invitation 0');
      expect(got.html).toContain('<p>Hello number 0</p>');
      expect(got.text?.trim()).toBe('Hello number 0');
      const after = await email(row.id);
      expect(after).toMatchObject({ status: 'sent', attempts: 1, provider_message_id: 'Q1', last_error: null });
      expect(after.sent_at).not.toBeNull();
      expect((await jobOf(row.id)).status).toBe('succeeded');

      // Running the job again (a retry, a restart) sends nothing.
      await database.db
        .updateTable('jobs')
        .set({ status: 'queued' })
        .where('id', '=', (await jobOf(row.id)).id)
        .execute();
      await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
      expect(server.received).toHaveLength(1);
    });
  });

  it('retries after 451 and delivers exactly once, with two attempts', async () => {
    await withServer(
      { reply: (_id, arrival) => (arrival === 1 ? { code: 451, message: 'Try again later' } : undefined) },
      async (server, transport) => {
        const [row] = (await queue(1)) as [EmailRow];
        const worker = createWorker(ctx, emailJobHandlers(ctx, transport), fast);
        worker.start();
        await waitUntil(async () => (await email(row.id)).status === 'sent', 10_000, 'the email to be sent');
        await worker.stop();
        expect(server.arrivals).toBe(2);
        expect(server.countsByMessageId().get(row.message_id)).toBe(1);
        expect(server.received).toHaveLength(1);
        expect(await email(row.id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
        expect(await jobOf(row.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
      },
    );
  });

  it('fails the email and its job at once on 550, keeping the server reply', async () => {
    await withServer({ reply: () => ({ code: 550, message: 'Mailbox unavailable' }) }, async (server, transport) => {
      const [row] = (await queue(1)) as [EmailRow];
      const summary = await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
      expect(summary).toMatchObject({ claimed: 1, failed: 1 });
      expect(server.received).toHaveLength(0);
      const after = await email(row.id);
      expect(after).toMatchObject({ status: 'failed', attempts: 1, sent_at: null });
      expect(after.last_error).toMatch(/^550 Mailbox unavailable/);
      const job = await jobOf(row.id);
      expect(job.status).toBe('failed');
      expect(job.last_error).toMatch(/550 Mailbox unavailable/);
    });
  });

  it('keeps an email pending for a retry with back-off while the server refuses connections', async () => {
    // A port nobody listens on, then a server on it.
    const probe = await startTestSmtpServer();
    const url = probe.url;
    await probe.close();
    const transport = createSmtpTransport(url);
    const [row] = (await queue(1)) as [EmailRow];
    await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
    const after = await email(row.id);
    expect(after).toMatchObject({ status: 'pending', attempts: 1 });
    expect(after.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect((await jobOf(row.id)).status).toBe('queued');
    await transport.close();
    await database.db.updateTable('emails').set({ status: 'failed' }).where('id', '=', row.id).execute();
  });

  /** Runs the delivery worker in a child process, kills it with SIGKILL when `killWhen` holds, then lets a worker here finish. */
  async function crashAndRecover(
    server: TestSmtpServer,
    killWhen: (output: string) => Promise<boolean> | boolean,
    env: Record<string, string> = {},
  ) {
    const leaseMs = 1_500;
    const survivorTransport = createSmtpTransport(server.url);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'testing', 'delivery-worker-process.ts')],
      {
        env: {
          ...process.env,
          TEST_DB_CONFIG: JSON.stringify(database.config),
          SMTP_URL: server.url,
          LEASE_MS: String(leaseMs),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    try {
      await waitUntil(() => killWhen(output), 15_000, 'the first worker to deliver some');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const leasesLeft = await database.db
        .selectFrom('jobs')
        .select('id')
        .where('type', '=', DELIVER_EMAIL_JOB)
        .where('status', '=', 'running')
        .execute();
      const receivedAtKill = server.received.length;

      // The survivor's clock is a lease ahead: every lease the dead worker held has run out for it,
      // without waiting for that to happen.
      const worker = createWorker(ctx, emailJobHandlers(ctx, survivorTransport), {
        ...fast,
        workerId: 'survivor',
        now: () => new Date(Date.now() + leaseMs),
      });
      worker.start();
      await waitUntil(
        async () => {
          const open = await database.db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('type', '=', DELIVER_EMAIL_JOB)
            .where('status', 'in', ['queued', 'running'])
            .executeTakeFirstOrThrow();
          return Number(open.n) === 0;
        },
        20_000,
        'every job to finish',
      );
      await worker.stop();
      return { leasesLeft: leasesLeft.length, receivedAtKill };
    } finally {
      child.kill('SIGKILL');
      await survivorTransport.close();
    }
  }

  it('a worker that dies in the middle of 200 emails holding leases: after they run out, each email arrives exactly once', async () => {
    const server = await startTestSmtpServer();
    try {
      const rows = await queue(200);
      // The first process runs 60 jobs, then hangs on every job it claims next (all its slots),
      // and is killed there: leases held, their emails still pending.
      const { leasesLeft, receivedAtKill } = await crashAndRecover(server, (output) => output.includes('hung'), {
        FREEZE_AFTER: '60',
      });
      expect(receivedAtKill).toBeGreaterThanOrEqual(50);
      expect(await database.db.selectFrom('emails').select('id').where('status', '=', 'sending').execute()).toEqual([]);
      expect(receivedAtKill).toBeLessThan(200);
      expect(leasesLeft).toBeGreaterThan(0);
      const counts = server.countsByMessageId();
      expect(new Set(counts.keys())).toEqual(new Set(rows.map((r) => r.message_id)));
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
      const statuses = await database.db
        .selectFrom('emails')
        .select('status')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      expect(statuses.every((e) => e.status === 'sent')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('a worker killed at a random moment of 200 deliveries: nothing arrives twice, and every email is sent or visibly "outcome unknown"', async () => {
    const server = await startTestSmtpServer({ delayMs: 10 });
    try {
      const rows = await queue(200);
      const { leasesLeft } = await crashAndRecover(server, () => server.received.length >= 60);
      expect(leasesLeft).toBeGreaterThan(0);
      const counts = server.countsByMessageId();
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
      const after = await database.db
        .selectFrom('emails')
        .select(['message_id', 'status', 'last_error'])
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      const unknown = after.filter((e) => e.status !== 'sent');
      for (const e of after) {
        if (e.status === 'sent') expect(counts.get(e.message_id)).toBe(1);
        else {
          // Killed after the final "." and before the answer was recorded: not sent again.
          expect(e.status).toBe('unknown');
          expect(e.last_error).toMatch(new RegExp(`^${OUTCOME_UNKNOWN}`));
        }
      }
      // Only what was between "." and the recorded answer at the kill, at most one per connection slot.
      expect(unknown.length).toBeLessThanOrEqual(10);
    } finally {
      await server.close();
    }
  });

  it('marks an email found in "sending" with no known outcome as unknown, never sending it again', async () => {
    await withServer({}, async (server, transport) => {
      const [row] = (await queue(1)) as [EmailRow];
      // As if a process died after the final "." and before recording the server's answer.
      await database.db
        .updateTable('emails')
        .set({ status: 'sending', attempts: 1 })
        .where('id', '=', row.id)
        .execute();
      await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
      expect(server.received).toHaveLength(0);
      const after = await email(row.id);
      expect(after.status).toBe('unknown');
      expect(after.last_error).toMatch(new RegExp(`^${OUTCOME_UNKNOWN}`));
      expect((await jobOf(row.id)).status).toBe('failed');
    });
  });

  describe('a connection that breaks after the final "." (the server may have the message)', () => {
    const setRetryUnknown = async (value: string | null) => {
      await database.db.deleteFrom('site_settings').where('name', '=', RETRY_UNKNOWN_SETTING).execute();
      if (value !== null)
        await database.db
          .insertInto('site_settings')
          .values({ name: RETRY_UNKNOWN_SETTING, value, updated_at: new Date().toISOString() })
          .execute();
      forgetCachedSettings(ctx);
    };

    for (const breakage of ['drop', 'hang'] as const) {
      it(`${breakage === 'drop' ? 'a dropped connection' : 'a time-out'} ends as unknown, the same as a crash: never sent again by itself`, async () => {
        const server = await startBrokenSmtpServer((n) => (n === 1 ? breakage : undefined));
        const transport = createSmtpTransport(server.url, { timeouts: { socketMs: 300 } });
        try {
          const [row] = (await queue(1)) as [EmailRow];
          await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
          const after = await email(row.id);
          expect(after.status).toBe('unknown');
          expect(after.attempts).toBe(1);
          expect(after.last_error).toMatch(new RegExp(`^${OUTCOME_UNKNOWN}`));
          expect((await jobOf(row.id)).status).toBe('failed');
          // Later runs of the worker leave it alone: one copy reached the server.
          await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
          expect(server.arrived).toEqual([row.message_id]);
          expect((await email(row.id)).status).toBe('unknown');
        } finally {
          await transport.close();
          await server.close();
        }
      });
    }

    it('200 emails through a server that drops every seventh connection after DATA: each ends sent or unknown, none arrives twice', async () => {
      const server = await startBrokenSmtpServer((n) => (n % 7 === 0 ? 'drop' : undefined));
      const transport = createSmtpTransport(server.url);
      try {
        const rows = await queue(200);
        const worker = createWorker(ctx, emailJobHandlers(ctx, transport), { ...fast, workerId: 'through-drops' });
        worker.start();
        try {
          await waitUntil(async () => {
            const open = await database.db
              .selectFrom('emails')
              .select('id')
              .where(
                'id',
                'in',
                rows.map((r) => r.id),
              )
              .where('status', 'in', ['pending', 'sending'])
              .execute();
            return open.length === 0;
          }, 30_000);
        } finally {
          await worker.stop();
        }
        const after = await database.db
          .selectFrom('emails')
          .select(['message_id', 'status'])
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        const arrivals = new Map<string, number>();
        for (const id of server.arrived) arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
        expect([...arrivals.values()].every((n) => n === 1)).toBe(true);
        expect(after.every((e) => e.status === 'sent' || e.status === 'unknown')).toBe(true);
        const unknown = after.filter((e) => e.status === 'unknown');
        expect(unknown.length).toBe(Math.floor(200 / 7));
        // Each unknown one did reach the server once (it was dropped after the final "."); nothing was lost silently.
        for (const e of after) expect(arrivals.get(e.message_id)).toBe(1);
      } finally {
        await transport.close();
        await server.close();
      }
    });

    it('with Email/RetryUnknownOutcome "true" it is retried instead (at-least-once), with the same Message-ID', async () => {
      await setRetryUnknown('true');
      const server = await startBrokenSmtpServer((n) => (n === 1 ? 'drop' : undefined));
      const transport = createSmtpTransport(server.url);
      try {
        const [row] = (await queue(1)) as [EmailRow];
        await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
        expect(await email(row.id)).toMatchObject({ status: 'pending', attempts: 1 });
        await waitUntil(async () => {
          await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
          return (await email(row.id)).status === 'sent';
        });
        expect(await email(row.id)).toMatchObject({ status: 'sent', attempts: 2 });
        expect(server.arrived).toEqual([row.message_id, row.message_id]);
      } finally {
        await setRetryUnknown(null);
        await transport.close();
        await server.close();
      }
    });
  });

  it('queues nothing when the transaction rolls back', async () => {
    const regardingId = newId();
    await expect(
      database.db.transaction().execute(async (tx) => {
        await queueEmail(tx, emailInput(1, regardingId));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(
      await database.db.selectFrom('emails').selectAll().where('regarding_id', '=', regardingId).execute(),
    ).toEqual([]);
    const jobs = await database.db
      .selectFrom('jobs')
      .selectAll()
      .where('type', '=', DELIVER_EMAIL_JOB)
      .where('status', '=', 'queued')
      .execute();
    expect(jobs).toEqual([]);
  });
});

describe('local mail store', () => {
  it('writes a parseable .eml with the Message-ID and marks the email sent', async () => {
    const dataDir = tempDir('portal-mail-');
    const transport = createLocalStoreTransport(dataDir);
    const [row] = (await queue(1)) as [EmailRow];
    await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
    const file = join(dataDir, 'mail', `${row.id}.eml`);
    expect(existsSync(file)).toBe(true);
    const parsed = await simpleParser(readFileSync(file));
    expect(parsed.messageId).toBe(row.message_id);
    expect(parsed.subject).toBe('Invitation 0');
    expect(parsed.html).toContain('Hello number 0');
    expect(await email(row.id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      provider_message_id: `local:mail/${row.id}.eml`,
    });

    // An interrupted hand-over is settled by the store itself: the file is there, so it was sent.
    await database.db.updateTable('emails').set({ status: 'sending' }).where('id', '=', row.id).execute();
    await database.db
      .updateTable('jobs')
      .set({ status: 'queued' })
      .where('id', '=', (await jobOf(row.id)).id)
      .execute();
    await runDueJobsOnce(ctx, emailJobHandlers(ctx, transport), fast);
    expect((await email(row.id)).status).toBe('sent');
  });
});

describe('SMTP_URL', () => {
  it('skips STARTTLS on loopback or with ?ignoreTLS=true, takes a rate limit and credentials', () => {
    expect(smtpPoolOptions('smtp://127.0.0.1:2525')).toMatchObject({
      host: '127.0.0.1',
      port: 2525,
      secure: false,
      ignoreTLS: true,
    });
    expect(smtpPoolOptions('smtp://mail.example.com')).toMatchObject({ ignoreTLS: false, secure: false });
    expect(smtpPoolOptions('smtp://mail.example.com?ignoreTLS=true&rateLimit=20&maxConnections=2')).toMatchObject({
      ignoreTLS: true,
      rateLimit: 20,
      maxConnections: 2,
    });
    expect(smtpPoolOptions('smtps://u%40x:p%3Aw@mail.example.com')).toMatchObject({
      secure: true,
      auth: { user: 'u@x', pass: 'p:w' },
    });
  });
});
