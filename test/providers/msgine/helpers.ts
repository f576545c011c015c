import { expectErrorEnvelope, outboxOf } from '../../support/assertions.js';
/**
 * Shared pieces of the MsGine integration tests: tokens, a sim with MsGine clients, the /_sim outbox,
 * error assertions in MsGine's envelope, and the spec's schemas.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { expect } from 'vitest';
import type { EngineOptions } from '../../../src/engine/engine.js';
import { specPath } from '../../../src/paths.js';
import { createTestSim, T0, type ProviderClient, type TestSim } from '../../support/harness.js';

const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

export { T0 };
/** The doc's own token, which must work as written. */
export const TOKEN = 'YOUR_API_TOKEN';
export const OTHER_TOKEN = 'another_token_0002';
/** The fixture read-only token (fixtures/msgine.json). */
export const READONLY_TOKEN = 'msgine_test_readonly';

/** The doc's send example (curl, fetch, Python, PHP, Ruby all send this body). */
export const DOC_SEND = { to: '+256701234567', message: 'Hello from MsGine!' } as const;

export interface MsgineSim {
  sim: TestSim;
  api: ProviderClient;
  other: ProviderClient;
}

export async function msgineSim(options: Partial<EngineOptions> = {}): Promise<MsgineSim> {
  const sim = await createTestSim(options);
  return { sim, api: client(sim, TOKEN), other: client(sim, OTHER_TOKEN) };
}

export function client(sim: TestSim, token: string): ProviderClient {
  return sim.client('msgine', { Authorization: `Bearer ${token}` });
}

/** A time `ms` after T0 as MsGine prints it: whole seconds with `Z`, as its doc's examples. */
export const at = (ms: number): string => new Date(T0 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** The same time as the control API (/_sim) shows it: with milliseconds, as the engine keeps it. */
export const atMs = (ms: number): string => new Date(T0 + ms).toISOString();

/** Engine messages (one per recipient) stored for MsGine, from the /_sim outbox. */
export const outbox = (sim: TestSim, tenant?: string) => outboxOf(sim, 'msgine', tenant);

export async function outboxCount(sim: TestSim, tenant?: string): Promise<number> {
  return (await outbox(sim, tenant)).total;
}

/** Asserts MsGine's error envelope with its code and, when given, details.field / details.value. */
export const expectError = expectErrorEnvelope;

export async function deliveries(sim: TestSim, query: Record<string, string> = {}): Promise<Array<Record<string, any>>> {
  const res = await sim.http.get('/_sim/webhooks/deliveries').query({ provider: 'msgine', ...query });
  expect(res.status).toBe(200);
  return res.body.data as Array<Record<string, any>>;
}

export async function tenantSecret(sim: TestSim, token: string): Promise<string> {
  const res = await sim.http.get(`/_sim/providers/msgine/tenants/${token}/settings`);
  expect(res.status).toBe(200);
  return res.body.webhookSecret as string;
}

// ---------- the spec ----------

let spec: Promise<OpenAPIV3.Document> | undefined;

export function msgineSpec(): Promise<OpenAPIV3.Document> {
  spec ??= SwaggerParser.dereference(specPath('msgine')) as Promise<OpenAPIV3.Document>;
  return spec;
}

let callbackValidator: Promise<ValidateFunction> | undefined;

/** Validates a received callback body against the spec's CallbackEvent schema. */
export async function expectCallbackMatchesSpec(body: unknown): Promise<void> {
  callbackValidator ??= msgineSpec().then((doc) => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    return ajv.compile(doc.components!.schemas!.CallbackEvent as object);
  });
  const validate = await callbackValidator;
  expect(validate(body), `CallbackEvent: ${JSON.stringify(validate.errors)} body ${JSON.stringify(body)}`).toBe(true);
}

/** The request-body examples of one operation in the spec. */
export async function requestExamples(path: string, method: 'post'): Promise<unknown[]> {
  const doc = await msgineSpec();
  const op = (doc.paths[path] as OpenAPIV3.PathItemObject)[method]!;
  const media = (op.requestBody as OpenAPIV3.RequestBodyObject).content['application/json']!;
  return Object.values(media.examples ?? {}).map((e) => (e as OpenAPIV3.ExampleObject).value as unknown);
}
