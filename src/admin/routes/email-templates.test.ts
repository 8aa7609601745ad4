// The back office's template editor: editing refused while the workflow is activated and allowed
// while it is deactivated, errors at their fields with what was typed kept, the live preview with a
// stand-in code (never the real one) in a sandboxed frame, and Liquid errors shown with their line.
// Both databases.
import { describe, expect, it } from 'vitest';
import { signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const make = factories(t, { contact: { firstName: 'Tilde', lastName: 'Template' } });
const STAND_IN = 'ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2-3456';

async function draftWithTemplate() {
  const wf = (
    await t.api('POST', 'workflows', { body: { name: `Notes ${newId()}`, primaryEntity: 'contact' } })
  ).json();
  const r = await t.api('POST', 'email-templates', {
    body: {
      workflowId: wf.id,
      name: 'Note',
      locale: 'en',
      subject: 'Hello {{ contact.firstName }}',
      html: '<p>Hi {{ contact.firstName }}</p>',
      text: 'Hi {{ contact.firstName }}',
    },
  });
  expect(r.statusCode, r.body).toBe(201);
  return { wf, template: r.json() };
}

const builtIn = async () => {
  const wf = (await t.api('GET', 'workflows?limit=500'))
    .json()
    .items.find((w: { key: string }) => w.key === 'send-invitation');
  const templates = (await t.api('GET', `email-templates?workflowId=${wf.id}`)).json().items;
  return { wf, templates };
};

describe('template editor', () => {
  it('is read-only while the workflow is activated, and a save is refused with workflow-activated', async () => {
    const staff = await signedInStaff(t.app);
    const { wf, templates } = await builtIn();
    const en = templates.find((x: { locale: string }) => x.locale === 'en');
    // Reached from the workflow form, per locale.
    const wfPage = await staff.get(`/admin/workflows/${wf.id}`);
    expect(wfPage.body).toContain(`href="/admin/email-templates/${en.id}" data-template-locale="en"`);
    const page = await staff.get(`/admin/email-templates/${en.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-read-only');
    expect(page.body).toContain('<fieldset class="plain" disabled');
    const refused = await staff.post(`/admin/email-templates/${en.id}`, {
      locale: 'en',
      subject: 'Changed',
      html: en.html,
      text: en.text,
      _action: 'save',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('data-code="workflow-activated"');
    expect((await t.api('GET', `email-templates/${en.id}`)).json().subject).toBe(en.subject);
  });

  it('saves while the workflow is deactivated; errors sit at their fields with what was typed kept', async () => {
    const staff = await signedInStaff(t.app);
    const { wf, template } = await draftWithTemplate();
    const page = await staff.get(`/admin/email-templates/${template.id}`);
    expect(page.body).not.toContain('data-read-only');
    expect(page.body).toContain(`hx-post="/admin/email-templates/${template.id}/preview"`);
    const form = {
      locale: 'da',
      from: '"Partner desk" <desk@example.com>',
      subject: 'Hej {{ contact.firstName }}',
      html: '<p>Hej</p>',
      text: 'Hej',
      _action: 'save',
    };
    const saved = await staff.post(`/admin/email-templates/${template.id}`, form);
    expect(saved.statusCode, saved.body.slice(0, 1500)).toBe(303);
    expect((await t.api('GET', `email-templates/${template.id}`)).json()).toMatchObject({
      locale: 'da',
      from: '"Partner desk" <desk@example.com>',
      subject: 'Hej {{ contact.firstName }}',
    });

    const badFrom = await staff.post(`/admin/email-templates/${template.id}?lang=en`, {
      ...form,
      from: 'not an address',
    });
    expect(badFrom.statusCode).toBe(422);
    expect(badFrom.body).toContain('id="f-from-error"');
    expect(badFrom.body).toContain('value="not an address"');

    const badLiquid = await staff.post(`/admin/email-templates/${template.id}?lang=en`, {
      ...form,
      html: '<p>ok</p>\n<p>{% if contact %}unclosed</p>',
    });
    expect(badLiquid.statusCode).toBe(422);
    expect(badLiquid.body).toMatch(/data-liquid-field="html" data-line="2" data-column="\d+"/);
    expect(badLiquid.body).toContain('Liquid error at line 2');
    expect(badLiquid.body).toContain('{% if contact %}unclosed');

    // Activated, the same save is refused; deactivated again, it is allowed.
    expect((await t.api('POST', `workflows/${wf.id}/activate`)).statusCode).toBe(200);
    const locked = await staff.post(`/admin/email-templates/${template.id}`, { ...form, subject: 'Locked' });
    expect(locked.statusCode).toBe(409);
    expect(locked.body).toContain('data-read-only');
    expect((await t.api('POST', `workflows/${wf.id}/deactivate`)).statusCode).toBe(200);
    const again = await staff.post(`/admin/email-templates/${template.id}`, { ...form, subject: 'Open again' });
    expect(again.statusCode).toBe(303);
    expect((await t.api('GET', `email-templates/${template.id}`)).json().subject).toBe('Open again');
  });

  it('creates a template for a deactivated workflow', async () => {
    const staff = await signedInStaff(t.app);
    const { wf } = await draftWithTemplate();
    expect((await staff.get(`/admin/email-templates/new?workflowId=${wf.id}`)).statusCode).toBe(200);
    const r = await staff.post(`/admin/email-templates/new?workflowId=${wf.id}`, {
      name: 'Reminder',
      locale: 'da',
      subject: 'Påmindelse',
      html: '<p>Husk</p>',
      text: 'Husk',
      _action: 'save',
    });
    expect(r.statusCode, r.body.slice(0, 800)).toBe(303);
    const list = (await t.api('GET', `email-templates?workflowId=${wf.id}`)).json().items;
    expect(list.map((x: { name: string }) => x.name).sort()).toEqual(['Note', 'Reminder']);
    const empty = await staff.post(`/admin/email-templates/new?workflowId=${wf.id}`, { locale: 'da', _action: 'save' });
    expect(empty.statusCode).toBe(422);
  });

  it('previews what is typed for a chosen invitation and contact, with a stand-in code in a sandboxed frame', async () => {
    const staff = await signedInStaff(t.app);
    const { templates } = await builtIn();
    const da = templates.find((x: { locale: string }) => x.locale === 'da');
    const c = await make.contact({ firstName: 'Per <b>' });
    const inv = await make.invitation({ name: `Partner ${newId()}`, type: 'single', invitedContactIds: [c.id] });
    const fields = { invitationIdLookup: inv.name, contactIdLookup: c.emailaddress1 };
    const fragment = await staff.post(`/admin/email-templates/${da.id}/preview`, fields);
    expect(fragment.statusCode).toBe(200);
    // `sandbox` with no value (preact writes sandbox="" so): no script, no same origin, no forms.
    expect(fragment.body).toMatch(/<iframe [^>]*\bsandbox(="")? srcdoc="/);
    expect(fragment.body).toContain('srcdoc="');
    expect(fragment.body).toContain(STAND_IN);
    expect(fragment.body).toContain('Hej Per &lt;b>');
    expect(fragment.body).not.toContain(inv.code);
    expect(fragment.body).not.toContain(encodeURIComponent(inv.code));
    expect(fragment.body).toContain('id="liquid-html" class="liquid-slot" hx-swap-oob="true"');
    // What is typed is rendered, not what is stored (the fields are sent while editable).
    const { template } = await draftWithTemplate();
    const typed = await staff.post(`/admin/email-templates/${template.id}/preview`, {
      contactIdLookup: c.emailaddress1,
      subject: 'Typed {{ contact.firstName }}',
      html: '<p>Typed</p>',
      text: 'Typed text',
    });
    expect(typed.body).toContain('Typed Per &lt;b>');
    expect(typed.body).toContain('Typed text');
    expect((await t.api('GET', `email-templates/${template.id}`)).json().subject).toBe('Hello {{ contact.firstName }}');
    // Without JavaScript: the Preview button renders the whole page with the preview.
    const page = await staff.post(`/admin/email-templates/${da.id}`, { ...fields, _action: 'preview' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-preview-subject');
    expect(page.body).toContain(STAND_IN);
    expect(page.body).not.toContain(inv.code);
    // Without a contact, the preview says what it needs.
    const none = await staff.post(`/admin/email-templates/${da.id}/preview`, {});
    expect(none.body).toContain('data-preview-empty');
  });

  it('reports a Liquid error with its line next to its field, in Danish too', async () => {
    const staff = await signedInStaff(t.app);
    const { template } = await draftWithTemplate();
    const c = await make.contact();
    const syntax = await staff.post(`/admin/email-templates/${template.id}/preview?lang=en`, {
      contactIdLookup: c.emailaddress1,
      subject: 'ok',
      html: '<p>ok</p>\n<p>{% if contact %}unclosed</p>',
      text: 'ok',
    });
    expect(syntax.statusCode).toBe(200);
    expect(syntax.body).toMatch(
      /<div id="liquid-html" class="liquid-slot" hx-swap-oob="true"><p class="field-error liquid-error" data-liquid-field="html" data-line="2"/,
    );
    expect(syntax.body).toContain('Liquid error at line 2, column');
    // A failure only rendering finds (an include of nothing) keeps its line and its part.
    const render = await staff.post(`/admin/email-templates/${template.id}/preview?lang=da`, {
      contactIdLookup: c.emailaddress1,
      subject: 'ok',
      html: 'ok',
      text: 'a\nb\n{% include "nope" %}',
    });
    expect(render.body).toMatch(/data-liquid-field="text" data-line="3"/);
    expect(render.body).toContain('Liquid-fejl i linje 3');
    const da = await staff.get(`/admin/email-templates/${template.id}?lang=da`);
    for (const word of ['Emne', 'Fra', 'Eksempel', 'Kontaktperson', 'Vis eksempel', 'E-mailskabelon'])
      expect(da.body).toContain(word);
    // Garbage is answered calmly.
    for (const body of [{ contactIdLookup: 'nobody' }, { contactId: 'x', invitationId: 'y', html: '{{' }])
      expect((await staff.post(`/admin/email-templates/${template.id}/preview`, body)).statusCode).toBe(200);
    expect((await staff.get(`/admin/email-templates/${newId()}`)).statusCode).toBe(404);
  });
});
