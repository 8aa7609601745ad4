// A real OpenID Connect issuer for tests: `oidc-provider` 9 on 127.0.0.1 with one confidential
// client that must use PKCE, its development login and consent forms, and users with and without
// a verified email. `signIn` drives a browser's part of the authorization-code flow over HTTP:
// it follows the redirects, keeps the provider's cookies and posts its interaction forms.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OidcUser {
  email?: string;
  email_verified?: boolean;
  given_name?: string;
  family_name?: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  users: Record<string, OidcUser>;
  /**
   * From the provider's authorization URL to the redirect back to the portal: signs `login` in,
   * consents, and answers the callback URL the browser would be sent to.
   */
  signIn(authorizationUrl: string, login: string): Promise<URL>;
  close(): Promise<void>;
}

export async function startOidcProvider(options: {
  redirectUris: string[];
  users?: Record<string, OidcUser>;
}): Promise<TestOidcProvider> {
  const users: Record<string, OidcUser> = options.users ?? {
    alice: { email: 'alice@example.com', email_verified: true, given_name: 'Alice', family_name: 'Andersen' },
    bob: { email: 'bob@example.com', email_verified: false, given_name: 'Bob' },
  };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'portal-test-client';
  const clientSecret = 'portal-test-client-secret-0123456789';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
    // The portal reads the person from the ID token, so the claims go there.
    conformIdTokenClaims: false,
    cookies: { keys: ['test-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      return { accountId: id, claims: async () => ({ sub: id, ...(users[id] ?? {}) }) };
    },
  });
  // biome-ignore lint/suspicious/noExplicitAny: koa's callback fits node's request listener
  server.on('request', provider.callback() as any);

  async function signIn(authorizationUrl: string, login: string): Promise<URL> {
    const jar = new Map<string, string>();
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = (pair ?? '').indexOf('=');
        if (i > 0) jar.set((pair as string).slice(0, i), (pair as string).slice(i + 1));
      }
    };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let url = new URL(authorizationUrl);
    let method = 'GET';
    let body: string | undefined;
    for (let hop = 0; hop < 20; hop++) {
      const res = await fetch(url, {
        method,
        redirect: 'manual',
        headers: { cookie: cookie(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(body ? { body } : {}),
      });
      keep(res);
      method = 'GET';
      body = undefined;
      if (res.status >= 300 && res.status < 400) {
        const next = new URL(res.headers.get('location') as string, url);
        if (next.origin !== issuer) return next;
        url = next;
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (res.status !== 200 || !action)
        throw new Error(`unexpected page from the provider (${res.status}): ${html.slice(0, 500)}`);
      const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
      url = new URL(action.replaceAll('&amp;', '&'), url);
      method = 'POST';
      body = new URLSearchParams(
        prompt === 'login' ? { prompt, login, password: 'any' } : { prompt: prompt ?? 'consent' },
      ).toString();
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    users,
    signIn,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
