import { expectErrorEnvelope, outboxOf } from '../../support/assertions.js';
/**
 * Shared pieces of the Msghub integration tests: keys, a sim with a Msghub client, the outbox count
 * from /_sim, error assertions in Msghub's envelope, the spec's WebhookEvent schema, and the doc's own
 * Python signature check.
 */
import { execFileSync } from 'node:child_process';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { expect } from 'vitest';
import { createTestSim, T0, type ProviderClient, type TestSim } from '../../support/harness.js';
import type { EngineOptions } from '../../../src/engine/engine.js';
import { specPath } from '../../../src/paths.js';

const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

export { T0 };
export const KEY = 'mk_live_test0001';
export const OTHER_KEY = 'mk_live_other0002';

/** The doc's own send example. */
export const DOC_SEND = { channel: 'sms', to: '+919876543210', body: 'Hello!' } as const;
/** The doc's own contact example (Python SDK). */
export const DOC_CONTACT = { name: 'Rahul', phone: '+919876543210', email: 'rahul@example.com' } as const;

export interface MsghubSim {
  sim: TestSim;
  api: ProviderClient;
  other: ProviderClient;
}

/**
 * A simulator serving Msghub alone at the root (`msgsim --provider msghub`), because building every
 * provider's validators for each test is slow; `mounted: true` gives the default multi-provider
 * layout (`/msghub/api/v1/...`), which endpoints.test.ts and bad-input.test.ts also exercise.
 */
export async function msghubSim(options: Partial<EngineOptions> & { mounted?: boolean } = {}): Promise<MsghubSim> {
  const { mounted, ...engineOptions } = options;
  const sim = await createTestSim({ ...engineOptions, ...(mounted ? {} : { only: 'msghub' }) });
  return { sim, api: sim.client('msghub', { 'X-API-Key': KEY }), other: sim.client('msghub', { 'X-API-Key': OTHER_KEY }) };
}

/** A time `ms` after T0 as Msghub prints it: whole seconds with `Z`, as its doc's examples. */
export const at = (ms: number): string => new Date(T0 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** The same time as the control API (/_sim) shows it: with milliseconds, as the engine keeps it. */
export const atMs = (ms: number): string => new Date(T0 + ms).toISOString();

/** Messages stored for one Msghub tenant (or all of them), from the /_sim outbox. */
export const outbox = (sim: TestSim, tenant?: string) => outboxOf(sim, 'msghub', tenant);

export async function outboxCount(sim: TestSim, tenant?: string): Promise<number> {
  return (await outbox(sim, tenant)).total;
}

/** Msghub's error envelope, with the code and, when given, details.field / details.value. */
export const expectError = expectErrorEnvelope;

export async function connectChannels(sim: TestSim, key: string, channels: string[]): Promise<void> {
  const res = await sim.http.patch(`/_sim/providers/msghub/tenants/${key}/settings`).send({ connectedChannels: channels });
  expect(res.status).toBe(200);
  expect(res.body.connectedChannels).toEqual(channels);
}

export async function setRateLimits(sim: TestSim, on: boolean): Promise<void> {
  const res = await sim.http.patch('/_sim/config').send({ rateLimits: on });
  expect(res.status).toBe(200);
  expect(res.body.rateLimits).toBe(on);
}

export async function deliveries(sim: TestSim, query: Record<string, string> = {}): Promise<Array<Record<string, any>>> {
  const res = await sim.http.get('/_sim/webhooks/deliveries').query({ provider: 'msghub', ...query });
  expect(res.status).toBe(200);
  return res.body.data as Array<Record<string, any>>;
}

// ---------- the spec's webhook payload schemas ----------

let eventValidators: Promise<Record<string, ValidateFunction>> | undefined;

/** Validates a received webhook body against the spec's WebhookEvent (and the per-event schema). */
export async function expectWebhookEventMatchesSpec(body: unknown, schemaName: string): Promise<void> {
  eventValidators ??= (async () => {
    const spec = (await SwaggerParser.dereference(specPath('msghub'))) as OpenAPIV3.Document;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const schemas = spec.components!.schemas!;
    const out: Record<string, ValidateFunction> = {};
    for (const name of [
      'WebhookEvent',
      'WebhookEventMessageDelivered',
      'WebhookEventMessageRead',
      'WebhookEventMessageFailed',
      'WebhookEventContactCreated',
      'WebhookEventCampaignCompleted',
    ]) {
      out[name] = ajv.compile(schemas[name] as object);
    }
    return out;
  })();
  const validators = await eventValidators;
  for (const name of ['WebhookEvent', schemaName]) {
    const validate = validators[name]!;
    expect(validate(body), `${name}: ${JSON.stringify(validate.errors)} body ${JSON.stringify(body)}`).toBe(true);
  }
}

// ---------- the doc's Python verification, run as written ----------

/** The doc's snippet, with request.headers/body/secret read from argv and stdin (the raw bytes). */
const PYTHON_CHECK = `
import sys
import hmac
import hashlib

signature = sys.argv[2]
payload = sys.stdin.buffer.read()
secret = sys.argv[1]

expected = 'sha256=' + hmac.new(
    secret.encode(),
    payload,
    hashlib.sha256
).hexdigest()

if signature == expected:
    # Signature is valid
    print('valid')
else:
    print('invalid')
`;

export function pythonVerifies(secret: string, raw: Buffer, signature: string): boolean {
  const out = execFileSync('python3', ['-c', PYTHON_CHECK, secret, signature], { input: raw }).toString('utf8').trim();
  return out === 'valid';
}
