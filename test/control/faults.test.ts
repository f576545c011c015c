import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { createTestSim } from '../support/harness.js';

const KEY = 'mk_live_faults001';
const HEADERS = { 'X-API-Key': KEY, 'Content-Type': 'application/json' };
const BODY = { channel: 'sms', to: '+919876543210', body: 'Hi' };

describe('/_sim/faults rules (in process)', () => {
  it('fails the next N matching sends with the provider envelope, then lets them through', async () => {
    const sim = await createTestSim();
    const rule = await sim.http.post('/_sim/faults').send({ provider: 'msghub', method: 'POST', path: '/messages/send', count: 2, action: { status: 503 } });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ id: expect.stringMatching(/^flt_/), hits: 0, remaining: 2, action: { status: 503 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await sim.http.post('/msghub/api/v1/messages/send').set(HEADERS).send(BODY);
      statuses.push(res.status);
      if (res.status === 503) {
        expect(res.body.error.code).toBe('service_unavailable');
        expect(res.body.error.message).toBe('Simulated 503 (injected by a fault rule)');
      }
    }
    expect(statuses).toEqual([503, 503, 201]);
    // The same status asked for by a request's own header says so.
    const asked = await sim.http
      .post('/msghub/api/v1/messages/send')
      .set({ ...HEADERS, 'X-Msgsim-Fault': '503' })
      .send(BODY);
    expect(asked.status).toBe(503);
    expect(asked.body.error.message).toBe('Simulated 503 (requested by a test control header)');
    // GETs do not match the rule.
    expect((await sim.http.get('/msghub/api/v1/messages').set(HEADERS)).status).toBe(200);
    const listed = await sim.http.get('/_sim/faults');
    expect(listed.body.data[0]).toMatchObject({ hits: 2, remaining: 0 });
    expect((await sim.http.get('/_sim/messages')).body.total).toBe(1);
  });

  it('matches one tenant only', async () => {
    const sim = await createTestSim();
    await sim.http.post('/_sim/faults').send({ tenant: KEY, action: { status: 500 } });
    expect((await sim.http.get('/msghub/api/v1/contacts').set(HEADERS)).status).toBe(500);
    expect((await sim.http.get('/msghub/api/v1/contacts').set({ 'X-API-Key': 'mk_live_someoneelse' })).status).toBe(200);
  });

  it('validates rules and deletes them one by one or all at once', async () => {
    const sim = await createTestSim();
    expect((await sim.http.post('/_sim/faults').send({ action: { status: 200 } })).body.error.field).toBe('action.status');
    expect((await sim.http.post('/_sim/faults').send({ provider: 'nope', action: { status: 500 } })).body.error.field).toBe('provider');
    const a = await sim.http.post('/_sim/faults').send({ action: { status: 500 } });
    await sim.http.post('/_sim/faults').send({ action: { status: 502 } });
    expect((await sim.http.delete(`/_sim/faults/${a.body.id}`)).status).toBe(204);
    expect((await sim.http.delete(`/_sim/faults/${a.body.id}`)).status).toBe(404);
    expect((await sim.http.get('/_sim/faults')).body.data).toHaveLength(1);
    expect((await sim.http.delete('/_sim/faults')).status).toBe(204);
    expect((await sim.http.get('/_sim/faults')).body.data).toHaveLength(0);
  });

  it('a full reset clears fault rules', async () => {
    const sim = await createTestSim();
    await sim.http.post('/_sim/faults').send({ action: { status: 500 } });
    await sim.http.post('/_sim/reset').send({});
    expect((await sim.http.get('/_sim/faults')).body.data).toHaveLength(0);
  });
});

/** Raw request that reports what the socket did, since these faults are below HTTP. */
function rawPost(url: string, headers: Record<string, string>, body: unknown, timeoutMs = 5000): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'POST', headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      res.on('error', (err) => resolve({ status: res.statusCode!, error: (err as NodeJS.ErrnoException).code ?? err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(JSON.stringify(body));
  });
}

describe('connection-level faults (real sockets)', () => {
  let sim: Simulator;
  let url: string;
  beforeEach(async () => {
    sim = await createSimulator({ clock: 'manual', port: 0 });
    url = `${sim.url}/msghub/api/v1/messages/send`;
  });
  afterEach(async () => {
    await sim.close();
  });

  it.each([
    ['CONNECTION_RESET_BY_PEER', (r: { error?: string }) => expect(r.error).toBe('ECONNRESET')],
    ['EMPTY_RESPONSE', (r: { error?: string }) => expect(r.error).toMatch(/ECONNRESET|socket hang up/)],
    ['RANDOM_DATA_THEN_CLOSE', (r: { error?: string }) => expect(r.error).toBeDefined()],
    ['MALFORMED_RESPONSE_CHUNK', (r: { status?: number; error?: string }) => expect(r.error).toBeDefined()],
    ['TRUNCATED_RESPONSE', (r: { status?: number; error?: string }) => expect(r.error).toBeDefined()],
  ])('%s breaks the response and stores nothing', async (fault, check) => {
    const result = await rawPost(url, { ...HEADERS, 'X-Msgsim-Fault': fault }, BODY);
    check(result);
    expect(result.body === undefined || result.status === undefined || result.error !== undefined).toBe(true);
    expect(sim.messages()).toHaveLength(0);
  });

  it('TIMEOUT hangs until the client gives up, and does not hold shutdown', async () => {
    const result = await rawPost(url, { ...HEADERS, 'X-Msgsim-Fault': 'TIMEOUT' }, BODY, 300);
    expect(result.error).toMatch(/client timeout|ECONNRESET/);
    expect(sim.messages()).toHaveLength(0);
  });

  it('a delay still answers normally, and a chunked dribble delivers the whole body', async () => {
    const delayed = await rawPost(url, { ...HEADERS, 'X-Msgsim-Fault': 'delay=20' }, BODY);
    expect(delayed.status).toBe(201);
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'msghub', method: 'GET', action: { delay: { chunked: { chunks: 5, totalMs: 40 } } } }),
    });
    const res = await fetch(`${sim.url}/msghub/api/v1/messages`, { headers: HEADERS });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { pagination: { total: number } };
    expect(body.pagination.total).toBe(1);
  });

  it('refuses malformed fault headers with a 400', async () => {
    const res = await rawPost(url, { ...HEADERS, 'X-Msgsim-Fault': 'delay=soon' }, BODY);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body!).error.details.field).toBe('X-Msgsim-Fault');
  });
});
