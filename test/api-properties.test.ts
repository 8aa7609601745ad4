// A property-based test of every operation in the served OpenAPI document (fast-check): requests built
// from each operation's schemas, valid-ish and hostile, never get a 5xx; every API error is a problem
// document with a code from the closed list; no redirect leaves the portal. Bounded (FUZZ_RUNS) and seeded (FUZZ_SEED).
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../src/shared/errors.ts';
import { stepSchema } from '../src/workflows/workflows.schema.ts';
import { useTestApp } from './helpers/app.ts';
import { factories } from './helpers/factories.ts';

const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 2400);
const SEED = Number(process.env.FUZZ_SEED ?? 20240612);
const PASSWORD = 'Fuzz-password-1';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema and JSON answers are read freely here
type Json = any;
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface Operation {
  method: Method;
  path: string;
  parameters: Array<{ name: string; in: string; required?: boolean; schema?: Json }>;
  body: Json | undefined;
  /** The media types its successes declare (application/json, or an image's). */
  successTypes: string[];
  /** The document the operation is in (its `$ref`s point into it). */
  root: Json;
}

/** What a request is built from: the ids and values that exist, so generated requests reach past "not found". */
interface Pools {
  /** Existing ids by collection (`contacts`, `invitations` …): the segment before `{id}`. */
  ids: Map<string, string[]>;
  codes: string[];
  emails: string[];
  settingNames: string[];
  slugs: string[];
}

const t = useTestApp();
const pools: Pools = { ids: new Map(), codes: [], emails: [], settingNames: [], slugs: [] };
/** Ids the fuzzer must not change or delete: its own callers. */
const protectedIds = new Set<string>();
let doc: Json;
let portalDoc: Json;
let visitorEmail = '';
/** Generated requests, and all requests (with the visitors' session reads and sign-ins). */
let requests = 0;
let allRequests = 0;
/** Statuses seen per operation, printed with FUZZ_VERBOSE=1 (to see how deep the requests reach). */
const statuses = new Map<string, Map<number, number>>();

const allIds = () => [...pools.ids.values()].flat();
const addId = (collection: string, id: unknown) => {
  if (typeof id !== 'string' || protectedIds.has(id)) return;
  const list = pools.ids.get(collection) ?? [];
  if (!list.includes(id) && list.length < 50) list.push(id);
  pools.ids.set(collection, list);
};
/** An element of a pool read when the value is generated (pools grow while the test runs). */
const fromPool = (read: () => readonly string[], otherwise: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.nat().chain((n) => {
    const list = read();
    return list.length > 0 ? fc.constant(list[n % list.length] as string) : otherwise;
  });

// ---------------------------------------------------------------------------------------------
// Hostile values

const hostileStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m\u0008',
  'line\r\nInjected: header',
  '\u202egnp.exe',
  '\ud800',
  'é'.normalize('NFD'),
  '😀'.repeat(200),
  'x'.repeat(5000),
  'null',
  'true',
  '0',
  '-1',
  '2147483648',
  '9007199254740993',
  '1e400',
  "'; drop table contacts; --",
  '<script>alert(1)</script>',
  '{{ 7 | times: 7 }}',
  '{% for i in (1..100000000) %}x{% endfor %}',
  '{% capture a %}xx{% endcapture %}{% for i in (1..40) %}{% capture a %}{{a}}{{a}}{% endcapture %}{% endfor %}{{a}}',
  '../../etc/passwd',
  '%00',
  '%E0%A4%A',
  '%ED%A0%80',
  '%FF%FE',
  '//evil.example',
  '/portal/../..//evil.example',
  '/portal/%2e%2e/%2e%2e//evil.example',
  '/\\evil.example',
  'https://evil.example/',
  'http://127.0.0.1:1/',
  '99999999.00:00:00',
  '2000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
];
const hostileNumbers = [2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 2 ** 63, 1e308, -1, 0, 0.5, -0.5];
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...hostileStrings), weight: 4 },
  { arbitrary: fc.constantFrom(...hostileNumbers), weight: 3 },
  { arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { a: { b: { c: [1, 'x', null] } } }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true })), weight: 1 },
  { arbitrary: fc.anything({ maxDepth: 3, maxKeys: 4 }), weight: 2 },
);
/** Whole bodies that are not what any operation takes, some not JSON at all. */
const hostileRawBodies = [
  'not json',
  '{"a":',
  '',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
  `{"name":"${'x'.repeat(1_100_000)}"}`,
  '{"name":"\\u0000"}',
  '"just a string"',
  '1e999',
];

