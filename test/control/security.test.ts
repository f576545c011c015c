import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';

const KEY = { 'X-API-Key': 'mk_live_security01', 'Content-Type': 'application/json' };

describe('control API admin token and webhook allowlist', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  it('--admin-token protects /_sim but leaves probes, receivers and provider APIs open', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0, adminToken: 's3cret-token' });
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${sim.url}${path}`, { headers });
    const denied = await get('/_sim/messages');
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('admin_token_required');
    expect((await get('/_sim/messages', { Authorization: 'Bearer wrong-token!' })).status).toBe(401);
    expect((await get('/_sim/messages', { Authorization: 'Bearer s3cret-token' })).status).toBe(200);
    expect((await get('/_sim/messages', { 'X-Msgsim-Admin-Token': 's3cret-token' })).status).toBe(200);
    expect((await get('/_sim/health')).status).toBe(200);
    expect((await get('/_sim/ready')).status).toBe(200);
    expect((await fetch(`${sim.url}/_sim/receivers/r/hook`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await get('/msghub/api/v1/messages', KEY)).status).toBe(200);
    // a browser opens the UI once with ?admin_token= and gets a cookie for EventSource and fetch
    const withQuery = await get('/_sim/clock?admin_token=s3cret-token');
    expect(withQuery.status).toBe(200);
    const cookie = withQuery.headers.get('set-cookie')!;
    expect(cookie).toMatch(/msgsim_admin=s3cret-token; Path=\/_sim; HttpOnly; SameSite=Strict/);
    expect((await get('/_sim/clock', { Cookie: cookie.split(';')[0]! })).status).toBe(200);
  });

  it('delivers webhooks only to allowed hosts; a refused URL fails at once, unsent, with the reason', async () => {
    sim = await createSimulator({ clock: 'manual', port: 0 });
    const hook = await fetch(`${sim.url}/msghub/api/v1/webhooks`, {
      method: 'POST',
      headers: KEY,
      body: JSON.stringify({ event: 'contact.created', url: 'https://hooks.example.com/msghub' }),
    });
    expect(hook.status).toBe(201);
    await fetch(`${sim.url}/msghub/api/v1/contacts`, { method: 'POST', headers: KEY, body: JSON.stringify({ name: 'Rahul', phone: '+919876543210' }) });
    await sim.settle();
    const [delivery] = sim.engine.webhooks.list({ namespace: 'msghub' });
    expect(delivery).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(delivery!.attempts).toHaveLength(1);
    expect(delivery!.attempts[0]!.error).toMatch(/hooks\.example\.com is not on the webhook allowlist/);
    expect(delivery!.attempts[0]!.response).toBeUndefined();
  });
});
