// Content pages: who may open a page on the portal (web roles, the authenticated-users role, public
// pages), the Liquid in them escaped, and the content pages API with what it refuses. Both databases.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { dataCode, expectHtml, signInThroughPage, visitors } from '../../test/helpers/portal.ts';
import { newId } from '../shared/ids.ts';

const t = useTestApp();
const PASSWORD = 'Portal-password-1';
const visitor = visitors(t, '10.2');
const make = factories(t, { contact: { firstName: 'Pia', lastName: 'Portal' } });
/** A contact with a confirmed email and a password (not signed in). */
const contactWithAccount = (body: Record<string, unknown> = {}) => make.contactWithPassword(PASSWORD, body);

describe('content pages', () => {
  it('a page limited to a role: visitors are offered sign-in (401), a contact without it gets 403, with it 200', async () => {
    const role = await make.webRole({ name: `Resellers ${newId()}` });
    const slug = `resellers/price-list-${newId().slice(-8)}`;
    const created = await t.api('POST', 'content-pages', {
      body: {
        slug,
        title: 'Price list',
        body: '<p>Hello {{ user.firstName }}, this is {{ page.title }}.</p>',
        webRoleIds: [role.id],
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      slug,
      webRoleIds: [role.id],
      url: `http://localhost:3000/portal/pages/${slug}`,
    });

    const anonymous = await visitor().get(`/portal/pages/${slug}`);
    expectHtml(anonymous, 401);
    expect(dataCode(anonymous)).toContain('unauthorized');
    expect(anonymous.body).toContain(`href="/portal/sign-in?next=${encodeURIComponent(`/portal/pages/${slug}`)}"`);
    expect(anonymous.body).not.toContain('Hello');

    const c = await contactWithAccount({ firstName: '<b>Zed</b>' });
    const client = await signInThroughPage(visitor(), c, PASSWORD);
    const denied = await client.get(`/portal/pages/${slug}`);
    expectHtml(denied, 403);
    expect(dataCode(denied)).toContain('forbidden');
    expect(denied.body).toContain('You do not have access to this page');
    expect(denied.body).not.toContain('Hello');

    expect((await t.api('PATCH', `contacts/${c.id}`, { body: { webRoleIds: [role.id] } })).statusCode).toBe(200);
    const open = await client.get(`/portal/pages/${slug}`);
    expectHtml(open, 200);
    // The Liquid output is escaped: the contact's name is text, never markup.
    expect(open.body).toContain('<p>Hello &lt;b&gt;Zed&lt;/b&gt;, this is Price list.</p>');
    // And it is listed on the home page for this contact, not for a visitor.
    expect((await client.get('/portal')).body).toContain(`href="/portal/pages/${slug}"`);
    expect((await visitor().get('/portal')).body).not.toContain(`href="/portal/pages/${slug}"`);
  });

  it('the authenticated-users role opens a page for every signed-in contact', async () => {
    const role = await make.webRole({ name: `Authenticated ${newId()}`, authenticatedUsersRole: true });
    const slug = `members-${newId().slice(-8)}`;
    expect(
      (
        await t.api('POST', 'content-pages', {
          body: { slug, title: 'Members', body: 'For members', webRoleIds: [role.id] },
        })
      ).statusCode,
    ).toBe(201);
    expectHtml(await visitor().get(`/portal/pages/${slug}`), 401);
    const c = await contactWithAccount();
    const roles = await t.ctx.db
      .selectFrom('contact_web_roles')
      .select('web_role_id')
      .where('contact_id', '=', c.id)
      .execute();
    expect(roles).toEqual([]);
    const open = await (await signInThroughPage(visitor(), c, PASSWORD)).get(`/portal/pages/${slug}`);
    expectHtml(open, 200);
    expect(open.body).toContain('For members');
  });

  it('a public page opens for anyone; an unknown slug is a 404 page', async () => {
    const slug = `help-${newId().slice(-8)}`;
    expect(
      (
        await t.api('POST', 'content-pages', {
          body: { slug, title: 'Help', body: '{% if user %}Hi{% else %}Welcome, guest{% endif %}' },
        })
      ).statusCode,
    ).toBe(201);
    const r = await visitor().get(`/portal/pages/${slug}`);
    expectHtml(r, 200);
    expect(r.body).toContain('Welcome, guest');
    const missing = await visitor().get('/portal/pages/no/such/page');
    expectHtml(missing, 404);
    expect(dataCode(missing)).toContain('not-found');
  });
});

describe('content pages API', () => {
  it('creates, reads, lists, patches and deletes a page', async () => {
    const role = await make.webRole({ name: `Api pages ${newId()}` });
    const slug = `about-${newId().slice(-8)}`;
    const created = await t.api('POST', 'content-pages', {
      token: t.staffToken,
      body: { slug, title: 'About', body: 'About us' },
    });
    expect(created.statusCode).toBe(201);
    const page = created.json();
    expect(page).toMatchObject({ slug, title: 'About', body: 'About us', webRoleIds: [] });
    expect((await t.api('GET', `content-pages/${page.id}`)).json()).toEqual(page);
    expect((await t.api('GET', `content-pages?slug=${slug}`)).json().items.map((p: { id: string }) => p.id)).toEqual([
      page.id,
    ]);

    const patched = await t.api('PATCH', `content-pages/${page.id}`, {
      body: { title: 'About us', webRoleIds: [role.id] },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ id: page.id, title: 'About us', webRoleIds: [role.id] });
    const links = await t.ctx.db
      .selectFrom('content_page_web_roles')
      .selectAll()
      .where('content_page_id', '=', page.id)
      .execute();
    expect(links.map((l) => l.web_role_id)).toEqual([role.id]);
    // A role a page requires cannot be deleted.
    expect((await t.api('DELETE', `web-roles/${role.id}`)).statusCode).toBe(409);

    expect((await t.api('DELETE', `content-pages/${page.id}`)).statusCode).toBe(204);
    expect((await t.api('GET', `content-pages/${page.id}`)).statusCode).toBe(404);
    expect(
      await t.ctx.db.selectFrom('content_page_web_roles').selectAll().where('content_page_id', '=', page.id).execute(),
    ).toEqual([]);
    expect((await t.api('DELETE', `web-roles/${role.id}`)).statusCode).toBe(204);
  });

  it('refuses a bad slug, bad Liquid, an unknown role (422 naming the field) and a duplicate slug (409), saving nothing', async () => {
    const count = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('content_pages')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    for (const slug of ['Upper', 'with space', '/leading', 'trailing/', 'double//slash', 'dot.s', '']) {
      const r = await t.api('POST', 'content-pages', { body: { slug, title: 'X' } });
      expect(r.statusCode, slug).toBe(422);
      expect(r.json().errors.map((e: { field: string }) => e.field)).toContain('slug');
    }
    const liquid = await t.api('POST', 'content-pages', {
      body: { slug: `bad-liquid-${newId().slice(-6)}`, title: 'X', body: '{% if user %}never closed' },
    });
    expect(liquid.statusCode).toBe(422);
    expect(liquid.json().errors[0].field).toBe('body');
    const unknownFilter = await t.api('POST', 'content-pages', {
      body: { slug: `bad-filter-${newId().slice(-6)}`, title: 'X', body: '{{ user | no_such_filter }}' },
    });
    expect(unknownFilter.statusCode).toBe(422);
    expect(unknownFilter.json().errors[0].field).toBe('body');
    const role = await t.api('POST', 'content-pages', {
      body: { slug: `no-role-${newId().slice(-6)}`, title: 'X', webRoleIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(role.statusCode).toBe(422);
    expect(role.json().errors[0].field).toBe('webRoleIds');
    const unknownField = await t.api('POST', 'content-pages', {
      body: { slug: `extra-${newId().slice(-6)}`, title: 'X', layout: 'wide' },
    });
    expect(unknownField.statusCode).toBe(422);
    expect(await count()).toBe(before);

    const slug = `dup-${newId().slice(-8)}`;
    expect((await t.api('POST', 'content-pages', { body: { slug, title: 'First' } })).statusCode).toBe(201);
    const dup = await t.api('POST', 'content-pages', { body: { slug, title: 'Second' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('conflict');
    expect(dup.json().detail).toContain(slug);
    const other = (await t.api('POST', 'content-pages', { body: { slug: `${slug}-b`, title: 'Other' } })).json();
    const rename = await t.api('PATCH', `content-pages/${other.id}`, { body: { slug } });
    expect(rename.statusCode).toBe(409);
    const badPatch = await t.api('PATCH', `content-pages/${other.id}`, { body: { body: '{{ unclosed' } });
    expect(badPatch.statusCode).toBe(422);
    expect((await t.api('GET', `content-pages/${other.id}`)).json()).toMatchObject({ slug: `${slug}-b`, body: '' });
  });

  it('refuses include, render and layout (a page cannot read files), 422 naming body', async () => {
    for (const body of ["{% include 'package.json' %}", "{%- render 'src/config.ts' -%}", "{% layout 'x' %}"]) {
      const r = await t.api('POST', 'content-pages', {
        body: { slug: `include-${newId().slice(-8)}`, title: 'Include', body },
      });
      expect(r.statusCode, body).toBe(422);
      expect(r.json().errors[0].field).toBe('body');
    }
  });
});
