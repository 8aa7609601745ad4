import { describe, expect, it } from 'vitest';
import { renderEmail, validateTemplate } from './templates.ts';

describe('email templates', () => {
  it('escapes variables in the HTML body but not in the subject and text', () => {
    const out = renderEmail(
      {
        subject: 'Hi {{ contact.firstName }}',
        html: '<p>Hi {{ contact.firstName }}</p><a href="{{ redeem_url }}">Redeem</a>',
        text: 'Hi {{ contact.firstName }}: {{ redeem_url }}',
      },
      {
        contact: { firstName: '<script>alert(1)</script>' },
        redeem_url: 'http://localhost:3000/portal/redeem?code=AB&x="1"',
      },
    );
    expect(out.html).toBe(
      '<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;</p><a href="http://localhost:3000/portal/redeem?code=AB&amp;x=&#34;1&#34;">Redeem</a>',
    );
    expect(out.subject).toBe('Hi <script>alert(1)</script>');
    expect(out.text).toBe('Hi <script>alert(1)</script>: http://localhost:3000/portal/redeem?code=AB&x="1"');
  });

  it('keeps the subject on one line', () => {
    expect(
      renderEmail({ subject: 'A {{ x }}\nB', html: '', text: '' }, { x: 'y\r\nBcc: evil@example.com' }).subject,
    ).toBe('A y Bcc: evil@example.com B');
  });

  it('reports invalid Liquid with line and column, and accepts valid Liquid', () => {
    expect(validateTemplate('Hello {{ contact.firstName }}{% if code %} {{ code }}{% endif %}')).toBeNull();
    expect(validateTemplate('line one\nHello {{ contact.firstName ')).toMatchObject({
      line: 2,
      column: 7,
      message: expect.stringContaining('not closed'),
    });
    expect(validateTemplate('ok\n\n  {% if x %}never closed')).toMatchObject({ line: 3, column: 3 });
    expect(validateTemplate('{{ x | no_such_filter }}')).toMatchObject({
      line: 1,
      message: expect.stringContaining('no_such_filter'),
    });
  });

  it('cannot read files through include', () => {
    expect(() => renderEmail({ subject: '', html: "{% include '/etc/passwd' %}", text: '' }, {})).toThrow();
  });

  it('renders the same template many times from one parse', () => {
    const t = { subject: 'S {{ n }}', html: '<b>{{ n }}</b>', text: '{{ n }}' };
    for (let n = 0; n < 100; n++)
      expect(renderEmail(t, { n })).toEqual({ subject: `S ${n}`, html: `<b>${n}</b>`, text: `${n}` });
  });
});
