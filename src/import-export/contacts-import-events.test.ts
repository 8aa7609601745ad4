// contact.created for the contacts an import makes: the CSV import (API and service) and the Power
// Pages import queue one event per created contact for a subscribed endpoint (a real loopback
// receiver), none for a rerun, a dry run or a refused file. Both databases.
import { afterAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { systemActor } from '../context.ts';
import { DELIVER_WEBHOOK_JOB } from '../lifecycle-events/lifecycle-events.ts';
import { startHookReceiver, type HookReceiver } from '../lifecycle-events/testing/hook-receiver.ts';
import { importPowerPages } from './powerpages-import.service.ts';

const t = useTestApp();
const make = factories(t);
let receiver: HookReceiver;
afterAll(async () => {
  await receiver?.close();
});

const post = (csv: string, query = '') =>
  t.api('POST', `contacts/import${query}`, { body: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } });

/** The contact.created events queued so far whose contact's email ends in `domain`. */
async function createdEvents(domain: string) {
  const rows = await t.ctx.db
    .selectFrom('lifecycle_events')
    .innerJoin('webhook_deliveries', 'webhook_deliveries.event_id', 'lifecycle_events.id')
    .select(['lifecycle_events.data'])
    .where('lifecycle_events.type', '=', 'contact.created')
    .execute();
  return rows
    .map((r) => JSON.parse(r.data) as { contactId: string; contact: { emailaddress1: string } })
    .filter((d) => d.contact.emailaddress1.endsWith(`@${domain}`));
}

describe('contact.created from imports', () => {
  it('an import of N new rows queues N events with their delivery jobs; a dry run, a refused file and a rerun queue none', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'true');
    receiver = await startHookReceiver();
    const made = await t.api('POST', 'webhook-endpoints', { body: { url: receiver.url, events: ['contact.created'] } });
    expect(made.statusCode, made.body).toBe(201);
    receiver.secret = made.json().secret;

    const d = 'events-import.example';
    const rows = Array.from({ length: 1203 }, (_, i) => `Navn ${i};p${i}@${d};Firma ${i % 3}`);
    const csv = `firstname;emailaddress1;account\r\n${rows.join('\r\n')}\r\n`;

    expect((await post(csv, '?dryRun=true')).json()).toMatchObject({ ok: true, created: 1203 });
    expect(await createdEvents(d)).toHaveLength(0);
    const refused = (await post(`${csv}Bad;not-an-email;\r\n`)).json();
    expect(refused).toMatchObject({ ok: false, created: 0 });
    expect(await createdEvents(d)).toHaveLength(0);

    expect((await post(csv)).json()).toMatchObject({ ok: true, created: 1203 });
    const events = await createdEvents(d);
    expect(events).toHaveLength(1203);
    expect(new Set(events.map((e) => e.contactId)).size).toBe(1203);
    const first = events.find((e) => e.contact.emailaddress1 === `p0@${d}`);
    const contact = (await t.api('GET', `contacts/${first?.contactId}`)).json();
    expect(first).toEqual({
      contactId: contact.id,
      contact: {
        id: contact.id,
        firstName: 'Navn 0',
        lastName: null,
        emailaddress1: `p0@${d}`,
        parentAccountId: contact.parentAccountId,
      },
    });

    // Rerun (and a changed row: an update is no creation): nothing more queued.
    expect((await post(csv)).json()).toMatchObject({ created: 0, unchanged: 1203 });
    expect((await post(`email;lastName\r\nP1@${d.toUpperCase()};Changed\r\n`)).json()).toMatchObject({ updated: 1 });
    expect(await createdEvents(d)).toHaveLength(1203);

    // Each with its delivery job queued in the same transaction (delivery itself: webhook-endpoints.test.ts).
    const jobs = await t.ctx.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type', '=', DELIVER_WEBHOOK_JOB)
      .executeTakeFirstOrThrow();
    expect(Number(jobs.n)).toBe(1203);
  });

  it('a Power Pages import fires contact.created for the contacts it creates, not on a second import', async () => {
    const d = 'events-pp.example';
    const doc = {
      contacts: [
        { contactid: '0190aaaa-0000-7000-8000-000000000001', firstname: 'Pia', emailaddress1: `pia@${d}` },
        { contactid: '0190aaaa-0000-7000-8000-000000000002', firstname: 'Per', emailaddress1: `per@${d}` },
      ],
    };
    const dry = await importPowerPages(t.ctx, systemActor, doc, { dryRun: true });
    expect(dry.ok, JSON.stringify(dry)).toBe(true);
    expect(await createdEvents(d)).toHaveLength(0);
    const first = await importPowerPages(t.ctx, systemActor, doc, {});
    expect(first.ok, JSON.stringify(first)).toBe(true);
    const events = await createdEvents(d);
    expect(events.map((e) => e.contactId).sort()).toEqual(doc.contacts.map((c) => c.contactid));
    expect(events[0]?.contact).toMatchObject({ firstName: expect.stringMatching(/^P/) });
    await importPowerPages(t.ctx, systemActor, doc, {});
    expect(await createdEvents(d)).toHaveLength(2);
  });
});
