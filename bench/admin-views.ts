// The back office's views with 100,000 contacts and 100,000 invitations: the first page, a filtered
// page, a search and a page deep in the cursor chain, each as the HTML view (/admin/…, signed in)
// and as the same list through the JSON API (/api/v1/…), measured in the same run on the same
// server. Times are the server's own (Fastify's reply.elapsedTime, recorded in an onResponse hook)
// for requests sent one after another over a keep-alive loopback connection. The views' search is
// Quick Find (begins with); the API's `q` matches anywhere, so the search rows compare the two ways
// of finding the same records.
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.ts';
import { createFirstAdmin } from '../src/bootstrap.ts';
import { createToken } from '../src/tokens/tokens.service.ts';
import { systemActor } from '../src/context.ts';
import { newId } from '../src/shared/ids.ts';
import { randomToken } from '../src/shared/crypto.ts';
import { fmt, heading, openBenchDatabase, type BenchDatabase } from './lib.ts';

const ROWS = Number(process.env.BENCH_VIEW_ROWS ?? 100_000);
const ACCOUNTS = 1000;
const SAMPLES = Number(process.env.BENCH_VIEW_SAMPLES ?? 200);
const WARMUP = 20;

async function seed(b: BenchDatabase): Promise<{ accountId: string; contactIds: string[] }> {
  const db = b.ctx.db;
  const t0 = Date.parse('2026-01-05T08:00:00Z');
  const at = (i: number) => new Date(t0 + i * 60_000).toISOString();
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
    id: newId(),
    name: `Bench Account ${String(i).padStart(4, '0')}`,
    parent_account_id: null,
    created_at: at(0),
    updated_at: at(0),
  }));
  for (let i = 0; i < accounts.length; i += 500)
    await db
      .insertInto('accounts')
      .values(accounts.slice(i, i + 500))
      .execute();
  const first = ['Maja', 'Ida', 'Emil', 'Noah', 'Freja', 'Oscar', 'Alma', 'Karl', 'Ella', 'William'];
  const last = ['Jensen', 'Nielsen', 'Hansen', 'Pedersen', 'Andersen', 'Christensen', 'Larsen', 'Sørensen'];
  const contactIds: string[] = [];
  for (let i = 0; i < ROWS; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, ROWS - i) }, (_, k) => {
      const n = i + k;
      const id = newId();
      contactIds.push(id);
      return {
        id,
        first_name: first[n % first.length] as string,
        last_name: `${last[n % last.length]} ${n}`,
        emailaddress1: `contact${n}@example.com`,
        parent_account_id: (accounts[n % ACCOUNTS] as { id: string }).id,
        created_at: at(n),
        updated_at: at(n),
      };
    });
    await db.insertInto('contacts').values(rows).execute();
  }
  const statuses = ['new', 'sent', 'sent', 'redeemed', 'inactive'] as const;
  for (let i = 0; i < ROWS; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, ROWS - i) }, (_, k) => {
      const n = i + k;
      const status = statuses[n % statuses.length] as (typeof statuses)[number];
      return {
        id: newId(),
        name: `Invitation for contact ${n}`,
        type: 'single' as const,
        owner_id: null,
        code_hash: `bench-${n}-${randomToken(8)}`,
        code_encrypted: null,
        expires_at: n % 7 === 0 ? at(n) : null,
        inviter_contact_id: null,
        assign_to_account_id: null,
        redeem_workflow_id: null,
        max_redemptions: 1,
        redemption_count: status === 'redeemed' ? 1 : 0,
        status,
        status_before_inactive: status === 'inactive' ? 'sent' : null,
        binding: 'any' as const,
        allowed_domains: null,
        locale: null,
        created_by: null,
        created_at: at(n),
        updated_at: at(n),
        sent_at: status === 'new' ? null : at(n),
      };
    });
    await db.insertInto('invitations').values(rows).execute();
    await db
      .insertInto('invitation_invited_contacts')
      .values(rows.map((r, k) => ({ invitation_id: r.id, contact_id: contactIds[i + k] as string })))
      .execute();
  }
  return { accountId: (accounts[7] as { id: string }).id, contactIds };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

interface Case {
  name: string;
  view: string;
  api: string;
}