// ---------------------------------------------------------------------------------------------
// JSON Schema → arbitrary (the subset the document uses)

/** The step schema the document's dangling `#/components/schemas/schema0` should name (TODO issue 14). */
const stepJsonSchema = z.toJSONSchema(stepSchema, { io: 'input', unrepresentable: 'any' }) as Json;

function resolve(ref: string, root: Json): { schema: Json; root: Json } | undefined {
  if (ref === '#/components/schemas/schema0' && doc.components?.schemas?.schema0 === undefined)
    return { schema: stepJsonSchema, root: stepJsonSchema };
  if (!ref.startsWith('#')) return undefined;
  let node = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) return undefined;
  }
  return { schema: node, root };
}

const boundedAnything = fc.anything({ maxDepth: 2, maxKeys: 3 });

/** Values a schema accepts, more or less: bounds, enums and formats are kept; patterns when they can be. */
function fromSchema(schema: Json, root: Json, name: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema === true || schema === undefined || schema === null || typeof schema !== 'object') return boundedAnything;
  if (depth > 6) return fc.constant(null);
  if (schema.$ref) {
    const target = resolve(schema.$ref, root);
    return target ? fromSchema(target.schema, target.root, name, depth + 1) : boundedAnything;
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives))
    return fc.oneof(...alternatives.map((s: Json) => fromSchema(s, root, name, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return fromSchema(schema.allOf[0], root, name, depth + 1);
  if (Array.isArray(schema.type))
    return fc.oneof(...schema.type.map((type: string) => fromSchema({ ...schema, type }, root, name, depth + 1)));
  switch (schema.type) {
    case 'string':
      return stringFrom(schema, name);
    case 'integer': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 100_000);
      return fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) });
    }
    case 'number':
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, depth > 3 ? minLength : 4));
      return fc.array(fromSchema(schema.items, root, name, depth + 1), { minLength, maxLength });
    }
    case 'object':
      return objectFrom(schema, root, depth);
    default:
      return schema.properties ? objectFrom(schema, root, depth) : boundedAnything;
  }
}

function objectFrom(schema: Json, root: Json, depth: number): fc.Arbitrary<unknown> {
  const properties: Record<string, Json> = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, s] of Object.entries(properties)) model[key] = fromSchema(s, root, key, depth + 1);
  const record = fc.record(model, { requiredKeys: (schema.required ?? []).filter((k: string) => k in properties) });
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object' && Object.keys(properties).length === 0)
    return fc.dictionary(fc.string({ maxLength: 20 }), fromSchema(extra, root, 'value', depth + 1), { maxKeys: 3 });
  return record;
}

/** Liquid for template fields: valid, broken, and costly to render. */
const liquid = fc
  .array(
    fc.constantFrom(
      'Hello {{ contact.firstName | upcase }} ',
      '{% if contact.lastName %}yes{% else %}no{% endif %}',
      '{% for i in (1..5) %}{{ i }}{% endfor %}',
      '{{ "x" | append: "y" | size }}',
      '{{ 1 | divided_by: 0 }}',
      '{{ invitation.expiresAt | date: "%Y-%m-%d" }}',
      '{% assign a = "xx" %}{% for i in (1..30) %}{% assign a = a | append: a %}{% endfor %}{{ a | size }}',
      '{% for i in (1..1000000) %}{% for j in (1..1000000) %}x{% endfor %}{% endfor %}',
      '{% include "other" %}',
      '{% render "x" %}',
      '{% if %}',
      '{{',
      '{% raw %}{{ not parsed }}',
      '{% comment %}',
      '{{ contact | json }}',
      '{{ a.b.c.d.e.f.g }}',
      '<b>{{ user.email }}</b>',
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) => parts.join(''));
const settingValues = [
  'true',
  'false',
  'TRUE',
  '0',
  '1',
  '-1',
  '5',
  '2147483648',
  '1e3',
  ' 5 ',
  '00:05:00',
  '1.00:00:00',
];
settingValues.push('99999999.00:00:00', '-00:00:01', 'da', 'en', 'xx', '');

