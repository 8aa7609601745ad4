// A back-office user for tests: signs in through the sign-in form, keeps the admin session cookie,
// reads the CSRF token off each page, and posts forms as a browser would (repeated fields included).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

export type FormFields = Record<string, string | string[] | undefined>;

export class AdminClient {
  cookies = new Map<string, string>();
  csrfToken = '';

  constructor(
    private readonly app: FastifyInstance,
    private readonly ip = '127.0.0.1',
  ) {}

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m?.[1]) this.csrfToken = m[1];
  }

  async request(
    method: 'GET' | 'POST',
    url: string,
    options: { form?: FormFields; headers?: Record<string, string>; csrf?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      ...options.headers,
    };
    let payload: string | undefined;
    if (method === 'POST') {
      const params = new URLSearchParams();
      if (options.csrf !== false) params.append('_csrf', this.csrfToken);
      for (const [k, v] of Object.entries(options.form ?? {})) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      }
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = params.toString();
    }
    const res = await this.app.inject({
      method,
      url,
      headers,
      remoteAddress: this.ip,
      ...(payload !== undefined ? { payload } : {}),
    });
    this.remember(res);
    return res;
  }

  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, headers ? { headers } : {});
  post = (url: string, form: FormFields = {}, options: { csrf?: boolean } = {}) =>
    this.request('POST', url, { form, ...options });

  /** Signs in through the form; expects the redirect into the back office. */
  async signIn(email: string, password: string): Promise<this> {
    await this.get('/admin/sign-in');
    const res = await this.post('/admin/sign-in', { email, password });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    await this.get('/admin');
    return this;
  }
}

/** An admin and a staff member of the test app, signed in (the test app's users and passwords). */
export const signedInAdmin = (app: FastifyInstance) =>
  new AdminClient(app).signIn('admin@example.com', 'Admin-password-1');
export const signedInStaff = (app: FastifyInstance) =>
  new AdminClient(app).signIn('staff@example.com', 'Staff-password-1');

/** The id a "created" redirect points to (`/admin/<area>/<id>`). */
export function createdId(res: LightMyRequestResponse): string {
  expect(res.statusCode, res.body.slice(0, 800)).toBe(303);
  const id = /\/([0-9a-f-]{36})(?:$|[/?])/.exec(String(res.headers.location))?.[1];
  expect(id, String(res.headers.location)).toBeTruthy();
  return id as string;
}
