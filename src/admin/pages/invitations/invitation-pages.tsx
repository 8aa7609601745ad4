// The invitations area's smaller pages: the code and link shown once (after create, or by Copy
// link), the confirmation before deactivating selected invitations, and the Invitation
// Redemptions view (and the redemptions section of the invitation form).
import { Csrf } from '../../../web/form-kit.tsx';
import { Section } from '../../components/fields.tsx';
import { Grid } from '../../components/grid.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

/** A secret in a read-only field, selected with one click and easy to copy. */
function SecretField({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div class="field secret-value">
      <label for={id}>{label}</label>
      <input id={id} type="text" readOnly value={value} spellcheck={false} autocomplete="off" />
    </div>
  );
}

/** The code and redemption link, shown once: after create, or after Copy link (audited). */
export function InvitationSecretPage(p: {
  pc: AdminPageContext;
  invitationId: string;
  name: string;
  code: string;
  redeemUrl: string;
  created: boolean;
}) {
  const { pc } = p;
  const t = pc.t.invitations;
  const title = p.created ? t.created.title : t.link.title;
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={p.name} />
      <section class="card narrow" aria-labelledby="secret-heading" data-invitation-id={p.invitationId}>
        <h2 id="secret-heading">{p.name}</h2>
        <p>{p.created ? t.created.lead : t.link.lead}</p>
        <SecretField id="invitation-code" label={t.fields.code} value={p.code} />
        <SecretField id="invitation-url" label={t.link.url} value={p.redeemUrl} />
        <p class="actions">
          <a class="button" href={`/admin/invitations/${p.invitationId}`}>
            {t.commands.openInvitation}
          </a>
        </p>
      </section>
    </Layout>
  );
}

/** Asks before deactivating the selected invitations; the ids go along as hidden fields. */
export function DeactivateManyPage(p: { pc: AdminPageContext; ids: string[] }) {
  const { pc } = p;
  const t = pc.t.invitations;
  const title = `${pc.t.commands.deactivate}: ${t.entityPlural}`;
  return (
    <Layout pc={pc} title={title}>
      <section class="card narrow confirm" aria-labelledby="confirm-title">
        <h1 id="confirm-title">{title}</h1>
        <p>{t.confirmDeactivateMany(p.ids.length)}</p>
        <form method="post" action="/admin/invitations/deactivate" class="actions">
          <Csrf pc={pc} />
          <input type="hidden" name="confirmed" value="true" />
          {p.ids.map((id) => (
            <input type="hidden" name="ids" value={id} />
          ))}
          <button type="submit" class="button danger">
            {pc.t.commands.deactivate}
          </button>
          <a class="button secondary" href="/admin/invitations">
            {pc.t.commands.cancel}
          </a>
        </form>
      </section>
    </Layout>
  );
}

export interface RedemptionRowView {
  id: string;
  invitationId: string;
  invitation: string;
  contactId: string;
  contact: string;
  redeemedAt: string;
  signInMethod: string | null;
  ipAddress: string | null;
}

/** Every redemption activity, newest first, a page at a time (the API's cursor). */
export function RedemptionsView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: RedemptionRowView[];
  nextCursor: string | null;
}) {
  const { pc } = p;
  const r = pc.t.invitations.redemptions;
  return (
    <Layout pc={pc} title={r.title}>
      <PageHeader title={r.title} />
      <Grid
        pc={pc}
        basePath="/admin/redemptions"
        query={p.query}
        caption={r.title}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(x) => x.id}
        rowLabel={(x) => x.invitation}
        columns={[
          {
            label: r.invitation,
            wrap: true,
            cell: (x) => <a href={`/admin/invitations/${x.invitationId}`}>{x.invitation}</a>,
          },
          { label: r.contact, wrap: true, cell: (x) => <a href={`/admin/contacts/${x.contactId}`}>{x.contact}</a> },
          { label: r.redeemedAt, cell: (x) => formatTime(pc, x.redeemedAt) },
          { label: r.signInMethod, cell: (x) => x.signInMethod ?? pc.t.form.none },
          { label: r.ipAddress, cell: (x) => x.ipAddress ?? pc.t.form.none },
        ]}
      />
    </Layout>
  );
}

export interface RedemptionLine {
  id: string;
  contactId: string;
  contact: string;
  redeemedAt: string;
  signInMethod: string | null;
  ipAddress: string | null;
}

/** The redemptions of one invitation, on its form. */
export function RedemptionsSection({ pc, lines }: { pc: AdminPageContext; lines: RedemptionLine[] }) {
  const r = pc.t.invitations.redemptions;
  return (
    <Section title={pc.t.invitations.sections.redemptions} id="redemptions">
      {lines.length === 0 ? (
        <p>{pc.t.grid.noRecords}</p>
      ) : (
        <div class="table-scroll" tabindex={0}>
          <table class="grid">
            <caption class="visually-hidden">{pc.t.invitations.sections.redemptions}</caption>
            <thead>
              <tr>
                <th scope="col">{r.contact}</th>
                <th scope="col">{r.redeemedAt}</th>
                <th scope="col">{r.signInMethod}</th>
                <th scope="col">{r.ipAddress}</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <tr data-redemption={l.id}>
                  <td class="wrap">
                    <a href={`/admin/contacts/${l.contactId}`}>{l.contact}</a>
                  </td>
                  <td>{formatTime(pc, l.redeemedAt)}</td>
                  <td>{l.signInMethod ?? pc.t.form.none}</td>
                  <td>{l.ipAddress ?? pc.t.form.none}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
