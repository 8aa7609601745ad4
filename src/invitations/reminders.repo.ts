// Reminders of invitations (migration 0012): planned when Send Invitation sends one, claimed once
// each by the reminder job with a guarded update, shown read-only on the invitation.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/types.ts';
import { newId } from '../shared/ids.ts';
import { settingValueIn } from '../site-settings/site-settings.service.ts';
import { parseReminderSchedule, reminderDueTimes } from './reminder-schedule.ts';

export interface ReminderView {
  dueAt: string;
  sentAt: string | null;
}

/** The reminders of each invitation, by due time. */
export async function remindersOf(db: Db | Tx, ids: readonly string[]): Promise<Map<string, ReminderView[]>> {
  const map = new Map<string, ReminderView[]>(ids.map((id) => [id, []]));
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .selectFrom('invitation_reminders')
      .select(['invitation_id', 'due_at', 'sent_at'])
      .where('invitation_id', 'in', ids.slice(i, i + 5000))
      .orderBy('invitation_id')
      .orderBy('due_at')
      .execute();
    for (const r of rows) map.get(r.invitation_id)?.push({ dueAt: r.due_at, sentAt: r.sent_at });
  }
  return map;
}

/**
 * Plans the reminders of an invitation just sent (or whose expiry or schedule changed), in the
 * caller's transaction: pending ones are replaced by those of its schedule (its own, else the site's)
 * still ahead of `now`; reminders that went out stay as history.
 */
export async function planReminders(
  tx: Tx,
  inv: { id: string; sent_at: string | null; expires_at: string | null; reminder_schedule: string | null },
  now: string,
): Promise<void> {
  await tx
    .deleteFrom('invitation_reminders')
    .where('invitation_id', '=', inv.id)
    .where('status', '=', 'pending')
    .execute();
  if (!inv.sent_at) return;
  const schedule = inv.reminder_schedule ?? (await settingValueIn(tx, 'Invitations/ReminderSchedule'));
  const entries = parseReminderSchedule(schedule);
  // A value written to the table by hand that is not a schedule plans nothing.
  if (typeof entries === 'string') return;
  const due = reminderDueTimes(entries, { sentAt: inv.sent_at, expiresAt: inv.expires_at }).filter((d) => d > now);
  if (due.length === 0) return;
  await tx
    .insertInto('invitation_reminders')
    .values(
      due.map((dueAt) => ({
        id: newId(),
        invitation_id: inv.id,
        due_at: dueAt,
        status: 'pending' as const,
        sent_at: null,
        created_at: now,
      })),
    )
    .execute();
}

/** Pending reminders due by `now`, oldest first (the index invitation_reminders_due serves it). */
export function dueReminders(db: Db, now: string, limit: number) {
  return db
    .selectFrom('invitation_reminders')
    .select(['id', 'invitation_id', 'due_at'])
    .where('status', '=', 'pending')
    .where('due_at', '<=', now)
    .orderBy('status')
    .orderBy('due_at')
    .limit(limit)
    .execute();
}

/**
 * The guarded claim of a batch, one statement: each of `ids` still pending becomes `sent` (those in
 * `sending`) or `skipped`; answers the ids it changed. However many processes try the same
 * reminders, each changes for exactly one of them (the `pending` guard; on PostgreSQL a second
 * claimer waits for the first's commit and then finds them no longer pending).
 */
export async function claimReminders(
  tx: Tx,
  ids: readonly string[],
  sending: ReadonlySet<string>,
  now: string,
): Promise<Array<{ id: string; status: 'sent' | 'skipped' }>> {
  if (ids.length === 0) return [];
  const sent = [...sending];
  return tx
    .updateTable('invitation_reminders')
    .set((eb) =>
      sent.length === 0
        ? { status: 'skipped', sent_at: null }
        : {
            status: eb
              .case()
              .when('id', 'in', sent)
              .then(sql.lit('sent'))
              .else(sql.lit('skipped'))
              .end() as unknown as 'sent',
            sent_at: eb.case().when('id', 'in', sent).then(now).else(null).end(),
          },
    )
    .where('id', 'in', [...ids])
    .where('status', '=', 'pending')
    .returning(['id', 'status'])
    .execute() as Promise<Array<{ id: string; status: 'sent' | 'skipped' }>>;
}
