/**
 * Contacts CRUD (E.164 phone, unique per workspace), contact groups CRUD, members add/remove/list,
 * the groups of a contact, and referential integrity between them.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderClient } from '../../support/harness.js';
import { at, createContact, expectError, expectOk, msgflashSim } from './helpers.js';

const ANA = { phone: '+14155550123', name: 'Ana Souza', email: 'ana@example.com', tags: ['vip'], attributes: { city: 'Lisbon' } };

async function group(api: ProviderClient, name: string, contactIds: string[] = []): Promise<string> {
  const id = expectOk(await api.post('/contacts/groups', { name }), 201).id as string;
  if (contactIds.length > 0) expectOk(await api.post(`/contacts/groups/${id}/members`, { contactIds }));
  return id;
}

const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);

describe('contacts', () => {
  it('create, get, partial update, list with search and tag, delete', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const created = expectOk(await api.post('/contacts', ANA), 201);
    expect(created).toEqual({ id: expect.any(String), ...ANA, createdAt: at(0), updatedAt: at(0) });
    expect(expectOk(await api.get(`/contacts/${created.id}`))).toEqual(created);
    const bare = expectOk(await api.post('/contacts', { phone: '+14155550124' }), 201);
    expect(bare).toEqual({ id: expect.any(String), phone: '+14155550124', tags: [], attributes: {}, createdAt: at(0), updatedAt: at(0) });

    await sim.advance(1_000);
    const updated = expectOk(await api.put(`/contacts/${created.id}`, { name: 'Ana S.', tags: ['vip', 'lisbon'] }));
    expect(updated).toEqual({ ...created, name: 'Ana S.', tags: ['vip', 'lisbon'], updatedAt: at(1_000) });

    const list = async (query: Record<string, string> = {}) => ids(expectOk(await api.get('/contacts', undefined, { query })).contacts);
    expect(await list()).toEqual([bare.id, created.id]);
    expect(await list({ search: 'ana s.' })).toEqual([created.id]);
    expect(await list({ search: '550124' })).toEqual([bare.id]);
    expect(await list({ search: 'EXAMPLE.COM' })).toEqual([created.id]);
    expect(await list({ tag: 'lisbon' })).toEqual([created.id]);

    expect(expectOk(await api.delete(`/contacts/${created.id}`))).toEqual({ id: created.id, deleted: true });
    expectError(await api.get(`/contacts/${created.id}`), 404, 'NOT_FOUND', 'id', created.id);
    expectError(await api.put(`/contacts/${created.id}`, { name: 'x' }), 404, 'NOT_FOUND');
    expectError(await api.delete(`/contacts/${created.id}`), 404, 'NOT_FOUND');
    expect(await list()).toEqual([bare.id]);
  });

  it('a phone is unique in a workspace (409 CONTACT_ALREADY_EXISTS), on create and update', async () => {
    const { api, other } = await msgflashSim({ rateLimits: false });
    const ana = await createContact(api, ANA.phone);
    expectError(await api.post('/contacts', { phone: ANA.phone }), 409, 'CONTACT_ALREADY_EXISTS', 'phone', ANA.phone);
    const bob = await createContact(api, '+14155550124');
    expectError(await api.put(`/contacts/${bob}`, { phone: ANA.phone }), 409, 'CONTACT_ALREADY_EXISTS');
    expectOk(await api.put(`/contacts/${ana}`, { phone: ANA.phone }));
    await createContact(other, ANA.phone);
  });

  it.each([
    [{ phone: '4155550123' }, 400, 'INVALID_PHONE_NUMBER', 'phone'],
    [{ phone: '+15005550001x' }, 400, 'INVALID_PHONE_NUMBER', 'phone'],
    [{ name: 'No phone' }, 400, 'VALIDATION_ERROR', 'phone'],
    [{ phone: '+14155550123', email: 'not-an-email' }, 400, 'VALIDATION_ERROR', 'email'],
    [{ phone: '+14155550123', tags: ['a', { b: 1 }] }, 400, 'VALIDATION_ERROR', 'tags[1]'],
    [{ phone: '+14155550123', id: 'mine' }, 400, 'VALIDATION_ERROR', 'id'],
    [{ phone: '+14155550123', createdAt: '2024-01-01T00:00:00Z' }, 400, 'VALIDATION_ERROR', 'createdAt'],
  ])('create %j → %i %s naming %s', async (body, status, code, field) => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/contacts', body), status, code, field);
    expect(expectOk(await api.get('/contacts')).contacts).toEqual([]);
  });

  it('an empty update → 400', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const id = await createContact(api, ANA.phone);
    expectError(await api.put(`/contacts/${id}`, {}), 400, 'VALIDATION_ERROR');
  });
});

describe('contact groups', () => {
  it('create, get, update, list with search, delete (contacts are kept)', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const ana = await createContact(api, ANA.phone);
    const vip = expectOk(await api.post('/contacts/groups', { name: 'VIP', description: 'Best customers' }), 201);
    expect(vip).toEqual({ id: expect.any(String), name: 'VIP', description: 'Best customers', memberCount: 0, createdAt: at(0), updatedAt: at(0) });
    const leads = await group(api, 'Leads', [ana]);
    await sim.advance(1_000);
    expect(expectOk(await api.put(`/contacts/groups/${vip.id}`, { name: 'VIPs' }))).toMatchObject({
      name: 'VIPs',
      description: 'Best customers',
      updatedAt: at(1_000),
    });
    expect(expectOk(await api.get(`/contacts/groups/${leads}`))).toMatchObject({ name: 'Leads', memberCount: 1 });
    expect(ids(expectOk(await api.get('/contacts/groups')).groups)).toEqual([leads, vip.id]);
    expect(ids(expectOk(await api.get('/contacts/groups', undefined, { query: { search: 'vip' } })).groups)).toEqual([vip.id]);

    expect(expectOk(await api.delete(`/contacts/groups/${leads}`))).toEqual({ id: leads, deleted: true });
    expectError(await api.get(`/contacts/groups/${leads}`), 404, 'NOT_FOUND', 'groupId', leads);
    expectOk(await api.get(`/contacts/${ana}`));
    expect(expectOk(await api.get(`/contacts/${ana}/groups`))).toEqual([]);
  });

  it('members: add (idempotent), list newest first with addedAt, remove; memberCount follows', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const a = await createContact(api, '+14155550201', { name: 'A' });
    const b = await createContact(api, '+14155550202');
    const c = await createContact(api, '+14155550203');
    const g = await group(api, 'VIP');
    expect(expectOk(await api.post(`/contacts/groups/${g}/members`, { contactIds: [a, b] }))).toEqual({
      groupId: g,
      added: 2,
      alreadyMembers: 0,
      memberCount: 2,
    });
    await sim.advance(1_000);
    expect(expectOk(await api.post(`/contacts/groups/${g}/members`, { contactIds: [b, c, c] }))).toEqual({
      groupId: g,
      added: 1,
      alreadyMembers: 1,
      memberCount: 3,
    });
    const members = expectOk(await api.get(`/contacts/groups/${g}/members`));
    expect(members).toMatchObject({ nextCursor: null, hasMore: false });
    expect(members.members.map((m: any) => [m.id, m.addedAt])).toEqual([
      [c, at(1_000)],
      [b, at(0)],
      [a, at(0)],
    ]);
    expect(members.members[2]).toMatchObject({ phone: '+14155550201', name: 'A', tags: [], attributes: {} });

    expect(expectOk(await api.delete(`/contacts/groups/${g}/members`, { contactIds: [b, c] }))).toEqual({
      groupId: g,
      removed: 2,
      notMembers: 0,
      memberCount: 1,
    });
    expect(expectOk(await api.delete(`/contacts/groups/${g}/members`, { contactIds: [b] }))).toEqual({ groupId: g, removed: 0, notMembers: 1, memberCount: 1 });
    expect(ids(expectOk(await api.get(`/contacts/groups/${g}/members`)).members)).toEqual([a]);
    expectOk(await api.get(`/contacts/${b}`));
  });

  it('unknown contacts are refused all-or-nothing (404 naming the first); unknown groups → 404', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const a = await createContact(api, '+14155550201');
    const g = await group(api, 'VIP');
    expectError(await api.post(`/contacts/groups/${g}/members`, { contactIds: [a, 'nope'] }), 404, 'NOT_FOUND', 'contactIds[1]', 'nope');
    expect(expectOk(await api.get(`/contacts/groups/${g}`)).memberCount).toBe(0);
    expectError(await api.delete(`/contacts/groups/${g}/members`, { contactIds: ['nope'] }), 404, 'NOT_FOUND', 'contactIds[0]');
    expectError(await api.post(`/contacts/groups/${g}/members`, { contactIds: [] }), 400, 'VALIDATION_ERROR', 'contactIds');
    expectError(await api.delete(`/contacts/groups/${g}/members`, {}), 400, 'VALIDATION_ERROR', 'contactIds');
    expectError(await api.delete(`/contacts/groups/${g}/members`), 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type');
    for (const path of ['/contacts/groups/nope', '/contacts/groups/nope/members']) expectError(await api.get(path), 404, 'NOT_FOUND', 'groupId', 'nope');
    expectError(await api.post('/contacts/groups/nope/members', { contactIds: [a] }), 404, 'NOT_FOUND', 'groupId');
    expectError(await api.get('/contacts/nope/groups'), 404, 'NOT_FOUND', 'id', 'nope');
  });

  it("a contact's groups, most recently joined first", async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const a = await createContact(api, '+14155550201');
    const first = await group(api, 'First', [a]);
    await group(api, 'Unrelated');
    await sim.advance(1_000);
    const second = await group(api, 'Second', [a]);
    const groups = expectOk(await api.get(`/contacts/${a}/groups`));
    expect(groups.map((g: any) => [g.id, g.name, g.memberCount])).toEqual([
      [second, 'Second', 1],
      [first, 'First', 1],
    ]);
  });

  it('deleting a contact removes it from every group', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const a = await createContact(api, '+14155550201');
    const b = await createContact(api, '+14155550202');
    const g1 = await group(api, 'One', [a, b]);
    const g2 = await group(api, 'Two', [a]);
    expectOk(await api.delete(`/contacts/${a}`));
    expect(expectOk(await api.get(`/contacts/groups/${g1}`)).memberCount).toBe(1);
    expect(expectOk(await api.get(`/contacts/groups/${g2}`)).memberCount).toBe(0);
    expect(ids(expectOk(await api.get(`/contacts/groups/${g1}/members`)).members)).toEqual([b]);
    // A new contact with the same phone is a new contact, in no group.
    const again = await createContact(api, '+14155550201');
    expect(expectOk(await api.get(`/contacts/${again}/groups`))).toEqual([]);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x', memberCount: 3 }, 'memberCount'],
  ])('create %j → 400 naming %s', async (body, field) => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/contacts/groups', body), 400, 'VALIDATION_ERROR', field);
  });
});
