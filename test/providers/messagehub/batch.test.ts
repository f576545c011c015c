/** POST /messages/batch: many sends in one call, one result per item, partial failure, at most 100. */
import { describe, expect, it } from 'vitest';
import { DOC_ALIMTALK, DOC_SEND, DOC_TEMPLATE, TELEGRAM_CHAT, expectError, getMessage, hubSim, outbox } from './helpers.js';

describe('partial failure', () => {
  it('good items are sent, bad ones fail alone with the status and error the single send would give', async () => {
    const { sim, api } = await hubSim();
    const res = await api.post('/messages/batch', {
      messages: [
        DOC_SEND,
        { to: '@someone', channel: 'telegram', content: 'Hi' },
        { ...DOC_TEMPLATE, templateId: 'nope' },
        { ...DOC_SEND, to: '+15005550005' },
        { ...DOC_SEND, to: '+15005550006' },
        { to: TELEGRAM_CHAT, channel: 'telegram', content: 'Hi' },
        DOC_ALIMTALK,
      ],
    });
    expect(res.status).toBe(200);
    const { data } = res.body;
    expect(data).toMatchObject({ batchId: expect.stringMatching(/^bat_/), total: 7, accepted: 3, rejected: 4 });
    expect(data.results.map((r: any) => [r.index, r.status, r.error?.code ?? r.data.channel])).toEqual([
      [0, 201, 'whatsapp'],
      [1, 400, 'INVALID_RECIPIENT'],
      [2, 404, 'TEMPLATE_NOT_FOUND'],
      [3, 429, 'RATE_LIMITED'],
      [4, 500, 'INTERNAL_ERROR'],
      [5, 201, 'telegram'],
      [6, 201, 'kakao'],
    ]);
    expect(data.results[1].error.details).toEqual({ field: 'messages[1].to', value: '@someone' });
    expect(data.results[2].error.details).toEqual({ field: 'messages[2].templateId', value: 'nope' });
    expect(data.results[0].data).toEqual({ messageId: expect.stringMatching(/^msg_/), channel: 'whatsapp', status: 'sent' });
    expect(await outbox(sim)).toHaveLength(3);

    await sim.advance(3_000);
    const first = await getMessage(api, data.results[0].data.messageId);
    expect(first).toMatchObject({ status: 'delivered', batchId: data.batchId });
  });

  it('every item failing is still a 200 whose results say so', async () => {
    const { sim, api } = await hubSim();
    const res = await api.post('/messages/batch', {
      messages: [
        { ...DOC_SEND, to: '+15005550001' },
        { ...DOC_SEND, contentType: 'brandmessage' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ total: 2, accepted: 0, rejected: 2 });
    expect(res.body.data.results.map((r: any) => r.error.code)).toEqual(['INVALID_RECIPIENT', 'INVALID_CONTENT']);
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('items may carry their own fallback', async () => {
    const { sim, api } = await hubSim();
    const res = await api.post('/messages/batch', { messages: [{ ...DOC_SEND, to: '+15005550009', fallback: { channels: ['sms'] } }] });
    await sim.advance(6_000);
    expect(await getMessage(api, res.body.data.results[0].data.messageId)).toMatchObject({ status: 'delivered', channel: 'sms' });
  });
});

describe('the batch itself', () => {
  it('takes 100 messages, and refuses 101 whole', async () => {
    const { sim, api } = await hubSim();
    const hundred = Array.from({ length: 100 }, (_, i) => ({ ...DOC_SEND, content: `Hello #${i}` }));
    const ok = await api.post('/messages/batch', { messages: hundred });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ total: 100, accepted: 100, rejected: 0 });
    expect(ok.body.data.results.map((r: any) => r.index)).toEqual(hundred.map((_, i) => i));
    const tooMany = await api.post('/messages/batch', { messages: [...hundred, DOC_SEND] });
    expectError(tooMany, 400, 'VALIDATION_ERROR', 'messages');
    expect(tooMany.body.error.message).toMatch(/100/);
    expect(await outbox(sim)).toHaveLength(100);
  });

  it('a body that does not match the schema is refused whole, naming the item', async () => {
    const { sim, api } = await hubSim();
    expectError(
      await api.post('/messages/batch', { messages: [DOC_SEND, { ...DOC_SEND, channel: 'fax' }] }),
      400,
      'VALIDATION_ERROR',
      'messages[1].channel',
      'fax',
    );
    expectError(await api.post('/messages/batch', { messages: [] }), 400, 'VALIDATION_ERROR', 'messages');
    expectError(await api.post('/messages/batch', [DOC_SEND]), 400, 'VALIDATION_ERROR');
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('counts as one request against the rate limit', async () => {
    const { api } = await hubSim();
    const res = await api.post('/messages/batch', { messages: [DOC_SEND, DOC_SEND, DOC_SEND] });
    expect(res.headers['x-ratelimit-remaining']).toBe('599');
  });

  it('an Idempotency-Key replays the batch without sending again', async () => {
    const { sim, api } = await hubSim();
    const headers = { 'Idempotency-Key': 'batch-42' };
    const first = await api.post('/messages/batch', { messages: [DOC_SEND] }, { headers });
    const again = await api.post('/messages/batch', { messages: [DOC_SEND] }, { headers });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await outbox(sim)).toHaveLength(1);
  });
});
