// Invitations brought in by an import (Power Pages), in the importing transaction: Dataverse ids
// kept, a plain code hashed and encrypted exactly as a generated one is (codes.ts), redemption
// counts and redeemed contacts kept, so a partly redeemed group keeps its remaining places.
import type { AppContext } from '../context.ts';
import type { InvitationRow } from '../db/schema.ts';
import type { Db, Tx } from '../db/types.ts';
import { replaceLinks } from '../db/link-sets.ts';
import { encryptCode, generateCode, hashCode, normalizeCode } from './codes.ts';
import * as repo from './invitations.repo.ts';

export interface ImportedInvitation {
  id: string;
  name: string;
  type: 'single' | 'group';
  ownerId: string | null;
  /** The plain code as Power Pages kept it; undefined: keep the one we have (or make a new one). */
  code: string | undefined;
  expiresAt: string | null;
  inviterContactId: string | null;
  assignToAccountId: string | null;
  redeemWorkflowId: string | null;
  maxRedemptions: number | null;
  redemptionCount: number;
  status: 'new' | 'sent' | 'redeemed' | 'inactive';
  invitedContactIds: string[];
  webRoleIds: string[];
}

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

/** Every invitation in id order, with its invited contacts and web roles (an export). */
export async function invitationsForExport(db: Db) {
  const rows = await db.selectFrom('invitations').selectAll().orderBy('id').execute();
  const ids = rows.map((r) => r.id);
  return {
    rows,
    invited: await repo.invitedContactIdsOf(db, ids),
    roles: await repo.webRoleIdsOf(db, ids),
    redeemed: await repo.redeemedContactIdsOf(db, ids),
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/**
 * Writes one imported invitation (insert, or update of the one with its id). Returns what happened
 * and, for a new invitation without a code, the code made for it (to be sent again).
 */
export async function importInvitation(
  ctx: AppContext,
  tx: Tx,
  inv: ImportedInvitation,
  createdBy: string | null,
  now: string,
): Promise<{ outcome: ImportOutcome; newCode?: string }> {
  const current = await tx.selectFrom('invitations').selectAll().where('id', '=', inv.id).executeTakeFirst();
  const max = inv.type === 'single' ? 1 : inv.maxRedemptions;
  // An import never lowers a count (that would reopen places already used here), and a group at its
  // maximum is redeemed whatever the file says.
  const redemptionCount = Math.max(inv.redemptionCount, current?.redemption_count ?? 0);
  const full = max !== null && redemptionCount >= max;
  const status = full && (inv.status === 'new' || inv.status === 'sent') ? 'redeemed' : inv.status;
  const fields = {
    name: inv.name,
    type: inv.type,
    owner_id: inv.ownerId,
    expires_at: inv.expiresAt,
    inviter_contact_id: inv.inviterContactId,
    assign_to_account_id: inv.assignToAccountId,
    redeem_workflow_id: inv.redeemWorkflowId,
    max_redemptions: max,
    redemption_count: redemptionCount,
    status,
  } satisfies Partial<InvitationRow>;
  const code = inv.code !== undefined && normalizeCode(inv.code) !== '' ? inv.code : undefined;
  if (!current) {
    const made = code === undefined ? generateCode() : undefined;
    const plain = code ?? (made as string);
    await repo.insertInvitations(tx, [
      {
        id: inv.id,
        ...fields,
        code_hash: hashCode(ctx.secrets, plain),
        code_encrypted: encryptCode(ctx.secrets, plain),
        status_before_inactive: inv.status === 'inactive' ? 'new' : null,
        binding: 'any',
        allowed_domains: null,
        locale: null,
        sign_in_provider_id: null,
        reminder_schedule: null,
        created_by: createdBy,
        created_at: now,
        updated_at: now,
        sent_at: null,
      },
    ]);
    await repo.insertLinks(
      tx,
      'invitation_invited_contacts',
      [...new Set(inv.invitedContactIds)].map((c) => [inv.id, c]),
    );
    await repo.insertLinks(
      tx,
      'invitation_web_roles',
      [...new Set(inv.webRoleIds)].map((w) => [inv.id, w]),
    );
    return made ? { outcome: 'created', newCode: made } : { outcome: 'created' };
  }
  const changes: Partial<InvitationRow> = {};
  for (const [k, v] of Object.entries(fields) as Array<[keyof typeof fields, unknown]>)
    if (current[k] !== v) (changes as Record<string, unknown>)[k] = v;
  if (changes.status === 'inactive') changes.status_before_inactive = current.status === 'sent' ? 'sent' : 'new';
  if (code !== undefined) {
    const hash = hashCode(ctx.secrets, code);
    if (hash !== current.code_hash) {
      changes.code_hash = hash;
      changes.code_encrypted = encryptCode(ctx.secrets, code);
    }
  }
  const links = await Promise.all([repo.invitedContactIdsOf(tx, [inv.id]), repo.webRoleIdsOf(tx, [inv.id])]);
  const invitedSame = sameSet(links[0].get(inv.id) ?? [], [...new Set(inv.invitedContactIds)]);
  const rolesSame = sameSet(links[1].get(inv.id) ?? [], [...new Set(inv.webRoleIds)]);
  if (Object.keys(changes).length === 0 && invitedSame && rolesSame) return { outcome: 'unchanged' };
  if (Object.keys(changes).length > 0)
    await tx
      .updateTable('invitations')
      .set({ ...changes, updated_at: now })
      .where('id', '=', inv.id)
      .execute();
  if (!invitedSame) await replaceLinks(tx, 'invitation_invited_contacts', inv.id, inv.invitedContactIds);
  if (!rolesSame) await replaceLinks(tx, 'invitation_web_roles', inv.id, inv.webRoleIds);
  return { outcome: 'updated' };
}
