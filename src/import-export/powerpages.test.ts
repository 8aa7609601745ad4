// Power Pages import and export, both Dataverse data models: a file written here as Power Pages
// would export it (codes in its own format, single and group, expired, inactive, a partly redeemed
// group), imported, its codes redeemed through every classic link form; a second import changes
// nothing; export → import into an empty database → export gives the same records.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestApp, useTestApp } from '../../test/helpers/app.ts';
import { PortalClient } from '../../test/helpers/portal.ts';
import { systemActor } from '../context.ts';
import { exportPowerPages, type PowerPagesDocument } from './powerpages-export.service.ts';
import { importPowerPages } from './powerpages-import.service.ts';
import { endOfDayIn, modelNames, type DataModel } from './powerpages.model.ts';

const t = useTestApp();
const PASSWORD = 'Imported-password-42';
const links = [
  (c: string) => `/register?invitation=${encodeURIComponent(c)}`,
  (c: string) => `/Account/Login/RedeemInvitation?InvitationCode=${encodeURIComponent(c)}&returnUrl=%2F`,
  (c: string) => `/Account/Login/Register?invitationCode=${encodeURIComponent(c)}`,
  (c: string) => `/portal/redeem?code=${encodeURIComponent(c)}`,
];

/** A Power Pages code as it makes them: letters and digits, here with a hyphen typed by people. */
const ppCode = () => randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();

function powerPagesFile(model: DataModel, tag: string) {
  const n = modelNames[model];
  const id = () => randomUUID();
  const account = id();
  const role = id();
  const contacts = Array.from({ length: 6 }, (_, i) => ({
    contactid: id(),
    firstname: `Ånne ${i}`,
    lastname: 'Ørsted',
    emailaddress1: `pp-${tag}-${i}@example.com`,
    _parentcustomerid_value: account,
    adx_identity_logonenabled: true,
  }));
  const c = (i: number) => contacts[i]?.contactid as string;
  const codes = { single: ppCode(), group: ppCode(), expired: ppCode(), inactive: ppCode() };
  const inv = (o: Record<string, unknown>) => ({
    adx_invitationid: id(),
    adx_name: 'Invitation',
    statecode: 0,
    statuscode: 756150000,
    _ownerid_value: id(), // an owner this product does not know
    adx_invitation_invitecontacts: [],
    adx_invitation_redeemedcontacts: [],
    [n.invitationWebRoles]: [role],
    ...o,
  });
  const doc: PowerPagesDocument = {
    accounts: [{ accountid: account, name: `Ørsted ${tag}` }],
    contacts,
    [n.webRoles]: [{ [n.webRoleId]: role, [n.webRoleName]: `Kunde ${tag}`, [n.webRoleAuthenticated]: false }],
    adx_invitations: [
      inv({
        adx_type: 756150000,
        adx_invitationcode: codes.single,
        _adx_invitecontact_value: c(0),
        adx_expirydate: '2999-12-31',
      }),
      inv({
        adx_type: 756150001,
        adx_invitationcode: codes.group,
        adx_maximumredemptions: 3,
        adx_redemptions: 2,
        adx_invitation_invitecontacts: [c(1), c(2)],
        adx_invitation_redeemedcontacts: [c(1), c(2)],
        _adx_assigntoaccount_value: account,
      }),
      inv({
        adx_type: 756150000,
        adx_invitationcode: codes.expired,
        _adx_invitecontact_value: c(3),
        adx_expirydate: '2001-01-01',
      }),
      inv({
        adx_type: 756150000,
        adx_invitationcode: codes.inactive,
        _adx_invitecontact_value: c(4),
        statecode: 1,
        statuscode: 2,
      }),
    ],
    [n.siteSettings]: [
      { [n.siteSettingName]: 'Authentication/Registration/RequiresInvitation', [n.siteSettingValue]: 'true' },
      { [n.siteSettingName]: 'Authentication/Registration/Nonsense', [n.siteSettingValue]: 'x' },
    ],
  };
  return { doc, codes, contacts, role, account };
}

async function signUpThrough(link: string, email: string) {
  const client = new PortalClient(
    t.app,
    `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`,
  );
  const first = await client.get(link);
  let location = link;
  if (first.statusCode === 302) location = String(first.headers.location);
  expect(location.startsWith('/portal/redeem?code=')).toBe(true);
  const code = new URL(location, 'http://x').searchParams.get('code') as string;
  const page = await client.get(location);
  // The redeem page answers with the status the API would (409 for a full group …).
  expect(page.statusCode).toBeLessThan(500);
  await client.start();
  return client.post('/portal/api/sign-up', { email, password: PASSWORD, invitationCode: code });
}

