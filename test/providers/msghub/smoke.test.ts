import { describe, expect, it } from 'vitest';
import { createTestSim } from '../../support/harness.js';

describe('msghub smoke', () => {
  it('sends the doc example and sees it delivered on the clock', async () => {
    const sim = await createTestSim();
    const api = sim.client('msghub', { 'X-API-Key': 'mk_live_test0001' });
    const sent = await api.post('/messages/send', { channel: 'sms', to: '+919876543210', body: 'Hello!' });
    expect(sent.status).toBe(201);
    await sim.advance(3_000);
    const got = await api.get(`/messages/${sent.body.messageId}`);
    expect(got.body.status).toBe('delivered');
  });
});