/** The collection a field's id names, by the field's name (`parentAccountId`, `webRoleIds` …). */
function referenced(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n.includes('account')) return 'accounts';
  if (n.includes('webrole')) return 'web-roles';
  if (n.includes('template')) return 'email-templates';
  if (n.includes('workflow')) return 'workflows';
  if (n.includes('invitation')) return 'invitations';
  if (n.includes('contact') || n.startsWith('target')) return 'contacts';
  if (n.includes('user') || n.includes('owner')) return 'users';
  return undefined;
}

function stringFrom(schema: Json, name: string): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 60;
  const fits = (s: string) => s.length >= minLength && s.length <= maxLength;
  if (schema.format === 'uuid') {
    const collection = referenced(name);
    return fc.oneof(
      { arbitrary: fromPool(() => (collection ? (pools.ids.get(collection) ?? []) : allIds()), fc.uuid()), weight: 4 },
      { arbitrary: fromPool(allIds, fc.uuid()), weight: 1 },
      { arbitrary: fc.uuid(), weight: 1 },
    );
  }
  if (schema.format === 'email' || /^e?mail|^emailaddress|^login$|^to$|^from$/.test(name))
    return fc.oneof(
      fromPool(() => pools.emails, fc.emailAddress()),
      fc.stringMatching(/^[a-z][a-z0-9]{0,12}$/).map((local) => `${local}@example.com`),
      fc.emailAddress().filter((s) => s.length <= Math.min(maxLength, 320)),
    );
  if (schema.format === 'date-time') {
    const soon = Date.now() + 86_400_000;
    const any = fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('9999-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    const future = fc.date({ min: new Date(soon), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
    return fc.oneof({ arbitrary: future, weight: 4 }, { arbitrary: any, weight: 1 }).map((d) => d.toISOString());
  }
  if (/domain/i.test(name))
    return fc.oneof(fc.domain(), fc.constantFrom('example.com', 'Example.COM', 'xn--bcher-kva.example'));
  if (/code$/i.test(name))
    return fc.oneof(
      fromPool(() => pools.codes, fc.string()),
      fc.string({ maxLength: 30 }),
    );
  if (/^(body|html|text|subject)$/.test(name)) return fc.oneof(liquid, fc.string({ maxLength: 40 }));
  if (name === 'value') return fc.oneof(fc.constantFrom(...settingValues), fc.string({ maxLength: 20 }));
  if (name === 'password') return fc.oneof(fc.constant(PASSWORD), fc.string({ minLength: 0, maxLength: 80 }));
  if (name === 'slug')
    return fc.oneof(
      fromPool(() => pools.slugs, fc.string()),
      fc.stringMatching(/^[a-z0-9-]{1,30}$/),
    );
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern, 'u'), { size: 'small' }).filter(fits);
    } catch {
      // A pattern fast-check cannot build from: plain strings, which the schema may refuse.
    }
  }
  return fc.string({ unit: 'grapheme', minLength, maxLength: Math.min(maxLength, 60) });
}

// ---------------------------------------------------------------------------------------------
// Hostile mutations of a valid-ish value

/** Every path into a JSON value (objects and arrays), the root first. */
function pathsOf(value: unknown, at: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(at);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) pathsOf(v, [...at, i], out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
  return out;
}

type Mutation = 'replace' | 'remove' | 'extra' | 'wrap-in-array';

