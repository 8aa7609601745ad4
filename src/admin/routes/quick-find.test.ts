// Quick Find in the contacts, accounts and invitations views: the search is what the names or email begin with
// (any letter case, as Dynamics 365's Quick Find), a leading * searches anywhere in them; the API's
// `q` still matches anywhere. Several words must each match some field (invitations and accounts:
// the first begins the name, the others a word of it). Both databases.
import { describe, expect, it } from 'vitest';
import { newId } from '../../shared/ids.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { signedInStaff } from '../../../test/helpers/admin.ts';
import { factories } from '../../../test/helpers/factories.ts';

const t = useTestApp();
const make = factories(t);

describe('Quick Find in the back office views', () => {
  it('finds contacts whose first name, last name or email begins with the text; * searches anywhere', async () => {
    const tag = `qf${newId().slice(-8)}`;
    const annelise = await make.contact({
      firstName: 'Annelise',
      lastName: `Holm${tag}`,
      emailaddress1: `a.${tag}@example.com`,
    });
    const joanna = await make.contact({
      firstName: 'Joanna',
      lastName: `Berg${tag}`,
      emailaddress1: `j.${tag}@example.com`,
    });
    const staff = await signedInStaff(t.app);
    const shows = async (q: string) => {
      const body = (await staff.get(`/admin/contacts?q=${encodeURIComponent(q)}`)).body;
      return [annelise, joanna].filter((c) => body.includes(`/admin/contacts/${c.id}"`)).map((c) => c.firstName);
    };
    expect(await shows(`HOLM${tag}`)).toEqual(['Annelise']);
    expect(await shows(`j.${tag}`)).toEqual(['Joanna']);
    expect(await shows(`olm${tag}`)).toEqual([]);
    expect(await shows(`*olm${tag}`)).toEqual(['Annelise']);
    expect(await shows(`*${tag}`)).toEqual(['Annelise', 'Joanna']);
    // The API's q is unchanged: anywhere in the names and email.
    const api = (await t.api('GET', `contacts?q=olm${tag}`)).json().items.map((c: { id: string }) => c.id);
    expect(api).toEqual([annelise.id]);
    expect((await staff.get('/admin/contacts')).body).toContain('start with * to search anywhere');
  });

  it('finds a contact by several words, each beginning any of the names or the email (the API: anywhere)', async () => {
    const tag = newId().slice(-8);
    const ada = await make.contact({
      firstName: 'Ada',
      lastName: `Lovelace${tag}`,
      emailaddress1: `ada.${tag}@example.com`,
    });
    const byron = await make.contact({
      firstName: 'Ada',
      lastName: `Byron${tag}`,
      emailaddress1: `countess.${tag}@example.org`,
    });
    const berg = await make.contact({
      firstName: 'Jan',
      lastName: `van der Berg${tag}`,
      emailaddress1: `jan.${tag}@example.net`,
    });
    const all = [ada, byron, berg];
    const staff = await signedInStaff(t.app);
    const shows = async (q: string) => {
      const body = (await staff.get(`/admin/contacts?q=${encodeURIComponent(q)}`)).body;
      return all.filter((c) => body.includes(`/admin/contacts/${c.id}"`)).map((c) => c.lastName);
    };
    expect(await shows(`Ada Lovelace${tag}`)).toEqual([ada.lastName]);
    expect(await shows(`  lovelace${tag}   ADA `)).toEqual([ada.lastName]);
    expect(await shows(`ada byron${tag.slice(0, 4)}`)).toEqual([byron.lastName]);
    expect(await shows(`countess.${tag} Ada`)).toEqual([byron.lastName]);
    expect(await shows(`Ada Berg${tag}`)).toEqual([]);
    // A name with a space in it still begins with the whole text.
    expect(await shows(`van der Berg${tag}`)).toEqual([berg.lastName]);
    expect(await shows(`*ovelace${tag} da`)).toEqual([ada.lastName]);
    const api = async (q: string) =>
      (await t.api('GET', `contacts?q=${encodeURIComponent(q)}`)).json().items.map((c: { id: string }) => c.id);
    expect(await api(`Ada Lovelace${tag}`)).toEqual([ada.id]);
    expect(await api(`da ovelace${tag}`)).toEqual([ada.id]);
    expect(await api(`example.org ${tag}`)).toEqual([byron.id]);
    expect((await api(`ada ${tag}`)).sort()).toEqual([ada.id, byron.id].sort());
  });

  it('finds invitations whose name begins with the text', async () => {
    const tag = `QF${newId().slice(-8)}`;
    const first = await make.invitation({ name: `${tag} partner day`, type: 'group' });
    const second = await make.invitation({ name: `Spring ${tag}`, type: 'group' });
    const staff = await signedInStaff(t.app);
    const shows = async (q: string) => {
      const body = (await staff.get(`/admin/invitations?view=all&q=${encodeURIComponent(q)}`)).body;
      return [first, second].filter((i) => body.includes(`/admin/invitations/${i.id}"`)).map((i) => i.name);
    };
    expect(await shows(tag.toLowerCase())).toEqual([first.name]);
    expect(await shows(`*${tag}`)).toEqual([first.name, second.name]);
  });

  it('finds accounts whose name begins with the text, and sorts them along an index', async () => {
    const tag = `QA${newId().slice(-8)}`;
    const first = await make.account({ name: `${tag} Holding` });
    const second = await make.account({ name: `Nordic ${tag}` });
    const staff = await signedInStaff(t.app);
    const shows = async (q: string) => {
      const body = (await staff.get(`/admin/accounts?q=${encodeURIComponent(q)}&sort=name&dir=asc`)).body;
      return [first, second].filter((a) => body.includes(`/admin/accounts/${a.id}"`)).map((a) => a.name);
    };
    expect(await shows(tag.toLowerCase())).toEqual([first.name]);
    expect(await shows(`*${tag}`)).toEqual([first.name, second.name]);
    const api = (await t.api('GET', `accounts?q=${tag}`)).json().items.map((a: { id: string }) => a.id);
    expect(api.sort()).toEqual([first.id, second.id].sort());
  });
  it('finds invitations by several words: the first begins the name, each other begins a word of it (the API: anywhere)', async () => {
    const tag = `QW${newId().slice(-8)}`;
    const day = await make.invitation({ name: `${tag} Partner Day Aarhus`, type: 'group' });
    const night = await make.invitation({ name: `${tag} Partner Night`, type: 'group' });
    const spring = await make.invitation({ name: `Spring ${tag} partnerday`, type: 'group' });
    const all = [day, night, spring];
    const staff = await signedInStaff(t.app);
    const shows = async (q: string) => {
      const body = (await staff.get(`/admin/invitations?view=all&q=${encodeURIComponent(q)}`)).body;
      return all.filter((i) => body.includes(`/admin/invitations/${i.id}"`)).map((i) => i.name);
    };
    expect(await shows(`${tag.toLowerCase()} partner`)).toEqual([day.name, night.name]);
    expect(await shows(`  ${tag}   aarhus DAY `)).toEqual([day.name]);
    expect(await shows(`${tag} part nig`)).toEqual([night.name]);
    // The first word begins the name; the others begin a word of it, not anywhere in one.
    expect(await shows(`partner ${tag}`)).toEqual([]);
    expect(await shows(`${tag} artner`)).toEqual([]);
    expect(await shows(`spring partner`)).toEqual([spring.name]);
    expect(await shows(`*artner ${tag} ight`)).toEqual([night.name]);
    const api = async (q: string) =>
      (await t.api('GET', `invitations?q=${encodeURIComponent(q)}`)).json().items.map((i: { id: string }) => i.id);
    expect(await api(`artner ${tag} ight`)).toEqual([night.id]);
    expect((await api(`${tag} partner`)).sort()).toEqual(all.map((i) => i.id).sort());
    expect(await api(`${tag} aarhus day`)).toEqual([day.id]);
  });

  it('finds accounts by several words: the first begins the name, each other begins a word of it (the API: anywhere)', async () => {
    const tag = `QB${newId().slice(-8)}`;
    const holding = await make.account({ name: `${tag} Nordic Holding` });
    const bank = await make.account({ name: `${tag} Nordic Bank` });
    const other = await make.account({ name: `Contoso ${tag}-Nordic` });
    const all = [holding, bank, other];
    const staff = await signedInStaff(t.app);
    const shows = async (q: string, sorted = false) => {
      const sort = sorted ? '&sort=name&dir=desc' : '';
      const body = (await staff.get(`/admin/accounts?q=${encodeURIComponent(q)}${sort}`)).body;
      return all.filter((a) => body.includes(`/admin/accounts/${a.id}"`)).map((a) => a.name);
    };
    expect(await shows(`${tag.toLowerCase()} nordic`)).toEqual([holding.name, bank.name]);
    expect(await shows(`${tag} nordic`, true)).toEqual([holding.name, bank.name]);
    expect(await shows(`${tag} HOLD nor`)).toEqual([holding.name]);
    expect(await shows(`nordic ${tag}`)).toEqual([]);
    expect(await shows(`contoso nordic`)).toEqual([]);
    expect(await shows(`contoso ${tag}-nor`)).toEqual([other.name]);
    expect(await shows(`*ordic ${tag} ank`)).toEqual([bank.name]);
    const api = async (q: string) =>
      (await t.api('GET', `accounts?q=${encodeURIComponent(q)}`)).json().items.map((a: { id: string }) => a.id);
    expect(await api(`ordic ${tag} ank`)).toEqual([bank.id]);
    expect(await api(`contoso nordic ${tag}`)).toEqual([other.id]);
    expect((await api(`nordic ${tag}`)).sort()).toEqual(all.map((a) => a.id).sort());
  });
});
