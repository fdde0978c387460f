import { METHODS } from 'node:http';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Operation = { summary?: string; operationId?: string; security?: Record<string, string[]>[]; responses: Record<string, Schema>; requestBody?: Schema; parameters?: Schema[] };
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> };
  security?: Record<string, string[]>[];
}

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const ALL_METHODS = METHODS.map((m) => m.toLowerCase());

/** Every (method, path) the Express router of the running app answers, with `:id` written `{id}` as OpenAPI does. */
function registeredRoutes(t: TestApp): { method: string; path: string }[] {
  const express = t.app.getHttpAdapter().getInstance() as { router?: { stack: ExpressLayer[] }; _router?: { stack: ExpressLayer[] } };
  const stack = (express.router ?? express._router)!.stack;
  const routes: { method: string; path: string }[] = [];
  for (const layer of stack) {
    if (!layer.route) continue; // app.use() middleware, static assets, the queue dashboard's sub-router
    const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
    // Middleware applied with Nest's MiddlewareConsumer is registered with all(): every HTTP method, not an operation.
    if (ALL_METHODS.every((m) => methods.includes(m))) continue;
    for (const path of [layer.route.path].flat()) {
      // The interactive reference's own page and assets, registered by SwaggerModule.setup.
      if (path === '/api/reference' || path.startsWith('/api/reference/')) continue;
      for (const method of methods) routes.push({ method, path: path.replace(/:(\w+)/g, '{$1}') });
    }
  }
  return routes;
}

function operations(doc: Document): { method: string; path: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ method, path, operation })),
  );
}

function schemaOf(doc: Document, ref: Schema): Schema {
  const name = (ref.$ref as string).replace('#/components/schemas/', '');
  expect(doc.components.schemas[name]).toBeDefined();
  return doc.components.schemas[name];
}

/** The path with its parameters filled in: an id that matches the parameter's format (its resource need not exist). */
function concretePath(path: string, operation: Operation): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const schema = operation.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema ?? {};
    return schema.type === 'integer' ? '1' : '6f1c2a4e-1d2b-4c3d-8e4f-5a6b7c8d9e0f';
  });
}

/** Every schema a schema refers to, itself included when it is a reference. */
function reachableSchemas(doc: Document, root: Schema, seen = new Map<string, Schema>()): Map<string, Schema> {
  if (!root || typeof root !== 'object') return seen;
  if (typeof root.$ref === 'string') {
    const name = root.$ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return seen;
    seen.set(name, doc.components.schemas[name]);
    return reachableSchemas(doc, doc.components.schemas[name], seen);
  }
  for (const child of [...Object.values((root.properties ?? {}) as Record<string, Schema>), root.items, ...(root.allOf ?? [])]) reachableSchemas(doc, child, seen);
  return seen;
}

