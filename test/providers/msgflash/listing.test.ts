/**
 * Cursor pagination, `{data: {<items>, nextCursor, hasMore}}`: newest first, no gaps or repeats,
 * stable while new items are inserted between pages, bad cursors → 400 INVALID_CURSOR; filters.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderClient, TestSim } from '../../support/harness.js';
import { MAIN, SUPPORT, TEXT, expectError, expectOk, msgflashSim, phones, walk } from './helpers.js';

/** Sends `n` messages 10 ms of simulated time apart (or all in one instant); ids oldest first. */
async function sendMany(sim: TestSim, api: ProviderClient, n: number, spacing = 10): Promise<string[]> {
  const ids: string[] = [];
  for (const to of phones(n)) {
    ids.push(expectOk(await api.post('/messages/send', { ...TEXT, to }), 201).id);
    if (spacing) await sim.advance(spacing);
  }
  return ids;
}

describe('GET /messages cursor pagination', () => {
  it('defaults to 20 per page, newest first, following nextCursor to the end without gaps', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const ids = await sendMany(sim, api, 45);
    const first = expectOk(await api.get('/messages'));
    expect(first.messages).toHaveLength(20);
    expect(first.hasMore).toBe(true);
    expect(typeof first.nextCursor).toBe('string');
    expect(first.messages.map((m: any) => m.id)).toEqual([...ids].reverse().slice(0, 20));
    const all = await walk(api, '/messages', 'messages', 20);
    expect(all).toEqual({ ids: [...ids].reverse(), pages: 3 });
    const last = expectOk(await api.get('/messages', undefined, { query: { limit: 100 } }));
    expect(last).toMatchObject({ nextCursor: null, hasMore: false });
    expect(last.messages).toHaveLength(45);
  });

  it('items created in the same instant are still paged exactly once', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const ids = await sendMany(sim, api, 13, 0);
    expect((await walk(api, '/messages', 'messages', 5)).ids).toEqual([...ids].reverse());
  });

  it('stays correct while new messages are inserted between pages', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const ids = await sendMany(sim, api, 30);
    const page1 = expectOk(await api.get('/messages', undefined, { query: { limit: 10 } }));
    // Ten newer messages arrive at the head (some in the same instant) before page 2 is read.
    const newer = await sendMany(sim, api, 10, 0);
    const page2 = expectOk(await api.get('/messages', undefined, { query: { limit: 10, cursor: page1.nextCursor } }));
    const page3 = expectOk(await api.get('/messages', undefined, { query: { limit: 10, cursor: page2.nextCursor } }));
    const seen = [...page1.messages, ...page2.messages, ...page3.messages].map((m: any) => m.id);
    expect(seen).toEqual([...ids].reverse());
    expect(page3).toMatchObject({ hasMore: false, nextCursor: null });
    // A fresh walk sees the newer ones first.
    expect((await walk(api, '/messages', 'messages', 10)).ids).toEqual([...ids, ...newer].reverse());
  });

  it.each([
    ['garbage', 'abc'],
    ['not base64url', '!!!'],
    ['tampered', null],
  ])('a %s cursor → 400 INVALID_CURSOR', async (_label, cursor) => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    await sendMany(sim, api, 3);
    let bad = cursor;
    if (bad === null) {
      const next = expectOk(await api.get('/messages', undefined, { query: { limit: 1 } })).nextCursor as string;
      const decoded = Buffer.from(next, 'base64url')
        .toString('latin1')
        .replace(/\.(\d+)\./, (_m, n: string) => `.${Number(n) + 1}.`);
      bad = Buffer.from(decoded, 'latin1').toString('base64url');
    }
    expectError(await api.get('/messages', undefined, { query: { cursor: bad } }), 400, 'INVALID_CURSOR', 'cursor', bad);
  });

  it('a cursor longer than 200 characters → 400 INVALID_CURSOR from the validator', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.get('/messages', undefined, { query: { cursor: 'a'.repeat(201) } }), 400, 'INVALID_CURSOR', 'cursor');
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ status: 'pending' }, 'status'],
    [{ page: 2 }, 'page'],
  ])('%j → 400 VALIDATION_ERROR naming %s', async (query, field) => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.get('/messages', undefined, { query }), 400, 'VALIDATION_ERROR', field);
  });

  it('filters by status, instanceId, campaignId and to', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const a = expectOk(await api.post('/messages/send', TEXT), 201).id;
    const b = expectOk(await api.post('/messages/send', { ...TEXT, instanceId: SUPPORT, to: '+15005550002' }), 201).id;
    const campaign = expectOk(await api.post('/campaigns', { name: 'c', instanceId: MAIN, text: 'Hi', recipients: ['+14155550150'] }), 201).id;
    await sim.advance(3_000);
    const list = async (query: Record<string, string>) => expectOk(await api.get('/messages', undefined, { query })).messages.map((m: any) => m.id);
    expect(await list({ status: 'failed' })).toEqual([b]);
    expect(await list({ status: 'delivered' })).toHaveLength(2);
    expect(await list({ instanceId: SUPPORT })).toEqual([b]);
    expect(await list({ to: TEXT.to })).toEqual([a]);
    const inCampaign = expectOk(await api.get('/messages', undefined, { query: { campaignId: campaign } })).messages;
    expect(inCampaign.map((m: any) => [m.to, m.campaignId])).toEqual([['+14155550150', campaign]]);
    expect(await list({ status: 'scheduled' })).toEqual([]);
  });
});

describe('every paginated list pages by cursor', () => {
  it('contacts, templates, groups, group members and bulk jobs', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const contacts: string[] = [];
    for (const phone of phones(7)) contacts.push(expectOk(await api.post('/contacts', { phone }), 201).id);
    const templates: string[] = [];
    for (let i = 0; i < 5; i++) templates.push(expectOk(await api.post('/templates', { name: `T${i}`, content: 'x' }), 201).id);
    const groups: string[] = [];
    for (let i = 0; i < 5; i++) groups.push(expectOk(await api.post('/contacts/groups', { name: `G${i}` }), 201).id);
    for (const id of contacts) {
      expectOk(await api.post(`/contacts/groups/${groups[0]}/members`, { contactIds: [id] }));
      await sim.advance(1);
    }
    const jobs: string[] = [];
    for (let i = 0; i < 3; i++) jobs.push(expectOk(await api.post('/contacts/bulk-delete', { contactIds: [`missing-${i}`] }), 202).id);

    expect(await walk(api, '/contacts', 'contacts', 3)).toEqual({ ids: [...contacts].reverse(), pages: 3 });
    expect(await walk(api, '/templates', 'templates', 2)).toEqual({ ids: [...templates].reverse(), pages: 3 });
    expect(await walk(api, '/contacts/groups', 'groups', 4)).toEqual({ ids: [...groups].reverse(), pages: 2 });
    expect(await walk(api, `/contacts/groups/${groups[0]}/members`, 'members', 3)).toEqual({ ids: [...contacts].reverse(), pages: 3 });
    expect(await walk(api, '/contacts/bulk-jobs', 'jobs', 2)).toEqual({ ids: [...jobs].reverse(), pages: 2 });
    for (const path of ['/contacts', '/templates', '/contacts/groups', `/contacts/groups/${groups[0]}/members`, '/contacts/bulk-jobs']) {
      expectError(await api.get(path, undefined, { query: { cursor: 'nope' } }), 400, 'INVALID_CURSOR', 'cursor', 'nope');
    }
  });
});
