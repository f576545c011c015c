/**
 * /_sim/requests over real traffic through every registered provider (read from the registry and each
 * client profile): an accepted send linked to the message it created, a validation 400 with its field, a
 * 401 whose body was never read by the router, a magic recipient's 429, the provider's own rate limit, an
 * injected fault (a status, and a connection reset), an idempotent replay. Every control answer is
 * checked against openapi/control.yaml by the harness, every provider answer against its spec.
 */
import { describe, expect, it } from 'vitest';
import type { RequestEntry } from '../../src/engine/request-journal.js';
import { messagePath, present } from '../../src/providers/client-profile.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { rateWindowsOf, requestWith } from '../../src/providers/provider.js';
import { createTestSim, type TestSim } from '../support/harness.js';

const RECIPIENT = '+14155550123';
const TENANT_ID = 'jrnl0001abcd';

async function journal(sim: TestSim, query: Record<string, string | number> = {}): Promise<{ data: RequestEntry[]; total: number; nextCursor: string | null }> {
  const res = await sim.http.get('/_sim/requests').query(query);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** The one entry the filter finds. */
async function only(sim: TestSim, query: Record<string, string | number>): Promise<RequestEntry> {
  const { data } = await journal(sim, query);
  expect(data, JSON.stringify(query)).toHaveLength(1);
  return data[0]!;
}

describe.each(PROVIDERS.map((provider) => ({ name: provider.name, provider })))('request journal: $name', ({ provider }) => {
  const { profile } = provider;
  const credentials = profile.tenant(TENANT_ID);
  const auth = profile.auth(credentials);
  const secret = credentials.apiKey ?? credentials.token ?? '';
  const query = Object.keys(auth.query).length ? { query: auth.query } : {};
  const send = (sim: TestSim, to: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    sim.client(provider.name, auth.headers).post(profile.send.path, { ...profile.send.body(to, 'Journal me'), ...extra }, { ...query, headers });

  it('journals an accepted send, linked to the message it created, with the credentials redacted', async () => {
    const sim = await createTestSim();
    const sent = await send(sim, RECIPIENT);
    expect(sent.status, sent.text).toBe(201);
    const entry = await only(sim, { provider: provider.name, status: 201 });
    expect(entry).toMatchObject({
      provider: provider.name,
      method: 'POST',
      status: 201,
      error: null,
      fault: null,
      idempotentReplay: false,
      recipients: expect.arrayContaining([RECIPIENT]),
      at: new Date(sim.clock.now()).toISOString(),
    });
    expect(entry.id).toMatch(/^req_\d+$/);
    expect(entry.path.endsWith(profile.send.path)).toBe(true);
    expect(JSON.parse(entry.body!)).toEqual(profile.send.body(RECIPIENT, 'Journal me'));
    expect(JSON.parse(entry.responseBody!)).toEqual(sent.body);
    // The link the inbox follows: the message the send created is in the outbox under that id.
    expect(entry.messageId).toBeTruthy();
    const message = await sim.http.get(`/_sim/messages/${provider.name}/${encodeURIComponent(entry.messageId!)}`);
    expect(message.status).toBe(200);
    expect(message.body.to).toBe(RECIPIENT);
    // The key never shows, in the tenant, the headers or the query.
    expect(secret.length).toBeGreaterThan(8);
    expect(JSON.stringify(entry)).not.toContain(secret);
    expect(entry.tenant).toMatch(/…/);
    expect((await only(sim, { tenant: entry.tenant! })).id).toBe(entry.id);
    expect((await sim.http.get(`/_sim/requests/${entry.id}`)).body).toEqual(entry);
    expect((await only(sim, { to: RECIPIENT })).id).toBe(entry.id);
  });

  it('journals a request refused by validation with the field, and one refused by auth with the body it carried', async () => {
    const sim = await createTestSim();
    const invalid = await send(sim, RECIPIENT, { journalUnknownField: 1 });
    expect(invalid.status, invalid.text).toBe(400);
    const refused = await sim
      .client(provider.name, profile.wrongAuth.headers)
      .post(
        profile.send.path,
        profile.send.body('+14155550124', 'Refused'),
        Object.keys(profile.wrongAuth.query).length ? { query: profile.wrongAuth.query } : {},
      );
    expect(refused.status, refused.text).toBe(401);

    const bad = await only(sim, { status: 400 });
    expect(bad.error).toMatchObject({ field: 'journalUnknownField' });
    expect(bad.error!.code).toBe(profile.errorOf(invalid.body) ?? 'invalid_request');
    expect(bad.messageId).toBeNull();
    const unauthorised = await only(sim, { status: '4xx', to: '+14155550124' });
    expect(unauthorised).toMatchObject({ status: 401, tenant: null, messageId: null });
    expect(JSON.parse(unauthorised.body!)).toEqual(profile.send.body('+14155550124', 'Refused'));
    expect(unauthorised.error!.code).toBeTruthy();
    expect((await journal(sim, { status: '4xx' })).data.map((e) => e.status)).toEqual([401, 400]);
  });

  it("journals a magic recipient's 429, and a 429 of the provider's own limit", async () => {
    const sim = await createTestSim();
    const magic = await send(sim, '+15005550005');
    expect(magic.status, magic.text).toBe(429);
    expect(await only(sim, { status: 429, to: '+15005550005' })).toMatchObject({ recipients: ['+15005550005'], messageId: null });

    const limits = present(profile.rateLimits);
    if (!limits) return;
    const limited = profile.auth(limits.credentials ?? profile.tenant('jrnllimit01'));
    const windows = rateWindowsOf(provider, provider.authenticate(requestWith(limited), sim.engine), sim.engine);
    const limit = Math.min(...windows.map((w) => w.limit));
    expect(limit).toBeLessThanOrEqual(100);
    const api = sim.client(provider.name, limited.headers);
    const probe = messagePath(profile.messageTemplate, 'msg_journal_none');
    const options = Object.keys(limited.query).length ? { query: limited.query } : {};
    let status = 0;
    for (let i = 0; i <= limit && status !== 429; i++) status = (await api.get(probe, undefined, options)).status;
    expect(status).toBe(429);
    const over = await only(sim, { status: 429, method: 'GET' });
    expect(over.error!.code).toBeTruthy();
    expect(over.tenant).not.toBeNull();
  });

  it('journals injected faults: a status from a rule, and a connection reset from the header with what is known', async () => {
    const sim = await createTestSim();
    expect((await sim.http.post('/_sim/faults').send({ provider: provider.name, count: 1, action: { status: 503 } })).status).toBe(201);
    expect((await send(sim, RECIPIENT)).status).toBe(503);
    expect(await only(sim, { status: 503 })).toMatchObject({ fault: { source: 'rule', status: 503 }, messageId: null, error: { code: expect.any(String) } });

    const reset = await send(sim, RECIPIENT, {}, { 'X-Msgsim-Fault': 'CONNECTION_RESET_BY_PEER' }).then(
      () => 'answered',
      (error: Error & { code?: string }) => error.code,
    );
    expect(reset).toBe('ECONNRESET');
    const { data } = await journal(sim, { provider: provider.name });
    expect(data[0]).toMatchObject({ status: null, fault: { source: 'header', fault: 'CONNECTION_RESET_BY_PEER' }, responseBody: null });
    expect(data[0]!.tenant).toMatch(/…/);
    // A request with no answer is in no status class.
    expect((await journal(sim, { status: '5xx' })).total).toBe(1);
  });

  const idempotency = present(profile.idempotency);
  if (idempotency) {
    it('marks an idempotent replay', async () => {
      const sim = await createTestSim();
      const headers = { [idempotency.header]: 'journal-replay-1' };
      const first = await send(sim, RECIPIENT, {}, headers);
      const second = await send(sim, RECIPIENT, {}, headers);
      expect(second.status).toBe(first.status);
      const [replayed, original] = (await journal(sim, { provider: provider.name })).data;
      expect(original).toMatchObject({ idempotentReplay: false, messageId: expect.any(String) });
      expect(replayed).toMatchObject({ idempotentReplay: true, messageId: null, responseBody: original!.responseBody });
    });
  } else {
    // The provider documents no idempotency: a repeated send is two messages, and neither is journalled as a replay.
    it('journals a repeated send as two accepted requests, neither a replay', async () => {
      const sim = await createTestSim();
      const headers = { 'Idempotency-Key': 'journal-replay-1' };
      expect((await send(sim, RECIPIENT, {}, headers)).status).toBe(201);
      expect((await send(sim, RECIPIENT, {}, headers)).status).toBe(201);
      const [second, first] = (await journal(sim, { provider: provider.name })).data;
      expect(first).toMatchObject({ idempotentReplay: false, messageId: expect.any(String) });
      expect(second).toMatchObject({ idempotentReplay: false, messageId: expect.any(String) });
      expect(second!.messageId).not.toBe(first!.messageId);
    });
  }
});

describe('request journal: the control API', () => {
  it('pages newest first with a cursor, stable while requests arrive, and clears', async () => {
    const sim = await createTestSim();
    const api = sim.client('msghub', { 'X-API-Key': 'mk_live_jrnlpages0001' });
    for (let i = 0; i < 7; i++) expect((await api.get(`/messages/msg_page${i}`)).status).toBe(404);
    const seen: string[] = [];
    let page = await journal(sim, { limit: 3 });
    seen.push(...page.data.map((e) => e.path));
    while (page.nextCursor) {
      expect((await api.get('/messages/msg_arrived')).status).toBe(404);
      page = await journal(sim, { limit: 3, cursor: page.nextCursor });
      seen.push(...page.data.map((e) => e.path));
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `/msghub/api/v1/messages/msg_page${i}`));
    expect((await journal(sim, { path: '/messages/msg_arrived' })).total).toBe(2);
    expect((await journal(sim, { path: '/msghub/**/msg_page*' })).total).toBe(7);

    expect((await sim.http.delete('/_sim/requests')).status).toBe(204);
    expect((await journal(sim)).total).toBe(0);
    expect((await sim.http.get('/_sim/requests/req_1')).status).toBe(404);
  });

  it('answers bad filters with a 400 naming the field', async () => {
    const sim = await createTestSim();
    for (const [name, value] of [
      ['status', '4x'],
      ['since', 'yesterday'],
      ['limit', '0'],
      ['cursor', 'forged'],
      ['path', `/${'x'.repeat(1_100)}`],
    ]) {
      const res = await sim.http.get('/_sim/requests').query({ [name!]: value });
      expect(res.status, `${name}=${value}`).toBe(400);
      expect(res.body.error.field).toBe(name);
    }
  });

  it('journals what falls outside the API under a provider, and a reset forgets what it covers', async () => {
    const sim = await createTestSim();
    expect((await sim.http.get('/msghub/api/v2/messages')).status).toBe(404);
    expect((await sim.http.delete('/msghub/api/v1/messages/send')).status).toBe(405);
    const form = await sim.http
      .post('/msghub/api/v1/messages/send')
      .set({ 'X-API-Key': 'mk_live_jrnlform0001', 'Content-Type': 'text/plain' })
      .send('to=+14155550123');
    expect(form.status).toBe(415);
    const [unsupported, wrongMethod, typo] = (await journal(sim)).data;
    // Refused before the body layer read it: read afterwards, as sent.
    expect(unsupported).toMatchObject({ status: 415, body: 'to=+14155550123', error: { field: 'Content-Type' }, recipients: [] });
    expect(typo).toMatchObject({ provider: 'msghub', status: 404, operationId: null, path: '/msghub/api/v2/messages' });
    expect(wrongMethod).toMatchObject({ provider: 'msghub', status: 405, error: { code: expect.any(String) } });
    await sim.client('msgine', { Authorization: 'Bearer jrnl_reset_token' }).get('/messages/msg_none');
    expect((await sim.http.post('/_sim/reset').send({ provider: 'msghub' })).status).toBe(200);
    expect((await journal(sim)).data.map((e) => e.provider)).toEqual(['msgine']);
    // A reseed is the same run again: ids from req_1.
    expect((await sim.http.post('/_sim/seed').send({ seed: 7 })).status).toBe(200);
    await sim.client('msgine', { Authorization: 'Bearer jrnl_reset_token' }).get('/messages/msg_none');
    expect((await journal(sim)).data.map((e) => e.id)).toEqual(['req_1']);
  });

  it("journals a request on a provider's alias base path under the path it used, found by the API path too", async () => {
    const sim = await createTestSim();
    const aliased = await sim.http.get('/sendhub/api/v1/messages/').query({ username: 'jrnlalias', api_key: 'JRNLALIAS1' });
    expect(aliased.status, aliased.text).toBe(200);
    const entry = await only(sim, { provider: 'sendhub', path: '/messages/' });
    expect(entry).toMatchObject({ path: '/sendhub/api/v1/messages/', status: 200, operationId: expect.any(String) });
  });

  it('holds no more than its byte budget however large the bodies, dropping the oldest', async () => {
    const sim = await createTestSim({ journalBytes: 400_000 });
    const api = sim.client('msghub', { 'X-API-Key': 'mk_live_jrnlbudget01' });
    for (let i = 0; i < 40; i++)
      expect((await api.post('/messages/send', { channel: 'sms', to: RECIPIENT, body: `${i} ${'y'.repeat(60_000)}` })).status).toBe(400);
    const { data, total, journal: stats } = (await sim.http.get('/_sim/requests').query({ limit: 1000 })).body;
    expect(stats.bytes).toBeLessThanOrEqual(400_000);
    expect(stats.size).toBe(total);
    expect(stats.size + stats.dropped).toBe(40);
    // Each keeps 16 KiB of its 60 KB body and of its answer (which echoes the body): about a dozen fit, the newest.
    expect(total).toBeGreaterThan(8);
    expect((data as RequestEntry[]).map((e) => Number(/"body":"(\d+) /.exec(e.body!)![1]))).toEqual(Array.from({ length: total }, (_, i) => 39 - i));
  });

  it("keeps a body's first 16 KiB and says it was cut", async () => {
    const sim = await createTestSim();
    // Longer than a Msghub body may be: refused, and journaled all the same.
    const sent = { channel: 'sms', to: RECIPIENT, body: 'x'.repeat(40_000) };
    const res = await sim.client('msghub', { 'X-API-Key': 'mk_live_jrnlbig0001' }).post('/messages/send', sent);
    expect(res.status).toBe(400);
    const [entry] = (await journal(sim)).data;
    expect(entry).toMatchObject({ status: 400, bodyTruncated: true, bodyBytes: JSON.stringify(sent).length, error: { field: 'body' } });
    expect(entry!.body).toHaveLength(16 * 1024);
    expect(entry!.recipients).toEqual([RECIPIENT]);
  });
});
