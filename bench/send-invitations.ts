// Sending: 10,000 invitations through the Send Invitation workflow and the real job worker (a run
// per invitation: decrypt the code, render the template, queue the email and set `sent` in one
// transaction; then delivery with its state changes around the hand-over) to an SMTP server on
// loopback that acknowledges at once and counts. The baseline, in the same run and to the same
// server: nodemailer's pool sending 10,000 pre-rendered messages. Prints emails/second, peak RSS
// and the ratio. `BENCH_SEND_N` changes the count; `npm run bench -- send` runs it alone.
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { systemActor, type Actor } from '../src/context.ts';
import { newId } from '../src/shared/ids.ts';
import { nowIso } from '../src/shared/time.ts';
import { bulkCreateInvitations } from '../src/invitations/invitations.service.ts';
import { runWorkflow } from '../src/workflows/workflows.service.ts';
import { jobHandlers } from '../src/jobs/job-registry.ts';
import { createWorker } from '../src/jobs/worker.ts';
import { createSmtpTransport } from '../src/email/transport.ts';
import { fmt, heading, openBenchDatabase, type BenchDatabase } from './lib.ts';

const N = Number(process.env.BENCH_SEND_N ?? 10_000);
const TIME_LIMIT_MS = 150_000;

interface CountingServer {
  url: string;
  port: number;
  count: number;
  close(): Promise<void>;
}

async function countingSmtpServer(): Promise<CountingServer> {
  const state = { url: '', port: 0, count: 0, close: async () => {} };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        state.count++;
        callback(null, `Ok: queued as B${state.count}`);
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.server.address() as AddressInfo).port;
  state.url = `smtp://127.0.0.1:${state.port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

function peakRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

const waitFor = async (check: () => boolean | Promise<boolean>, what: string) => {
  const end = Date.now() + TIME_LIMIT_MS;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The baseline: nodemailer's pool, the same number of ready-made messages, to the same server. */
async function nodemailerBaseline(
  server: CountingServer,
  messages: Array<{ from: string; to: string; subject: string; html: string; text: string }>,
): Promise<number> {
  const transporter = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: server.port,
    secure: false,
    ignoreTLS: true,
    maxConnections: 5,
    maxMessages: 1000,
  });
  const start = server.count;
  const t0 = performance.now();
  let next = 0;
  // 50 in flight: enough to keep 5 pooled connections busy.
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < messages.length) {
        const m = messages[next++]!;
        await transporter.sendMail({ ...m, messageId: `<${newId()}@bench>` });
      }
    }),
  );
  await waitFor(() => server.count - start >= messages.length, 'the baseline messages');
  const ms = performance.now() - t0;
  transporter.close();
  return ms;
}

async function seed(b: BenchDatabase): Promise<{ invitationIds: string[]; actor: Actor }> {
  const now = nowIso();
  const ownerId = newId();
  await b.ctx.db
    .insertInto('system_users')
    .values({
      id: ownerId,
      email: 'owner@example.com',
      full_name: 'Olivia Owner',
      role: 'admin',
      password_hash: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const contactIds: string[] = [];
  const rows = Array.from({ length: N }, (_, i) => {
    const id = newId();
    contactIds.push(id);
    return {
      id,
      first_name: 'Bench',
      last_name: String(i),
      emailaddress1: `bench${i}@example.com`,
      locale: i % 2 ? 'da' : 'en',
      created_at: now,
      updated_at: now,
    };
  });
  for (let i = 0; i < rows.length; i += 500)
    await b.ctx.db
      .insertInto('contacts')
      .values(rows.slice(i, i + 500))
      .execute();
  const actor: Actor = { type: 'user', id: ownerId, role: 'admin' };
  const created = await bulkCreateInvitations(b.ctx, actor, {
    contactIds,
    settings: { expiresAt: new Date(Date.now() + 30 * 86400_000).toISOString() },
  });
  return { invitationIds: created.items.map((i) => i.id), actor };
}

async function benchOne(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const b = await openBenchDatabase(dialect, 50);
  const server = await countingSmtpServer();
  try {
    const { invitationIds, actor } = await seed(b);
    const workflow = await b.ctx.db
      .selectFrom('workflows')
      .select('id')
      .where('key', '=', 'send-invitation')
      .executeTakeFirstOrThrow();

    // Ours: Run workflow on every invitation, the real worker, the SMTP transport.
    const rss = peakRss();
    const transport = createSmtpTransport(server.url);
    const worker = createWorker(b.ctx, jobHandlers(b.ctx, transport), { pollMs: 50, concurrency: 50 });
    const t0 = performance.now();
    await runWorkflow(b.ctx, actor ?? systemActor, workflow.id, invitationIds);
    worker.start();
    await waitFor(() => server.count >= N, 'every invitation email');
    const oursMs = performance.now() - t0;
    const peak = rss.stop();
    await worker.stop();
    await transport.close();
    const runs = await b.ctx.db
      .selectFrom('workflow_runs')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const sent = await b.ctx.db
      .selectFrom('emails')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();

    // The baseline: the very emails our run rendered, sent by nodemailer alone.
    const messages = (
      await b.ctx.db
        .selectFrom('emails')
        .innerJoin('email_bodies', 'email_bodies.email_id', 'emails.id')
        .select(['from_address', 'to_address', 'subject', 'html', 'text'])
        .execute()
    ).map((e) => ({
      from: e.from_address,
      to: e.to_address,
      subject: e.subject,
      html: e.html,
      text: e.text,
    }));
    const baseMs = await nodemailerBaseline(server, messages);

    const ours = (N / oursMs) * 1000;
    const base = (N / baseMs) * 1000;
    console.log(
      `${dialect}: Send Invitation, ${fmt(N)} invitations → ${fmt(server.count - N)} baseline + ${fmt(N)} ours received`,
    );
    console.log(
      `  runs: ${runs.map((r) => `${r.status} ${fmt(Number(r.n))}`).join(', ')}; emails sent: ${fmt(Number(sent.n))}`,
    );
    console.log(
      `  ours (workflow + worker + delivery): ${fmt(oursMs / 1000, 2)} s, ${fmt(ours)} emails/s, peak RSS ${fmt(peak / 1024 / 1024)} MB`,
    );
    console.log(`  nodemailer pool, pre-rendered:       ${fmt(baseMs / 1000, 2)} s, ${fmt(base)} emails/s`);
    console.log(`  ratio ours / nodemailer: ${fmt(ours / base, 2)} (aim ≥ 0.50)`);
  } finally {
    await server.close();
    await b.close();
  }
}

export async function runSendInvitationsBench(): Promise<void> {
  heading(`Sending ${fmt(N)} invitations through Send Invitation and the worker vs nodemailer alone`);
  const dialects = (process.env.BENCH_SEND_DB ?? 'sqlite').split(',') as Array<'sqlite' | 'postgres'>;
  for (const d of dialects) await benchOne(d);
}
