// Completes a generated OpenAPI document: error responses (defaults by scope, method, parameters
// and body, plus each route's `errors`), one Problem schema, security, success descriptions, real
// names for wildcard parameters, and only the component schemas the operations reach.
import { type ErrorCode, errorCodes } from '../shared/errors.ts';
import { statusOf, titleOf } from '../shared/problem.ts';

export type DocumentKind = 'staff' | 'portal';
export interface RouteDoc {
  errors: readonly ErrorCode[];
}

// biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by key
type Json = any;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const UNSAFE = new Set(['put', 'post', 'delete', 'patch']);
const SESSION_COOKIE = 'portal_session';
const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** The codes an operation answers without declaring them (docs/architecture.md "OpenAPI documents"). */
export function defaultErrors(kind: DocumentKind, method: string, operation: Json): ErrorCode[] {
  // Every route: a bad percent-encoding or unreadable body is 400; a control character in any query
  // value, path parameter or body field, or a field the schema refuses, is 422.
  const codes: ErrorCode[] = ['malformed-request', 'validation-failed'];
  if (kind === 'staff') codes.push('unauthorized');
  if ((operation.parameters ?? []).some((p: Json) => p.in === 'path')) codes.push('not-found');
  if (UNSAFE.has(method)) codes.push('payload-too-large');
  if (kind === 'portal' && UNSAFE.has(method)) codes.push('csrf-invalid');
  return codes;
}

/** What each tag (one per resource) is about; a tag not listed gets a plain sentence. */
const tagDescriptions: Record<string, string> = {
  'System users': 'Back-office people (admins only).',
  'API tokens': 'Bearer tokens of system users; the create answer alone carries the token.',
  Accounts: 'Companies (Dataverse accounts).',
  Contacts: 'People, with their portal identity.',
  'Web roles': 'Named sets of portal rights.',
  'Site settings': 'Portal switches; the name percent-encoded, slashes included.',
  Emails: 'Email activities: every message the product sends (secrets masked).',
  Invitations: 'Invitations and their redemptions.',
  'Content pages': 'Portal content pages (Liquid), limited to web roles or public.',
  Workflows: 'Workflow definitions, runs and their history.',
  'Email templates': 'Liquid templates of workflow email steps.',
  Portal: 'Session, sign-up, sign-in and redemption.',
};

const successDescriptions: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No Content',
};

function errorResponses(codes: readonly ErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  const responses: Record<string, Json> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${titleOf(c)}`).join(' '),
      ...(status === 429 ? { headers: { 'Retry-After': ref('headers', 'RetryAfter') } } : {}),
      content: { 'application/problem+json': { schema: ref('schemas', 'Problem') } },
    };
  }
  return responses;
}

const problemComponents = () => ({
  schemas: {
    Problem: {
      type: 'object',
      description: 'An RFC 9457 problem document with the stable `code` of this API.',
      required: ['type', 'title', 'status', 'code'],
      properties: {
        type: { type: 'string', format: 'uri', description: 'Identifies the problem type (one per `code`).' },
        title: { type: 'string', description: 'A short summary of the problem type.' },
        status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status.' },
        code: { type: 'string', enum: [...errorCodes], description: 'The stable code clients act on.' },
        detail: { type: 'string', description: 'This occurrence in English (a conflict says its reason here).' },
        errors: {
          type: 'array',
          description: 'With `validation-failed`: each refused field, named as the API spells it (`settings.type`).',
          items: ref('schemas', 'FieldError'),
        },
      },
    },
    FieldError: {
      type: 'object',
      required: ['field', 'message'],
      properties: {
        field: { type: 'string' },
        message: { type: 'string' },
        line: { type: 'integer', minimum: 1, description: 'Where in a template the problem is.' },
        column: { type: 'integer', minimum: 1 },
      },
    },
  },
  headers: {
    RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
    Allow: { description: 'The methods this address answers.', schema: { type: 'string' } },
  },
  responses: {
    MethodNotAllowed: {
      description:
        '`method-not-allowed`: any address of this API answers a method it does not know with 405 and `Allow` ' +
        '(no operation lists it, since an operation is the method the address does know).',
      headers: { Allow: ref('headers', 'Allow') },
      content: { 'application/problem+json': { schema: ref('schemas', 'Problem') } },
    },
  },
});

/** Every `$ref` reachable from `start`, following component schemas. */
function reachableSchemas(doc: Json, start: Json): Set<string> {
  const seen = new Set<string>();
  const walk = (node: Json): void => {
    if (Array.isArray(node)) for (const n of node) walk(n);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
          const name = value.slice('#/components/schemas/'.length);
          if (!seen.has(name)) {
            seen.add(name);
            walk(doc.components.schemas[name]);
          }
        } else walk(value);
      }
    }
  };
  walk(start);
  return seen;
}

/** Renames a component schema and every reference to it. */
function renameSchema(doc: Json, from: string, to: string): void {
  doc.components.schemas[to] = doc.components.schemas[from];
  delete doc.components.schemas[from];
  const target = `#/components/schemas/${from}`;
  const walk = (node: Json): void => {
    if (Array.isArray(node)) for (const n of node) walk(n);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && value === target) node.$ref = `#/components/schemas/${to}`;
        else walk(value);
      }
  };
  walk(doc);
}

