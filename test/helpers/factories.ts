// Records for tests, made through the admin API as an API caller makes them; a refusal fails the test
// with the API's answer. A file gives its own defaults where its assertions rely on names.
import { expect } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import type { TestApp } from './app.ts';

type Body = Record<string, unknown>;

export interface FactoryDefaults {
  /** The names of a file's contacts; their emailaddress1 is `<first name>.<id>@example.com`. */
  contact?: { firstName: string; lastName: string };
  /** Fields of a file's invitations (a name at least). */
  invitation?: Body;
}

// biome-ignore lint/suspicious/noExplicitAny: records are the API's JSON answers, read freely by tests
type Json = any;

/** Record builders bound to a test app (call them inside tests: the app is read then). */
export function factories(t: TestApp, defaults: FactoryDefaults = {}) {
  const names = defaults.contact ?? { firstName: 'Ann', lastName: 'Berg' };
  const create = async (path: string, body: Body): Promise<Json> => {
    const r = await t.api('POST', path, { body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };
  const contact = (overrides: Body = {}): Promise<Json> =>
    create('contacts', {
      ...names,
      emailaddress1: `${names.firstName.toLowerCase()}.${newId()}@example.com`,
      ...overrides,
    });
  return {
    contact,
    /** A contact with a password and a confirmed email: one who can sign in on the portal. */
    async contactWithPassword(password: string, overrides: Body = {}): Promise<Json> {
      const c = await contact(overrides);
      const r = await t.api('POST', `contacts/${c.id}/password`, { body: { password } });
      expect(r.statusCode, r.body).toBeLessThan(300);
      await t.ctx.db.updateTable('contacts').set({ email_confirmed: 1 }).where('id', '=', c.id).execute();
      return c;
    },
    invitation: (overrides: Body = {}): Promise<Json> =>
      create('invitations', { name: 'Invitation', ...defaults.invitation, ...overrides }),
    account: (overrides: Body = {}): Promise<Json> => create('accounts', { name: `Account ${newId()}`, ...overrides }),
    webRole: (overrides: Body = {}): Promise<Json> =>
      create('web-roles', { name: `Web role ${newId()}`, ...overrides }),
    /** Sets a site setting through the API. */
    async setting(name: string, value: string): Promise<void> {
      const r = await t.api('PUT', `site-settings/${encodeURIComponent(name)}`, { body: { value } });
      expect(r.statusCode, r.body).toBe(200);
    },
  };
}
