/**
 * Messages: instant sends and their lifecycle on the clock in MsgFlash's status words, content rules,
 * templates, magic recipients, instances (unknown, disconnected), scheduled sends, the monthly message
 * limit, and GET by id.
 */
import { describe, expect, it } from 'vitest';
import { KEY, MAIN, SUPPORT, TEXT, at, client, expectError, expectOk, msgflashSim, outboxCount, registerKey, setInstance } from './helpers.js';

describe('POST /messages/send', () => {
  it('answers 201 with the queued message, which is sent after 1 s and delivered 2 s later', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const sent = expectOk(await api.post('/messages/send', TEXT), 201);
    expect(sent).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      instanceId: MAIN,
      to: TEXT.to,
      type: 'text',
      text: TEXT.text,
      status: 'queued',
      createdAt: at(0),
      updatedAt: at(0),
    });
    const get = async () => expectOk(await api.get(`/messages/${sent.id}`));
    await sim.advance(999);
    expect((await get()).status).toBe('queued');
    await sim.advance(1);
    expect(await get()).toMatchObject({ status: 'sent', sentAt: at(1_000) });
    await sim.advance(2_000);
    expect(await get()).toMatchObject({ status: 'delivered', sentAt: at(1_000), deliveredAt: at(3_000) });
    await sim.advance(60_000);
    expect((await get()).status).toBe('delivered');
  });

  it.each([
    ['+15005550004', 'read', { readAt: at(8_000) }],
    ['+15005550002', 'failed', { failedAt: at(3_000), error: { code: 'CARRIER_REJECTED', message: 'The carrier rejected the message' } }],
    ['+15005550003', 'sent', { sentAt: at(1_000) }],
  ])('magic recipient %s ends %s', async (to, status, fields) => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id } = expectOk(await api.post('/messages/send', { ...TEXT, to }), 201);
    await sim.advance(120_000);
    expect(expectOk(await api.get(`/messages/${id}`))).toMatchObject({ status, ...fields });
  });

  it('the slow magic recipient +15005550007 is delivered 60 s after it is sent', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id } = expectOk(await api.post('/messages/send', { ...TEXT, to: '+15005550007' }), 201);
    await sim.advance(60_999);
    expect(expectOk(await api.get(`/messages/${id}`)).status).toBe('sent');
    await sim.advance(1);
    expect(expectOk(await api.get(`/messages/${id}`))).toMatchObject({ status: 'delivered', deliveredAt: at(61_000) });
  });

  it('media messages: image with caption, document, audio without caption', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const image = expectOk(
      await api.post('/messages/send', { instanceId: MAIN, to: TEXT.to, type: 'image', mediaUrl: 'https://example.com/a.jpg', caption: 'New!' }),
      201,
    );
    expect(image).toMatchObject({ type: 'image', mediaUrl: 'https://example.com/a.jpg', caption: 'New!' });
    expect(image.text).toBeUndefined();
    expectOk(await api.post('/messages/send', { instanceId: MAIN, to: TEXT.to, type: 'document', mediaUrl: 'https://example.com/a.pdf' }), 201);
    expectOk(await api.post('/messages/send', { instanceId: MAIN, to: TEXT.to, type: 'audio', mediaUrl: 'https://example.com/a.ogg' }), 201);
    // Refusals name the media type in plain words ("for image messages", not "for a image message").
    const missing = await api.post('/messages/send', { instanceId: MAIN, to: TEXT.to, type: 'image' });
    expectError(missing, 400, 'VALIDATION_ERROR', 'mediaUrl');
    expect(missing.body.error.message).toBe('mediaUrl is required for image messages');
    const withText = await api.post('/messages/send', { instanceId: MAIN, to: TEXT.to, type: 'audio', mediaUrl: 'https://example.com/a.ogg', text: 'x' });
    expect(withText.body.error.message).toBe('audio messages take caption, not text');
  });

  it.each([
    [{ instanceId: MAIN, to: TEXT.to }, 'text'],
    [{ ...TEXT, mediaUrl: 'https://example.com/a.jpg' }, 'mediaUrl'],
    [{ ...TEXT, caption: 'x' }, 'caption'],
    [{ instanceId: MAIN, to: TEXT.to, type: 'image' }, 'mediaUrl'],
    [{ instanceId: MAIN, to: TEXT.to, type: 'image', mediaUrl: 'https://example.com/a.jpg', text: 'x' }, 'text'],
    [{ instanceId: MAIN, to: TEXT.to, type: 'audio', mediaUrl: 'https://example.com/a.ogg', caption: 'x' }, 'caption'],
    [{ ...TEXT, variables: { a: 'b' } }, 'variables'],
    [{ ...TEXT, type: 'sticker' }, 'type'],
    [{ ...TEXT, text: '' }, 'text'],
    [{ ...TEXT, mediaUrl: 'not a url', type: 'image', text: undefined }, 'mediaUrl'],
    [{ ...TEXT, status: 'delivered' }, 'status'],
    [{ to: TEXT.to, text: 'x' }, 'instanceId'],
  ])('content rules: %j → 400 VALIDATION_ERROR naming %s, nothing stored', async (body, field) => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/messages/send', body), 400, 'VALIDATION_ERROR', field);
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it('templates: rendered with variables; a missing one → 400 naming it; unknown → 404; text and templateId together → 400', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const template = expectOk(await api.post('/templates', { name: 'Shipped', content: 'Hi {{name}}, order {{order}} shipped.' }), 201);
    const sent = expectOk(
      await api.post('/messages/send', { instanceId: MAIN, to: TEXT.to, templateId: template.id, variables: { name: 'Ana', order: '42' } }),
      201,
    );
    expect(sent).toMatchObject({ text: 'Hi Ana, order 42 shipped.', templateId: template.id });
    expectError(
      await api.post('/messages/send', { instanceId: MAIN, to: TEXT.to, templateId: template.id, variables: { name: 'Ana' } }),
      400,
      'VALIDATION_ERROR',
      'variables.order',
    );
    expectError(await api.post('/messages/send', { instanceId: MAIN, to: TEXT.to, templateId: 'nope' }), 404, 'NOT_FOUND', 'templateId', 'nope');
    expectError(await api.post('/messages/send', { ...TEXT, templateId: template.id }), 400, 'VALIDATION_ERROR', 'templateId');
  });

  it.each(['4155550123', '+1415555', '+14155550123 ', '+0123456789', '+15005550001'])('recipient %j → 400 INVALID_PHONE_NUMBER', async (to) => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/messages/send', { ...TEXT, to }), 400, 'INVALID_PHONE_NUMBER', 'to', to);
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it('the magic recipient +15005550006 answers 500 INTERNAL_ERROR and sends nothing', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/messages/send', { ...TEXT, to: '+15005550006' }), 500, 'INTERNAL_ERROR');
    expect(await outboxCount(sim, KEY)).toBe(0);
  });

  it('an unknown instance → 404 naming instanceId', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/messages/send', { ...TEXT, instanceId: 'nope' }), 404, 'NOT_FOUND', 'instanceId', 'nope');
  });

  it('a disconnected instance → 409 INSTANCE_DISCONNECTED and nothing is sent; the other instance and a reconnect work', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    await setInstance(sim, KEY, MAIN, 'disconnected');
    expectError(await api.post('/messages/send', TEXT), 409, 'INSTANCE_DISCONNECTED', 'instanceId', MAIN);
    expect(await outboxCount(sim, KEY)).toBe(0);
    expectOk(await api.post('/messages/send', { ...TEXT, instanceId: SUPPORT }), 201);
    // Only this workspace's instance is disconnected.
    expectOk(await client(sim, 'msgf_live_someone_else').post('/messages/send', TEXT), 201);
    await setInstance(sim, KEY, MAIN, 'connected');
    expectOk(await api.post('/messages/send', TEXT), 201);
    expect(await outboxCount(sim, KEY)).toBe(2);
  });

  it("over the plan's monthly messages → 403 MONTHLY_MESSAGE_LIMIT_EXCEEDED; a new month resets it", async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    await registerKey(sim, KEY, { plan: 'starter', monthlyMessages: 2 });
    expectOk(await api.post('/messages/send', TEXT), 201);
    expectOk(await api.post('/messages/schedule', { ...TEXT, scheduledAt: at(60_000) }), 201);
    const refused = await api.post('/messages/send', TEXT);
    expectError(refused, 403, 'MONTHLY_MESSAGE_LIMIT_EXCEEDED');
    expect(refused.body.error.message).toBe('The Starter plan allows 2 messages a month; 2 are used and this needs 1');
    await sim.advance(Date.parse('2024-05-01T00:00:00.000Z') - Date.parse(at(0)));
    expectOk(await api.post('/messages/send', TEXT), 201);
  });
});