export async function benchAdminViews(dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const b = await openBenchDatabase(dialect);
  const { app } = await buildApp({ config: b.ctx.config, database: b.handle });
  const serverMs = new Map<string, number[]>();
  let recording: string | null = null;
  app.addHook('onResponse', async (_req, reply) => {
    if (recording) serverMs.get(recording)?.push(reply.elapsedTime);
  });
  try {
    const { accountId } = await seed(b);
    const admin = await createFirstAdmin(
      b.ctx,
      { email: 'bench@example.com', fullName: 'Bench Admin', password: 'Bench-password-1' },
      'environment',
    );
    if (admin.result !== 'created') throw new Error('no admin');
    const token = (await createToken(b.ctx, systemActor, { name: 'bench', userId: admin.userId })).token;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // Sign in through the form, as a browser does.
    const signInPage = await fetch(`${base}/admin/sign-in`);
    const pre = (signInPage.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] ?? '';
    const signedIn = await fetch(`${base}/admin/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email: 'bench@example.com', password: 'Bench-password-1' }).toString(),
    });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const auth = { authorization: `Bearer ${token}` };

    // A cursor 40,000 rows deep, walked through the API (the views take the same cursors).
    const deep = async (list: string) => {
      let cursor = '';
      for (let i = 0; i < 80; i++) {
        const page = (await (
          await fetch(`${base}/api/v1/${list}?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth })
        ).json()) as {
          nextCursor: string | null;
        };
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return cursor;
    };
    const contactsCursor = await deep('contacts');
    const invitationsCursor = await deep('invitations');
    const cases: Case[] = [
      { name: 'contacts: first page', view: '/admin/contacts', api: '/api/v1/contacts?limit=50' },
      {
        name: 'contacts: one account',
        view: `/admin/contacts?accountId=${accountId}`,
        api: `/api/v1/contacts?limit=50&accountId=${accountId}`,
      },
      {
        name: 'contacts: search',
        view: '/admin/contacts?q=contact4711',
        api: '/api/v1/contacts?limit=50&q=contact4711',
      },
      {
        name: 'contacts: 40,000 deep',
        view: `/admin/contacts?cursor=${contactsCursor}`,
        api: `/api/v1/contacts?limit=50&cursor=${contactsCursor}`,
      },
      { name: 'invitations: first page', view: '/admin/invitations?view=all', api: '/api/v1/invitations?limit=50' },
      {
        name: 'invitations: Sent',
        view: '/admin/invitations?view=sent',
        api: '/api/v1/invitations?limit=50&status=sent',
      },
      {
        name: 'invitations: search',
        view: '/admin/invitations?view=all&q=Invitation%20for%20contact%204711',
        api: '/api/v1/invitations?limit=50&q=Invitation%20for%20contact%204711',
      },
      {
        name: 'invitations: 40,000 deep',
        view: `/admin/invitations?view=all&cursor=${invitationsCursor}`,
        api: `/api/v1/invitations?limit=50&cursor=${invitationsCursor}`,
      },
    ];
    const lines: string[] = [];
    for (const c of cases) {
      const measure = async (key: string, url: string, headers: Record<string, string>) => {
        serverMs.set(key, []);
        for (let i = 0; i < WARMUP + SAMPLES; i++) {
          recording = i >= WARMUP ? key : null;
          const res = await fetch(`${base}${url}`, { headers });
          if (res.status !== 200) throw new Error(`${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
          await res.arrayBuffer();
        }
        recording = null;
        return serverMs.get(key) as number[];
      };
      const view = await measure(`${c.name} view`, c.view, { cookie });
      const api = await measure(`${c.name} api`, c.api, auth);
      const line = `${dialect.padEnd(8)} ${c.name.padEnd(26)} view p50 ${fmt(pct(view, 50), 1)} ms p99 ${fmt(pct(view, 99), 1)} ms | API p50 ${fmt(pct(api, 50), 1)} ms p99 ${fmt(pct(api, 99), 1)} ms | p99 ratio ${fmt(pct(view, 99) / pct(api, 99), 2)}`;
      console.log(line);
      lines.push(line);
    }
    return lines;
  } finally {
    await app.close();
    await b.close();
  }
}

export async function runAdminViewsBench(): Promise<string[]> {
  heading(
    `Back-office views: ${fmt(ROWS)} contacts and ${fmt(ROWS)} invitations (server time, ${SAMPLES} requests each)`,
  );
  const lines: string[] = [];
  for (const dialect of ['sqlite', 'postgres'] as const) lines.push(...(await benchAdminViews(dialect)));
  return lines;
}
