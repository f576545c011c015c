/** Trailing slashes (Django's APPEND_SLASH), unknown routes and methods, test controls and --provider mode. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../../src/engine/clock.js';
import { createEngine } from '../../../src/engine/engine.js';
import { createApp } from '../../../src/http/app.js';
import { sendhub } from '../../../src/providers/sendhub/index.js';
import { specChecker } from '../../support/harness.js';
import { DOC_SEND, FIRST_ID, T0, expectError, expectUnauthorized, outbox, sendhubSim } from './helpers.js';

const QUERY = '?username=USERNAME&api_key=APIKEY';

describe('trailing slashes', () => {
  it('a GET without the slash is a 301 to the slash URL, query kept (no spec operation documents it, so raw supertest)', async () => {
    const { sim, api } = await sendhubSim();
    const { id } = (await api.post('/messages/', DOC_SEND)).body;
    for (const [path, target] of [
      ['/sendhub/v1/messages', '/sendhub/v1/messages/'],
      [`/sendhub/v1/messages/${id}`, `/sendhub/v1/messages/${id}/`],
      ['/sendhub/v1/contacts/1111', '/sendhub/v1/contacts/1111/'],
    ] as const) {
      const res = await request(sim.app).get(`${path}${QUERY}&format=json`);
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe(`${target}${QUERY}&format=json`);
      // Following it lands on the resource, as a client that follows redirects would.
      const followed = await sim.http.get(res.headers.location!);
      expect(followed.status).toBe(200);
    }
  });

  it('the redirect comes before auth, as Django middleware runs before the view', async () => {
    const { sim } = await sendhubSim();
    const res = await request(sim.app).get('/sendhub/v1/messages');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/sendhub/v1/messages/');
  });

  it('POST or PUT without the slash is a 404 saying to add it, and nothing is stored', async () => {
    const { sim, api } = await sendhubSim();
    expectError(await api.post('/messages', DOC_SEND), 404, "No route POST /messages; this API's paths end with a slash: /messages/");
    expectError(await api.put('/messages/1', { unread: false }), 404, /end with a slash: \/messages\/1\//);
    expect(await outbox(sim)).toHaveLength(0);
  });
});

describe('unknown routes and methods', () => {
  it('an unknown path is 404 {"error"}; a wrong method is 405 with Allow', async () => {
    const { api } = await sendhubSim();
    expectError(await api.get('/inbox/'), 404, /No route GET \/inbox\//);
    const deleted = await api.delete('/messages/1/');
    expectError(deleted, 405, /DELETE/);
    expect(deleted.headers.allow).toBe('GET, PUT');
    const postContact = await api.post('/contacts/', { name: 'New', number: '+16505551234' });
    expectError(postContact, 405);
    expect(postContact.headers.allow).toBe('GET');
  });
});

describe("test control headers answer in SendHub's bodies", () => {
  it.each([
    ['500', 500],
    ['502', 502],
    ['503', 503],
  ])('X-Msgsim-Fault: %s → the canned error_message', async (value, status) => {
    const { sim, api } = await sendhubSim();
    const res = await api.post('/messages/', DOC_SEND, { headers: { 'X-Msgsim-Fault': value } });
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error_message: 'Sorry, this request could not be processed. Please try again later.' });
    expect(await outbox(sim)).toHaveLength(0);
  });

  it('Prefer: code=429 → {"error"} with Retry-After; code=401 → the empty 401; code=404 → {"error"}', async () => {
    const { api } = await sendhubSim();
    const limited = await api.get('/messages/', undefined, { headers: { Prefer: 'code=429' } });
    expectError(limited, 429);
    expect(limited.headers['retry-after']).toBe('1');
    expectUnauthorized(await api.get('/messages/', undefined, { headers: { Prefer: 'code=401' } }));
    expectError(await api.get('/messages/1/', undefined, { headers: { Prefer: 'code=404' } }), 404);
  });
});

describe('msgsim --provider sendhub', () => {
  it("serves the doc's own path, /v1/messages/, at the root", async () => {
    const { api, sim } = await sendhubSim({ only: 'sendhub' });
    expect(api.prefix).toBe('/v1');
    const res = await sim.http.post(`/v1/messages/${QUERY}`).set('Content-Type', 'application/json').send('{"contacts" : [1111],"text" : "Testing"}');
    expect(res.status, res.text).toBe(201);
    expect(res.body.id).toMatch(FIRST_ID);
    expect(res.body.resource_uri).toBe(`/api/v1/messages/${res.body.id}/`);
    expect((await api.get(`/messages/${res.body.id}/`)).body).toMatchObject({ id: res.body.id, text: 'Testing' });
  });
});

describe('logs', () => {
  it('never contain the api_key, which rides in the query string', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString('utf8')), done()) });
    const engine = await createEngine({ clock: new Clock({ mode: 'manual', start: T0 }), seed: 42 });
    const { app } = await createApp({ engine, providers: [sendhub], logger: pino({ level: 'info' }, sink) });
    const checker = await specChecker(sendhub);
    const res = await request(app).post('/sendhub/v1/messages/?username=USERNAME&api_key=SECRETKEY123').set('Content-Type', 'application/json').send(DOC_SEND);
    checker.check('post', '/messages/', { status: res.status, headers: res.headers, body: res.body, text: res.text });
    expect(res.status).toBe(201);
    expect(lines.join('')).toContain('/sendhub/v1/messages/');
    expect(lines.join('')).not.toContain('SECRETKEY123');
  });
});
