/** POST /content/distribute: one content to several channel/recipient targets, one result per target. */
import { describe, expect, it } from 'vitest';
import { DOC_TEMPLATE, LINE_USER, TELEGRAM_CHAT, expectError, getMessage, hubSim, outbox } from './helpers.js';

describe('distribution', () => {
  it('sends the content to every target, each its own message', async () => {
    const { sim, api } = await hubSim();
    const targets = [
      { channel: 'whatsapp', to: '+919876543210' },
      { channel: 'telegram', to: TELEGRAM_CHAT },
      { channel: 'line', to: LINE_USER },
      { channel: 'zalo', to: '+84912345678' },
    ];
    const res = await api.post('/content/distribute', { content: 'Our summer sale starts today!', targets });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ distributionId: expect.stringMatching(/^dst_/), total: 4, accepted: 4, rejected: 0 });
    expect(res.body.data.results.map((r: any) => [r.index, r.channel, r.to, r.status, r.data.status])).toEqual(
      targets.map((t, i) => [i, t.channel, t.to, 201, 'sent']),
    );
    await sim.advance(3_000);
    for (const result of res.body.data.results) {
      expect(await getMessage(api, result.data.messageId)).toMatchObject({
        status: 'delivered',
        channel: result.channel,
        to: result.to,
        text: 'Our summer sale starts today!',
        distributionId: res.body.data.distributionId,
      });
    }
    expect(await outbox(sim)).toHaveLength(4);
  });

  it('a target its channel cannot take fails alone', async () => {
    const { sim, api } = await hubSim();
    const res = await api.post('/content/distribute', {
      ...DOC_TEMPLATE,
      to: undefined,
      channel: undefined,
      targets: [
        { channel: 'whatsapp', to: '+919876543210' },
        { channel: 'zalo', to: '+84912345678' },
        { channel: 'telegram', to: '+919876543210' },
        { channel: 'sms', to: '+15005550005' },
        { channel: 'line', to: LINE_USER },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ total: 5, accepted: 2, rejected: 3 });
    const byIndex = res.body.data.results;
    expect(byIndex[1]).toMatchObject({ status: 400, channel: 'zalo', error: { code: 'TEMPLATE_NOT_APPROVED', details: { field: 'templateId' } } });
    expect(byIndex[2]).toMatchObject({ status: 400, error: { code: 'INVALID_RECIPIENT', details: { field: 'targets[2].to', value: '+919876543210' } } });
    expect(byIndex[3]).toMatchObject({ status: 429, error: { code: 'RATE_LIMITED' } });
    expect(byIndex[4]).toMatchObject({ status: 201, channel: 'line' });
    expect(await outbox(sim)).toHaveLength(2);
  });

  it('problems of the content itself refuse the whole request', async () => {
    const { sim, api } = await hubSim();
    const targets = [{ channel: 'whatsapp', to: '+919876543210' }];
    expectError(
      await api.post('/content/distribute', { contentType: 'template', templateId: 'nope', targets }),
      404,
      'TEMPLATE_NOT_FOUND',
      'templateId',
      'nope',
    );
    expectError(
      await api.post('/content/distribute', { contentType: 'template', templateId: 'order_confirmation', templateParams: {}, targets }),
      400,
      'TEMPLATE_PARAMS_MISMATCH',
      'templateParams',
    );
    expectError(await api.post('/content/distribute', { targets }), 400, 'VALIDATION_ERROR', 'content');
    expectError(await api.post('/content/distribute', { content: 'x', targets: [] }), 400, 'VALIDATION_ERROR', 'targets');
    expectError(
      await api.post('/content/distribute', { content: 'x', targets: [{ channel: 'sms', to: '+14155552671', fallback: { channels: ['viber'] } }] }),
      400,
      'VALIDATION_ERROR',
      'targets[0].fallback',
    );
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('brandmessage goes to kakao targets only', async () => {
    const { api } = await hubSim();
    const res = await api.post('/content/distribute', {
      contentType: 'brandmessage',
      content: '특별 할인!',
      targets: [
        { channel: 'kakao', to: '+821012345678' },
        { channel: 'sms', to: '+821012345678' },
      ],
    });
    expect(res.body.data.results.map((r: any) => r.status)).toEqual([201, 400]);
    expect(res.body.data.results[1].error).toMatchObject({ code: 'INVALID_CONTENT', details: { field: 'contentType', value: 'brandmessage' } });
  });
});
