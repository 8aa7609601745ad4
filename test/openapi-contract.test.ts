// The contract: every operation of both OpenAPI documents gets one valid and one invalid request
// (test/openapi-examples.ts, keyed by operationId); each answer's status must be one the document
// declares for the operation, and its body must match the declared schema (ajv, JSON Schema 2020-12).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './helpers/app.ts';
import { type Example, type ExampleRequest, examples, fixtures, portalSession } from './openapi-examples.ts';

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents as JSON
type Json = any;
const t = useTestApp();
const docs: Record<string, Json> = {};
let x: Awaited<ReturnType<typeof fixtures>>;

beforeAll(async () => {
  docs.staff = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
  docs.portal = (await t.app.inject({ url: '/portal/api/openapi.json' })).json();
  x = await fixtures(t);
});

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function validator(name: string) {
  // strict off: the document's own keywords (discriminator, example) are not JSON Schema's.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ ...docs[name], $id: `${name}.json` });
  return ajv;
}

async function send(name: string, method: string, path: string, r: ExampleRequest, opId: string) {
  const server = docs[name].servers[0].url as string;
  let url = server + path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(r.params?.[p] ?? ''));
  if (r.query) url += `?${new URLSearchParams(r.query)}`;
  const headers: Record<string, string> = {};
  if (name === 'staff') {
    const token = r.as === 'none' ? undefined : r.as === 'staff' ? t.staffToken : t.adminToken;
    if (token) headers.authorization = `Bearer ${token}`;
  } else {
    const email = opId === 'redeemInvitation' ? x.signer.emailaddress1 : r.signIn;
    const { cookie, csrf } = await portalSession(t, email);
    headers.cookie = cookie;
    if (method !== 'get' && r.csrf !== false) headers['x-csrf-token'] = csrf;
  }
  if (r.contentType) headers['content-type'] = r.contentType;
  return t.app.inject({
    method: method.toUpperCase() as 'GET',
    url,
    headers,
    ...(r.body !== undefined ? { payload: r.body as object } : {}),
  });
}

function check(name: string, ajv: Ajv2020, path: string, method: string, op: Json, res: LightMyRequestResponse) {
  const status = String(res.statusCode);
  const what = `${op.operationId} (${method.toUpperCase()} ${path}) → ${status} ${res.body.slice(0, 300)}`;
  const declared = op.responses[status];
  if (!declared) return `${what}: status not declared (${Object.keys(op.responses).join(', ')})`;
  const types = Object.keys(declared.content ?? {});
  if (types.length === 0) return res.body === '' ? undefined : `${what}: a body where none is declared`;
  const type = String(res.headers['content-type'] ?? '').split(';')[0] ?? '';
  if (!types.includes(type)) return `${what}: content type ${type}, declared ${types.join(', ')}`;
  // An image (card.svg, card.png) is checked by its content type alone.
  if (!type.endsWith('json')) return undefined;
  const ref = `${name}.json#/${pointer('paths', path, method, 'responses', status, 'content', type, 'schema')}`;
  const validate = ajv.getSchema(ref);
  if (!validate) return `${what}: no schema at ${ref}`;
  if (!validate(res.json())) return `${what}: ${ajv.errorsText(validate.errors)}`;
  return undefined;
}

describe.each(['staff', 'portal'])('the %s API against its OpenAPI document (contract)', (name) => {
  it('answers every operation with a declared status and a body of the declared schema', {
    timeout: 120_000,
  }, async () => {
    const ajv = validator(name);
    const faults: string[] = [];
    const ops = Object.entries<Json>(docs[name].paths)
      .flatMap(([path, item]) =>
        ['get', 'put', 'post', 'patch', 'delete'].filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] })),
      )
      // Deletions last, so that the other operations find their records.
      .sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    for (const { path, method, op } of ops) {
      const make = examples[op.operationId];
      if (!make) {
        faults.push(`${op.operationId} (${method.toUpperCase()} ${path}): no example in test/openapi-examples.ts`);
        continue;
      }
      const example: Example = await make(x, t);
      for (const [kind, request] of [
        ['invalid', example.invalid],
        ['valid', example.valid],
      ] as const) {
        const res = await send(name, method, path, request, op.operationId);
        const fault = check(name, ajv, path, method, op, res);
        if (fault) faults.push(`${kind}: ${fault}`);
        else if (kind === 'valid' && example.validStatus !== undefined) {
          if (res.statusCode !== example.validStatus)
            faults.push(`valid: ${op.operationId} answered ${res.statusCode}`);
        } else if (kind === 'valid' && res.statusCode >= 300)
          faults.push(`valid: ${op.operationId} answered ${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (kind === 'invalid' && res.statusCode < 400)
          faults.push(`invalid: ${op.operationId} answered ${res.statusCode}`);
      }
    }
    expect(faults, faults.join('\n')).toEqual([]);
  });
});