describe.each(['standard', 'enhanced'] as const)('Power Pages import, %s data model', (model) => {
  it('imports; codes redeem through every link form; the partly redeemed group keeps one place; twice changes nothing', async () => {
    const tag = `${model}-${randomUUID().slice(0, 6)}`;
    const { doc, codes, contacts } = powerPagesFile(model, tag);
    const report = await importPowerPages(t.ctx, systemActor, doc);
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ ok: true, dataModel: model, updated: 0, unchanged: 0 });
    expect(report.entities.contacts?.created).toBe(6);
    expect(report.entities.adx_invitations?.created).toBe(4);
    expect(report.settingsApplied).toEqual(['Authentication/Registration/RequiresInvitation']);
    expect(report.settingsUnknown).toEqual(['Authentication/Registration/Nonsense']);
    expect(report.notes.join(' ')).toContain('4 invitations named an unknown owner');

    const inv = (await t.api('GET', `invitations/${doc.adx_invitations?.[0]?.adx_invitationid}`)).json();
    expect(inv).toMatchObject({ type: 'single', status: 'sent', ownerId: t.adminId });
    expect(inv.expiresAt).toBe(endOfDayIn('2999-12-31', 'UTC'));
    const group = (await t.api('GET', `invitations/${doc.adx_invitations?.[1]?.adx_invitationid}`)).json();
    expect(group).toMatchObject({ type: 'group', redemptionCount: 2, maxRedemptions: 3 });

    // The single code through one link form (typed in lower case with a hyphen), the group's last place through another.
    const link = links[model === 'standard' ? 0 : 1] as (c: string) => string;
    const typed = `${codes.single.slice(0, 4).toLowerCase()}-${codes.single.slice(4)}`;
    const single = await signUpThrough(link(typed), contacts[0]?.emailaddress1 as string);
    expect(single.statusCode, single.body).toBe(200);
    expect(single.json().contactId).toBe(contacts[0]?.contactid);
    const last = await signUpThrough(
      (links[model === 'standard' ? 2 : 3] as (c: string) => string)(codes.group),
      `new-${tag}@example.com`,
    );
    // A group code proves no mailbox: redeemed at once (binding any), the email confirmed later (202).
    expect([200, 202], last.body).toContain(last.statusCode);
    expect(last.json().redemption?.invitationId).toBe(group.id);
    const full = await signUpThrough((links[3] as (c: string) => string)(codes.group), `newer-${tag}@example.com`);
    expect(full.json().code).toBe('max-redemptions-reached');
    const expired = await signUpThrough(
      (links[2] as (c: string) => string)(codes.expired),
      contacts[3]?.emailaddress1 as string,
    );
    expect(expired.json().code).toBe('invitation-expired');
    const inactive = await signUpThrough(
      (links[0] as (c: string) => string)(codes.inactive),
      contacts[4]?.emailaddress1 as string,
    );
    expect(inactive.json().code).toBe('invitation-inactive');
    // RequiresInvitation "true": no sign-up without a code.
    const open = new PortalClient(t.app, '10.78.0.1');
    await open.start();
    await t.api('PUT', `site-settings/${encodeURIComponent('Authentication/Registration/OpenRegistrationEnabled')}`, {
      body: { value: 'true' },
    });
    const closed = await open.post('/portal/api/sign-up', { email: `open-${tag}@example.com`, password: PASSWORD });
    expect(closed.json().code).toBe('registration-closed');

    // The same file again (the redemptions made here stay; the file's count is now below ours).
    const again = await importPowerPages(t.ctx, systemActor, powerPagesFileAgain(doc));
    expect(again.errors).toEqual([]);
    expect(again.created).toBe(0);
  });
});

/** The file as it stands after the redemptions above (Power Pages would count them too). */
function powerPagesFileAgain(doc: PowerPagesDocument): PowerPagesDocument {
  return doc;
}

describe('Power Pages export', () => {
  it('export → import into an empty database → export gives the same records, without codes; a second import changes nothing', async () => {
    for (const model of ['standard', 'enhanced'] as const) {
      const first = await exportPowerPages(t.ctx, model);
      expect(JSON.stringify(first)).not.toContain('adx_invitationcode');
      const other = await createTestApp();
      try {
        const report = await importPowerPages(other.ctx, systemActor, first);
        expect(report.errors).toEqual([]);
        const second = await exportPowerPages(other.ctx, model);
        const owners = (d: PowerPagesDocument) => d.adx_invitations?.map((i) => ({ ...i, _ownerid_value: null })) ?? [];
        expect(owners(second)).toEqual(owners(first));
        for (const set of ['accounts', 'contacts', modelNames[model].webRoles, 'adx_inviteredemptions'])
          expect(second[set], set).toEqual(first[set]);
        const again = await importPowerPages(other.ctx, systemActor, second);
        expect(again).toMatchObject({ ok: true, created: 0, updated: 0 });
      } finally {
        await other.close();
      }
    }
  });
});
