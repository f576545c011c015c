/** Inbound replies (POST /_sim/inbound/sendhub) and PUT /v1/messages/{id}/: "You may only mark a message as read". */
import { describe, expect, it } from 'vitest';
import { DOC_SEND, FIRST_ID, LINKS, NUMBERS, OTHER_TENANT, at, expectError, plus, receive, sendhubSim, withCredentials } from './helpers.js';

describe('inbound messages', () => {
  it('arrive as direction "from", unread, from the contact whose number sent them', async () => {
    const { sim, api } = await sendhubSim();
    await sim.advance(2_500);
    const reply = await receive(sim, NUMBERS[1113]!, 'Running late');
    expect(reply).toEqual({
      acknowledgment: null,
      contacts: [1113],
      created_at: at(2_500),
      direction: 'from',
      groups: null,
      id: reply.id,
      resource_uri: `${LINKS}/messages/${reply.id}/`,
      scheduled_at: null,
      sent: at(2_500),
      text: 'Running late',
      unread: true,
    });
    // The first message of the account, so its id starts the account's sequence.
    expect(reply.id).toMatch(FIRST_ID);
    expect((await api.get(`/messages/${reply.id}/`)).body).toEqual(reply);
  });

  it('from a number that is not a contact name the number; ids share the sequence with sends', async () => {
    const { sim, api } = await sendhubSim();
    const sent = await api.post('/messages/', DOC_SEND);
    const reply = await receive(sim, '+16505551234', 'Who is this?');
    expect(reply).toMatchObject({ id: plus(sent.body.id, 1), contacts: ['+16505551234'], direction: 'from', unread: true });
    // And a send after the reply takes the next number.
    expect((await api.post('/messages/', DOC_SEND)).body.id).toBe(plus(sent.body.id, 2));
  });

  it('reach only the account named by tenant, which is seeded on first sight', async () => {
    const { sim, api, other } = await sendhubSim();
    await receive(sim, NUMBERS[1111]!, 'For the other account', OTHER_TENANT);
    expect((await api.get('/messages/')).body.meta.total_count).toBe(0);
    expect((await other.get('/messages/')).body.objects[0]).toMatchObject({ contacts: [1111], unread: true });
  });

  it('refuse a malformed tenant or sender in the control envelope', async () => {
    const { sim } = await sendhubSim();
    const badTenant = await sim.http.post('/_sim/inbound/sendhub').send({ tenant: 'APIKEY', from: '+16505551234', text: 'hi' });
    expect(badTenant.status).toBe(400);
    expect(badTenant.body.error.field).toBe('tenant');
    const badFrom = await sim.http.post('/_sim/inbound/sendhub').send({ tenant: 'USERNAME:APIKEY', from: '6505551234', text: 'hi' });
    expect(badFrom.status).toBe(400);
    expect(badFrom.body.error.field).toBe('from');
    const empty = await sim.http.post('/_sim/inbound/sendhub').send({ tenant: 'USERNAME:APIKEY', from: '+16505551234', text: '' });
    expect(empty.status).toBe(400);
  });
});

describe('PUT /v1/messages/{id}/', () => {
  it('{"unread": false} marks an inbound message read: 200 with the message, seen by GET and the filters', async () => {
    const { sim, api } = await sendhubSim();
    const reply = await receive(sim, NUMBERS[1111]!, 'Yes');
    expect((await api.get('/messages/', undefined, { query: { unread: 'true' } })).body.meta.total_count).toBe(1);
    const res = await api.put(`/messages/${reply.id}/`, { unread: false });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ ...reply, unread: false });
    expect((await api.get(`/messages/${reply.id}/`)).body.unread).toBe(false);
    expect((await api.get('/messages/', undefined, { query: { unread: 'true' } })).body.meta.total_count).toBe(0);
    expect((await api.get('/messages/', undefined, { query: { unread: 'false' } })).body.objects.map((m: { id: string }) => m.id)).toEqual([reply.id]);
    // Again: still read, still 200.
    const again = await api.put(`/messages/${reply.id}/`, { unread: false });
    expect(again.status).toBe(200);
    expect(again.body.unread).toBe(false);
  });

  it('{"unread": true} is refused with the doc\'s rule, and nothing changes', async () => {
    const { sim, api } = await sendhubSim();
    const reply = await receive(sim, NUMBERS[1111]!, 'Yes');
    expectError(await api.put(`/messages/${reply.id}/`, { unread: true }), 400, 'You cannot mark a message as unread.');
    expect((await api.get(`/messages/${reply.id}/`)).body.unread).toBe(true);
    await api.put(`/messages/${reply.id}/`, { unread: false });
    expectError(await api.put(`/messages/${reply.id}/`, { unread: true }), 400, 'You cannot mark a message as unread.');
    expect((await api.get(`/messages/${reply.id}/`)).body.unread).toBe(false);
  });

  it('any other field is refused by name, even beside unread; an empty body says what to send', async () => {
    const { sim, api } = await sendhubSim();
    const reply = await receive(sim, NUMBERS[1111]!, 'Yes');
    expectError(await api.put(`/messages/${reply.id}/`, { text: 'edited' }), 400, /'text'/);
    expectError(await api.put(`/messages/${reply.id}/`, { unread: false, direction: 'to' }), 400, /'direction'/);
    expectError(await api.put(`/messages/${reply.id}/`, { unread: false, id: '9' }), 400, /'id'/);
    expectError(await api.put(`/messages/${reply.id}/`, {}), 400, 'Send {"unread": false} to mark a message as read.');
    expectError(await api.put(`/messages/${reply.id}/`, { unread: 'no' }), 400, /unread/);
    expect((await api.get(`/messages/${reply.id}/`)).body).toEqual(reply);
  });

  it('an outbound message has no unread flag: 400, and it stays null', async () => {
    const { api } = await sendhubSim();
    const { id } = (await api.post('/messages/', DOC_SEND)).body;
    expectError(await api.put(`/messages/${id}/`, { unread: false }), 400, /outbound.*only inbound messages can be marked as read/);
    expect((await api.get(`/messages/${id}/`)).body.unread).toBeNull();
  });

  it("an unknown id, or another account's, is 404", async () => {
    const { sim, api } = await sendhubSim();
    expectError(await api.put('/messages/99/', { unread: false }), 404, 'No message 99 in this account.');
    const theirs = await receive(sim, NUMBERS[1111]!, 'Yes', OTHER_TENANT);
    const stranger = withCredentials(sim.client('sendhub'), 'stranger', 'KEY');
    expectError(await stranger.put(`/messages/${theirs.id}/`, { unread: false }), 404);
    expectError(await api.get('/messages/abc/'), 404, 'No message abc in this account.');
  });
});