describe('POST /messages/schedule', () => {
  it('is scheduled until its time, then queued, sent and delivered on the clock', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const scheduledAt = at(3_600_000);
    const msg = expectOk(await api.post('/messages/schedule', { ...TEXT, scheduledAt }), 201);
    expect(msg).toMatchObject({ status: 'scheduled', scheduledAt, createdAt: at(0) });
    const get = async () => expectOk(await api.get(`/messages/${msg.id}`));
    await sim.advance(3_599_999);
    expect((await get()).status).toBe('scheduled');
    expect(expectOk(await api.get('/messages', undefined, { query: { status: 'scheduled' } })).messages).toHaveLength(1);
    await sim.advance(1);
    expect((await get()).status).toBe('queued');
    await sim.advance(1_000);
    expect(await get()).toMatchObject({ status: 'sent', sentAt: at(3_601_000) });
    await sim.advance(2_000);
    expect(await get()).toMatchObject({ status: 'delivered', deliveredAt: at(3_603_000) });
  });

  it('a time not in the future, or more than 365 days ahead → 400 naming scheduledAt', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/messages/schedule', { ...TEXT, scheduledAt: at(0) }), 400, 'VALIDATION_ERROR', 'scheduledAt', at(0));
    expectError(await api.post('/messages/schedule', { ...TEXT, scheduledAt: at(-1) }), 400, 'VALIDATION_ERROR', 'scheduledAt');
    expectError(await api.post('/messages/schedule', { ...TEXT, scheduledAt: at(366 * 86_400_000) }), 400, 'VALIDATION_ERROR', 'scheduledAt');
    expectError(await api.post('/messages/schedule', { ...TEXT, scheduledAt: 'tomorrow' }), 400, 'VALIDATION_ERROR', 'scheduledAt');
    expectError(await api.post('/messages/schedule', TEXT), 400, 'VALIDATION_ERROR', 'scheduledAt');
  });

  it('an instance disconnected when the message is due fails it with INSTANCE_DISCONNECTED', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const { id } = expectOk(await api.post('/messages/schedule', { ...TEXT, scheduledAt: at(60_000) }), 201);
    await setInstance(sim, KEY, MAIN, 'disconnected');
    await sim.advance(60_000);
    expect(expectOk(await api.get(`/messages/${id}`))).toMatchObject({
      status: 'failed',
      failedAt: at(60_000),
      error: { code: 'INSTANCE_DISCONNECTED', message: 'The instance was disconnected when the message was due' },
    });
    await sim.advance(60_000);
    expect(expectOk(await api.get(`/messages/${id}`)).status).toBe('failed');
  });

  it('may be scheduled while the instance is offline; reconnected in time, it is sent', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    await setInstance(sim, KEY, MAIN, 'disconnected');
    const { id } = expectOk(await api.post('/messages/schedule', { ...TEXT, scheduledAt: at(60_000) }), 201);
    await sim.advance(30_000);
    await setInstance(sim, KEY, MAIN, 'connected');
    await sim.advance(31_000);
    expect(expectOk(await api.get(`/messages/${id}`))).toMatchObject({ status: 'sent', sentAt: at(61_000) });
  });

  it('the magic recipients answer at scheduling time too', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const scheduledAt = at(60_000);
    expectError(await api.post('/messages/schedule', { ...TEXT, to: '+15005550001', scheduledAt }), 400, 'INVALID_PHONE_NUMBER');
    expectError(await api.post('/messages/schedule', { ...TEXT, to: '+15005550005', scheduledAt }), 429, 'API_RATE_LIMIT_EXCEEDED');
    expectError(await api.post('/messages/schedule', { ...TEXT, to: '+15005550006', scheduledAt }), 500, 'INTERNAL_ERROR');
    expect(await outboxCount(sim, KEY)).toBe(0);
  });
});

describe('GET /messages/{id}', () => {
  it('unknown or malformed ids → 404 NOT_FOUND naming id', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.get('/messages/7d9f0a1b-2c3d-4e5f-9a6b-7c8d9e0f1a2b'), 404, 'NOT_FOUND', 'id', '7d9f0a1b-2c3d-4e5f-9a6b-7c8d9e0f1a2b');
    const res = await api.get('/messages/nope');
    expectError(res, 404, 'NOT_FOUND', 'id', 'nope');
    expect(res.body.error.message).toBe('Message not found');
  });
});
