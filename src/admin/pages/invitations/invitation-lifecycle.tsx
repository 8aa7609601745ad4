// The back office's lifecycle pieces of an invitation: the Resend page (a new code or the same,
// admins may choose the new code, optionally a new expiry) and the reminders section of its form.
import type { Invitation } from '../../../invitations/invitations.schema.ts';
import { Csrf } from '../../../web/form-kit.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

export function ResendPage({ pc, inv }: { pc: AdminPageContext; inv: Invitation }) {
  const t = pc.t.invitations.lifecycle;
  return (
    <Layout pc={pc} title={`${t.resendTitle}: ${inv.name}`}>
      <PageHeader title={t.resendTitle} subtitle={inv.name} />
      <section class="card">
        <p>{t.resendLead}</p>
        <form method="post" action={`/admin/invitations/${inv.id}/resend`} class="record-form">
          <Csrf pc={pc} />
          <div class="field checkbox">
            <input type="checkbox" id="rotateCode" name="rotateCode" value="true" />
            <label for="rotateCode">{t.rotateCode}</label>
          </div>
          {pc.isAdmin ? (
            <div class="field">
              <label for="code">{t.chosenCode}</label>
              <input type="text" id="code" name="code" autocomplete="off" maxLength={200} />
            </div>
          ) : null}
          <div class="field">
            <label for="expiresAt">{t.newExpiry}</label>
            <input type="datetime-local" id="expiresAt" name="expiresAt" />
          </div>
          <p class="actions">
            <button type="submit" class="button" data-command="resend">
              {t.resendSubmit}
            </button>
            <a class="button secondary" href={`/admin/invitations/${inv.id}`}>
              {pc.t.commands.cancel}
            </a>
          </p>
        </form>
      </section>
    </Layout>
  );
}

export function RemindersSection({ pc, inv }: { pc: AdminPageContext; inv: Invitation }) {
  const t = pc.t.invitations.lifecycle;
  return (
    <section class="card" aria-labelledby="reminders-title" data-section="reminders">
      <h2 id="reminders-title">{t.reminders}</h2>
      {inv.reminders.length === 0 ? (
        <p class="muted">{t.noReminders}</p>
      ) : (
        <table class="grid">
          <thead>
            <tr>
              <th scope="col">{t.reminderDue}</th>
              <th scope="col">{t.reminderSent}</th>
            </tr>
          </thead>
          <tbody>
            {inv.reminders.map((r) => (
              <tr>
                <td>{formatTime(pc, r.dueAt)}</td>
                <td>{r.sentAt ? formatTime(pc, r.sentAt) : t.notSent}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
