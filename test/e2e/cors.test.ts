/**
 * `--cors` (issue 20): off by default, as the live APIs are (a preflight is then the provider's own 405);
 * on, a browser app on another origin can call every provider and read the limit headers; /_sim stays same-origin.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, http, killAll, startCli, stop } from '../support/cli.js';

const APP = 'http://localhost:5173';
const preflight = (url: string) =>
  http(url, {
    method: 'OPTIONS',
    headers: { Origin: APP, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,authorization,idempotency-key' },
  });

describe('CORS', () => {
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await killAll();
  });

  it("is off by default: no CORS headers, and a preflight gets the provider's 405", async () => {
    const run = await startCli([]);
    const res = await preflight(`${run.url}/msgine/api/v1/messages/sms`);
    expect(res.status).toBe(405);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    await stop(run);
  });

  it('--cors answers preflights and lets the app read the answer and its limit headers', async () => {
    const run = await startCli(['--cors']);
    const pre = await preflight(`${run.url}/messagehub/api/v1/messages/send`);
    expect(pre.status).toBe(204);
    expect(pre.headers).toMatchObject({ 'access-control-allow-origin': APP, 'access-control-allow-headers': 'content-type,authorization,idempotency-key' });
    expect(pre.headers['access-control-allow-methods']).toContain('POST');
    const sent = await http(`${run.url}/messagehub/api/v1/messages/send`, {
      method: 'POST',
      headers: { Origin: APP, Authorization: 'Bearer cpk_live_corsapp0001', 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: '+919876543210', channel: 'whatsapp', content: 'Hi' }),
    });
    expect(sent.status).toBe(201);
    expect(sent.headers['access-control-allow-origin']).toBe(APP);
    expect(sent.headers['access-control-expose-headers']).toContain('X-RateLimit-Remaining');
    await stop(run);
  });

  it('--cors with a list admits only those origins', async () => {
    const run = await startCli(['--cors', 'http://localhost:3000']);
    expect((await preflight(`${run.url}/msghub/api/v1/messages/send`)).headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await http(`${run.url}/msghub/api/v1/messages/msg_none`, {
      headers: { Origin: 'http://localhost:3000', 'X-API-Key': 'mk_live_corsapp0001' },
    });
    expect(allowed.status).toBe(404);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    await stop(run);
  });

  it('leaves the control API same-origin: no page elsewhere reads the outbox or steers the simulator', async () => {
    const run = await startCli(['--cors']);
    const read = await http(`${run.url}/_sim/messages`, { headers: { Origin: APP } });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await http(`${run.url}/_sim/reset`, { method: 'OPTIONS', headers: { Origin: APP, 'Access-Control-Request-Method': 'POST' } });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    await stop(run);
  });
});