function mutate(value: unknown, kind: Mutation, pick: number, junk: unknown): unknown {
  const copy = structuredClone(value);
  const paths = pathsOf(copy);
  const path = paths[pick % paths.length] ?? [];
  if (path.length === 0) {
    if (kind === 'extra' && copy && typeof copy === 'object' && !Array.isArray(copy))
      return { ...copy, unexpectedField: junk };
    return kind === 'wrap-in-array' ? [copy] : junk;
  }
  const parent = path.slice(0, -1).reduce<Json>((node, key) => node[key], copy);
  const key = path[path.length - 1] as string | number;
  if (kind === 'remove') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (kind === 'extra' && parent && typeof parent === 'object' && !Array.isArray(parent)) {
    parent[`${String(key)}Extra`] = junk;
  } else if (kind === 'wrap-in-array') {
    parent[key] = [parent[key]];
  } else {
    parent[key] = junk;
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Requests

type Caller = 'admin' | 'staff' | 'none' | 'junk';
type Visitor = 'anonymous' | 'session' | 'signed-in';

interface GeneratedRequest {
  caller: Caller;
  visitor: Visitor;
  params: Record<string, string>;
  query: Array<[string, string]>;
  body: { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string } | { kind: 'none' };
  csrf: 'right' | 'wrong' | 'missing';
  ip: number;
}

const junkPathValues = [
  '',
  'abc',
  '..',
  '%2e%2e%2f',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '123e4567-e89b-12d3-a456-42661417400',
  `${'a'.repeat(600)}`,
  '%00',
  '%ZZ',
  'é😀',
  "' or 1=1 --",
];

/** Percent-encoding that survives lone surrogates (sent as U+FFFD; '%ED%A0%80' above sends the raw bytes). */
const encode = (s: string): string =>
  encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

const collectionOf = (path: string): string => {
  const m = /\/([a-z-]+)\/\{id\}/.exec(path);
  return m?.[1] ?? '';
};
const isApi = (op: Operation) => op.path.startsWith('/api/');
const isPortalJson = (op: Operation) => op.path.startsWith('/portal/api/');

function pathParam(op: Operation, name: string, schema: Json): fc.Arbitrary<string> {
  const junk = fc.constantFrom(...junkPathValues);
  if (name === '*' || (name === 'name' && op.path.includes('site-settings'))) {
    const known = op.path.includes('site-settings') ? () => pools.settingNames : () => pools.slugs;
    return fc
      .oneof(
        { arbitrary: fromPool(known, fc.string()), weight: 5 },
        { arbitrary: stringFrom(schema ?? {}, name), weight: 2 },
        { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
        { arbitrary: junk, weight: 1 },
      )
      .map((s) => s.split('/').map(encode).join('/'));
  }
  const collection = collectionOf(op.path);
  return fc.oneof(
    { arbitrary: fromPool(() => pools.ids.get(collection) ?? [], fc.uuid()), weight: 6 },
    { arbitrary: fromPool(allIds, fc.uuid()), weight: 1 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: junk.map((s) => (s.includes('%') ? s : encode(s))), weight: 2 },
  );
}

const portalQueryNames = ['code', 'invitation', 'returnurl', 'returnUrl', 'next', 'lang', 'token', 'id', 'email'];
const portalFormNames = ['login', 'password', 'email', 'firstName', 'lastName', 'code', 'next', 'token'];

function requestArbitrary(op: Operation): fc.Arbitrary<GeneratedRequest> {
  const params: Record<string, fc.Arbitrary<string>> = {};
  for (const p of op.parameters.filter((p) => p.in === 'path')) params[p.name] = pathParam(op, p.name, p.schema);

  const documented = op.parameters.filter((p) => p.in === 'query');
  const named = documented.length > 0 || isApi(op) ? documented.map((p) => [p.name, p.schema] as const) : [];
  const pageNames =
    !isApi(op) && !isPortalJson(op) ? portalQueryNames.map((n) => [n, { type: 'string' }] as const) : [];
  const queryEntry = ([name, schema]: readonly [string, Json]) =>
    fc.tuple(
      fc.constant(name),
      fc.oneof(
        {
          arbitrary: fromSchema(schema, op.root, name).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
          weight: 7,
        },
        { arbitrary: hostileValue.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))), weight: 1 },
      ),
    );
  const queryNames = [...named, ...pageNames];
  const query = fc
    .tuple(
      fc.subarray(queryNames, { minLength: 0 }).chain((chosen) => fc.tuple(...chosen.map(queryEntry))),
      fc.oneof(
        { arbitrary: fc.constant(null), weight: 6 },
        {
          arbitrary: fc.tuple(
            fc.constantFrom('unknownParam', 'access_token', 'limit'),
            fc.constantFrom(...hostileStrings),
          ),
          weight: 1,
        },
        {
          // A parameter given twice.
          arbitrary:
            queryNames.length > 0
              ? queryEntry(queryNames[0] as readonly [string, Json])
              : fc.constant(['x', 'y'] as [string, string]),
          weight: 1,
        },
      ),
    )
    .map(([entries, extra]) => (extra ? [...entries, extra] : entries) as Array<[string, string]>);

  let body: fc.Arbitrary<GeneratedRequest['body']>;
  if (op.body) {
    const valid = fromSchema(op.body, op.root, 'body');
    body = fc.oneof(
      { arbitrary: valid.map((value) => ({ kind: 'json' as const, value })), weight: 6 },
      {
        arbitrary: fc
          .tuple(
            valid,
            fc.constantFrom<Mutation>('replace', 'remove', 'extra', 'wrap-in-array'),
            fc.nat(),
            hostileValue,
          )
          .map(([v, kind, pick, junk]) => ({ kind: 'json' as const, value: mutate(v, kind, pick, junk) })),
        weight: 5,
      },
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom(...hostileRawBodies),
            fc.constantFrom(
              'application/json',
              'application/json; charset=utf-8',
              'text/plain',
              'application/x-www-form-urlencoded',
            ),
          )
          .map(([text, contentType]) => ({ kind: 'raw' as const, text, contentType })),
        weight: 1,
      },
      { arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 },
    );
  } else if (!isApi(op) && !isPortalJson(op) && op.method === 'POST') {
    // The portal's HTML forms are not in the document: their fields by name.
    const field = fc.oneof(
      ...portalFormNames.map((n) => fc.tuple(fc.constant(n), stringFrom({ type: 'string', maxLength: 100 }, n))),
      fc.tuple(fc.constantFrom(...portalFormNames), fc.constantFrom(...hostileStrings)),
    );
    body = fc.array(field, { maxLength: 6 }).map((fields) => ({
      kind: 'raw' as const,
      text: new URLSearchParams(fields).toString(),
      contentType: 'application/x-www-form-urlencoded',
    }));
  } else {
    body = fc.oneof(
      { arbitrary: fc.constant({ kind: 'none' as const }), weight: 5 },
      { arbitrary: hostileValue.map((value) => ({ kind: 'json' as const, value })), weight: 1 },
    );
  }

  return fc.record({
    caller: fc.constantFrom<Caller>('admin', 'admin', 'admin', 'admin', 'staff', 'staff', 'staff', 'none', 'junk'),
    visitor: fc.constantFrom<Visitor>('anonymous', 'session', 'session', 'signed-in', 'signed-in', 'signed-in'),
    params: fc.record(params),
    query,
    body,
    csrf: fc.constantFrom<GeneratedRequest['csrf']>('right', 'right', 'right', 'right', 'wrong', 'missing'),
    ip: fc.integer({ min: 1, max: 60_000 }),
  });
}

