/** Instances (list, get, live state, connected/disconnected through /_sim) and WhatsApp statuses. */
import { describe, expect, it } from 'vitest';
import { KEY, MAIN, SUPPORT, TEAM_KEY, TEAM_TENANT, at, client, expectError, expectOk, msgflashSim, setInstance } from './helpers.js';

const MAIN_VIEW = {
  id: MAIN,
  name: 'Main',
  phoneNumber: '+14155550100',
  platform: 'whatsapp',
  state: 'connected',
  stateChangedAt: '2024-01-15T09:00:00.000Z',
  createdAt: '2024-01-15T09:00:00.000Z',
};

describe('instances', () => {
  it('every workspace has the fixture instances, connected', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const list = expectOk(await api.get('/instances'));
    expect(list).toEqual([
      MAIN_VIEW,
      {
        id: SUPPORT,
        name: 'Support',
        phoneNumber: '+14155550101',
        platform: 'whatsapp',
        state: 'connected',
        stateChangedAt: '2024-02-01T09:00:00.000Z',
        createdAt: '2024-02-01T09:00:00.000Z',
      },
    ]);
    expect(expectOk(await api.get(`/instances/${MAIN}`))).toEqual(MAIN_VIEW);
    expect(expectOk(await api.get(`/instances/${MAIN}/state`))).toEqual({
      instanceId: MAIN,
      state: 'connected',
      connected: true,
      since: '2024-01-15T09:00:00.000Z',
      checkedAt: at(0),
    });
  });

  it('PATCH /_sim/.../settings disconnects and reconnects one workspace’s instance', async () => {
    const { sim, api, other } = await msgflashSim({ rateLimits: false });
    await sim.advance(60_000);
    await setInstance(sim, KEY, MAIN, 'disconnected');
    expect(expectOk(await api.get(`/instances/${MAIN}`))).toMatchObject({ state: 'disconnected', stateChangedAt: at(60_000) });
    await sim.advance(5_000);
    expect(expectOk(await api.get(`/instances/${MAIN}/state`))).toEqual({
      instanceId: MAIN,
      state: 'disconnected',
      connected: false,
      since: at(60_000),
      checkedAt: at(65_000),
    });
    expect(expectOk(await other.get(`/instances/${MAIN}`)).state).toBe('connected');
    const settings = await sim.http.get(`/_sim/providers/msgflash/tenants/${KEY}/settings`);
    expect(settings.body).toEqual({ instances: { [MAIN]: 'disconnected', [SUPPORT]: 'connected' } });
    await setInstance(sim, KEY, MAIN, 'connected');
    expect(expectOk(await api.get(`/instances/${MAIN}/state`))).toMatchObject({ state: 'connected', connected: true, since: at(65_000) });
  });

  it('a team workspace has its own instances (tenant team:<teamId>)', async () => {
    const { sim } = await msgflashSim({ rateLimits: false });
    await setInstance(sim, TEAM_TENANT, SUPPORT, 'disconnected');
    expect(expectOk(await client(sim, TEAM_KEY, 'acme').get(`/instances/${SUPPORT}`)).state).toBe('disconnected');
    expect(expectOk(await client(sim, 'msgf_live_pro_owner').get(`/instances/${SUPPORT}`)).state).toBe('connected');
  });

  it('/_sim settings refuse unknown instances and states', async () => {
    const { sim } = await msgflashSim();
    for (const body of [{ instances: { nope: 'connected' } }, { instances: { [MAIN]: 'asleep' } }, { instances: [MAIN] }, {}]) {
      const res = await sim.http.patch(`/_sim/providers/msgflash/tenants/${KEY}/settings`).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('unknown instances → 404 naming id', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.get('/instances/nope'), 404, 'NOT_FOUND', 'id', 'nope');
    expectError(await api.get('/instances/nope/state'), 404, 'NOT_FOUND', 'id', 'nope');
  });
});

describe('POST /statuses', () => {
  it('publishes a text status for 24 hours', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const status = expectOk(await api.post('/statuses', { instanceId: MAIN, type: 'text', text: 'Open on Sunday!', backgroundColor: '#25D366' }), 201);
    expect(status).toEqual({
      id: expect.any(String),
      instanceId: MAIN,
      type: 'text',
      text: 'Open on Sunday!',
      backgroundColor: '#25D366',
      status: 'published',
      publishedAt: at(0),
      expiresAt: at(86_400_000),
      createdAt: at(0),
    });
  });

  it('image and video statuses take a media URL and an optional caption', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    expect(
      expectOk(await api.post('/statuses', { instanceId: SUPPORT, type: 'image', mediaUrl: 'https://example.com/a.jpg', caption: 'New' }), 201),
    ).toMatchObject({ type: 'image', mediaUrl: 'https://example.com/a.jpg', caption: 'New' });
    expectOk(await api.post('/statuses', { instanceId: SUPPORT, type: 'video', mediaUrl: 'https://example.com/a.mp4' }), 201);
  });

  it.each([
    [{ instanceId: MAIN, type: 'text' }, 'text'],
    [{ instanceId: MAIN, type: 'text', text: 'x', mediaUrl: 'https://example.com/a.jpg' }, 'mediaUrl'],
    [{ instanceId: MAIN, type: 'text', text: 'x', caption: 'c' }, 'caption'],
    [{ instanceId: MAIN, type: 'image' }, 'mediaUrl'],
    [{ instanceId: MAIN, type: 'image', mediaUrl: 'https://example.com/a.jpg', text: 'x' }, 'text'],
    [{ instanceId: MAIN, type: 'video', mediaUrl: 'https://example.com/a.mp4', backgroundColor: '#000000' }, 'backgroundColor'],
    [{ instanceId: MAIN, type: 'text', text: 'x', backgroundColor: 'green' }, 'backgroundColor'],
    [{ instanceId: MAIN, type: 'audio', mediaUrl: 'https://example.com/a.ogg' }, 'type'],
  ])('%j → 400 naming %s', async (body, field) => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/statuses', body), 400, 'VALIDATION_ERROR', field);
  });

  it('unknown instance → 404; disconnected instance → 409 INSTANCE_DISCONNECTED', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/statuses', { instanceId: 'nope', type: 'text', text: 'x' }), 404, 'NOT_FOUND', 'instanceId', 'nope');
    await setInstance(sim, KEY, MAIN, 'disconnected');
    expectError(await api.post('/statuses', { instanceId: MAIN, type: 'text', text: 'x' }), 409, 'INSTANCE_DISCONNECTED', 'instanceId', MAIN);
    expect(expectOk(await api.get('/billing/usage')).usage.statuses).toBe(0);
  });
});
