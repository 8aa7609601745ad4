// The templates service's preview of unsaved text (the back office's live preview) and where its
// Liquid problems are: the part (`subject`, `html`, `text`) with line and column, for parse errors
// (also at save, on the API) and for failures only rendering finds. Both databases.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { AppError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { previewEmailTemplate } from './email-templates.service.ts';

const t = useTestApp();
const make = factories(t);

async function template() {
  const wf = (
    await t.api('POST', 'workflows', { body: { name: `Preview ${newId()}`, primaryEntity: 'contact' } })
  ).json();
  const r = await t.api('POST', 'email-templates', {
    body: { workflowId: wf.id, name: 'Note', locale: 'en', subject: 'Stored', html: '<p>Stored</p>', text: 'Stored' },
  });
  return r.json();
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('previewEmailTemplate', () => {
  it('renders the draft text in place of the stored text, changing nothing', async () => {
    const tpl = await template();
    const c = await make.contact({ firstName: 'Dora' });
    const out = await previewEmailTemplate(
      t.ctx,
      tpl.id,
      { contactId: c.id },
      { subject: 'Draft {{ contact.firstName }}' },
    );
    expect(out).toEqual({ subject: 'Draft Dora', html: '<p>Stored</p>', text: 'Stored' });
    expect((await t.api('GET', `email-templates/${tpl.id}`)).json().subject).toBe('Stored');
  });

  it('names the part and the line and column of a parse error, and of a failure only rendering finds', async () => {
    const tpl = await template();
    const c = await make.contact();
    const parse = await refusal(
      previewEmailTemplate(t.ctx, tpl.id, { contactId: c.id }, { html: '<p>ok</p>\n<p>{% if contact %}x</p>' }),
    );
    expect(parse.code).toBe('validation-failed');
    expect(parse.errors?.[0]).toMatchObject({ field: 'html', line: 2 });
    expect(parse.errors?.[0]?.column).toBeGreaterThan(0);
    const render = await refusal(
      previewEmailTemplate(t.ctx, tpl.id, { contactId: c.id }, { text: 'a\nb\n{% include "nope" %}' }),
    );
    expect(render.errors?.[0]).toMatchObject({ field: 'text', line: 3, column: 1 });
    expect(render.errors?.[0]?.message).toMatch(/^cannot be rendered at line 3, column 1: /);
  });

  it('the API names the line and column of a Liquid error as members of the error too', async () => {
    const tpl = await template();
    const r = await t.api('PATCH', `email-templates/${tpl.id}`, { body: { subject: 'Hi\n{{ x | nosuchfilter }}' } });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0]).toMatchObject({ field: 'subject', line: 2 });
    expect(r.json().errors[0].message).toMatch(/^invalid Liquid at line 2, column \d+: /);
  });
});