/** A portal visitor: its cookies and CSRF token, kept across requests. */
interface PortalVisitor {
  cookies: Map<string, string>;
  csrfToken: string;
}
const visitorsByKind = new Map<Visitor, PortalVisitor>();

function remember(visitor: PortalVisitor | undefined, res: LightMyRequestResponse): void {
  if (!visitor) return;
  for (const c of res.cookies as Array<{ name: string; value: string }>) visitor.cookies.set(c.name, c.value);
  if (String(res.headers['content-type'] ?? '').startsWith('application/json')) {
    const token = (res.json() as { csrfToken?: unknown }).csrfToken;
    if (typeof token === 'string') visitor.csrfToken = token;
  }
}

async function send(op: Operation, r: GeneratedRequest): Promise<LightMyRequestResponse> {
  let url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => r.params[name] ?? '');
  if (r.query.length > 0) {
    // Hand-built so that a hostile value may carry bad percent-encoding (`%E0%A4%A`) as it is.
    url += `?${r.query.map(([k, v]) => `${encode(k)}=${v.startsWith('%') ? v : encode(v)}`).join('&')}`;
  }
  const headers: Record<string, string> = {};
  let visitor: PortalVisitor | undefined;
  if (isApi(op)) {
    const token = { admin: t.adminToken, staff: t.staffToken, none: undefined, junk: 'pit_not-a-real-token' }[r.caller];
    if (token) headers.authorization = `Bearer ${token}`;
  } else {
    visitor = r.visitor === 'anonymous' ? undefined : await portalVisitor(r.visitor);
    if (visitor) headers.cookie = [...visitor.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  let payload: string | undefined;
  if (r.body.kind === 'json') {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(r.body.value) ?? 'null';
  } else if (r.body.kind === 'raw') {
    headers['content-type'] = r.body.contentType;
    payload = r.body.text;
    if (visitor && r.csrf === 'right' && r.body.contentType === 'application/x-www-form-urlencoded')
      payload = `${payload}${payload ? '&' : ''}_csrf=${encode(visitor.csrfToken)}`;
  }
  if (!isApi(op) && op.method !== 'GET' && r.csrf !== 'missing')
    headers['x-csrf-token'] = r.csrf === 'right' && visitor ? visitor.csrfToken : 'wrong-token';
  requests++;
  allRequests++;
  const res = await t.app.inject({
    method: op.method,
    url,
    headers,
    remoteAddress: `10.77.${Math.floor(r.ip / 250) % 250}.${(r.ip % 250) + 1}`,
    ...(payload !== undefined ? { payload } : {}),
  });
  remember(visitor, res);
  const seen = statuses.get(`${op.method} ${op.path}`) ?? new Map<number, number>();
  seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
  statuses.set(`${op.method} ${op.path}`, seen);
  if (process.env.FUZZ_DEBUG && new RegExp(process.env.FUZZ_DEBUG).test(`${op.method} ${op.path} ${res.statusCode}`))
    console.info(
      `${op.method} ${url.slice(0, 120)} ${res.statusCode}`,
      /data-code="([^"]+)"/.exec(res.body)?.[1] ??
        (res.headers.location as string | undefined) ??
        res.body.slice(0, 400),
    );
  if (res.statusCode < 300 && isApi(op) && op.path.includes('content-pages')) {
    const slug = (JSON.parse(res.body || 'null') as Json)?.slug;
    if (typeof slug === 'string' && !pools.slugs.includes(slug)) pools.slugs.push(slug);
  }
  if (res.statusCode === 201 && isApi(op)) {
    const created = res.json() as Json;
    const collection = op.path.split('/')[3] ?? '';
    addId(collection, created?.id);
    for (const item of created?.items ?? []) addId(collection === 'workflows' ? 'workflow-runs' : collection, item?.id);
    if (typeof created?.code === 'string') pools.codes.push(created.code);
  }
  return res;
}

