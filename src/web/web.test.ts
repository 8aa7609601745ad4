// The web kit on its own: the CSRF preHandler on a scope, parseForm's messages, refusal texts, and
// the locale picker. No database: a bare Fastify app is enough.
import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { sendProblem, toAppError } from '../http/errors.ts';
import { dictionary } from '../portal/i18n.ts';
import { AppError } from '../shared/errors.ts';
import { acceptedLanguages, pickLocale } from '../shared/locale.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { csrf } from './csrf.ts';
import { emailField, newPasswordField, optionalField, parseForm, refusedForm, requiredField } from './forms.ts';
import { problemText, type RefusalTexts } from './refusal.ts';

const TOKEN = 'the-session-token';

async function appWithCsrf() {
  const app = Fastify();
  await app.register(formbody);
  await app.register(async (scope) => {
    scope.setErrorHandler((err, _req, reply) => sendProblem(reply, toAppError(err)));
    scope.addHook('preHandler', csrf({ expectedToken: async () => TOKEN, exempt: ['/saml/acs'] }));
    scope.get('/page', async () => 'page');
    scope.post('/form', async () => 'done');
    scope.delete('/thing', async () => 'gone');
    scope.post('/saml/acs', async () => 'signed response');
  });
  return app;
}

describe('csrf(): one preHandler for every unsafe route of a scope', () => {
  it('refuses a POST or DELETE without the token, and takes it from the header or the _csrf field', async () => {
    const app = await appWithCsrf();
    const none = await app.inject({ method: 'POST', url: '/form' });
    expect(none.statusCode).toBe(403);
    expect(none.json().code).toBe('csrf-invalid');
    expect((await app.inject({ method: 'DELETE', url: '/thing' })).statusCode).toBe(403);
    const wrong = await app.inject({ method: 'POST', url: '/form', headers: { 'x-csrf-token': `${TOKEN}x` } });
    expect(wrong.statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/form', headers: { 'x-csrf-token': TOKEN } })).body).toBe('done');
    const form = await app.inject({
      method: 'POST',
      url: '/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${TOKEN}`,
    });
    expect(form.body).toBe('done');
  });

  it('leaves GET, the listed exemptions and unknown addresses alone', async () => {
    const app = await appWithCsrf();
    expect((await app.inject({ method: 'GET', url: '/page' })).body).toBe('page');
    expect((await app.inject({ method: 'POST', url: '/saml/acs' })).body).toBe('signed response');
    expect((await app.inject({ method: 'POST', url: '/nowhere' })).statusCode).toBe(404);
  });
});

describe('parseForm(): zod issues as the dictionary says them', () => {
  const t = dictionary('en');
  const schema = z.object({
    email: emailField,
    password: newPasswordField,
    login: requiredField(),
    firstName: optionalField(5),
  });

  it('names one message per field: too long, then required, then invalid email, then the password rule', () => {
    const form = parseForm(schema, { email: 'x'.repeat(400), password: '', firstName: 'Too long a name' }, t);
    expect(form.data).toBeUndefined();
    expect(form.errors).toEqual({
      email: t.fieldTooLong,
      password: t.fieldRequired,
      login: t.fieldRequired,
      firstName: t.fieldTooLong,
    });
    expect(parseForm(schema, { email: '', password: 'short', login: 'a' }, t).errors).toEqual({
      email: t.fieldRequired,
      password: t.passwordRule,
    });
    expect(parseForm(schema, { email: 'no-at-sign', password: 'Long-enough-1', login: 'a' }, t).errors).toEqual({
      email: t.fieldInvalidEmail,
    });
  });

  it('trims every field but the password, takes a repeated field once, and leaves an empty optional field out', () => {
    const form = parseForm(
      schema,
      { email: [' a@example.com ', 'b@example.com'], password: ' Long-enough-1 ', login: ' a ', firstName: '' },
      t,
    );
    expect(form.data).toEqual({
      email: 'a@example.com',
      password: ' Long-enough-1 ',
      login: 'a',
      firstName: undefined,
    });
  });

  it('keeps what was typed after a refusal, never the password or the CSRF token', () => {
    const form = parseForm(schema, { email: 'a@example.com', password: 'short', _csrf: TOKEN, login: 'a' }, t);
    const err = new AppError('validation-failed', 'password', { errors: [{ field: 'password', message: 'x' }] });
    const state = refusedForm(t, form, err);
    expect(state.values).toEqual({ email: 'a@example.com', login: 'a' });
    expect(state.errors.password).toBe(t.passwordRule);
  });
});

describe('refusal texts and the locale', () => {
  it('a reason is translated; without one an English page shows the English detail (unless the dictionary says no), a Danish one the code text', () => {
    const locked = new AppError('unauthorized', 'Locked until 14:05 UTC.', { reason: 'account-locked' });
    expect(problemText(dictionary('da'), locked, false).body).toBe(dictionary('da').reasons['account-locked']);
    const plain = new AppError('conflict', 'The invitation changed at the same moment; try again.');
    const withDetail = { ...dictionary('en'), serviceDetail: true };
    expect(problemText(withDetail, plain, true).body).toBe(plain.detail);
    // The portal says the same in both languages: its dictionary's text, never the service's detail.
    expect(problemText(dictionary('en'), plain, true)).toEqual(dictionary('en').errors.conflict);
    expect(problemText(dictionary('da'), plain, false)).toEqual(dictionary('da').errors.conflict);
  });

  it('picks the first locale it speaks, with Accept-Language ranked by q', () => {
    expect(acceptedLanguages('en;q=0.5, da-DK, de;q=0')).toEqual(['da', 'en']);
    expect(pickLocale([null, 'de', ...acceptedLanguages('sv, en;q=0.1')], 'da')).toBe('en');
    expect(pickLocale([undefined], 'da')).toBe('da');
  });

  it('a misspelt setting name or a missing reason text does not compile', () => {
    // @ts-expect-error: not a setting the product knows
    const misspelt = () => settingFlag({ db: undefined as never }, 'Authentication/Registration/Enabeld');
    // @ts-expect-error: every refusal reason needs its text
    const missing: RefusalTexts['reasons'] = { 'email-taken': '' };
    expect([typeof misspelt, typeof missing]).toEqual(['function', 'object']);
  });
});
