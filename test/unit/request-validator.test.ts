import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIV3 } from 'openapi-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSimError } from '../../src/engine/errors.js';
import { RequestValidationError, RequestValidator, type PrecompiledValidators, type RequestParts } from '../../src/http/request-validator.js';
import { RouteTable } from '../../src/http/route-table.js';
import { loadSpec, loadSpecWithValidators } from '../../src/http/spec.js';

const MSGHUB_SPEC = fileURLToPath(new URL('../../openapi/msghub.yaml', import.meta.url));

/** A hand-made spec exercising each rule: $refs into components, path-level parameters, query credentials. */
const spec: OpenAPIV3.Document = {
  openapi: '3.0.3',
  info: { title: 'tiny', version: '1' },
  security: [{ Key: [] }],
  components: {
    securitySchemes: { Key: { type: 'apiKey', in: 'query', name: 'api_key' } },
    parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } },
    schemas: {
      Channel: { type: 'string', enum: ['sms', 'email'] },
      Send: {
        type: 'object',
        additionalProperties: false,
        required: ['to'],
        properties: {
          to: { type: 'string', minLength: 2 },
          channel: { $ref: '#/components/schemas/Channel' },
          priority: { type: 'string', default: 'normal' },
          at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
  paths: {
    '/items': {
      parameters: [{ name: 'X-Team', in: 'header', schema: { type: 'string', pattern: '^t_' } }],
      get: {
        operationId: 'list',
        parameters: [
          { $ref: '#/components/parameters/Limit' },
          { name: 'active', in: 'query', schema: { type: 'boolean' } },
          { name: 'q', in: 'query', allowEmptyValue: true, schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'ok' } },
      },
      post: {
        operationId: 'send',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Send' } } } },
        responses: { '201': { description: 'ok' } },
      },
      patch: {
        operationId: 'touch',
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { '200': { description: 'ok' } },
      },
    },
  },
};

const routes = new RouteTable(spec);
const JSON_TYPE = { 'content-type': 'application/json' };

/** The same validators as `npm run build` writes them: generated module source, loaded as CommonJS. */
async function precompiled(): Promise<PrecompiledValidators> {
  // Inside the package, as dist/openapi is, so the modules' own `require`s resolve.
  const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  await mkdir(cacheDir, { recursive: true });
  const dir = await mkdtemp(path.join(cacheDir, 'msgsim-validators-'));
  const modules = new RequestValidator(spec).standaloneValidators(routes.operations);
  const load = async (name: 'parameters' | 'body') => {
    const file = path.join(dir, `${name}.cjs`);
    await writeFile(file, modules[name]);
    return createRequire(import.meta.url)(file) as PrecompiledValidators[typeof name];
  };
  return { parameters: await load('parameters'), body: await load('body') };
}

// Every rule holds alike for validators compiled at run time and for the build's precompiled ones.
const variants: [string, () => Promise<RequestValidator>][] = [
  ['compiled at run time', async () => new RequestValidator(spec)],
  [
    'precompiled',
    async () => {
      const validators = await precompiled();
      return new RequestValidator(spec, () => validators);
    },
  ],
];
let validator: RequestValidator;

function run(method: string, parts: Partial<RequestParts>) {
  const match = routes.match(method, '/items');
  if (match.kind !== 'operation') throw new Error('no route');
  return validator.validate(match.operation, { query: {}, headers: {}, path: {}, body: undefined, ...parts });
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function problem(method: string, parts: Partial<RequestParts>): { path: string; message: string } {
  const error = caught(() => run(method, parts));
  if (!(error instanceof RequestValidationError)) throw error;
  return { path: error.errors[0]!.path, message: error.errors[0]!.message };
}

describe.each(variants)('RequestValidator (%s)', (_name, create) => {
  beforeAll(async () => {
    validator = await create();
  });

  describe('parameters', () => {
    it('reads query strings as their declared types and fills in defaults, without touching the input', () => {
      const query = { active: 'true' };
      expect(run('GET', { query })).toEqual({ active: true, limit: 20 });
      expect(run('GET', { query: { limit: '5' } })).toEqual({ limit: 5 });
      expect(query).toEqual({ active: 'true' });
    });

    it('refuses a value that is not of the declared type, naming it, and quotes the coerced value back', () => {
      expect(problem('GET', { query: { limit: 'ten' } })).toEqual({ path: '/query/limit', message: 'must be integer' });
      const error = caught(() => run('GET', { query: { limit: '0' } })) as RequestValidationError;
      expect(error.parts?.query.limit).toBe(0);
      expect(error.errors[0]).toMatchObject({ path: '/query/limit', message: 'must be >= 1' });
    });

    it('refuses unknown and empty query parameters, but knows apiKey credentials sent in the query', () => {
      expect(problem('GET', { query: { colour: 'red' } })).toEqual({ path: '/query/colour', message: "Unknown query parameter 'colour'" });
      expect(problem('GET', { query: { limit: '' } })).toEqual({ path: '/query/limit', message: "Empty value found for query parameter 'limit'" });
      expect(run('GET', { query: { q: '', api_key: 'k' } })).toEqual({ q: '', api_key: 'k', limit: 20 });
    });

    it('checks path-level header parameters by their lower-case name', () => {
      expect(problem('GET', { headers: { 'x-team': 'nope' } })).toEqual({ path: '/headers/x-team', message: 'must match pattern "^t_"' });
      expect(run('GET', { headers: { 'x-team': 't_1' } })).toEqual({ limit: 20 });
    });
  });

  describe('bodies', () => {
    it('takes a JSON body as sent (no coercion), resolving $refs into components, and fills in body defaults', () => {
      const body: Record<string, unknown> = { to: '+1555', channel: 'sms' };
      run('POST', { headers: JSON_TYPE, body });
      expect(body).toEqual({ to: '+1555', channel: 'sms', priority: 'normal' });
      expect(problem('POST', { headers: JSON_TYPE, body: { to: 15 } })).toEqual({ path: '/body/to', message: 'must be string' });
    });

    it('names the missing, the unknown and the out-of-enum field', () => {
      expect(problem('POST', { headers: JSON_TYPE, body: {} })).toEqual({ path: '/body/to', message: "must have required property 'to'" });
      expect(problem('POST', { headers: JSON_TYPE, body: { to: '+1555', extra: 1 } })).toEqual({
        path: '/body/extra',
        message: 'must NOT have additional properties',
      });
      expect(problem('POST', { headers: JSON_TYPE, body: { to: '+1555', channel: 'fax' } })).toEqual({
        path: '/body/channel',
        message: 'must be equal to one of the allowed values: sms, email',
      });
      expect(problem('POST', { headers: JSON_TYPE, body: { to: '+1555', at: 'yesterday' } })).toEqual({
        path: '/body/at',
        message: 'must match format "date-time"',
      });
    });

    it('a required body that is missing is a 400; one without a JSON Content-Type is a 415 naming Content-Type', () => {
      expect(problem('POST', { headers: JSON_TYPE })).toEqual({ path: '/body', message: "must have required property 'body'" });
      for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/merge-patch+json' }]) {
        const error = caught(() => run('POST', { headers, body: 'content-type' in headers ? { to: '+1555' } : undefined }));
        expect(isSimError(error) && { kind: error.kind, field: error.field }).toEqual({ kind: 'unsupported_media_type', field: 'Content-Type' });
      }
    });

    it('an optional body may be left out altogether', () => {
      expect(run('PATCH', {})).toEqual({});
      expect(() => run('PATCH', { headers: { 'content-type': 'text/plain' } })).toThrow(/Content-Type must be application\/json/);
    });
  });
});

describe('RequestValidator on a real spec', () => {
  it('validates a Msghub send against the shipped spec', async () => {
    const msghub = await loadSpec(MSGHUB_SPEC);
    const match = new RouteTable(msghub).match('POST', '/messages/send');
    if (match.kind !== 'operation') throw new Error('no route');
    const v = new RequestValidator(msghub);
    const parts = (body: unknown): RequestParts => ({ query: {}, headers: JSON_TYPE, path: {}, body });
    expect(v.validate(match.operation, parts({ channel: 'sms', to: '+15005550006', body: 'hi' }))).toEqual({});
    expect(() => v.validate(match.operation, parts({ channel: 'sms', to: '+15005550006', body: 'hi', colour: 'red' }))).toThrow(RequestValidationError);
  });
});

describe('loadSpec and the build-time JSON copy', () => {
  it('reads the same document from the JSON copy and from the YAML, and ignores a copy the YAML no longer matches', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'msgsim-spec-'));
    // Same basename as the shipped spec, different bytes: its JSON copy must not be used.
    const edited = path.join(dir, 'msghub.yaml');
    await copyFile(MSGHUB_SPEC, edited);
    await writeFile(edited, (await readFile(edited, 'utf8')).replace(/^info:\n {2}title: .*$/m, 'info:\n  title: Edited Msghub'));
    const shipped = await loadSpec(MSGHUB_SPEC);
    const fresh = await loadSpec(edited);
    expect(fresh.info.title).toBe('Edited Msghub');
    expect({ ...fresh, info: shipped.info }).toEqual(shipped);
    // Nor the precompiled validators: they were made for the other bytes.
    expect((await loadSpecWithValidators(edited)).precompiled).toBeUndefined();
  });
});
