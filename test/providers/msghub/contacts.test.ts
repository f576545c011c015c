/** Contacts: create (the doc's Rahul example), get, update, list with search/tag filters, delete. */
import { describe, expect, it } from 'vitest';
import { DOC_CONTACT, at, expectError, msghubSim } from './helpers.js';

describe('POST /contacts', () => {
  it("creates the doc's example contact as written", async () => {
    const { api } = await msghubSim();
    const res = await api.post('/contacts', { name: 'Rahul', phone: '+919876543210', email: 'rahul@example.com' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      contactId: expect.stringMatching(/^ct_[A-Za-z0-9]+$/),
      name: 'Rahul',
      phone: '+919876543210',
      email: 'rahul@example.com',
      createdAt: at(0),
      updatedAt: at(0),
    });
    const got = await api.get(`/contacts/${res.body.contactId}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('keeps tags and attributes; a phone-only or email-only contact is fine', async () => {
    const { api } = await msghubSim();
    const tagged = await api.post('/contacts', { name: 'Asha', phone: '+919812345678', tags: ['vip', 'mumbai'], attributes: { city: 'Mumbai' } });
    expect(tagged.status).toBe(201);
    expect(tagged.body).toMatchObject({ tags: ['vip', 'mumbai'], attributes: { city: 'Mumbai' } });
    const emailOnly = await api.post('/contacts', { name: 'Ben', email: 'ben@example.com' });
    expect(emailOnly.status).toBe(201);
    expect(emailOnly.body.phone).toBeUndefined();
  });

  it.each([
    { body: { name: 'R', phone: '919876543210' }, status: 400, code: 'invalid_phone_number', field: 'phone', value: '919876543210' },
    { body: { name: 'R', phone: '+91 98765 43210' }, status: 400, code: 'invalid_phone_number', field: 'phone', value: '+91 98765 43210' },
    { body: { name: 'R', phone: '+15005550001' }, status: 201 }, // magic numbers count as valid E.164 everywhere
    { body: { name: 'R', email: 'rahul@' }, status: 400, code: 'invalid_email', field: 'email', value: 'rahul@' },
    { body: { name: 'R', email: 'not-an-email' }, status: 400, code: 'invalid_email', field: 'email', value: 'not-an-email' },
    { body: { name: 'R', phone: '+919876543210', email: 'bad' }, status: 400, code: 'invalid_email', field: 'email', value: 'bad' },
    { body: { name: 'R' }, status: 400, code: 'invalid_request', field: 'phone' },
    { body: { phone: '+919876543210' }, status: 400, code: 'invalid_request', field: 'name' },
    { body: { name: '', phone: '+919876543210' }, status: 400, code: 'invalid_request', field: 'name', value: '' },
    { body: { name: 'R', phone: '+919876543210', tags: 'vip' }, status: 400, code: 'invalid_request', field: 'tags', value: 'vip' },
    { body: { name: 'R', phone: '+919876543210', tags: [''] }, status: 400, code: 'invalid_request', field: 'tags[0]' },
    { body: { name: 'R', phone: '+919876543210', nickname: 'Ra' }, status: 400, code: 'invalid_request', field: 'nickname', value: 'Ra' },
    { body: { name: 'R', phone: '+919876543210', contactId: 'ct_mine' }, status: 400, code: 'invalid_request', field: 'contactId' },
    { body: { name: 'R', phone: '+919876543210', createdAt: '2020-01-01T00:00:00Z' }, status: 400, code: 'invalid_request', field: 'createdAt' },
  ])('$body → $status $code', async ({ body, status, code, field, value }) => {
    const { api } = await msghubSim();
    const res = await api.post('/contacts', body);
    if (status === 201) {
      expect(res.status).toBe(201);
      return;
    }
    expectError(res, status, code!, field, value);
    expect((await api.get('/contacts')).body.pagination.total).toBe(0);
  });
});

describe('GET /contacts/{id}, PUT, DELETE', () => {
  it('unknown ids are 404 contact_not_found with field contactId and the value, for every verb', async () => {
    const { api } = await msghubSim();
    for (const id of ['ct_missing', 'whatever']) {
      const get = await api.get(`/contacts/${id}`);
      expectError(get, 404, 'contact_not_found', 'contactId', id);
      expect(get.body.error.message).toBe('Contact does not exist');
      expectError(await api.put(`/contacts/${id}`, { name: 'X' }), 404, 'contact_not_found', 'contactId', id);
      expectError(await api.delete(`/contacts/${id}`), 404, 'contact_not_found', 'contactId', id);
    }
  });

  it('PUT updates only the fields sent; tags and attributes replace the stored values', async () => {
    const { sim, api } = await msghubSim();
    const created = (await api.post('/contacts', { ...DOC_CONTACT, tags: ['old'], attributes: { a: '1', b: '2' } })).body;
    await sim.advance(5_000);
    const res = await api.put(`/contacts/${created.contactId}`, { tags: ['vip'], attributes: { city: 'Mumbai' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      contactId: created.contactId,
      name: 'Rahul',
      phone: '+919876543210',
      email: 'rahul@example.com',
      tags: ['vip'],
      attributes: { city: 'Mumbai' },
      createdAt: at(0),
      updatedAt: at(5_000),
    });
    const renamed = await api.put(`/contacts/${created.contactId}`, { name: 'Rahul K', phone: '+919812345678' });
    expect(renamed.body).toMatchObject({ name: 'Rahul K', phone: '+919812345678', email: 'rahul@example.com', tags: ['vip'] });
    expect((await api.get(`/contacts/${created.contactId}`)).body).toEqual(renamed.body);
  });

  it.each([
    { body: { phone: '12345' }, code: 'invalid_phone_number', field: 'phone', value: '12345' },
    { body: { email: 'nope' }, code: 'invalid_email', field: 'email', value: 'nope' },
    { body: { name: '' }, code: 'invalid_request', field: 'name', value: '' },
    { body: { status: 'active' }, code: 'invalid_request', field: 'status', value: 'active' },
    { body: {}, code: 'invalid_request' },
  ])('PUT $body → 400 $code, contact unchanged', async ({ body, code, field, value }) => {
    const { api } = await msghubSim();
    const created = (await api.post('/contacts', DOC_CONTACT)).body;
    expectError(await api.put(`/contacts/${created.contactId}`, body), 400, code, field, value);
    expect((await api.get(`/contacts/${created.contactId}`)).body).toEqual(created);
  });

  it('DELETE answers 204 with no body; the contact is gone; a second DELETE is 404', async () => {
    const { api } = await msghubSim();
    const created = (await api.post('/contacts', DOC_CONTACT)).body;
    const res = await api.delete(`/contacts/${created.contactId}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await api.get(`/contacts/${created.contactId}`), 404, 'contact_not_found', 'contactId', created.contactId);
    expectError(await api.delete(`/contacts/${created.contactId}`), 404, 'contact_not_found', 'contactId', created.contactId);
    expect((await api.get('/contacts')).body.pagination.total).toBe(0);
  });
});

