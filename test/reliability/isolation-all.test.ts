/**
 * Tenant isolation on every GET/PUT/DELETE-by-id resource a tenant can create: another tenant's id is a
 * 404 in the provider's envelope with none of the data, and nothing of the owner's changes.
 */
import { describe, expect, it } from 'vitest';
import { createTestSim, type ProviderClient } from '../support/harness.js';

const MAIN = '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11';

interface Resource {
  name: string;
  create: (api: ProviderClient) => Promise<string>;
  /** Requests by id that another tenant must not reach. */
  paths: (id: string) => Array<['get' | 'put' | 'delete' | 'post', string, unknown?]>;
}

const idOf = (body: any): string =>
  body?.data?.id ?? body?.data?.messageId ?? body?.id ?? body?.messageId ?? body?.contactId ?? body?.campaignId ?? body?.webhookId;

const MSGHUB: Resource[] = [
  {
    name: 'message',
    create: async (api) => idOf((await api.post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'Hi' })).body),
    paths: (id) => [['get', `/messages/${id}`]],
  },
  {
    name: 'contact',
    create: async (api) => idOf((await api.post('/contacts', { name: 'Rahul', phone: '+919876543210' })).body),
    paths: (id) => [
      ['get', `/contacts/${id}`],
      ['put', `/contacts/${id}`, { name: 'Mallory' }],
      ['delete', `/contacts/${id}`],
    ],
  },
  {
    name: 'campaign',
    create: async (api) => idOf((await api.post('/campaigns', { name: 'Promo', channel: 'sms', body: 'Hi', recipients: ['+919876543210'] })).body),
    paths: (id) => [
      ['get', `/campaigns/${id}`],
      ['put', `/campaigns/${id}`, { status: 'cancelled' }],
    ],
  },
  {
    name: 'webhook',
    create: async (api) => idOf((await api.post('/webhooks', { event: 'message.delivered', url: 'http://127.0.0.1:9/hook' })).body),
    paths: (id) => [['delete', `/webhooks/${id}`]],
  },
];

const MSGFLASH: Resource[] = [
  {
    name: 'message',
    create: async (api) => idOf((await api.post('/messages/send', { instanceId: MAIN, to: '+14155550123', type: 'text', text: 'Hi' })).body),
    paths: (id) => [['get', `/messages/${id}`]],
  },
  {
    name: 'template',
    create: async (api) => idOf((await api.post('/templates', { name: 'Welcome', content: 'Hi {{name}}' })).body),
    paths: (id) => [
      ['get', `/templates/${id}`],
      ['put', `/templates/${id}`, { name: 'Stolen' }],
      ['delete', `/templates/${id}`],
      ['post', `/templates/${id}/preview`, { variables: { name: 'x' } }],
    ],
  },
  {
    name: 'contact',
    create: async (api) => idOf((await api.post('/contacts', { phone: '+14155550124', name: 'Ann' })).body),
    paths: (id) => [
      ['get', `/contacts/${id}`],
      ['put', `/contacts/${id}`, { name: 'Mallory' }],
      ['delete', `/contacts/${id}`],
      ['get', `/contacts/${id}/groups`],
    ],
  },
  {
    name: 'group',
    create: async (api) => idOf((await api.post('/contacts/groups', { name: 'VIP' })).body),
    paths: (id) => [
      ['get', `/contacts/groups/${id}`],
      ['put', `/contacts/groups/${id}`, { name: 'Stolen' }],
      ['get', `/contacts/groups/${id}/members`],
      ['delete', `/contacts/groups/${id}`],
    ],
  },
  {
    name: 'campaign',
    create: async (api) =>
      idOf(
        (await api.post('/campaigns', { name: 'Later', instanceId: MAIN, text: 'Hi', recipients: ['+14155550111'], scheduledAt: '2024-04-09T10:30:00.000Z' }))
          .body,
      ),
    paths: (id) => [
      ['get', `/campaigns/${id}`],
      ['get', `/campaigns/${id}/stats`],
      ['post', `/campaigns/${id}/pause`, {}],
    ],
  },
  {
    name: 'bulk job',
    create: async (api) => {
      const contact = idOf((await api.post('/contacts', { phone: '+14155550125', name: 'Bob' })).body);
      return idOf((await api.post('/contacts/bulk-delete', { contactIds: [contact] })).body);
    },
    paths: (id) => [
      ['get', `/contacts/bulk-jobs/${id}`],
      ['get', `/contacts/bulk-jobs/${id}/progress`],
      ['post', `/contacts/bulk-jobs/${id}/cancel`, {}],
    ],
  },
  {
    name: 'webhook',
    create: async (api) => idOf((await api.post('/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['message.delivered'] })).body),
    paths: (id) => [['delete', `/webhooks/${id}`]],
  },
];

const CASES: Array<{ provider: string; owner: Record<string, string>; intruder: Record<string, string>; resources: Resource[] }> = [
  { provider: 'msghub', owner: { 'X-API-Key': 'mk_live_owner0001' }, intruder: { 'X-API-Key': 'mk_live_intruder1' }, resources: MSGHUB },
  { provider: 'msgflash', owner: { 'x-api-key': 'msgf_live_owner0001' }, intruder: { 'x-api-key': 'msgf_live_intruder1' }, resources: MSGFLASH },
];

describe.each(CASES)('$provider: every resource by id is isolated', ({ provider, owner, intruder, resources }) => {
  it.each(resources.map((r) => [r.name, r] as const))('%s', async (_name, resource) => {
    const sim = await createTestSim();
    const mine = sim.client(provider, owner);
    const theirs = sim.client(provider, intruder);
    const id = await resource.create(mine);
    expect(id, `created a ${resource.name}`).toEqual(expect.any(String));
    for (const [method, path, body] of resource.paths(id)) {
      const res = await theirs[method](path, body);
      expect(res.status, `${method.toUpperCase()} ${path} by another tenant`).toBe(404);
      expect(res.text).not.toContain('Rahul');
      expect(res.text).not.toContain('Hi {{name}}');
    }
    // Still the owner's, unchanged.
    const [, firstPath] = resource.paths(id).find(([m]) => m === 'get') ?? [];
    if (firstPath) expect((await mine.get(firstPath)).status).toBe(200);
  });
});
