// Reminders: 10,000 invitations with a reminder due, found through the index, rendered, claimed in
// batches (one guarded statement and one transaction per batch of REMINDER_BATCH) and queued as an
// email with its delivery job (sendDueReminders), against a baseline in the same run that does less:
// the same reminders found and claimed in the same batches with plain Kysely (one UPDATE … RETURNING
// per batch) and one plain job row each, in one transaction per batch: no rendering, no invitation
// locks, no email rows, no sealed secrets. `BENCH_REMINDERS_N` changes the count.
import { systemActor } from '../src/context.ts';
import { bulkCreateInvitations } from '../src/invitations/invitations.service.ts';
import { REMINDER_BATCH, sendDueReminders } from '../src/invitations/lifecycle-jobs.ts';
import { enqueueJobs } from '../src/jobs/jobs.ts';
import { newId } from '../src/shared/ids.ts';
import { nowIso } from '../src/shared/time.ts';
import { benchDialects, fmt, heading, openBenchDatabase, time } from './lib.ts';

const N = Number(process.env.BENCH_REMINDERS_N ?? 10_000);

async function benchReminders(dialect: 'sqlite' | 'postgres') {
  const b = await openBenchDatabase(dialect);
  try {
    const now = nowIso();
    const contacts = Array.from({ length: N }, (_, i) => ({
      id: newId(),
      first_name: 'Bench',
      last_name: String(i),
      emailaddress1: `reminder${i}@example.com`,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < N; i += 500)
      await b.ctx.db
        .insertInto('contacts')
        .values(contacts.slice(i, i + 500))
        .execute();
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const created = await bulkCreateInvitations(b.ctx, systemActor, {
      contactIds: contacts.map((c) => c.id),
      settings: { expiresAt },
    });
    await b.ctx.db.updateTable('invitations').set({ status: 'sent', sent_at: now }).execute();
    const due = new Date(Date.now() - 1000).toISOString();
    const reminders = created.items.map((it) => ({
      id: newId(),
      invitation_id: it.id,
      due_at: due,
      status: 'pending' as const,
      sent_at: null,
      created_at: now,
    }));
    for (let i = 0; i < N; i += 1000)
      await b.ctx.db
        .insertInto('invitation_reminders')
        .values(reminders.slice(i, i + 1000))
        .execute();

    const claimAt = new Date().toISOString();
    let plainCount = 0;
    const baseline = await time(async () => {
      for (;;) {
        const n = await b.ctx.db.transaction().execute(async (tx) => {
          const claimed = await tx
            .updateTable('invitation_reminders')
            .set({ status: 'sent', sent_at: claimAt })
            .where('id', 'in', (eb) =>
              eb
                .selectFrom('invitation_reminders')
                .select('id')
                .where('status', '=', 'pending')
                .where('due_at', '<=', claimAt)
                .orderBy('status')
                .orderBy('due_at')
                .limit(REMINDER_BATCH),
            )
            .returning(['id', 'invitation_id'])
            .execute();
          await enqueueJobs(
            tx,
            claimed.map((r) => ({ type: 'bench-noop', payload: { invitationId: r.invitation_id } })),
          );
          return claimed.length;
        });
        plainCount += n;
        if (n === 0) break;
      }
    });
    // The same reminders due again for the product's run.
    await b.ctx.db.updateTable('invitation_reminders').set({ status: 'pending', sent_at: null }).execute();
    await b.ctx.db.deleteFrom('jobs').execute();
    const run = await time(() => sendDueReminders(b.ctx, { limit: N }));
    if (plainCount !== N) throw new Error(`the baseline claimed ${plainCount}, not ${N}`);
    if (run.result.sent !== N) throw new Error(`expected ${N} reminders sent, got ${run.result.sent}`);
    const service = N / (run.ms / 1000);
    const plain = N / (baseline.ms / 1000);
    return { service, plain, ratio: service / plain, ms: run.ms };
  } finally {
    await b.close();
  }
}

export async function runRemindersBench(): Promise<string[]> {
  heading(
    `Reminders: ${fmt(N)} due reminders found, rendered, claimed and queued (email + job), ${REMINDER_BATCH} a transaction`,
  );
  const lines: string[] = [];
  for (const dialect of benchDialects()) {
    const r = await benchReminders(dialect);
    const line = `${dialect.padEnd(8)} reminders ${fmt(r.service)}/s (${fmt(r.ms)} ms) | plain batched claim + one job row each ${fmt(r.plain)}/s | ratio ${fmt(r.ratio, 2)}`;
    console.log(line);
    lines.push(line);
  }
  return lines;
}
