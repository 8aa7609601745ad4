// Several app processes, one database: 1,000 concurrent redemptions by 1,000 signed-in contacts
// at a group invitation with maximum 100. Exactly 100 win, 900 hear max-redemptions-reached,
// nothing answers 5xx, and the database agrees.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSecrets, randomToken } from '../src/shared/crypto.ts';
import { newId } from '../src/shared/ids.ts';
import { isoPlus, nowIso } from '../src/shared/time.ts';
import { createInvitation } from '../src/invitations/invitations.service.ts';
import { systemActor, type AppContext } from '../src/context.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { databaseUrlOf, startAppProcess, stopAppProcess, type AppProcess } from './helpers/processes.ts';
import { testConfig } from './helpers/app.ts';
import { createHttpClient } from './helpers/http.ts';

const PROCESSES = 4;
const REDEEMERS = 1000;
const MAX = 100;

let database: TestDatabase;
let processes: AppProcess[] = [];
const secretKey = randomToken(32);

beforeAll(async () => {
  database = await createTestDatabase();
  const env = {
    DATABASE_URL: databaseUrlOf(database.config),
    SECRET_KEY: secretKey,
    DATA_DIR: testConfig({ database: database.config }).dataDir,
  };
  processes = await Promise.all(Array.from({ length: PROCESSES }, () => startAppProcess(env)));
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map(stopAppProcess));
  await database?.drop();
});

it(`${PROCESSES} processes, ${REDEEMERS} concurrent redemptions, maximum ${MAX}: exactly ${MAX} succeed`, async () => {
  const ctx: AppContext = {
    config: testConfig({ database: database.config, secretKey }),
    db: database.db,
    dialect: database.dialect,
    secrets: createSecrets(secretKey),
  };
  const invitation = await createInvitation(ctx, systemActor, {
    name: 'Launch party',
    type: 'group',
    maxRedemptions: MAX,
    invitedContactIds: [],
  });

  // 1,000 contacts, each signed in beforehand: a session row as sign-in writes it.
  const now = nowIso();
  const visitors: Array<{ contactId: string; cookie: string; csrf: string }> = [];
  const contacts = [];
  const sessions = [];
  for (let i = 0; i < REDEEMERS; i++) {
    const contactId = newId();
    const sessionId = randomToken(32);
    contacts.push({
      id: contactId,
      first_name: 'Racer',
      last_name: String(i),
      emailaddress1: `racer${i}@example.com`,
      email_confirmed: 1,
      created_at: now,
      updated_at: now,
    });
    sessions.push({
      id_hash: ctx.secrets.hash('session', `id:${sessionId}`),
      contact_id: contactId,
      data: JSON.stringify({ signInMethod: 'local', vouchedEmails: [] }),
      created_at: now,
      expires_at: isoPlus(3600_000),
      last_seen_at: now,
    });
    visitors.push({
      contactId,
      cookie: `portal_session=${sessionId}`,
      csrf: ctx.secrets.hash('session', `csrf:${sessionId}`),
    });
  }
  for (let i = 0; i < REDEEMERS; i += 250) {
    await database.db
      .insertInto('contacts')
      .values(contacts.slice(i, i + 250))
      .execute();
    await database.db
      .insertInto('sessions')
      .values(sessions.slice(i, i + 250))
      .execute();
  }

  const http = createHttpClient(100);
  const responses = await Promise.all(
    visitors.map(async (v, i) => {
      const target = processes[i % PROCESSES] as AppProcess;
      const r = await http.post(
        `${target.url}/portal/api/redeem`,
        { code: invitation.code },
        { cookie: v.cookie, 'x-csrf-token': v.csrf },
      );
      return { status: r.status, body: JSON.parse(r.body) as { code?: string; contactId?: string } };
    }),
  );
  http.close();

  const byStatus = new Map<number, number>();
  for (const r of responses) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  expect(Object.fromEntries(byStatus)).toEqual({ 200: MAX, 409: REDEEMERS - MAX });
  expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'max-redemptions-reached')).toBe(true);

  const row = await database.db
    .selectFrom('invitations')
    .select(['redemption_count', 'status'])
    .where('id', '=', invitation.id)
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ redemption_count: MAX, status: 'redeemed' });
  const redemptions = await database.db
    .selectFrom('redemptions')
    .select('contact_id')
    .where('invitation_id', '=', invitation.id)
    .execute();
  expect(redemptions).toHaveLength(MAX);
  const winners = new Set(responses.filter((r) => r.status === 200).map((r) => r.body.contactId));
  expect(new Set(redemptions.map((r) => r.contact_id))).toEqual(winners);
}, 180_000);
