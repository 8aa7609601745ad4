// A portal visitor for tests: keeps its cookies and CSRF token across app.inject calls; and what
// tests of the portal's pages read from a page.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

export class PortalClient {
  cookies = new Map<string, string>();
  csrfToken = '';

  constructor(
    private readonly app: FastifyInstance,
    private readonly ip = '127.0.0.1',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string }>) this.cookies.set(c.name, c.value);
    const body = res.headers['content-type']?.toString().includes('json')
      ? (res.json() as { csrfToken?: string })
      : undefined;
    if (body?.csrfToken) this.csrfToken = body.csrfToken;
  }

  async request(
    method: 'GET' | 'POST',
    url: string,
    options: { body?: unknown; csrf?: boolean; headers?: Record<string, string>; form?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { cookie: this.cookieHeader(), ...options.headers };
    if (method === 'POST' && options.csrf !== false && !options.form) headers['x-csrf-token'] = this.csrfToken;
    let payload: string | object | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(options.form).toString();
    } else if (options.body !== undefined) payload = options.body as object;
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

  /** Fetches /portal/api/me: a session cookie and its CSRF token. */
  async start(): Promise<LightMyRequestResponse> {
    return this.request('GET', '/portal/api/me');
  }

  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, headers ? { headers } : {});
  post = (url: string, body?: unknown, options: { csrf?: boolean } = {}) =>
    this.request('POST', url, { body, ...options });
}

/**
 * Visitors each from an address of their own in `subnet` (say '10.1'), so that per-client limits
 * don't meet between tests. The app is read when a visitor is made (a useTestApp handle fits).
 */
export function visitors(t: { readonly app: FastifyInstance }, subnet: string): () => PortalClient {
  let n = 10;
  return () => new PortalClient(t.app, `${subnet}.${Math.floor(n / 250)}.${(n++ % 250) + 1}`);
}

/** The CSRF token of the first form on a page. */
export function csrfOf(res: LightMyRequestResponse): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
  if (!m?.[1]) throw new Error(`no _csrf field on the page (status ${res.statusCode})`);
  return m[1];
}

/** A whole HTML page with this status. */
export function expectHtml(res: LightMyRequestResponse, status: number): void {
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.body.startsWith('<!doctype html>')).toBe(true);
}

/** The codes a page shows (`data-code` attributes: refusals, problems). */
export const dataCode = (res: LightMyRequestResponse) =>
  [...res.body.matchAll(/data-code="([^"]+)"/g)].map((m) => m[1]);

/** Signs a contact in through the sign-in page (it lands on the profile); returns the client. */
export async function signInThroughPage(
  client: PortalClient,
  contact: { emailaddress1: string },
  password: string,
): Promise<PortalClient> {
  const form = await client.get('/portal/sign-in');
  const r = await client.request('POST', '/portal/sign-in', {
    form: { _csrf: csrfOf(form), login: contact.emailaddress1, password },
  });
  expect(r.statusCode, r.body.slice(0, 1000)).toBe(303);
  expect(r.headers.location).toBe('/portal/profile');
  return client;
}
