/**
 * What a client reads when the spec refuses a request: the validator's problem, worded once by
 * error-mapping in plain sentences naming the field, or in a provider's own words through its hook.
 * Run through the real RequestValidator, compiled at run time and precompiled as `npm run build` does.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIV3 } from 'openapi-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { SimError } from '../../src/engine/errors.js';
import { toSimError } from '../../src/http/error-mapping.js';
import { RequestValidator, type PrecompiledValidators, type RequestParts } from '../../src/http/request-validator.js';
import { RouteTable } from '../../src/http/route-table.js';
import type { Provider, ValidationProblem } from '../../src/providers/provider.js';

const spec: OpenAPIV3.Document = {
  openapi: '3.0.3',
  info: { title: 'wording', version: '1' },
  components: {
    schemas: {
      Phone: { type: 'string', pattern: '^\\+[1-9]\\d{6,14}$' },
      Send: {
        type: 'object',
        additionalProperties: false,
        required: ['to'],
        properties: {
          to: { type: 'string', minLength: 2, maxLength: 20 },
          channel: { type: 'string', enum: ['sms', 'email'] },
          at: { type: 'string', format: 'date-time' },
          dest: {
            oneOf: [
              { $ref: '#/components/schemas/Phone' },
              { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: { $ref: '#/components/schemas/Phone' } },
            ],
          },
          tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
          price: { type: 'number', minimum: 0, exclusiveMinimum: true },
          meta: { type: 'object', maxProperties: 1 },
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
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
        ],
        responses: { '200': { description: 'ok' } },
      },
      post: {
        operationId: 'send',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Send' } } } },
        responses: { '201': { description: 'ok' } },
      },
    },
  },
};

const routes = new RouteTable(spec);
const JSON_TYPE = { 'content-type': 'application/json' };
const plain = { name: 'plain' } as Provider;

async function precompiled(): Promise<PrecompiledValidators> {
  const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  await mkdir(cacheDir, { recursive: true });
  const dir = await mkdtemp(path.join(cacheDir, 'msgsim-wording-'));
  const modules = new RequestValidator(spec).standaloneValidators(routes.operations);
  const load = async (name: 'parameters' | 'body') => {
    const file = path.join(dir, `${name}.cjs`);
    await writeFile(file, modules[name]);
    return createRequire(import.meta.url)(file) as PrecompiledValidators[typeof name];
  };
  return { parameters: await load('parameters'), body: await load('body') };
}

const variants: [string, () => Promise<RequestValidator>][] = [
  ['compiled at run time', async () => new RequestValidator(spec)],
  ['precompiled', async () => precompiled().then((v) => new RequestValidator(spec, () => v))],
];
let validator: RequestValidator;

/** The SimError a client would get for this request, worded for `provider`. */
function refusal(method: string, parts: Partial<RequestParts>, provider: Provider = plain): SimError {
  const match = routes.match(method, '/items');
  if (match.kind !== 'operation') throw new Error('no route');
  try {
    validator.validate(match.operation, { query: {}, headers: {}, path: {}, body: undefined, ...parts });
  } catch (error) {
    return toSimError(error, provider);
  }
  throw new Error('expected a refusal');
}

const said = (error: SimError) => ({ field: error.field, message: error.message });
const body = (b: Record<string, unknown>) => ({ headers: JSON_TYPE, body: { to: '+15551234567', ...b } });

