/** `?username=…&api_key=…`: the 401 Tastypie's ApiKeyAuthentication sends, and one account per pair. */
import { describe, expect, it } from 'vitest';
import { DOC_SEND, NUMBERS, OTHER_TENANT, TENANT, expectUnauthorized, outbox, sendhubSim, withCredentials } from './helpers.js';

describe('credentials in the query string', () => {
  const bad: Array<[string, Record<string, string>]> = [
    ['no credentials', {}],
    ['no api_key', { username: 'USERNAME' }],
    ['no username', { api_key: 'APIKEY' }],
    ['empty username', { username: '', api_key: 'APIKEY' }],
    ['empty api_key', { username: 'USERNAME', api_key: '' }],
    ['api_key with punctuation', { username: 'USERNAME', api_key: 'API-KEY' }],
    ['api_key over 128 characters', { username: 'USERNAME', api_key: 'a'.repeat(129) }],
    ['username with a space', { username: 'John Smith', api_key: 'APIKEY' }],
    ['username with a colon', { username: 'john:smith', api_key: 'APIKEY' }],
    ['username over 150 characters', { username: 'u'.repeat(151), api_key: 'APIKEY' }],
  ];

  it.each(bad)('%s → 401 with an empty body on every route, and nothing is stored', async (_label, query) => {
    const { sim, anonymous } = await sendhubSim();
    expectUnauthorized(await anonymous.post('/messages/', DOC_SEND, { query }));
    expectUnauthorized(await anonymous.get('/messages/', undefined, { query }));
    expectUnauthorized(await anonymous.get('/messages/1/', undefined, { query }));
    expectUnauthorized(await anonymous.put('/messages/1/', { unread: false }, { query }));
    expectUnauthorized(await anonymous.get('/contacts/', undefined, { query }));
    expectUnauthorized(await anonymous.get('/groups/1000/', undefined, { query }));
    expect(await outbox(sim, '')).toHaveLength(0);
  });

  it('a repeated username or api_key is malformed: 401', async () => {
    const { sim } = await sendhubSim();
    const res = await sim.http.get('/sendhub/v1/messages/?username=USERNAME&api_key=APIKEY&api_key=OTHER');
    expectUnauthorized({ status: res.status, text: res.text, headers: res.headers, body: res.body });
  });

  it("accepts the doc's placeholders, Django's username characters and 128-character keys", async () => {
    const { anonymous } = await sendhubSim();
    for (const [username, apiKey] of [
      ['USERNAME', 'APIKEY'],
      ['jane.doe+sms@example.com', 'a'.repeat(128)],
      ['josé_ñ-1', '204db7bcfafb2deb7506b89eb3b9b715b09905c8'],
      ['u'.repeat(150), 'K'],
    ] as const) {
      const res = await withCredentials(anonymous, username, apiKey).get('/contacts/');
      expect(res.status, `${username} ${res.text}`).toBe(200);
    }
  });

  it('a test control header never bypasses auth', async () => {
    const { anonymous } = await sendhubSim();
    expectUnauthorized(await anonymous.get('/messages/', undefined, { headers: { 'X-Msgsim-Fault': '503' } }));
  });
});

describe('a username and its api_key are one account (Tastypie: one ApiKey per user)', () => {
  it('tenants never see each other: each account has its own id sequence, lists and lookups are separate', async () => {
    const { sim, api, other } = await sendhubSim();
    const mine = await api.post('/messages/', DOC_SEND);
    const theirs = await other.post('/messages/', { contacts: [1112], text: 'Other account' });
    const mineAgain = await api.post('/messages/', { contacts: [1113], text: 'Again' });
    // Each account draws its own first id; the other account's send takes no number from mine.
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(mineAgain.body.id).toBe(String(Number(mine.body.id) + 1));
    expect((await api.get(`/messages/${mine.body.id}/`)).body.text).toBe('Testing');
    expect((await other.get(`/messages/${theirs.body.id}/`)).body.text).toBe('Other account');
    expect((await api.get(`/messages/${theirs.body.id}/`)).status).toBe(404);
    expect((await other.get(`/messages/${mine.body.id}/`)).status).toBe(404);
    expect((await api.get('/messages/')).body.meta.total_count).toBe(2);
    expect((await other.get('/messages/')).body.meta.total_count).toBe(1);
    // A third account has neither message.
    const third = withCredentials(sim.client('sendhub'), 'someone', 'KEY3');
    expect((await third.get(`/messages/${mine.body.id}/`)).status).toBe(404);
    expect((await third.get(`/messages/${theirs.body.id}/`)).status).toBe(404);
    // The /_sim outbox (newest first) names each account <username>:<api_key>.
    expect((await outbox(sim, TENANT)).map((m) => m.to)).toEqual([NUMBERS[1113], NUMBERS[1111]]);
    expect((await outbox(sim, OTHER_TENANT)).map((m) => m.to)).toEqual([NUMBERS[1112]]);
  });

  it('once used, the username with another key is a 401 on every route (it used to be a new, empty account), and nothing is stored', async () => {
    const { sim, api, anonymous } = await sendhubSim();
    const sent = await api.post('/messages/', DOC_SEND);
    expect(sent.status).toBe(201);
    const wrongKey = withCredentials(anonymous, 'USERNAME', 'WRONGKEY');
    expectUnauthorized(await wrongKey.get('/messages/'));
    expectUnauthorized(await wrongKey.get(`/messages/${sent.body.id}/`));
    expectUnauthorized(await wrongKey.post('/messages/', DOC_SEND));
    expectUnauthorized(await wrongKey.put(`/messages/${sent.body.id}/`, { unread: false }));
    expectUnauthorized(await wrongKey.get('/groups/'));
    expect(await outbox(sim, 'USERNAME:WRONGKEY')).toHaveLength(0);
    expect(sim.engine.store.hasTenant('sendhub', 'USERNAME:WRONGKEY')).toBe(false);
    // The owner is unaffected.
    expect((await api.get('/messages/')).body.meta.total_count).toBe(1);
  });

  it('and the key with another username is a 401 too', async () => {
    const { api, anonymous } = await sendhubSim();
    expect((await api.get('/contacts/')).status).toBe(200);
    expectUnauthorized(await withCredentials(anonymous, 'someone.else', 'APIKEY').get('/contacts/'));
  });

  it('a /_sim reset of the account (or of SendHub) frees the username and the key', async () => {
    const { sim, api, anonymous } = await sendhubSim();
    await api.post('/messages/', DOC_SEND);
    const newKey = withCredentials(anonymous, 'USERNAME', 'NEWKEY');
    expectUnauthorized(await newKey.get('/messages/'));
    expect((await sim.http.post('/_sim/reset').send({ provider: 'sendhub', tenant: TENANT })).status).toBe(200);
    expect((await newKey.get('/messages/')).status).toBe(200);
    // Now NEWKEY holds the username: the old key is the wrong one.
    expectUnauthorized(await api.get('/messages/'));
    expect((await sim.http.post('/_sim/reset').send({ provider: 'sendhub' })).status).toBe(200);
    expect((await api.get('/messages/')).status).toBe(200);
  });

  it('an inbound reply cannot make a second account for a username', async () => {
    const { sim, api } = await sendhubSim();
    await api.get('/messages/');
    const res = await sim.http.post('/_sim/inbound/sendhub').send({ tenant: 'USERNAME:WRONGKEY', from: NUMBERS[1111], text: 'Hi' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'tenant', message: 'tenant cannot be a SendHub account: the username USERNAME has another api_key' });
    expect(sim.engine.store.hasTenant('sendhub', 'USERNAME:WRONGKEY')).toBe(false);
  });
});
