// Redemptions per second over HTTP (contacts signed in beforehand, each POST redeems a group
// invitation as a different contact), 50 connections, with p50/p99 latency; against a bare Fastify
// route under the same load tool, and against the in-process ceiling (the same service call in a
// loop, one commit per redemption), all in the same run.
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { systemActor } from '../src/context.ts';
import { newId } from '../src/shared/ids.ts';
import { isoPlus, nowIso } from '../src/shared/time.ts';
import { randomToken } from '../src/shared/crypto.ts';
import { createInvitation } from '../src/invitations/invitations.service.ts';
import { redeemInvitation } from '../src/redemption/redemption.service.ts';
import {
  databaseUrlOf,
  freePort,
  startAppProcess,
  stopAppProcess,
  type AppProcess,
} from '../test/helpers/processes.ts';
import { fmt, heading, openBenchDatabase, time, type BenchDatabase } from './lib.ts';

const CONNECTIONS = 50;
// BENCH_REDEEM_N bounds a run on a loaded machine (the in-process ceiling and the bare route scale with it).
const HTTP_REDEMPTIONS = Number(process.env.BENCH_REDEEM_N) || 10_000;
const INPROCESS_REDEMPTIONS = Math.max(200, Math.round(HTTP_REDEMPTIONS / 5));
const BARE_REQUESTS = HTTP_REDEMPTIONS * 2;

interface Visitor {
  contactId: string;
  cookie: string;
  csrf: string;
}

async function seedVisitors(b: BenchDatabase, n: number): Promise<Visitor[]> {
  const now = nowIso();
  const visitors: Visitor[] = [];
  const contacts = [];
  const sessions = [];
  for (let i = 0; i < n; i++) {
    const contactId = newId();
    const sessionId = randomToken(32);
    contacts.push({
      id: contactId,
      first_name: 'Bench',
      last_name: String(i),
      emailaddress1: `redeemer${i}@example.com`,
      email_confirmed: 1,
      created_at: now,
      updated_at: now,
    });
    sessions.push({
      id_hash: b.ctx.secrets.hash('session', `id:${sessionId}`),
      contact_id: contactId,
      data: '{"signInMethod":"local","vouchedEmails":[]}',
      created_at: now,
      expires_at: isoPlus(3600_000),
      last_seen_at: now,
    });
    visitors.push({
      contactId,
      cookie: `portal_session=${sessionId}`,
      csrf: b.ctx.secrets.hash('session', `csrf:${sessionId}`),
    });
  }
  for (let i = 0; i < n; i += 250) {
    await b.ctx.db
      .insertInto('contacts')
      .values(contacts.slice(i, i + 250))
      .execute();
    await b.ctx.db
      .insertInto('sessions')
      .values(sessions.slice(i, i + 250))
      .execute();
  }
  return visitors;
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(
  url: string,
  amount: number,
  setup?: (req: autocannon.Request) => autocannon.Request,
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    amount,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    ...(setup ? { requests: [{ setupRequest: setup }] } : {}),
  });
  // Throughput over the whole run (autocannon's per-second average is coarse for short runs).
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function startBare(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, stop: () => child.kill('SIGTERM') };
}

export async function benchRedemption(dialect: 'sqlite' | 'postgres'): Promise<string> {
  const b = await openBenchDatabase(dialect);
  let app: AppProcess | undefined;
  try {
    const visitors = await seedVisitors(b, HTTP_REDEMPTIONS + INPROCESS_REDEMPTIONS);
    const inv = await createInvitation(b.ctx, systemActor, {
      name: 'Bench group',
      type: 'group',
      invitedContactIds: [],
    });

    // The ceiling: the same service call, in a loop, in-process.
    const local = visitors.slice(HTTP_REDEMPTIONS);
    const client = { ip: '127.0.0.1', userAgent: 'bench' };
    const { ms } = await time(async () => {
      for (const v of local)
        await redeemInvitation(b.ctx, { code: inv.code, contactId: v.contactId, client, signInMethod: 'local' });
    });
    const ceiling = local.length / (ms / 1000);

    app = await startAppProcess({
      DATABASE_URL: databaseUrlOf(b.config),
      SECRET_KEY: b.ctx.config.secretKey,
      DATA_DIR: b.ctx.config.dataDir,
      LOG_LEVEL: 'warn',
    });
    const remote = visitors.slice(0, HTTP_REDEMPTIONS);
    let next = 0;
    const body = JSON.stringify({ code: inv.code });
    const http = await load(`${app.url}/portal/api/redeem`, remote.length, (req) => {
      const v = remote[next++ % remote.length] as Visitor;
      return {
        ...req,
        method: 'POST',
        path: '/portal/api/redeem',
        body,
        headers: { 'content-type': 'application/json', cookie: v.cookie, 'x-csrf-token': v.csrf },
      };
    });
    const row = await b.ctx.db
      .selectFrom('invitations')
      .select('redemption_count')
      .where('id', '=', inv.id)
      .executeTakeFirstOrThrow();
    await stopAppProcess(app);
    app = undefined;

    const bare = await startBare();
    const bareResult = await load(`${bare.url}/bare`, BARE_REQUESTS);
    bare.stop();

    const line =
      `${dialect.padEnd(8)} HTTP ${fmt(http.rps)} redemptions/s, p50 ${fmt(http.p50)} ms, p99 ${fmt(http.p99)} ms (non-2xx ${http.non2xx}, errors ${http.errors}, count ${row.redemption_count}) | ` +
      `in-process ceiling ${fmt(ceiling)}/s → ratio ${fmt(http.rps / ceiling, 2)} | bare route ${fmt(bareResult.rps)} req/s → ratio ${fmt(http.rps / bareResult.rps, 3)}`;
    console.log(line);
    return line;
  } finally {
    if (app) await stopAppProcess(app);
    await b.close();
  }
}

export async function runRedemptionBench(): Promise<string[]> {
  heading(
    `Redemption over HTTP: ${CONNECTIONS} connections, ${fmt(HTTP_REDEMPTIONS)} redemptions by as many signed-in contacts`,
  );
  // BENCH_REDEEM_DB=sqlite or postgres runs one of the two.
  const dbs = (process.env.BENCH_REDEEM_DB ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
  const lines: string[] = [];
  for (const db of dbs) lines.push(await benchRedemption(db));
  return lines;
}
