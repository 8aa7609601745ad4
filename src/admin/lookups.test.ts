// Resolving a look-up's typed text: a label is looked up as such, so a record named exactly so is found
// when its search would not show it among the first 20 suggestions; two of that name are ambiguous;
// people also by "Name <email>" or the email alone; workflows only of the field's primary entity.
// Both databases.
import { describe, expect, it } from 'vitest';
import { newId } from '../shared/ids.ts';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { type LookupKind, resolveLookup, suggest } from './lookups.ts';

const t = useTestApp();
const make = factories(t);

const tagged = () => newId().slice(-8);
/** Makes `n` records one after the other, so that they come first in id order (UUIDv7). */
async function many<T>(n: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let i = 0; i < n; i++) made.push(await one(i));
  return made;
}
const created = async (path: string, body: Record<string, unknown>) => {
  const r = await t.api('POST', path, { body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string };
};
/** The record is not among the suggestions for `text`: the look-up by label has to find it. */
async function notSuggested(kind: LookupKind, text: string, id: string) {
  const shown = await suggest(t.ctx, kind, text);
  expect(shown).toHaveLength(20);
  expect(shown.map((o) => o.id)).not.toContain(id);
}
const resolves = (kind: LookupKind, text: string) => resolveLookup(t.ctx, kind, text);

describe('resolveLookup', () => {
  it('finds the account named exactly so (any letter case) past the first 20 suggestions', async () => {
    const tag = tagged();
    await many(25, (i) => make.account({ name: `AB${tag} Something ${i}` }));
    const ab = await make.account({ name: `ab${tag}` });
    await notSuggested('accounts', `ab${tag}`, ab.id);
    expect(await resolves('accounts', `ab${tag}`)).toEqual({ id: ab.id });
    expect(await resolves('accounts', `AB${tag.toUpperCase()}`)).toEqual({ id: ab.id });
    expect(await resolves('accounts', `  Ab${tag}  `)).toEqual({ id: ab.id });
    // A name that only begins one is no match.
    expect(await resolves('accounts', `ab${tag} Some`)).toEqual({ problem: 'no-match' });
  });

  it('answers ambiguous for two accounts of one name (in any letter case), one past the suggestions', async () => {
    const tag = tagged();
    const first = await make.account({ name: `Twin${tag}` });
    await many(25, (i) => make.account({ name: `Twin${tag} Something ${i}` }));
    const second = await make.account({ name: `TWIN${tag.toUpperCase()}` });
    await notSuggested('accounts', `twin${tag}`, second.id);
    expect(await resolves('accounts', `twin${tag}`)).toEqual({ problem: 'ambiguous' });
    expect(await resolves('accounts', `No such account ${tag}`)).toEqual({ problem: 'no-match' });
    // The id the suggestions carry for two of a name still chooses one.
    expect(await resolves('accounts', `Twin${tag} — ${first.id}`)).toEqual({ id: first.id });
  });

  it('finds a contact by its full name past the first 20 suggestions of a several-word search', async () => {
    const tag = tagged();
    const others = await many(25, (i) =>
      make.contact({ firstName: `Ada${tag}`, lastName: `Lovelace${i}`, emailaddress1: `ada${i}.${tag}@example.com` }),
    );
    const ada = await make.contact({ firstName: `Ada${tag}`, lastName: 'Lovelace', emailaddress1: null });
    await notSuggested('contacts', `Ada${tag} Lovelace`, ada.id);
    expect(await resolves('contacts', `ada${tag} lovelace`)).toEqual({ id: ada.id });
    expect(await resolves('contacts', `ADA${tag.toUpperCase()} LOVELACE`)).toEqual({ id: ada.id });
    // The full name is first and last name: either alone when the other is empty, a space in either.
    const solo = await make.contact({ firstName: null, lastName: `Solo${tag}`, emailaddress1: null });
    const mary = await make.contact({ firstName: `Mary Ann${tag}`, lastName: 'van der Berg', emailaddress1: null });
    expect(await resolves('contacts', `solo${tag}`)).toEqual({ id: solo.id });
    expect(await resolves('contacts', `mary ann${tag} van der berg`)).toEqual({ id: mary.id });
    expect(await resolves('contacts', `Mary Ann${tag} van der`)).toEqual({ problem: 'no-match' });
    expect(await resolves('contacts', `Ann${tag} van der Berg`)).toEqual({ problem: 'no-match' });
    // A contact with an email is labelled "Name <email>": its name alone is not its label.
    expect(await resolves('contacts', `Ada${tag} Lovelace3`)).toEqual({ problem: 'no-match' });
    expect(await resolves('contacts', `Ada${tag} Lovelace3 <ADA3.${tag}@example.com>`)).toEqual({ id: others[3]?.id });
  });

  it('finds a contact by "Name <email>" among more than 20 sharing the email, and by its email alone', async () => {
    const tag = tagged();
    const shared = `shared.${tag}@example.com`;
    await many(25, (i) => make.contact({ firstName: `Ada${tag}`, lastName: `Lovelace${i}`, emailaddress1: shared }));
    const grace = await make.contact({ firstName: `Grace${tag}`, lastName: 'Hopper', emailaddress1: shared });
    await notSuggested('contacts', shared, grace.id);
    expect(await resolves('contacts', `Grace${tag} Hopper <${shared}>`)).toEqual({ id: grace.id });
    expect(await resolves('contacts', `grace${tag} hopper <${shared.toUpperCase()}>`)).toEqual({ id: grace.id });
    expect(await resolves('contacts', `Grace${tag} Hopper <other.${tag}@example.com>`)).toEqual({
      problem: 'no-match',
    });
    expect(await resolves('contacts', shared)).toEqual({ problem: 'ambiguous' });
    const alone = await make.contact({
      firstName: `Alone${tag}`,
      lastName: 'X',
      emailaddress1: `alone.${tag}@example.com`,
    });
    expect(await resolves('contacts', `ALONE.${tag}@example.com`)).toEqual({ id: alone.id });
    // A contact without names is labelled by its email: "email <email>", or the email alone.
    const bare = `bare.${tag}@example.com`;
    const nameless = await make.contact({ firstName: null, lastName: null, emailaddress1: bare });
    expect(await resolves('contacts', `${bare} <${bare}>`)).toEqual({ id: nameless.id });
    expect(await resolves('contacts', bare)).toEqual({ id: nameless.id });
  });

  it('finds a user by "Name <email>" or the email past the first 20 suggestions', async () => {
    const tag = tagged();
    const email = `x${tag}@example.com`;
    // Their emails hold the user's, and their names sort before it (suggestions go by name).
    await many(25, (i) => created('users', { email: `a${i}${email}`, fullName: `Aaron ${tag} ${i}`, role: 'staff' }));
    const zed = await created('users', { email, fullName: `Zed ${tag}`, role: 'staff' });
    await notSuggested('users', email, zed.id);
    expect(await resolves('users', email.toUpperCase())).toEqual({ id: zed.id });
    expect(await resolves('users', `zed ${tag} <${email}>`)).toEqual({ id: zed.id });
    expect(await resolves('users', `Someone Else <${email}>`)).toEqual({ problem: 'no-match' });
    expect(await resolves('users', `Zed ${tag}`)).toEqual({ problem: 'no-match' });
  });

  it('finds a web role and an invitation named exactly so past the first 20 suggestions', async () => {
    const tag = tagged();
    await many(25, (i) => make.webRole({ name: `Role${tag} ${i}` }));
    const role = await make.webRole({ name: `role${tag}` });
    await notSuggested('web-roles', `role${tag}`, role.id);
    expect(await resolves('web-roles', `ROLE${tag.toUpperCase()}`)).toEqual({ id: role.id });
    // Web role names are unique as typed, not in every letter case.
    await make.webRole({ name: `Role${tag}` });
    expect(await resolves('web-roles', `role${tag}`)).toEqual({ problem: 'ambiguous' });

    await many(25, (i) => make.invitation({ name: `Inv${tag} ${i}`, type: 'group' }));
    const inv = await make.invitation({ name: `inv${tag}`, type: 'group' });
    await notSuggested('invitations', `inv${tag}`, inv.id);
    expect(await resolves('invitations', `INV${tag.toUpperCase()}`)).toEqual({ id: inv.id });
  });

  it('finds a workflow named exactly so past the first 20 suggestions, of the field’s primary entity only', async () => {
    const tag = tagged();
    const workflow = (name: string, primaryEntity: 'contact' | 'invitation') =>
      created('workflows', { name, primaryEntity });
    await many(25, (i) => workflow(`Flow${tag} ${i}`, 'contact'));
    const forContacts = await workflow(`flow${tag}`, 'contact');
    await notSuggested('contact-workflows', `flow${tag}`, forContacts.id);
    expect(await resolves('contact-workflows', `FLOW${tag.toUpperCase()}`)).toEqual({ id: forContacts.id });
    expect(await resolves('workflows', `flow${tag}`)).toEqual({ id: forContacts.id });
    expect(await resolves('invitation-workflows', `flow${tag}`)).toEqual({ problem: 'no-match' });
    const forInvitations = await workflow(`Flow${tag}`, 'invitation');
    expect(await resolves('invitation-workflows', `flow${tag}`)).toEqual({ id: forInvitations.id });
    expect(await resolves('contact-workflows', `flow${tag}`)).toEqual({ id: forContacts.id });
    expect(await resolves('workflows', `flow${tag}`)).toEqual({ problem: 'ambiguous' });
  });
});
