// Lifecycle events (SPEC.md "webhook-endpoints"): what changed, recorded in the transaction of the
// change itself, so that an event is delivered exactly for the changes that committed. Features
// call `recordLifecycleEvent(tx, type, data)` beside their audit entry; delivery to the subscribed
// endpoints (signing, retries, the delivery log) belongs to this folder alone.
import type { Tx } from '../db/types.ts';

export const lifecycleEventTypes = [
  'invitation.created',
  'invitation.sent',
  'invitation.resent',
  'invitation.redeemed',
  'invitation.expired',
  'invitation.declined',
  'invitation.deactivated',
  'invitation.activated',
  'email.sent',
  'email.failed',
  'email.bounced',
  'email.unknown',
  'contact.created',
] as const;

export type LifecycleEventType = (typeof lifecycleEventTypes)[number];

/**
 * Records one event in the caller's transaction. `data` is the event's payload as the API spells
 * it (camelCase, ids, ISO times), e.g. `{ invitationId, contactId, redemptionId }`; never a secret.
 *
 * GROUNDWORK: the delivery side (webhook endpoints, one delivery job per subscribed endpoint) is
 * being built in this folder; until it lands this records nothing.
 */
export async function recordLifecycleEvent(
  _tx: Tx,
  _type: LifecycleEventType,
  _data: Record<string, unknown>,
): Promise<void> {
  // Filled in by the webhook-endpoints work (issue #18).
}