/** The shared anonymous session, or the shared signed-in contact (signed in again whenever it was signed out). */
async function portalVisitor(kind: Exclude<Visitor, 'anonymous'>): Promise<PortalVisitor> {
  let visitor = visitorsByKind.get(kind);
  if (!visitor) {
    visitor = { cookies: new Map(), csrfToken: '' };
    visitorsByKind.set(kind, visitor);
  }
  {
    // Read the session's current token each time: a page's answer (sign-in, sign-out) may have rotated it.
    allRequests++;
    const me = await t.app.inject({
      method: 'GET',
      url: '/portal/api/me',
      headers: { cookie: [...visitor.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    remember(visitor, me);
    if (kind === 'signed-in' && (me.json() as { contactId: unknown }).contactId === null) {
      allRequests++;
      const res = await t.app.inject({
        method: 'POST',
        url: '/portal/api/sign-in',
        remoteAddress: '10.78.0.1',
        headers: {
          cookie: [...visitor.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': visitor.csrfToken,
        },
        payload: { email: visitorEmail, password: PASSWORD },
      });
      remember(visitor, res);
      if (process.env.FUZZ_DEBUG) console.info('visitor sign-in', res.statusCode, res.body.slice(0, 300));
    }
  }
  return visitor;
}

// ---------------------------------------------------------------------------------------------
// The properties

const codes = new Set<string>(errorCodes);

function check(op: Operation, r: GeneratedRequest, res: LightMyRequestResponse): void {
  const what = `${op.method} ${op.path} → ${res.statusCode} ${res.body.slice(0, 500)}`;
  expect(res.statusCode, what).toBeLessThan(500);
  const type = String(res.headers['content-type'] ?? '');
  const location = res.headers.location;
  if (location !== undefined) {
    // A redirect stays on this service: one leading slash, no authority, no backslash.
    expect(String(location), what).toMatch(/^\/(?![/\\])[^\\]*$/);
  }
  if (isApi(op) && (r.caller === 'none' || r.caller === 'junk')) {
    // Without a valid token: 401, unless the router refused the address before any route ran.
    const beforeRouting = ['malformed-request', 'not-found', 'method-not-allowed', 'uri-too-long'];
    if (res.statusCode !== 401) expect(beforeRouting, what).toContain(JSON.parse(res.body).code);
  }
  if (res.statusCode === 405) {
    // The address answers other methods: Allow names them, never the one just refused.
    expect(String(res.headers.allow ?? '').split(', '), what).not.toContain(op.method);
  }
  if (type.startsWith('application/problem+json')) {
    const problem = res.json() as Json;
    expect(codes.has(problem.code), what).toBe(true);
    expect(problem.status, what).toBe(res.statusCode);
    expect(res.statusCode, what).toBeGreaterThanOrEqual(400);
    return;
  }
  if (isApi(op) || isPortalJson(op)) {
    expect(res.statusCode, what).toBeLessThan(400);
    if (res.statusCode === 204) expect(res.body, what).toBe('');
    else if (res.statusCode < 300 && op.successTypes.some((t) => !t.includes('json'))) {
      // An image (the invitation's card): the media type the document declares.
      expect(op.successTypes, what).toContain(type.split(';')[0]);
    } else if (res.statusCode < 300) {
      expect(type, what).toMatch(/^application\/json/);
      expect(() => JSON.parse(res.body), what).not.toThrow();
    }
    return;
  }
  // A page of the portal or the back office: an HTML page (a refusal shows as a page with its code), a
  // redirect, or one of their assets (a stylesheet, a script).
  if (res.statusCode >= 300 && res.statusCode < 400) expect(location, what).toBeDefined();
  else expect(type, what).toMatch(/^(text\/html|text\/css|text\/javascript)/);
}

/** The operations of the documents, their paths with the server's prefix (`/api/v1/users`). */
function operationsOf(documents: Json[]): Operation[] {
  const ops: Operation[] = [];
  for (const document of documents) {
    const prefix = document.servers?.[0]?.url ?? '';
    for (const [path, item] of Object.entries<Json>(document.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) {
        if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
        ops.push({
          method: method.toUpperCase() as Method,
          path: `${prefix}${path}`,
          // Shared parameters (`$ref`, the portal's X-CSRF-Token) are the test's own business.
          parameters: (op.parameters ?? []).filter((p: Json) => !p.$ref),
          body: op.requestBody?.content?.['application/json']?.schema,
          successTypes: Object.entries<Json>(op.responses ?? {})
            .filter(([status]) => status.startsWith('2'))
            .flatMap(([, response]) => Object.keys(response.content ?? {})),
          root: document,
        });
      }
    }
  }
  return ops;
}

describe('the API against its OpenAPI document (property-based)', () => {
  beforeAll(async () => {
    doc = (await t.api('GET', 'openapi.json', { token: null })).json();
    portalDoc = (await t.app.inject({ url: '/portal/api/openapi.json' })).json();
    const f = factories(t, { contact: { firstName: 'Fuzz', lastName: 'Target' } });
    protectedIds.add(t.adminId).add(t.staffId);
    const tokens = (await t.api('GET', 'tokens')).json() as Json;
    for (const token of tokens.items) protectedIds.add(token.id);

    // The signed-in visitor's contact is left out of the pools: a generated request that changed its
    // password or address, or locked it out, would end the signed-in part of the run.
    const visitor = await f.contactWithPassword(PASSWORD);
    visitorEmail = visitor.emailaddress1;
    protectedIds.add(visitor.id);
    const other = await f.contactWithPassword(PASSWORD);
    pools.emails.push(other.emailaddress1);
    const accounts = [await f.account(), await f.account()];
    const roles = [await f.webRole(), await f.webRole()];
    const contacts = [
      await f.contact({ parentAccountId: accounts[0].id, webRoleIds: [roles[0].id] }),
      await f.contact(),
      await f.contact({ emailaddress1: 'Mixed.Case@Example.com' }),
    ];
    for (const c of [other, ...contacts]) addId('contacts', c.id);
    for (const a of accounts) addId('accounts', a.id);
    for (const r of roles) addId('web-roles', r.id);
    pools.emails.push(...contacts.map((c) => c.emailaddress1));
    const invitations = [
      await f.invitation({ invitedContactIds: [contacts[0].id] }),
      await f.invitation({ type: 'group', maxRedemptions: 5, webRoleIds: [roles[1].id] }),
      await f.invitation({ invitedContactIds: [contacts[1].id], expiresAt: '2100-01-01T00:00:00Z' }),
    ];
    // One that has expired since (the API refuses a past expiry).
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: '2001-01-01T00:00:00.000Z' })
      .where('id', '=', invitations[2].id)
      .execute();
    for (const i of invitations) {
      addId('invitations', i.id);
      pools.codes.push(i.code);
    }
    const user = await t.api('POST', 'users', {
      body: { email: 'spare@example.com', fullName: 'Spare User', role: 'staff', password: 'Spare-password-1' },
    });
    addId('users', user.json().id);
    const token = await t.api('POST', 'tokens', { body: { name: 'spare', userId: user.json().id } });
    addId('tokens', token.json().id);
    const page = await t.api('POST', 'content-pages', {
      body: { slug: 'welcome', title: 'Welcome', body: 'Hello {{ user.firstName }}' },
    });
    addId('content-pages', page.json().id);
    pools.slugs.push('welcome');
    const workflow = (
      await t.api('POST', 'workflows', { body: { name: 'Fuzz flow', primaryEntity: 'contact', steps: [] } })
    ).json();
    addId('workflows', workflow.id);
    const template = await t.api('POST', 'email-templates', {
      body: {
        workflowId: workflow.id,
        name: 'Hello',
        subject: 'Hi {{ contact.firstName }}',
        html: '<p>Hi</p>',
        text: 'Hi',
      },
    });
    addId('email-templates', template.json().id);
    const existing = await t.api('GET', 'workflows');
    for (const w of existing.json().items) addId('workflows', w.id);
    await t.api('POST', `workflows/${workflow.id}/activate`);
    const runs = await t.api('POST', `workflows/${workflow.id}/run`, { body: { targetIds: [contacts[1].id] } });
    for (const run of runs.json().items ?? []) addId('workflow-runs', run.id);
    // An email row or two: the portal's own messages (reset link, confirmation).
    await t.app.inject({
      method: 'POST',
      url: '/portal/api/sign-up',
      payload: { email: 'new.person@example.com', password: PASSWORD },
      headers: { cookie: '', 'x-csrf-token': 'x' },
    });
    const emails = await t.api('GET', 'emails');
    for (const e of emails.json().items ?? []) addId('emails', e.id);
    pools.settingNames.push(...(await t.api('GET', 'site-settings')).json().items.map((s: Json) => s.name));
  });

  it(`holds for every operation (${TOTAL_RUNS} generated requests, seed ${SEED})`, { timeout: 180_000 }, async () => {
    // Deletions last, so that the records the other operations aim at still exist when they run.
    const ops = operationsOf([doc, portalDoc]).sort(
      (a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'),
    );
    expect(ops.length).toBeGreaterThan(60);
    const runsEach = Math.max(5, Math.ceil(TOTAL_RUNS / ops.length));
    const failures: string[] = [];
    for (const [index, op] of ops.entries()) {
      try {
        await fc.assert(
          fc.asyncProperty(requestArbitrary(op), async (r) => check(op, r, await send(op, r))),
          { seed: SEED + index, numRuns: runsEach, endOnFailure: true },
        );
      } catch (err) {
        const cause = (err as Error).cause as Error | undefined;
        failures.push(
          `${op.method} ${op.path}: ${(err as Error).message.slice(0, 2000)}\n${cause?.message.slice(0, 1500) ?? ''}`,
        );
      }
    }
    if (process.env.FUZZ_VERBOSE)
      for (const [op, seen] of statuses) console.info(op, JSON.stringify(Object.fromEntries(seen)));
    console.info(
      `api-properties: ${ops.length} operations, ${requests} generated requests (${allRequests} in all), seed ${SEED}`,
    );
    expect(failures, failures.join('\n\n')).toEqual([]);
  });
});
