/** `sent` on the clock: immediate and scheduled sends, the engine outbox behind them, and resets. */
import { describe, expect, it } from 'vitest';
import { DOC_SCHEDULE, DOC_SEND, DOC_SEND_MANY, FIRST_ID, NUMBERS, T0, at, outbox, plus, sendhubSim } from './helpers.js';

describe('sent', () => {
  it('is null until the message leaves the queue (1 s), then keeps that time', async () => {
    const { sim, api } = await sendhubSim();
    const { id } = (await api.post('/messages/', DOC_SEND)).body;
    const sent = async () => (await api.get(`/messages/${id}/`)).body.sent;
    await sim.advance(999);
    expect(await sent()).toBeNull();
    await sim.advance(1);
    expect(await sent()).toBe(at(1_000));
    // Delivery later does not move it.
    await sim.advance(60_000);
    expect(await sent()).toBe(at(1_000));
    expect((await outbox(sim))[0]).toMatchObject({ status: 'delivered', to: NUMBERS[1111] });
  });

  it('is set once for a message to several recipients, when they leave the queue together', async () => {
    const { sim, api } = await sendhubSim();
    const { id } = (await api.post('/messages/', DOC_SEND_MANY)).body;
    await sim.advance(1_000);
    expect((await api.get(`/messages/${id}/`)).body.sent).toBe(at(1_000));
    expect((await outbox(sim)).every((m) => m.status === 'sent' && m.data.parentId === id)).toBe(true);
  });

  it('is the time the first recipient was sent when QA forces one early through /_sim', async () => {
    const { sim, api } = await sendhubSim();
    const { id } = (await api.post('/messages/', DOC_SEND_MANY)).body;
    await sim.advance(400);
    const [first] = await outbox(sim);
    const forced = await sim.http.post(`/_sim/messages/sendhub/${first!.id}/status`).send({ status: 'sent' });
    expect(forced.status, forced.text).toBe(200);
    expect((await api.get(`/messages/${id}/`)).body.sent).toBe(at(400));
    await sim.advance(600);
    expect((await api.get(`/messages/${id}/`)).body.sent).toBe(at(400));
  });

  it('is still set for a recipient that fails after sending (+15005550002)', async () => {
    const { sim, api } = await sendhubSim();
    const { id } = (await api.post('/messages/', { contacts: ['+15005550002'], text: 'Hi' })).body;
    await sim.advance(10_000);
    expect((await api.get(`/messages/${id}/`)).body.sent).toBe(at(1_000));
    expect((await outbox(sim))[0]).toMatchObject({ status: 'failed' });
  });
});

describe('scheduled sends', () => {
  it('wait for scheduled_at, then leave the queue (plus the 1 s send delay)', async () => {
    const { sim, api } = await sendhubSim();
    // T0 is 2024-04-08T10:30:00Z; 12:00 at -0700 is 19:00Z, 8.5 h later.
    const res = await api.post('/messages/', { contacts: [1111], text: 'Later', scheduled_at: '2024-04-08T12:00:00-0700' });
    expect(res.body).toMatchObject({
      scheduled_at: '2024-04-08T19:00:00',
      sent: null,
      acknowledgment: 'Message scheduled for delivery at 2024-04-08 19:00:00.',
    });
    const due = Date.parse('2024-04-08T19:00:00Z') - T0;
    await sim.advance(due);
    expect((await api.get(`/messages/${res.body.id}/`)).body.sent).toBeNull();
    expect((await outbox(sim))[0]).toMatchObject({ status: 'queued' });
    await sim.advance(1_000);
    expect((await api.get(`/messages/${res.body.id}/`)).body.sent).toBe(at(due + 1_000));
  });

  it("in the past (the doc's own example) is accepted and sent on the next clock step", async () => {
    const { sim, api } = await sendhubSim();
    const { id } = (await api.post('/messages/', DOC_SCHEDULE)).body;
    expect((await api.get(`/messages/${id}/`)).body).toMatchObject({ sent: null, scheduled_at: '2011-02-17T22:30:00' });
    await sim.advance(0);
    expect((await api.get(`/messages/${id}/`)).body).toMatchObject({ sent: at(0), scheduled_at: '2011-02-17T22:30:00' });
  });
});

describe('reset', () => {
  it('a tenant reset forgets its messages, draws a new first id and reseeds the fixtures', async () => {
    const { sim, api, other } = await sendhubSim();
    const first = (await api.post('/messages/', DOC_SEND)).body.id;
    const second = (await api.post('/messages/', DOC_SEND)).body.id;
    const theirs = (await other.post('/messages/', DOC_SEND)).body.id;
    expect(second).toBe(plus(first, 1));
    const reset = await sim.http.post('/_sim/reset').send({ provider: 'sendhub', tenant: 'USERNAME:APIKEY' });
    expect(reset.status, reset.text).toBe(200);
    expect((await api.get('/messages/')).body.meta.total_count).toBe(0);
    expect((await api.get(`/messages/${first}/`)).status).toBe(404);
    expect((await api.get('/contacts/')).body.meta.total_count).toBe(4);
    const after = (await api.post('/messages/', DOC_SEND)).body.id;
    expect(after).toMatch(FIRST_ID);
    expect([first, second]).not.toContain(after);
    expect((await api.post('/messages/', DOC_SEND)).body.id).toBe(plus(after, 1));
    // The other account keeps its messages and its sequence.
    expect((await other.get('/messages/')).body.meta.total_count).toBe(1);
    expect((await other.post('/messages/', DOC_SEND)).body.id).toBe(plus(theirs, 1));
  });
});
