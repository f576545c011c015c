/**
 * The doc's 46 endpoints, one success call each (the other files cover each one's rules and errors in
 * depth); a guard that the spec and this list agree, so a new operation cannot go untested unnoticed.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { specPath } from '../../../src/paths.js';
import type { ApiResponse, ProviderClient, TestSim } from '../../support/harness.js';
import { MAIN, TEXT, at, expectOk, msgflashSim } from './helpers.js';

interface Ids {
  message: string;
  campaign: string;
  template: string;
  contact: string;
  group: string;
  job: string;
  webhook: string;
}

interface Ctx {
  sim: TestSim;
  api: ProviderClient;
  ids: Ids;
}

type Case = { operationId: string; call: (c: Ctx) => Promise<ApiResponse>; status: number; check: (data: any, c: Ctx) => void };

const CASES: Case[] = [
  {
    operationId: 'sendMessage',
    call: (c) => c.api.post('/messages/send', TEXT),
    status: 201,
    check: (d) => expect(d).toMatchObject({ status: 'queued', to: TEXT.to, text: TEXT.text }),
  },
  {
    operationId: 'scheduleMessage',
    call: (c) => c.api.post('/messages/schedule', { ...TEXT, scheduledAt: at(60_000) }),
    status: 201,
    check: (d) => expect(d).toMatchObject({ status: 'scheduled', scheduledAt: at(60_000) }),
  },
  {
    operationId: 'listMessages',
    call: (c) => c.api.get('/messages'),
    status: 200,
    check: (d, c) => expect(d.messages.map((m: any) => m.id)).toContain(c.ids.message),
  },
  { operationId: 'getMessage', call: (c) => c.api.get(`/messages/${c.ids.message}`), status: 200, check: (d, c) => expect(d.id).toBe(c.ids.message) },
  {
    operationId: 'createCampaign',
    call: (c) => c.api.post('/campaigns', { name: 'Promo', instanceId: MAIN, text: 'Hi', recipients: ['+14155550199'] }),
    status: 201,
    // Dispatched at once; it completes when its message is final (campaign-steps.ts).
    check: (d) => expect(d).toMatchObject({ status: 'running', recipientCount: 1, dispatchedCount: 1 }),
  },
  {
    operationId: 'getCampaign',
    call: (c) => c.api.get(`/campaigns/${c.ids.campaign}`),
    status: 200,
    check: (d, c) => expect(d).toMatchObject({ id: c.ids.campaign, status: 'scheduled' }),
  },
  {
    operationId: 'getCampaignStats',
    call: (c) => c.api.get(`/campaigns/${c.ids.campaign}/stats`),
    status: 200,
    check: (d) => expect(d).toMatchObject({ total: 2, pending: 2 }),
  },
  {
    operationId: 'pauseCampaign',
    call: (c) => c.api.post(`/campaigns/${c.ids.campaign}/pause`),
    status: 200,
    check: (d) => expect(d).toMatchObject({ status: 'paused', pauseReason: 'USER_REQUEST' }),
  },
  {
    operationId: 'resumeCampaign',
    call: async (c) => {
      await c.api.post(`/campaigns/${c.ids.campaign}/pause`);
      return c.api.post(`/campaigns/${c.ids.campaign}/resume`);
    },
    status: 200,
    check: (d) => expect(d.status).toBe('scheduled'),
  },
  {
    operationId: 'listTemplates',
    call: (c) => c.api.get('/templates'),
    status: 200,
    check: (d, c) => expect(d.templates.map((t: any) => t.id)).toEqual([c.ids.template]),
  },
  {
    operationId: 'createTemplate',
    call: (c) => c.api.post('/templates', { name: 'Other', content: 'Hi {{x}}' }),
    status: 201,
    check: (d) => expect(d.variables).toEqual(['x']),
  },
  { operationId: 'getTemplate', call: (c) => c.api.get(`/templates/${c.ids.template}`), status: 200, check: (d) => expect(d.name).toBe('Welcome') },
  {
    operationId: 'updateTemplate',
    call: (c) => c.api.put(`/templates/${c.ids.template}`, { name: 'Hello' }),
    status: 200,
    check: (d) => expect(d.name).toBe('Hello'),
  },
  {
    operationId: 'deleteTemplate',
    call: (c) => c.api.delete(`/templates/${c.ids.template}`),
    status: 200,
    check: (d, c) => expect(d).toEqual({ id: c.ids.template, deleted: true }),
  },
  {
    operationId: 'previewTemplate',
    call: (c) => c.api.post(`/templates/${c.ids.template}/preview`, { variables: { name: 'Ana' } }),
    status: 200,
    check: (d) => expect(d.rendered).toBe('Welcome, Ana!'),
  },
  { operationId: 'listContacts', call: (c) => c.api.get('/contacts'), status: 200, check: (d) => expect(d.contacts).toHaveLength(2) },
  {
    operationId: 'createContact',
    call: (c) => c.api.post('/contacts', { phone: '+14155550177' }),
    status: 201,
    check: (d) => expect(d.phone).toBe('+14155550177'),
  },
  { operationId: 'getContact', call: (c) => c.api.get(`/contacts/${c.ids.contact}`), status: 200, check: (d) => expect(d.name).toBe('Ana') },
  {
    operationId: 'updateContact',
    call: (c) => c.api.put(`/contacts/${c.ids.contact}`, { tags: ['vip'] }),
    status: 200,
    check: (d) => expect(d.tags).toEqual(['vip']),
  },
  {
    operationId: 'deleteContact',
    call: (c) => c.api.delete(`/contacts/${c.ids.contact}`),
    status: 200,
    check: (d, c) => expect(d).toEqual({ id: c.ids.contact, deleted: true }),
  },
  {
    operationId: 'bulkDeleteContacts',
    call: (c) => c.api.post('/contacts/bulk-delete', { contactIds: [c.ids.contact] }),
    status: 202,
    check: (d) => expect(d).toMatchObject({ status: 'running', total: 1 }),
  },
  {
    operationId: 'listBulkJobs',
    call: (c) => c.api.get('/contacts/bulk-jobs'),
    status: 200,
    check: (d, c) => expect(d.jobs.map((j: any) => j.id)).toEqual([c.ids.job]),
  },
  { operationId: 'getBulkJob', call: (c) => c.api.get(`/contacts/bulk-jobs/${c.ids.job}`), status: 200, check: (d) => expect(d.status).toBe('running') },
  {
    operationId: 'getBulkJobProgress',
    call: (c) => c.api.get(`/contacts/bulk-jobs/${c.ids.job}/progress`),
    status: 200,
    check: (d) => expect(d).toMatchObject({ processed: 0, remaining: 1, percent: 0 }),
  },
  {
    operationId: 'cancelBulkJob',
    call: (c) => c.api.post(`/contacts/bulk-jobs/${c.ids.job}/cancel`),
    status: 200,
    check: (d) => expect(d.status).toBe('cancelled'),
  },
  {
    operationId: 'listGroups',
    call: (c) => c.api.get('/contacts/groups'),
    status: 200,
    check: (d, c) => expect(d.groups.map((g: any) => g.id)).toEqual([c.ids.group]),
  },
  {
    operationId: 'createGroup',
    call: (c) => c.api.post('/contacts/groups', { name: 'Leads' }),
    status: 201,
    check: (d) => expect(d).toMatchObject({ name: 'Leads', memberCount: 0 }),
  },
  {
    operationId: 'getGroup',
    call: (c) => c.api.get(`/contacts/groups/${c.ids.group}`),
    status: 200,
    check: (d) => expect(d).toMatchObject({ name: 'VIP', memberCount: 1 }),
  },
  {
    operationId: 'updateGroup',
    call: (c) => c.api.put(`/contacts/groups/${c.ids.group}`, { description: 'Best' }),
    status: 200,
    check: (d) => expect(d.description).toBe('Best'),
  },
  {
    operationId: 'deleteGroup',
    call: (c) => c.api.delete(`/contacts/groups/${c.ids.group}`),
    status: 200,
    check: (d, c) => expect(d).toEqual({ id: c.ids.group, deleted: true }),
  },
  {
    operationId: 'addGroupMembers',
    call: (c) => c.api.post(`/contacts/groups/${c.ids.group}/members`, { contactIds: [c.ids.contact] }),
    status: 200,
    check: (d) => expect(d).toMatchObject({ added: 0, alreadyMembers: 1, memberCount: 1 }),
  },
  {
    operationId: 'removeGroupMembers',
    call: (c) => c.api.delete(`/contacts/groups/${c.ids.group}/members`, { contactIds: [c.ids.contact] }),
    status: 200,
    check: (d) => expect(d).toMatchObject({ removed: 1, memberCount: 0 }),
  },
  {
    operationId: 'listGroupMembers',
    call: (c) => c.api.get(`/contacts/groups/${c.ids.group}/members`),
    status: 200,
    check: (d, c) => expect(d.members.map((m: any) => m.id)).toEqual([c.ids.contact]),
  },
  {
    operationId: 'listContactGroups',
    call: (c) => c.api.get(`/contacts/${c.ids.contact}/groups`),
    status: 200,
    check: (d, c) => expect(d.map((g: any) => g.id)).toEqual([c.ids.group]),
  },
  { operationId: 'listWebhooks', call: (c) => c.api.get('/webhooks'), status: 200, check: (d, c) => expect(d.map((w: any) => w.id)).toEqual([c.ids.webhook]) },
  {
    operationId: 'createWebhook',
    call: (c) => c.api.post('/webhooks', { url: 'https://example.com/h', events: ['message.read'] }),
    status: 201,
    check: (d) => expect(d.secret).toMatch(/^whsec_/),
  },
  {
    operationId: 'deleteWebhook',
    call: (c) => c.api.delete(`/webhooks/${c.ids.webhook}`),
    status: 200,
    check: (d, c) => expect(d).toEqual({ id: c.ids.webhook, deleted: true }),
  },
  {
    operationId: 'publishStatus',
    call: (c) => c.api.post('/statuses', { instanceId: MAIN, type: 'text', text: 'Open today' }),
    status: 201,
    check: (d) => expect(d.status).toBe('published'),
  },
  {
    operationId: 'listInstances',
    call: (c) => c.api.get('/instances'),
    status: 200,
    check: (d) => expect(d.map((i: any) => i.name)).toEqual(['Main', 'Support']),
  },
  {
    operationId: 'getInstance',
    call: (c) => c.api.get(`/instances/${MAIN}`),
    status: 200,
    check: (d) => expect(d).toMatchObject({ id: MAIN, state: 'connected' }),
  },
  {
    operationId: 'getInstanceState',
    call: (c) => c.api.get(`/instances/${MAIN}/state`),
    status: 200,
    check: (d) => expect(d).toMatchObject({ instanceId: MAIN, state: 'connected', connected: true }),
  },
  { operationId: 'getUsage', call: (c) => c.api.get('/usage'), status: 200, check: (d) => expect(d.messages.used).toBe(1) },
  {
    operationId: 'listPlans',
    call: (c) => c.api.get('/billing/plans'),
    status: 200,
    check: (d) => expect(d.map((p: any) => p.id)).toEqual(['free', 'starter', 'pro']),
  },
  {
    operationId: 'getSubscription',
    call: (c) => c.api.get('/billing/subscription'),
    status: 200,
    check: (d) => expect(d).toMatchObject({ status: 'active', plan: { id: 'pro' } }),
  },
  {
    operationId: 'getBillingUsage',
    call: (c) => c.api.get('/billing/usage'),
    status: 200,
    check: (d) => expect(d.usage).toMatchObject({ messages: 1, contacts: 2 }),
  },
  { operationId: 'listPayments', call: (c) => c.api.get('/billing/payments'), status: 200, check: (d) => expect(d).toHaveLength(3) },
];

async function seeded(): Promise<Ctx> {
  const { sim, api } = await msgflashSim({ rateLimits: false });
  const contact = expectOk(await api.post('/contacts', { phone: '+14155550155', name: 'Ana' }), 201).id;
  const spare = expectOk(await api.post('/contacts', { phone: '+14155550156' }), 201).id;
  const group = expectOk(await api.post('/contacts/groups', { name: 'VIP' }), 201).id;
  expectOk(await api.post(`/contacts/groups/${group}/members`, { contactIds: [contact] }));
  const ids: Ids = {
    message: expectOk(await api.post('/messages/send', TEXT), 201).id,
    campaign: expectOk(
      await api.post('/campaigns', { name: 'Later', instanceId: MAIN, text: 'Hi', recipients: ['+14155550111', '+14155550112'], scheduledAt: at(3_600_000) }),
      201,
    ).id,
    template: expectOk(await api.post('/templates', { name: 'Welcome', content: 'Welcome, {{name}}!' }), 201).id,
    contact,
    group,
    job: expectOk(await api.post('/contacts/bulk-delete', { contactIds: [spare] }), 202).id,
    webhook: expectOk(await api.post('/webhooks', { url: 'https://example.com/hooks', events: ['message.delivered'] }), 201).id,
  };
  return { sim, api, ids };
}

describe('the 46 MsgFlash endpoints', () => {
  it('the spec has exactly the 46 operations of the doc, all listed here', async () => {
    const spec = (await SwaggerParser.parse(specPath('msgflash'))) as OpenAPIV3.Document;
    const operations = Object.values(spec.paths).flatMap((item) =>
      (['get', 'post', 'put', 'delete', 'patch'] as const)
        .map((m) => (item as OpenAPIV3.PathItemObject)[m]?.operationId)
        .filter((id): id is string => Boolean(id)),
    );
    expect(operations).toHaveLength(46);
    expect([...operations].sort()).toEqual(CASES.map((c) => c.operationId).sort());
  });

  it.each(CASES.map((c) => [c.operationId, c] as const))('%s succeeds', async (_id, { call, status, check }) => {
    const ctx = await seeded();
    const res = await call(ctx);
    expect(res.status, res.text).toBe(status);
    check(res.body.data, ctx);
  });
});
