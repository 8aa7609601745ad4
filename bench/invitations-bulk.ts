// Bulk create: 10,000 invitations through the service (codes, hashing, encryption, validation,
// links, audit) against a plain batched insert of the same rows through Kysely, in the same run.
import { systemActor } from '../src/context.ts';
import type { InvitationRow } from '../src/db/schema.ts';
import { newId } from '../src/shared/ids.ts';
import { nowIso } from '../src/shared/time.ts';
import { bulkCreateInvitations } from '../src/invitations/invitations.service.ts';
import { fmt, heading, median, openBenchDatabase, time, type BenchDatabase } from './lib.ts';

const N = 10_000;
const ROUNDS = 3;

async function seedContacts(b: BenchDatabase): Promise<string[]> {
  const now = nowIso();
  const ids: string[] = [];
  const rows = Array.from({ length: N }, (_, i) => {
    const id = newId();
    ids.push(id);
    return {
      id,
      first_name: 'Bench',
      last_name: String(i),
      emailaddress1: `bench${i}@example.com`,
      created_at: now,
      updated_at: now,
    };
  });
  for (let i = 0; i < rows.length; i += 500)
    await b.ctx.db
      .insertInto('contacts')
      .values(rows.slice(i, i + 500))
      .execute();
  return ids;
}

async function clear(b: BenchDatabase): Promise<void> {
  await b.ctx.db.deleteFrom('invitation_invited_contacts').execute();
  await b.ctx.db.deleteFrom('invitations').execute();
  await b.ctx.db.deleteFrom('audit_log').execute();
}

/** The baseline: the same invitation and link rows, prepared in memory, inserted in batches in one transaction. */
async function plainInsert(b: BenchDatabase, contactIds: string[]): Promise<void> {
  const now = nowIso();
  const rows: InvitationRow[] = contactIds.map((contactId, i) => ({
    id: newId(),
    name: `Invitation for Bench ${i}`,
    type: 'single',
    owner_id: null,
    sign_in_provider_id: null,
    reminder_schedule: null,
    code_hash: `hash-${i}-${contactId}`,
    code_encrypted: `enc-${i}`,
    expires_at: null,
    inviter_contact_id: null,
    assign_to_account_id: null,
    redeem_workflow_id: null,
    max_redemptions: 1,
    redemption_count: 0,
    status: 'new',
    status_before_inactive: null,
    binding: 'any',
    allowed_domains: null,
    locale: null,
    created_by: null,
    created_at: now,
    updated_at: now,
    sent_at: null,
  }));
  await b.ctx.db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 500)
      await tx
        .insertInto('invitations')
        .values(rows.slice(i, i + 500))
        .execute();
    const links = rows.map((r, i) => ({ invitation_id: r.id, contact_id: contactIds[i] as string }));
    for (let i = 0; i < links.length; i += 2000)
      await tx
        .insertInto('invitation_invited_contacts')
        .values(links.slice(i, i + 2000))
        .execute();
  });
}

export async function benchBulkCreate(
  dialect: 'sqlite' | 'postgres',
): Promise<{ service: number; plain: number; ratio: number }> {
  const b = await openBenchDatabase(dialect);
  try {
    const contactIds = await seedContacts(b);
    const plainMs: number[] = [];
    const serviceMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await clear(b);
      plainMs.push((await time(() => plainInsert(b, contactIds))).ms);
      await clear(b);
      serviceMs.push((await time(() => bulkCreateInvitations(b.ctx, systemActor, { contactIds, settings: {} }))).ms);
    }
    const plain = N / (median(plainMs) / 1000);
    const service = N / (median(serviceMs) / 1000);
    return { service, plain, ratio: service / plain };
  } finally {
    await b.close();
  }
}

export async function runBulkCreateBench(): Promise<string[]> {
  heading(`Bulk create: ${fmt(N)} invitations (median of ${ROUNDS})`);
  const lines: string[] = [];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const r = await benchBulkCreate(dialect);
    const line = `${dialect.padEnd(8)} service ${fmt(r.service)} invitations/s | plain Kysely insert ${fmt(r.plain)} rows/s | ratio ${fmt(r.ratio, 2)}`;
    console.log(line);
    lines.push(line);
  }
  return lines;
}
