// Typed clients of this service's two APIs, made from the checked-in types of the served OpenAPI
// documents (openapi-typescript) and openapi-fetch: a call's path, parameters, body and answer
// are checked by the compiler. The CLI's remote mode and HTTP tests use them.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components as PortalComponents, paths as PortalPaths } from './portal-api.d.ts';
import type { components as StaffComponents, paths as StaffPaths } from './staff-api.d.ts';

export type StaffApiClient = Client<StaffPaths>;
export type PortalApiClient = Client<PortalPaths>;
export type StaffSchemas = StaffComponents['schemas'];
export type PortalSchemas = PortalComponents['schemas'];
export type Problem = StaffSchemas['Problem'];
export type { PortalPaths, StaffPaths };

export interface ClientOptions {
  /** Where the service is: `http://localhost:3000` (the API's own prefix is added). */
  baseUrl: string;
  /** A custom fetch (tests, proxies). */
  fetch?: (input: Request) => Promise<Response>;
}

const root = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** The staff API (`/api/v1`) with a system user's API token. */
export function createStaffApiClient(options: ClientOptions & { token: string }): StaffApiClient {
  return createClient<StaffPaths>({
    baseUrl: `${root(options.baseUrl)}/api/v1`,
    headers: { authorization: `Bearer ${options.token}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/**
 * The portal JSON API (`/portal/api`). Outside a browser nothing keeps cookies, so this client
 * keeps the session cookie it is given; pass the `X-CSRF-Token` header parameter (from `GET /me`,
 * sign-up or sign-in) on state-changing calls, as the document requires.
 */
export function createPortalApiClient(options: ClientOptions): PortalApiClient {
  const cookies = new Map<string, string>();
  const jar: Middleware = {
    onRequest({ request }) {
      if (cookies.size > 0) request.headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
      return request;
    },
    onResponse({ response }) {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair?.indexOf('=') ?? -1;
        if (pair && eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      return response;
    },
  };
  const client = createClient<PortalPaths>({
    baseUrl: `${root(options.baseUrl)}/portal/api`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  client.use(jar);
  return client;
}
