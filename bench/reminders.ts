// Reminders: 10,000 invitations with a reminder due, found through the index and each claimed,
// rendered and queued as an email with its delivery job (sendDueReminders, one transaction each),
// against the baseline of 10,000 plain one-job transactions (enqueueJob) in the same run.
import { systemActor } from '../src/context.ts';
import { bulkCreateInvitations } from '../src/invitations/invitations.service.ts';
import { sendDueReminders } from '../src/invitations/lifecycle-jobs.ts';
import { enqueueJob } from '../src/jobs/jobs.ts';
import { newId } from '../src/shared/ids.ts';
import { nowIso } from '../src/shared/time.ts';
import { fmt, heading, openBenchDatabase, time } from './lib.ts';

const N = 10_000;

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

    const baseline = await time(async () => {
      for (let i = 0; i < N; i++)
        await b.ctx.db.transaction().execute((tx) => enqueueJob(tx, { type: 'bench-noop', payload: { i } }));
    });
    const run = await time(() => sendDueReminders(b.ctx, { limit: N }));
    if (run.result.sent !== N) throw new Error(`expected ${N} reminders sent, got ${run.result.sent}`);
    const service = N / (run.ms / 1000);
    const plain = N / (baseline.ms / 1000);
    return { service, plain, ratio: service / plain };
  } finally {
    await b.close();
  }
}

export async function runRemindersBench(): Promise<string[]> {
  heading(`Reminders: ${fmt(N)} due reminders found, claimed, rendered and queued`);
  const lines: string[] = [];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const r = await benchReminders(dialect);
    const line = `${dialect.padEnd(8)} reminders ${fmt(r.service)}/s | plain one-job transactions ${fmt(r.plain)}/s | ratio ${fmt(r.ratio, 2)}`;
    console.log(line);
    lines.push(line);
  }
  return lines;
}
