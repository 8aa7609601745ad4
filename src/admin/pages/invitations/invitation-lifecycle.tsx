// The back office's lifecycle pieces of an invitation: the Resend page (a new code or the same,
// admins may choose the new code, optionally a new expiry) and the reminders section of its form.
import type { Invitation } from '../../../invitations/invitations.schema.ts';
import { Csrf } from '../../../web/form-kit.tsx';
import { ErrorSummary } from '../../components/fields.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

/** What a refused Resend keeps: the choices typed (never the chosen code) and each problem at its field. */
export interface ResendFormState {
  rotateCode: boolean;
  expiresAt: string;
  errors: FieldErrors;
}

/** A field's problem under it, tied to the control by aria-describedby. */
const problemOf = (errors: FieldErrors, field: string) =>
  errors[field] ? (
    <p class="field-error" id={`f-${field}-error`}>
      {errors[field]}
    </p>
  ) : null;

export function ResendPage({ pc, inv, form }: { pc: AdminPageContext; inv: Invitation; form?: ResendFormState }) {
  const t = pc.t.invitations.lifecycle;
  const errors = form?.errors ?? {};
  const invalid = (field: string) =>
    errors[field] ? { 'aria-invalid': 'true' as const, 'aria-describedby': `f-${field}-error` } : {};
  return (
    <Layout pc={pc} title={`${t.resendTitle}: ${inv.name}`}>
      <PageHeader title={t.resendTitle} subtitle={inv.name} />
      <section class="card">
        <ErrorSummary pc={pc} errors={errors} labels={{ code: t.chosenCode, expiresAt: t.newExpiry }} />
        <p>{t.resendLead}</p>
        <form method="post" action={`/admin/invitations/${inv.id}/resend`} class="record-form">
          <Csrf pc={pc} />
          <div class="field checkbox">
            <input type="checkbox" id="rotateCode" name="rotateCode" value="true" checked={form?.rotateCode ?? false} />
            <label for="rotateCode">{t.rotateCode}</label>
          </div>
          {pc.isAdmin ? (
            <div class="field">
              <label for="f-code">{t.chosenCode}</label>
              <input type="text" id="f-code" name="code" autocomplete="off" maxLength={200} {...invalid('code')} />
              {problemOf(errors, 'code')}
            </div>
          ) : null}
          <div class="field">
            <label for="f-expiresAt">{t.newExpiry}</label>
            <input
              type="datetime-local"
              id="f-expiresAt"
              name="expiresAt"
              value={form?.expiresAt ?? ''}
              {...invalid('expiresAt')}
            />
            {problemOf(errors, 'expiresAt')}
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