describe('GET /contacts filters', () => {
  async function seed() {
    const ctx = await msghubSim();
    const make = async (body: Record<string, unknown>) => {
      const res = await ctx.api.post('/contacts', body);
      expect(res.status, res.text).toBe(201);
      await ctx.sim.advance(1);
      return res.body.contactId as string;
    };
    const ids = {
      rahul: await make({ name: 'Rahul Sharma', phone: '+919876543210', email: 'Rahul@Example.com', tags: ['vip', 'mumbai'] }),
      priya: await make({ name: 'Priya', phone: '+919812345678', tags: ['mumbai'] }),
      ben: await make({ name: 'Ben', email: 'ben@sharma.org' }),
      zed: await make({ name: 'Zed', phone: '+447911123456' }),
    };
    return { ...ctx, ids };
  }
  const idsOf = (res: { body: { data: Array<{ contactId: string }> } }) => res.body.data.map((c) => c.contactId);

  it('without filters lists every contact, newest first', async () => {
    const { api, ids } = await seed();
    expect(idsOf(await api.get('/contacts'))).toEqual([ids.zed, ids.ben, ids.priya, ids.rahul]);
  });

  it.each([
    { search: 'sharma', expected: ['ben', 'rahul'] }, // name and email, case-insensitive
    { search: 'RAHUL', expected: ['rahul'] },
    { search: '98123', expected: ['priya'] }, // phone substring
    { search: '+44', expected: ['zed'] },
    { search: 'example.com', expected: ['rahul'] },
    { search: 'nobody', expected: [] },
  ])('search=$search', async ({ search, expected }) => {
    const { api, ids } = await seed();
    const res = await api.get('/contacts', undefined, { query: { search } });
    expect(res.status).toBe(200);
    expect(idsOf(res)).toEqual(expected.map((k) => ids[k as keyof typeof ids]));
    expect(res.body.pagination.total).toBe(expected.length);
  });

  it('tag, phone and email filters', async () => {
    const { api, ids } = await seed();
    expect(idsOf(await api.get('/contacts', undefined, { query: { tag: 'mumbai' } }))).toEqual([ids.priya, ids.rahul]);
    expect(idsOf(await api.get('/contacts', undefined, { query: { tag: 'vip' } }))).toEqual([ids.rahul]);
    expect(idsOf(await api.get('/contacts', undefined, { query: { tag: 'VIP' } }))).toEqual([]);
    expect(idsOf(await api.get('/contacts', undefined, { query: { phone: '+919812345678' } }))).toEqual([ids.priya]);
    expect(idsOf(await api.get('/contacts', undefined, { query: { phone: '+91981234567' } }))).toEqual([]);
    expect(idsOf(await api.get('/contacts', undefined, { query: { email: 'rahul@example.com' } }))).toEqual([ids.rahul]);
    expect(idsOf(await api.get('/contacts', undefined, { query: { tag: 'mumbai', search: 'priya' } }))).toEqual([ids.priya]);
  });

  it('an unknown filter is 400 naming it', async () => {
    const { api } = await seed();
    expectError(await api.get('/contacts', undefined, { query: { name: 'Rahul' } }), 400, 'invalid_request', 'name', 'Rahul');
  });
});