describe('OpenAPI document and API reference', () => {
  let t: TestApp;
  let doc: Document;

  beforeAll(async () => {
    t = await createTestApp();
    const res = await request(t.http).get('/api/openapi/v1.json');
    expect(res.status).toBe(200);
    doc = res.body as Document;
  });
  afterAll(() => t.close());

  it('is served as JSON without an API key, and is OpenAPI 3 for "JIM Schedules API" 1.0', async () => {
    const res = await request(t.http).get('/api/openapi/v1.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'JIM Schedules API', version: '1.0' });
  });

  it('declares the X-API-Key scheme (apiKey in header) and requires it by default', () => {
    expect(doc.components.securitySchemes['X-API-Key']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(doc.security).toEqual([{ 'X-API-Key': [] }]);
  });

  it('documents every route the running app registers, with its method', () => {
    const routes = registeredRoutes(t);
    // Sanity check that the router was read: the API has far more routes than this.
    expect(routes.length).toBeGreaterThanOrEqual(30);
    const missing = routes.filter(({ method, path }) => !doc.paths[path]?.[method]).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('documents no operation the app does not have', () => {
    const routes = new Set(registeredRoutes(t).map(({ method, path }) => `${method} ${path}`));
    const stale = operations(doc).filter(({ method, path }) => !routes.has(`${method} ${path}`)).map(({ method, path }) => `${method} ${path}`);
    expect(stale).toEqual([]);
  });

  it('gives every operation a summary, a success response, unique operation ids and its security', () => {
    const ids = new Set<string>();
    for (const { method, path, operation } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      expect({ where, summary: typeof operation.summary === 'string' && operation.summary.trim().length > 0 }).toEqual({ where, summary: true });
      expect({ where, success: Object.keys(operation.responses).some((s) => /^2\d\d$/.test(s)) }).toEqual({ where, success: true });
      expect(ids.has(operation.operationId!)).toBe(false);
      ids.add(operation.operationId!);
      expect(Array.isArray(operation.security)).toBe(true);
    }
  });

  it('marks exactly the public operations as needing no key, and gives the others 401 and 403 with the error body', () => {
    const isPublic = ({ operation }: { operation: Operation }) => operation.security!.length === 0;
    const publicOps = operations(doc).filter(isPublic).map(({ method, path }) => `${method} ${path}`);
    expect(publicOps).toContain('get /api/openapi/v1.json');
    for (const { method, path, operation } of operations(doc).filter((o) => !isPublic(o))) {
      const where = `${method.toUpperCase()} ${path}`;
      expect({ where, security: operation.security }).toEqual({ where, security: [{ 'X-API-Key': [] }] });
      for (const status of ['401', '403']) {
        const schema = operation.responses[status]?.content?.['application/json']?.schema;
        expect({ where, status, schema }).toEqual({ where, status, schema: { $ref: '#/components/schemas/ErrorResponse' } });
      }
    }
  });

  it('matches what the API does: public operations answer without a key, the others do not', async () => {
    for (const { method, path, operation } of operations(doc)) {
      if (method !== 'get' || path.includes('{')) continue;
      const res = await request(t.http).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: operation.security!.length === 0 ? expect.any(Number) : 401 });
      if (operation.security!.length === 0) expect(res.status).not.toBe(401);
    }
  });

  it('describes the error body {code, message, details, validationErrors, timestamp}', () => {
    const error = doc.components.schemas.ErrorResponse;
    expect(Object.keys(error.properties).sort()).toEqual(['code', 'details', 'message', 'timestamp', 'validationErrors']);
    expect(error.properties.code.enum).toEqual(expect.arrayContaining(['VALIDATION_ERROR', 'UNAUTHORISED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']));
    const create = doc.paths['/api/v1/schedules'].post;
    for (const status of ['400', '401', '403', '409']) {
      expect(create.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
    }
    expect(doc.paths['/api/v1/schedules/{id}'].get.responses['404'].content['application/json'].example).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('documents the success status and type of the schedule operations', () => {
    const ref = (op: Operation, status: string) => op.responses[status]?.content?.['application/json']?.schema?.$ref;
    expect(ref(doc.paths['/api/v1/schedules'].post, '201')).toBe('#/components/schemas/ScheduleDetailResponse');
    expect(doc.paths['/api/v1/schedules'].post.responses['201'].headers.Location).toBeDefined();
    expect(ref(doc.paths['/api/v1/schedules/{id}'].get, '200')).toBe('#/components/schemas/ScheduleDetailResponse');
    expect(ref(doc.paths['/api/v1/schedules/{id}'].put, '200')).toBe('#/components/schemas/ScheduleDetailResponse');
    expect(doc.paths['/api/v1/schedules/{id}'].delete.responses['204']).toBeDefined();
    expect(ref(doc.paths['/api/v1/schedules/{id}/enable'].post, '200')).toBe('#/components/schemas/ScheduleResponse');
    expect(ref(doc.paths['/api/v1/schedules/{id}/run'].post, '202')).toBe('#/components/schemas/ScheduleRunResponse');
    const list = doc.paths['/api/v1/schedules'].get.responses['200'].content['application/json'].schema;
    expect(list.allOf).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ properties: { items: { type: 'array', items: { $ref: '#/components/schemas/ScheduleResponse' } } } }),
        { $ref: '#/components/schemas/PagedEnvelope' },
      ]),
    );
    const summaries = operations(doc).map(({ operation }) => operation.summary);
    expect(summaries).toEqual(
      expect.arrayContaining([
        'Create a schedule',
        'List schedules',
        'Get a schedule',
        'Update a schedule',
        'Delete a schedule',
        'Enable a schedule',
        'Disable a schedule',
        'Preview next run times',
        'Run a schedule now',
        'List schedule executions',
        'List active executions',
        'Get a schedule execution',
        'Cancel a schedule execution',
        'List skipped runs',
      ]),
    );
  });

  it('carries the limits, enums and defaults of the schedule request', () => {
    const create = doc.paths['/api/v1/schedules'].post;
    const body = schemaOf(doc, create.requestBody!.content['application/json'].schema);
    expect(body.required).toEqual(['name']);
    expect(body.properties.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 200 });
    expect(body.properties.description).toMatchObject({ maxLength: 1000 });
    expect(body.properties.triggerType).toMatchObject({ enum: ['Cron', 'Manual'], default: 'Manual' });
    expect(body.properties.patternType).toMatchObject({ enum: ['SpecificTimes', 'Interval', 'Custom'], default: 'SpecificTimes' });
    expect(body.properties.intervalValue).toMatchObject({ type: 'integer', minimum: 1, maximum: 59 });
    expect(body.properties.intervalUnit).toMatchObject({ enum: ['Minutes', 'Hours'], default: 'Hours' });
    expect(body.properties.isEnabled).toMatchObject({ type: 'boolean', default: false });

    const step = schemaOf(doc, body.properties.steps.items);
    expect(step.required).toEqual(expect.arrayContaining(['stepIndex', 'stepType']));
    expect(step.properties.timeoutSeconds).toMatchObject({ type: 'integer', minimum: 1, maximum: 86400 });
    expect(step.properties.stepType.enum).toEqual(['RunProfile', 'PowerShell', 'Executable', 'SqlScript']);
    expect(step.properties.executionMode).toMatchObject({ enum: ['Sequential', 'ParallelWithPrevious'], default: 'Sequential' });
    expect(step.properties.continueOnFailure).toMatchObject({ default: false });
    expect(step.properties.name).toMatchObject({ maxLength: 200 });
    expect(step.properties.arguments).toMatchObject({ maxLength: 2000 });
    for (const field of ['scriptPath', 'executablePath', 'workingDirectory', 'sqlConnectionString', 'sqlScriptPath']) {
      expect(step.properties[field]).toMatchObject({ maxLength: 500 });
    }
    expect(step.properties.stepIndex.description).toBe('Execution order (0-based). Same index = parallel execution.');
  });

  it('describes every property of every schema, with enum values as strings', () => {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      for (const [property, definition] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
        const where = `${name}.${property}`;
        expect({ where, described: typeof definition.description === 'string' && definition.description.length > 0 }).toEqual({ where, described: true });
        const values = definition.enum ?? definition.items?.enum;
        if (values) expect({ where, strings: values.every((v: unknown) => typeof v === 'string') }).toEqual({ where, strings: true });
      }
    }
  });

  it('resolves every $ref', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) schemaOf(doc, { $ref: JSON.parse(`{${ref}}`).$ref });
  });

  it('gives the seed page bodies as request examples, which the API accepts', async () => {
    const examples = doc.paths['/api/v1/schedules'].post.requestBody!.content['application/json'].examples as Record<string, { value: Schema }>;
    const names = Object.values(examples).map((e) => e.value.name);
    expect(names).toEqual(expect.arrayContaining(['Morning Import', 'Full Pipeline', 'Ad-Hoc Full Sync', 'Monthly Full Import']));
    const body = schemaOf(doc, doc.paths['/api/v1/schedules'].post.requestBody!.content['application/json'].schema);
    const step = schemaOf(doc, body.properties.steps.items);
    for (const { value } of Object.values(examples)) {
      expect(Object.keys(value).filter((k) => !(k in body.properties))).toEqual([]);
      for (const s of (value.steps ?? []) as Schema[]) expect(Object.keys(s).filter((k) => !(k in step.properties))).toEqual([]);
      // Examples with run-profile steps name connected systems the seed page assumes; the others stand alone.
      if (value.steps) continue;
      const res = await t.api().post('/api/v1/schedules').send(value);
      expect({ name: value.name, status: res.status }).toEqual({ name: value.name, status: 201 });
    }
  });

  it('serves the interactive reference without a key, from local assets only', async () => {
    const page = await request(t.http).get('/api/reference').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
    expect(page.text).not.toMatch(/(src|href)=['"]https?:/);
    const init = await request(t.http).get('/api/reference/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('JIM Schedules API');
    const bundle = page.text.match(/src=['"]\.?\/?([^'"]*swagger-ui-bundle\.js)['"]/);
    expect(bundle).not.toBeNull();
    await request(t.http).get(`/api/reference/${bundle![1].replace(/^.*\//, '')}`).expect(200);
  });
  describe('says what the API enforces', () => {
    const bodyOperations = () => operations(doc).filter(({ operation }) => operation.requestBody);
    const listOperations = () =>
      operations(doc).filter(({ method, operation }) => {
        const schema = operation.responses['200']?.content?.['application/json']?.schema;
        return method === 'get' && (schema?.type === 'array' || (schema?.allOf ?? []).some((s: Schema) => s.$ref === '#/components/schemas/PagedEnvelope'));
      });
    const query = ({ operation }: { operation: Operation }, name: string) => operation.parameters?.find((p) => p.in === 'query' && p.name === name);

    it('closes every request-body schema, nested ones too (additionalProperties: false)', () => {
      expect(bodyOperations().length).toBeGreaterThanOrEqual(6);
      for (const { method, path, operation } of bodyOperations()) {
        for (const [name, schema] of reachableSchemas(doc, operation.requestBody!.content['application/json'].schema)) {
          const where = `${method.toUpperCase()} ${path}: ${name}`;
          expect({ where, additionalProperties: schema.additionalProperties }).toEqual({ where, additionalProperties: false });
        }
      }
    });

    it('refuses an unknown field in the body of every operation that takes one', async () => {
      for (const { method, path, operation } of bodyOperations()) {
        const res = await t.api()[method as 'post' | 'put'](concretePath(path, operation)).send({ notInTheSchema: 1 });
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, status: res.status, field: res.body.validationErrors?.notInTheSchema }).toEqual({ where, status: 400, field: ['is not a known property'] });
      }
    });

    it('refuses an unknown query parameter on every list operation, and documents the 400', async () => {
      expect(listOperations().map(({ path }) => path)).toEqual(
        expect.arrayContaining(['/api/v1/schedules', '/api/v1/schedule-executions', '/api/v1/schedule-executions/active', '/api/v1/apikeys']),
      );
      for (const { method, path, operation } of listOperations()) {
        const where = `GET ${path}`;
        const res = await t.api().get(`${concretePath(path, operation)}?notAParameter=1`);
        expect({ where, status: res.status, field: res.body.validationErrors?.notAParameter }).toEqual({ where, status: 400, field: ['is not a known property'] });
        expect({ where, documented: operation.responses['400'] !== undefined }).toEqual({ where, documented: true });
        expect(method).toBe('get');
      }
    });

    it('gives sortBy as an enum of exactly the keys the server takes (ignoring case)', async () => {
      const sorted = listOperations().filter((o) => query(o, 'sortBy'));
      expect(sorted.map(({ path }) => path).sort()).toEqual(['/api/v1/schedule-executions', '/api/v1/schedules']);
      for (const o of sorted) {
        const values = query(o, 'sortBy')!.schema.enum as string[];
        expect(values.length).toBeGreaterThan(1);
        for (const value of [...values, ...values.map((v) => v.toUpperCase())]) {
          const res = await t.api().get(`${o.path}?sortBy=${value}`);
          expect({ path: o.path, value, status: res.status }).toEqual({ path: o.path, value, status: 200 });
        }
        for (const value of ['constructor', '__proto__', 'toString', 'colour', `${values[0]} DESC`]) {
          const res = await t.api().get(`${o.path}?sortBy=${encodeURIComponent(value)}`);
          expect({ path: o.path, value, status: res.status, field: Object.keys(res.body.validationErrors ?? {}) }).toEqual({ path: o.path, value, status: 400, field: ['sortBy'] });
        }
      }
    });

    it('gives page a maximum, which the server enforces', async () => {
      const paged = listOperations().filter((o) => query(o, 'page'));
      expect(paged.length).toBeGreaterThanOrEqual(4);
      for (const o of paged) {
        const maximum = query(o, 'page')!.schema.maximum as number;
        expect({ path: o.path, maximum }).toEqual({ path: o.path, maximum: 1_000_001 });
        const path = concretePath(o.path, o.operation);
        // The deepest page exists only at a page size of 1; one further is refused at any size.
        const deepest = await t.api().get(`${path}?page=${maximum}&pageSize=1`);
        expect({ path: o.path, status: deepest.status }).toEqual({ path: o.path, status: path.includes('6f1c2a4e') ? 404 : 200 });
        const beyond = await t.api().get(`${path}?page=${maximum + 1}&pageSize=1`);
        expect({ path: o.path, status: beyond.status, field: Object.keys(beyond.body.validationErrors ?? {}) }).toEqual({ path: o.path, status: 400, field: ['page'] });
      }
    });
  });

  it('sends a person who opens the service root to the reference (302), without a key', async () => {
    const root = await request(t.http).get('/').expect(302);
    expect(root.headers.location).toBe('/api/reference');
    await request(t.http).head('/').expect(302);
    // Only the root: other unknown paths keep their 404 error body.
    const other = await request(t.http).get('/nothing-here').expect(404);
    expect(other.body.code).toBe('NOT_FOUND');
  });
});
