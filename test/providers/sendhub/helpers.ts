/**
 * Shared pieces of the SendHub integration tests: the doc's credentials and examples, a sim whose
 * SendHub clients add `?username=…&api_key=…` to every call (responses are still checked against
 * openapi/sendhub.yaml by the harness), the /_sim outbox, inbound replies and error assertions.
 */
import { expect } from 'vitest';
import { createTestSim, T0, type ApiResponse, type ProviderClient, type RequestOptions, type TestSim } from '../../support/harness.js';
import type { EngineOptions } from '../../../src/engine/engine.js';

export { T0 };
/** The doc's own placeholders, which must work as written. */
export const USERNAME = 'USERNAME';
export const APIKEY = 'APIKEY';
export const TENANT = `${USERNAME}:${APIKEY}`;
/** Another account: another username with another key (a username takes one key, auth.test.ts). */
export const OTHER_USERNAME = 'SOMEONE';
export const OTHER_KEY = 'OTHERKEY42';
export const OTHER_TENANT = `${OTHER_USERNAME}:${OTHER_KEY}`;

/** Where msgsim's SendHub links point when SendHub is served under /sendhub: /api/v1/… behind the mount. */
export const LINKS = '/sendhub/api/v1';

/** The doc's request examples, as JSON (the cell-number one is typeset with curly quotes in the doc). */
export const DOC_SEND = { contacts: [1111], text: 'Testing' } as const;
export const DOC_SEND_MANY = { contacts: [1111, 1112, 1113], groups: [1000, 1001], text: 'Testing' } as const;
export const DOC_SEND_NUMBER = { contacts: ['+16505551234'], text: 'Testing' } as const;
export const DOC_SCHEDULE = { contacts: [1111], text: 'Testing Scheduling', scheduled_at: '2011-02-17T14:30:00-0800' } as const;

/** The doc's 201 response for DOC_SEND (ids and times aside). */
export const DOC_QUEUED = {
  acknowledgment: 'Message queued for sending.',
  contacts: [1111],
  created_at: '2012-02-17T15:36:36.639968',
  direction: 'to',
  groups: null,
  id: '25',
  resource_uri: '/api/v1/messages/25/',
  scheduled_at: null,
  sent: '2012-02-17T20:36:36.639968',
  text: 'Testing',
  unread: null,
} as const;

/** The doc's 201 response for DOC_SCHEDULE. */
export const DOC_SCHEDULED = {
  acknowledgment: 'Message scheduled for delivery at 2011-02-17 22:30:00.',
  contacts: [21399],
  created_at: '2012-02-17T13:06:58.859847',
  direction: 'to',
  groups: null,
  id: '30',
  resource_uri: '/api/v1/messages/30/',
  scheduled_at: '2011-02-17T22:30:00',
  sent: null,
  text: 'Testing Scheduling',
  unread: null,
} as const;

/** Fixture contacts (fixtures/sendhub.json). */
export const NUMBERS: Record<number, string> = {
  1111: '+14155550132',
  1112: '+12125550143',
  1113: '+13125550178',
  21399: '+16505550101',
};

/** A new account's first message id: drawn from the seed, 100000 to 900099999 (account.ts). */
export const FIRST_ID = /^[1-9][0-9]{5,8}$/;

/** The id `n` after `id` in an account's sequence. */
export const plus = (id: string, n: number): string => String(Number(id) + n);

export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

/** A SendHub timestamp `ms` after T0: naive UTC with microseconds. */
export const at = (ms: number): string => new Date(T0 + ms).toISOString().replace('Z', '000');

export interface SendhubSim {
  sim: TestSim;
  /** The doc's USERNAME / APIKEY account. */
  api: ProviderClient;
  /** Another username with another key: another account. */
  other: ProviderClient;
  /** A client without credentials. */
  anonymous: ProviderClient;
}

/** Wraps a harness client so every call carries the credentials first in the query string, as the doc's URLs do. */
export function withCredentials(client: ProviderClient, username: string, apiKey: string): ProviderClient {
  const wrap =
    (method: 'get' | 'post' | 'put' | 'patch' | 'delete') =>
    (path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse> =>
      client[method](path, body, { ...options, query: { username, api_key: apiKey, ...options.query } });
  return { prefix: client.prefix, get: wrap('get'), post: wrap('post'), put: wrap('put'), patch: wrap('patch'), delete: wrap('delete') };
}

export async function sendhubSim(options: Partial<EngineOptions> & { only?: string } = {}): Promise<SendhubSim> {
  const sim = await createTestSim(options);
  const anonymous = sim.client('sendhub');
  return { sim, api: withCredentials(anonymous, USERNAME, APIKEY), other: withCredentials(anonymous, OTHER_USERNAME, OTHER_KEY), anonymous };
}

/** SendHub's `{"error": "<message>"}` for every 4xx but 401. */
export function expectError(res: ApiResponse, status: number, message?: string | RegExp): void {
  expect(res.status, `${res.status} ${res.text}`).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(typeof res.body.error).toBe('string');
  if (typeof message === 'string') expect(res.body.error).toBe(message);
  else if (message) expect(res.body.error).toMatch(message);
}

/** Tastypie's ApiKeyAuthentication 401: an empty body. */
export function expectUnauthorized(res: ApiResponse): void {
  expect(res.status, res.text).toBe(401);
  expect(res.text).toBe('');
  expect(res.headers['content-type']).toBeUndefined();
}

/** Messages stored for a SendHub account, from the /_sim outbox (one per recipient number). */
export async function outbox(sim: TestSim, tenant = TENANT): Promise<Array<Record<string, any>>> {
  const res = await sim.http.get('/_sim/messages').query({ provider: 'sendhub', tenant, limit: 1000 });
  expect(res.status).toBe(200);
  return res.body.data as Array<Record<string, any>>;
}

/** A reply from a phone, through the control API. */
export async function receive(sim: TestSim, from: string, text: string, tenant = TENANT): Promise<Record<string, any>> {
  const res = await sim.http.post('/_sim/inbound/sendhub').send({ tenant, from, text });
  expect(res.status, res.text).toBe(201);
  return res.body as Record<string, any>;
}
