// The served OpenAPI documents are contracts: Redocly's recommended rules pass (redocly.yaml),
// every route under /api/v1 and /portal/api is an operation of its document and nothing else is,
// and every operation says what a client generator needs (docs/architecture.md "OpenAPI documents").
import type { RouteOptions } from 'fastify';
import { createConfig, lintFromString, loadConfig } from '@redocly/openapi-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DocumentName, type OpenApiDocument, servedDocuments } from '../api-client/documents.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
let documents: Record<DocumentName, OpenApiDocument>;
const routes: Array<{ method: string; url: string }> = [];

beforeAll(async () => {
  documents = await servedDocuments((route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method: method.toLowerCase(), url: route.url });
  });
});

const operations = (name: DocumentName) =>
  Object.entries<OpenApiDocument>(documents[name].paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
  );

describe.each(['staff', 'portal'] as const)('the %s OpenAPI document', (name) => {
  it('lints clean with Redocly (recommended rules, redocly.yaml): no errors, no warnings', async () => {
    const config = await loadConfig({ configPath: new URL('../../redocly.yaml', import.meta.url).pathname }).catch(() =>
      createConfig({ extends: ['recommended'] }),
    );
    const problems = await lintFromString({
      source: JSON.stringify(documents[name]),
      absoluteRef: `${name}-openapi.json`,
      config,
    });
    const shown = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(shown).toEqual([]);
  });

  it('has exactly the routes the server registers under its prefix (documentation routes aside)', () => {
    const server = documents[name].servers[0].url as string;
    const registered = routes
      .filter((r) => r.method !== 'head' && (r.url === server || r.url.startsWith(`${server}/`)))
      // The document itself and its browsable reference (http/openapi.ts) are not operations.
      .filter((r) => r.url !== `${server}/openapi.json` && !r.url.startsWith(`${server}/docs`))
      .map((r) => {
        const path = r.url
          .slice(server.length)
          .replace(/:(\w+)/g, '{$1}')
          .replace(/\*$/, '{name}');
        return `${r.method.toUpperCase()} ${path}`;
      });
    const documented = operations(name).map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
  });

  it('gives every operation a unique camelCase operationId, a summary, one tag and its answers', () => {
    const ids = new Set<string>();
    const faults: string[] = [];
    for (const { path, method, op } of operations(name)) {
      const at = `${method.toUpperCase()} ${path}`;
      if (!/^[a-z][A-Za-z0-9]*$/.test(op.operationId ?? '')) faults.push(`${at}: operationId "${op.operationId}"`);
      if (ids.has(op.operationId)) faults.push(`${at}: operationId ${op.operationId} used twice`);
      ids.add(op.operationId);
      if (!op.summary) faults.push(`${at}: no summary`);
      if (op.tags?.length !== 1) faults.push(`${at}: tags ${JSON.stringify(op.tags)}`);
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => /^2\d\d$/.test(s))) faults.push(`${at}: no success answer`);
      if (method === 'delete' && !statuses.includes('204')) faults.push(`${at}: a delete answers 204`);
      for (const status of statuses.filter((s) => /^[45]\d\d$/.test(s))) {
        const ref = op.responses[status].content?.['application/problem+json']?.schema?.$ref;
        if (ref !== '#/components/schemas/Problem') faults.push(`${at}: ${status} is not a Problem`);
      }
      if (op.responses['429'] && !op.responses['429'].headers?.['Retry-After'])
        faults.push(`${at}: 429 without Retry-After`);
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body && !body.$ref && body.type === 'object' && body.additionalProperties !== false)
        faults.push(`${at}: the body allows unknown fields`);
      if (
        name === 'portal' &&
        method !== 'get' &&
        !(op.parameters ?? []).some((p: OpenAPIRef) => p.$ref?.endsWith('/CsrfToken'))
      )
        faults.push(`${at}: no X-CSRF-Token`);
    }
    expect(faults).toEqual([]);
  });

  it('names its schemas: no inline $defs, no dangling $ref', () => {
    const text = JSON.stringify(documents[name]);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g))
      expect(documents[name].components.schemas, ref).toHaveProperty(ref as string);
    expect(text).not.toContain('$defs');
  });
});

type OpenAPIRef = { $ref?: string };

describe('the staff document', () => {
  it('describes the wildcard site-setting name, WorkflowStep as a oneOf on `type`, and the limit bounds', () => {
    const doc = documents.staff;
    expect(Object.keys(doc.paths)).toContain('/site-settings/{name}');
    expect(doc.components.schemas.WorkflowStep.oneOf.length).toBeGreaterThan(5);
    expect(doc.components.schemas.WorkflowStep.discriminator).toEqual({ propertyName: 'type' });
    const limit = doc.paths['/contacts'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    expect(doc.components.schemas.Problem.properties.code.enum).toContain('validation-failed');
  });
});
