/**
 * The doc's five endpoints, one success call each (the other files cover each one in depth), and a guard
 * that the spec and this list agree, so a new operation cannot go untested unnoticed.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { specPath } from '../../../src/paths.js';
import type { ApiResponse, ProviderClient, TestSim } from '../../support/harness.js';
import { DOC_SEND, TELEGRAM_CHAT, hubSim, receipt, send } from './helpers.js';

interface Ctx {
  sim: TestSim;
  api: ProviderClient;
  messageId: string;
}

const CASES: Array<{ operationId: string; scope: string; call: (c: Ctx) => Promise<ApiResponse>; status: number; check: (res: ApiResponse, c: Ctx) => void }> =
  [
    {
      operationId: 'sendMessage',
      scope: 'messages:send',
      call: (c) => c.api.post('/messages/send', DOC_SEND),
      status: 201,
      check: (r) => expect(r.body.data.status).toBe('sent'),
    },
    {
      operationId: 'sendBatch',
      scope: 'messages:send',
      call: (c) => c.api.post('/messages/batch', { messages: [DOC_SEND] }),
      status: 200,
      check: (r) => expect(r.body.data.accepted).toBe(1),
    },
    {
      operationId: 'getMessage',
      scope: 'messages:read',
      call: (c) => c.api.get(`/messages/${c.messageId}`),
      status: 200,
      check: (r, c) => expect(r.body.data.id).toBe(c.messageId),
    },
    {
      operationId: 'distributeContent',
      scope: 'content:distribute',
      call: (c) => c.api.post('/content/distribute', { content: 'Hi', targets: [{ channel: 'telegram', to: TELEGRAM_CHAT }] }),
      status: 200,
      check: (r) => expect(r.body.data.accepted).toBe(1),
    },
    {
      operationId: 'receiveDeliveryReceipt',
      scope: 'public',
      call: (c) => receipt(c.sim, { messageId: c.messageId, status: 'delivered' }),
      status: 200,
      check: (r) => expect(r.body.data.status).toBe('delivered'),
    },
  ];

describe('the MessageHub endpoints', () => {
  it("the spec has exactly the doc's five operations, all listed here, public only where the doc says so", async () => {
    const spec = (await SwaggerParser.parse(specPath('messagehub'))) as OpenAPIV3.Document;
    const operations = Object.values(spec.paths).flatMap((item) =>
      (['get', 'post', 'put', 'delete', 'patch'] as const)
        .map((m) => (item as OpenAPIV3.PathItemObject)[m])
        .filter((op): op is OpenAPIV3.OperationObject => Boolean(op)),
    );
    expect(operations.map((op) => op.operationId).sort()).toEqual(CASES.map((c) => c.operationId).sort());
    const publicOps = operations.filter((op) => Array.isArray(op.security) && op.security.length === 0).map((op) => op.operationId);
    expect(publicOps).toEqual(CASES.filter((c) => c.scope === 'public').map((c) => c.operationId));
  });

  it.each(CASES.map((c) => [c.operationId, c] as const))('%s succeeds', async (_id, { call, status, check }) => {
    const { sim, api } = await hubSim();
    const ctx = { sim, api, messageId: await send(api, DOC_SEND) };
    const res = await call(ctx);
    expect(res.status, res.text).toBe(status);
    check(res, ctx);
    expect(res.headers['x-ratelimit-limit']).toMatch(/^\d+$/);
  });
});
