// Reminder schedules (Invitations/ReminderSchedule, or an invitation's own `reminderSchedule`):
// ISO 8601 durations, comma-separated. `P3D,P1D` = three days and one day before the expiry; any
// duration down to seconds (`PT1M`). A leading `+` counts from sending instead (`+P7D` = a week after
// it was sent), for invitations without an expiry; empty = no reminders.

export interface ScheduleEntry {
  /** true: after sending (`+P…`); false: before the expiry. */
  afterSending: boolean;
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  text: string;
}

const DURATION =
  /^(\+)?P(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/;
export const MAX_SCHEDULE_ENTRIES = 20;

/** The entries of a schedule, or the reason it is not one (a sentence for a 422). */
export function parseReminderSchedule(value: string): ScheduleEntry[] | string {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length > MAX_SCHEDULE_ENTRIES) return `must have at most ${MAX_SCHEDULE_ENTRIES} durations`;
  const entries: ScheduleEntry[] = [];
  for (const text of parts) {
    const m = DURATION.exec(text.toUpperCase());
    const n = (i: number) => Number(m?.[i] ?? 0);
    if (!m || text.toUpperCase().endsWith('T') || /^\+?P(T)?$/.test(text.toUpperCase()))
      return `"${text}" is not an ISO 8601 duration such as P3D, PT12H or PT1M (a leading + counts from sending, e.g. +P7D)`;
    const e = {
      afterSending: m[1] === '+',
      years: n(2),
      months: n(3),
      weeks: n(4),
      days: n(5),
      hours: n(6),
      minutes: n(7),
      seconds: n(8),
      text,
    };
    if (e.years + e.months + e.weeks + e.days + e.hours + e.minutes + e.seconds === 0)
      return `"${text}" is a duration of nothing`;
    entries.push(e);
  }
  return entries;
}

export function scheduleProblem(value: string): string | undefined {
  const parsed = parseReminderSchedule(value);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** `from` moved by the entry, forwards (`sign` 1) or backwards (−1), in calendar terms for years and months. */
function shift(from: Date, e: ScheduleEntry, sign: 1 | -1): Date {
  const d = new Date(from.getTime());
  if (e.years || e.months) d.setUTCMonth(d.getUTCMonth() + sign * (e.years * 12 + e.months));
  const ms = ((((e.weeks * 7 + e.days) * 24 + e.hours) * 60 + e.minutes) * 60 + e.seconds) * 1000;
  return new Date(d.getTime() + sign * ms);
}

/**
 * The due times of a schedule for an invitation sent at `sentAt`: before-expiry entries only when
 * it expires; each strictly after the sending and before the expiry; in order, without repeats.
 */
export function reminderDueTimes(
  entries: readonly ScheduleEntry[],
  invitation: { sentAt: string; expiresAt: string | null },
): string[] {
  const sent = new Date(invitation.sentAt);
  const expires = invitation.expiresAt ? new Date(invitation.expiresAt) : null;
  const due = new Set<string>();
  for (const e of entries) {
    const at = e.afterSending ? shift(sent, e, 1) : expires ? shift(expires, e, -1) : null;
    if (!at || at.getTime() <= sent.getTime()) continue;
    if (expires && at.getTime() >= expires.getTime()) continue;
    due.add(at.toISOString());
  }
  return [...due].sort();
}
