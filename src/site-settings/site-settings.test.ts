import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';

const t = useTestApp();

const OPEN_REGISTRATION = 'Authentication/Registration/OpenRegistrationEnabled';
const url = (name: string) => `site-settings/${encodeURIComponent(name)}`;
const storedRows = () => t.ctx.db.selectFrom('site_settings').selectAll().orderBy('name').execute();

describe('site settings API', () => {
  it('answers a default for a known setting, the name URL-encoded with %2F', async () => {
    expect(url(OPEN_REGISTRATION)).toContain('%2F');
    const r = await t.api('GET', url(OPEN_REGISTRATION));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ name: OPEN_REGISTRATION, value: 'false', isDefault: true });
    // Staff may read.
    expect(
      (await t.api('GET', url('Authentication/Registration/InvitationEnabled'), { token: t.staffToken })).json().value,
    ).toBe('true');
    expect(
      (await t.api('GET', url('Authentication/UserManager/MaxFailedAccessAttemptsBeforeLockout'))).json().value,
    ).toBe('5');
  });

  it('lets an admin change a setting, after which GET shows it', async () => {
    const put = await t.api('PUT', url(OPEN_REGISTRATION), { body: { value: 'true' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ name: OPEN_REGISTRATION, value: 'true', isDefault: false });
    const got = await t.api('GET', url(OPEN_REGISTRATION));
    expect(got.json()).toMatchObject({ value: 'true', isDefault: false });
    // The same setting by its unencoded path.
    expect((await t.api('GET', `site-settings/${OPEN_REGISTRATION}`)).json().value).toBe('true');
    // And back: an update of a stored value, not a second row.
    expect((await t.api('PUT', url(OPEN_REGISTRATION), { body: { value: 'false' } })).statusCode).toBe(200);
    expect((await t.api('GET', url(OPEN_REGISTRATION))).json().value).toBe('false');
    expect((await storedRows()).filter((r) => r.name === OPEN_REGISTRATION)).toHaveLength(1);
    const listed = (await t.api('GET', 'site-settings'))
      .json()
      .items.find((s: { name: string }) => s.name === OPEN_REGISTRATION);
    expect(listed.value).toBe('false');
  });

  it('answers 403 to staff changing a setting, and changes nothing', async () => {
    const before = await storedRows();
    const r = await t.api('PUT', url('Authentication/Registration/LocalLoginEnabled'), {
      token: t.staffToken,
      body: { value: 'false' },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('forbidden');
    expect(await storedRows()).toEqual(before);
    expect((await t.api('GET', url('Authentication/Registration/LocalLoginEnabled'))).json().value).toBe('true');
  });

  it('refuses a bad value for a boolean setting with 422 naming value, and changes nothing', async () => {
    const before = await storedRows();
    const r = await t.api('PUT', url('Authentication/Registration/RequiresConfirmation'), { body: { value: 'yes' } });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json().code).toBe('validation-failed');
    expect(r.json().errors).toContainEqual({ field: 'value', message: expect.any(String) });
    expect(await storedRows()).toEqual(before);
    expect((await t.api('GET', url('Authentication/Registration/RequiresConfirmation'))).json()).toMatchObject({
      value: 'true',
      isDefault: true,
    });

    const notAString = await t.api('PUT', url('Authentication/Registration/RequiresConfirmation'), {
      body: { value: false },
    });
    expect(notAString.statusCode).toBe(422);
    expect(notAString.json().errors[0].field).toBe('value');
    const badInt = await t.api('PUT', url('Authentication/UserManager/MaxFailedAccessAttemptsBeforeLockout'), {
      body: { value: 'five' },
    });
    expect(badInt.statusCode).toBe(422);
    expect(await storedRows()).toEqual(before);
  });

  it('answers 404 for an unknown setting that was never set', async () => {
    const r = await t.api('GET', url('Nothing/Like/This'));
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe('not-found');
  });
});
