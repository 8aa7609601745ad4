// A portal visitor for tests: keeps its cookies and CSRF token across app.inject calls.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

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