describe.each(variants)('validator problems in plain words (%s)', (_name, create) => {
  beforeAll(async () => {
    validator = await create();
  });

  it.each<[string, Partial<RequestParts>, string | undefined, string]>([
    ['a missing field', { headers: JSON_TYPE, body: {} }, 'to', 'to is required'],
    ['a missing body', { headers: JSON_TYPE }, undefined, 'A JSON request body is required'],
    ['a wrong type', body({ to: 15 }), 'to', 'to must be a string'],
    ['a string too short', body({ to: 'x' }), 'to', 'to must be 2 to 20 characters long'],
    ['an unknown field', body({ colour: 'red' }), 'colour', "Unknown field 'colour'"],
    ['a value outside the enum', body({ channel: 'fax' }), 'channel', 'channel must be one of sms, email'],
    ['a bad date-time', body({ at: 'yesterday' }), 'at', 'at must be a date-time such as 2024-04-08T10:30:00Z'],
    ['a list too long', body({ tags: ['a', 'b', 'c'] }), 'tags', 'tags must have at most 2 items'],
    ['an open lower bound', body({ price: 0 }), 'price', 'price must be a number greater than 0'],
    ['too many entries', body({ meta: { a: 1, b: 2 } }), 'meta', 'meta must have at most 1 field'],
    ['one of two shapes, neither', body({ dest: 15 }), 'dest', 'dest must be a string or an array'],
    ['one of two shapes, the string one malformed', body({ dest: '0701234567' }), 'dest', 'dest does not have the expected form (^\\+[1-9]\\d{6,14}$)'],
    ['one of two shapes, the list one repeating', body({ dest: ['+15551234567', '+15551234567'] }), 'dest', 'dest must not list the same value twice'],
    ['a list item', body({ dest: ['+15551234567', 'nope'] }), 'dest[1]', 'dest[1] does not have the expected form (^\\+[1-9]\\d{6,14}$)'],
  ])('%s', (_label, parts, field, message) => {
    const error = refusal('POST', parts);
    expect(error.kind).toBe('invalid_request');
    expect(said(error)).toEqual({ field, message });
  });

  it.each<[string, Record<string, string>, Record<string, string>, string, string]>([
    ['a range, over it', { limit: '500' }, {}, 'limit', 'limit must be an integer from 1 to 100'],
    ['a range, under it', { limit: '0' }, {}, 'limit', 'limit must be an integer from 1 to 100'],
    ['a range, not a number', { limit: 'ten' }, {}, 'limit', 'limit must be an integer'],
    ['a lower bound alone', { page: '0' }, {}, 'page', 'page must be an integer of at least 1'],
    ['an unknown parameter', { colour: 'red' }, {}, 'colour', "Unknown query parameter 'colour'"],
    ['an empty parameter', { limit: '' }, {}, 'limit', 'limit must not be empty'],
    ['a header pattern', {}, { 'x-team': 'nope' }, 'x-team', 'x-team does not have the expected form (^t_)'],
  ])('%s', (_label, query, headers, field, message) => {
    expect(said(refusal('GET', { query, headers }))).toEqual({ field, message });
  });

  it("no message carries the validator's own phrasing", () => {
    const ajvPhrases = /must have required property|must NOT have|must be (<=|>=|<|>|equal to one of|string|integer|array|object)|must match (format|pattern)/;
    const requests: [string, Partial<RequestParts>][] = [
      ['POST', { headers: JSON_TYPE, body: {} }],
      ['POST', body({ to: 15, colour: 1 })],
      ['POST', body({ dest: [] })],
      ['GET', { query: { limit: '101' } }],
    ];
    for (const [method, parts] of requests) expect(refusal(method, parts).message).not.toMatch(ajvPhrases);
  });

  it("a provider's own code and words, where its doc has them, with the value it was sent", () => {
    const seen: ValidationProblem[] = [];
    const own = {
      name: 'own',
      validationError: (problem: ValidationProblem) => {
        seen.push(problem);
        return problem.field === 'dest' ? { code: 'invalid_phone_number', message: 'Phone number is not in valid E.164 format' } : undefined;
      },
    } as unknown as Provider;
    const error = refusal('POST', body({ dest: '0701234567' }), own);
    expect({ code: error.code, message: error.message, field: error.field, value: error.value }).toEqual({
      code: 'invalid_phone_number',
      message: 'Phone number is not in valid E.164 format',
      field: 'dest',
      value: '0701234567',
    });
    expect(seen[0]).toMatchObject({ field: 'dest', location: 'body', keyword: 'pattern', value: '0701234567' });
    // Elsewhere the provider keeps the plain sentence.
    expect(said(refusal('POST', body({ to: 15 }), own))).toEqual({ field: 'to', message: 'to must be a string' });
  });
});
