// Pending external sign-ins: bound to the browser session and the provider, used once, and only
// within their ten minutes (the clock is moved by passing `now`); the code is stored encrypted.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { consumePendingSignIn, createPendingSignIn, PENDING_TTL_MS } from './pending-sign-ins.ts';

const t = useTestApp();

async function provider(): Promise<string> {
  const r = await t.api('POST', 'identity-providers', {
    body: { type: 'oidc', name: 'P', issuer: 'https://idp.example.com', clientId: 'c' },
  });
  return r.json().id;
}

describe('pending external sign-ins', () => {
  it('are used once, by their session and provider, before they expire', async () => {
    const providerId = await provider();
    const now = new Date('2030-01-01T10:00:00Z');
    const p = await createPendingSignIn(t.ctx, {
      providerId,
      sessionId: 'session-a',
      intent: 'redeem',
      invitationCode: 'ABCD-EFGH-JKMN',
      now,
    });
    const row = await t.ctx.db
      .selectFrom('pending_external_sign_ins')
      .selectAll()
      .where('id', '=', p.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('ABCD-EFGH-JKMN');
    expect(JSON.stringify(row)).not.toContain(p.state);
    const reasonOf = (input: Parameters<typeof consumePendingSignIn>[1]) =>
      consumePendingSignIn(t.ctx, input).then(
        () => 'ok',
        (e) => `${e.code}/${e.reason}`,
      );
    expect(await reasonOf({ state: p.state, sessionId: 'session-b', providerId, now })).toBe(
      'external-sign-in-failed/external-response-invalid',
    );
    expect(await reasonOf({ state: p.state, sessionId: 'session-a', providerId: await provider(), now })).toBe(
      'external-sign-in-failed/external-response-invalid',
    );
    const late = new Date(now.getTime() + PENDING_TTL_MS);
    expect(await reasonOf({ state: p.state, sessionId: 'session-a', providerId, now: late })).toBe(
      'external-sign-in-failed/external-sign-in-expired',
    );
    const used = await consumePendingSignIn(t.ctx, { state: p.state, sessionId: 'session-a', providerId, now });
    expect(used).toMatchObject({
      invitationCode: 'ABCD-EFGH-JKMN',
      intent: 'redeem',
      nonce: p.nonce,
      codeVerifier: p.codeVerifier,
    });
    expect(await reasonOf({ state: p.state, sessionId: 'session-a', providerId, now })).toBe(
      'external-sign-in-failed/external-sign-in-expired',
    );
  });
});