export function completeDocument(kind: DocumentKind, doc: Json, routes: Map<string, RouteDoc>): Json {
  const base = problemComponents();
  doc.components = {
    ...doc.components,
    schemas: { ...doc.components?.schemas, ...base.schemas },
    headers: base.headers,
    responses: base.responses,
  };
  if (kind === 'staff') {
    doc.components.securitySchemes = { bearer: { type: 'http', scheme: 'bearer', description: 'An API token.' } };
    doc.security = [{ bearer: [] }];
  } else {
    doc.components.securitySchemes = {
      portalSession: {
        type: 'apiKey',
        in: 'cookie',
        name: SESSION_COOKIE,
        description: 'The portal session cookie, set by the server (first by `GET /me`).',
      },
    };
    doc.components.parameters = {
      CsrfToken: {
        name: 'X-CSRF-Token',
        in: 'header',
        required: true,
        description: "The session's CSRF token (`csrfToken` of `GET /me`, sign-up and sign-in).",
        schema: { type: 'string', minLength: 1 },
      },
    };
  }
  const tags = new Set<string>();
  const paths: Json = {};
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    // A wildcard parameter (`/site-settings/*`) is a name with slashes, sent percent-encoded.
    const named = path.replace('{*}', '{name}');
    paths[named] = item;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      for (const p of op.parameters ?? []) if (p.in === 'path' && p.name === '*') p.name = 'name';
      for (const t of op.tags ?? []) tags.add(t);
      for (const [status, response] of Object.entries<Json>(op.responses ?? {}))
        if (response.description === 'Default Response') response.description = successDescriptions[status] ?? 'OK';
      const declared = routes.get(op.operationId)?.errors ?? [];
      Object.assign(op.responses, errorResponses([...defaultErrors(kind, method, op), ...declared]));
      if (kind === 'portal') {
        op.security = UNSAFE.has(method) ? [{ portalSession: [] }] : [{}, { portalSession: [] }];
        if (UNSAFE.has(method)) op.parameters = [ref('parameters', 'CsrfToken'), ...(op.parameters ?? [])];
      }
    }
  }
  doc.paths = paths;
  doc.tags = [...tags]
    .sort()
    .map((name) => ({ name, description: tagDescriptions[name] ?? `Operations on ${name.toLowerCase()}.` }));
  if (!JSON.stringify(doc.paths).includes('#/components/headers/RetryAfter')) delete doc.components.headers.RetryAfter;
  // Only what the operations use; a schema named only for input (`XInput`) keeps its plain name.
  const used = reachableSchemas(doc, { paths: doc.paths, responses: doc.components.responses });
  for (const name of Object.keys(doc.components.schemas)) if (!used.has(name)) delete doc.components.schemas[name];
  for (const name of [...used])
    if (name.endsWith('Input') && !used.has(name.slice(0, -'Input'.length)))
      renameSchema(doc, name, name.slice(0, -'Input'.length));
  return doc;
}
