/**
 * The doc's 18 endpoints, one success call each (the other files cover each one's errors in depth);
 * a guard that the spec and this list agree, so a new operation cannot go untested unnoticed.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../../src/paths.js';
import type { ApiResponse, ProviderClient, TestSim } from '../../support/harness.js';
import { DOC_CONTACT, DOC_SEND, msghubSim } from './helpers.js';

interface Ctx {
  sim: TestSim;
  api: ProviderClient;
  ids: { message: string; contact: string; campaign: string; webhook: string };
}

const CASES: Array<{ operationId: string; call: (c: Ctx) => Promise<ApiResponse>; status: number; check?: (res: ApiResponse, c: Ctx) => void }> = [
  { operationId: 'sendMessage', call: (c) => c.api.post('/messages/send', DOC_SEND), status: 201, check: (r) => expect(r.body.status).toBe('queued') },
  {
    operationId: 'getMessage',
    call: (c) => c.api.get(`/messages/${c.ids.message}`),
    status: 200,
    check: (r, c) => expect(r.body.messageId).toBe(c.ids.message),
  },
  { operationId: 'listMessages', call: (c) => c.api.get('/messages'), status: 200, check: (r) => expect(r.body.pagination.total).toBe(1) },
  {
    operationId: 'createContact',
    call: (c) => c.api.post('/contacts', { name: 'Asha', phone: '+919812345678' }),
    status: 201,
    check: (r) => expect(r.body.name).toBe('Asha'),
  },
  { operationId: 'getContact', call: (c) => c.api.get(`/contacts/${c.ids.contact}`), status: 200, check: (r) => expect(r.body.name).toBe('Rahul') },
  {
    operationId: 'updateContact',
    call: (c) => c.api.put(`/contacts/${c.ids.contact}`, { tags: ['vip'] }),
    status: 200,
    check: (r) => expect(r.body.tags).toEqual(['vip']),
  },
  {
    operationId: 'listContacts',
    call: (c) => c.api.get('/contacts', undefined, { query: { page: 1, limit: 50 } }),
    status: 200,
    check: (r) => expect(r.body.data).toHaveLength(1),
  },
  { operationId: 'deleteContact', call: (c) => c.api.delete(`/contacts/${c.ids.contact}`), status: 204, check: (r) => expect(r.text).toBe('') },
  {
    operationId: 'createCampaign',
    call: (c) => c.api.post('/campaigns', { name: 'April promo', channel: 'sms', body: '20% off this week!', recipients: ['+919876543210'], start: true }),
    status: 201,
    check: (r) => expect(r.body.status).toBe('running'),
  },
  { operationId: 'getCampaign', call: (c) => c.api.get(`/campaigns/${c.ids.campaign}`), status: 200, check: (r) => expect(r.body.status).toBe('draft') },
  { operationId: 'listCampaigns', call: (c) => c.api.get('/campaigns'), status: 200, check: (r) => expect(r.body.pagination.total).toBe(1) },
  {
    operationId: 'updateCampaign',
    call: (c) => c.api.put(`/campaigns/${c.ids.campaign}`, { name: 'May promo' }),
    status: 200,
    check: (r) => expect(r.body.name).toBe('May promo'),
  },
  {
    operationId: 'triggerFlow',
    call: (c) => c.api.post('/flows/flow_welcome/trigger', { to: '+919876543210', variables: { name: 'Rahul' } }),
    status: 202,
    check: (r) => expect(r.body.status).toBe('running'),
  },
  { operationId: 'getFlow', call: (c) => c.api.get('/flows/flow_welcome'), status: 200, check: (r) => expect(r.body.flowId).toBe('flow_welcome') },
  { operationId: 'listFlows', call: (c) => c.api.get('/flows'), status: 200, check: (r) => expect(r.body.pagination.total).toBe(3) },
  {
    operationId: 'createWebhook',
    call: (c) => c.api.post('/webhooks', { event: 'contact.created', url: 'https://example.com/h' }),
    status: 201,
    check: (r) => expect(r.body.secret).toMatch(/^whsec_/),
  },
  { operationId: 'listWebhooks', call: (c) => c.api.get('/webhooks'), status: 200, check: (r) => expect(r.body.data[0].secret).toBeUndefined() },
  { operationId: 'deleteWebhook', call: (c) => c.api.delete(`/webhooks/${c.ids.webhook}`), status: 204, check: (r) => expect(r.text).toBe('') },
];

let nextKey = 0;

/** A fresh account (its own key) in a shared simulator, seeded with one of each resource. */
async function seeded(sim: TestSim): Promise<Ctx> {
  const api = sim.client('msghub', { 'X-API-Key': `mk_live_endpoint${String(nextKey++).padStart(4, '0')}` });
  const ids = {
    message: (await api.post('/messages/send', DOC_SEND)).body.messageId,
    contact: (await api.post('/contacts', DOC_CONTACT)).body.contactId,
    campaign: (await api.post('/campaigns', { name: 'Draft', channel: 'sms', body: 'Hi', recipients: ['+919876543210'] })).body.campaignId,
    webhook: (await api.post('/webhooks', { event: 'message.delivered', url: 'https://example.com/hooks/msghub' })).body.webhookId,
  };
  return { sim, api, ids };
}

describe('the 18 Msghub endpoints', () => {
  it('the spec has exactly the 18 operations of the doc, all listed here', async () => {
    const spec = (await SwaggerParser.parse(specPath('msghub'))) as OpenAPIV3.Document;
    const operations = Object.values(spec.paths).flatMap((item) =>
      (['get', 'post', 'put', 'delete', 'patch'] as const)
        .map((m) => (item as OpenAPIV3.PathItemObject)[m]?.operationId)
        .filter((id): id is string => Boolean(id)),
    );
    expect(operations).toHaveLength(18);
    expect([...operations].sort()).toEqual(CASES.map((c) => c.operationId).sort());
  });

  describe.each([
    { layout: 'alone at the root (msgsim --provider msghub)', mounted: false, prefix: '/api/v1' },
    { layout: 'mounted beside the other providers', mounted: true, prefix: '/msghub/api/v1' },
  ])('$layout', ({ mounted, prefix }) => {
    let sim: TestSim;
    beforeAll(async () => {
      ({ sim } = await msghubSim({ mounted }));
    });

    it.each(CASES.map((c) => [c.operationId, c] as const))('%s succeeds', async (_id, { call, status, check }) => {
      const ctx = await seeded(sim);
      expect(ctx.api.prefix).toBe(prefix);
      const res = await call(ctx);
      expect(res.status, res.text).toBe(status);
      check?.(res, ctx);
    });
  });
});
