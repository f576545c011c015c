/**
 * SendHub's magic credentials (fixtures/sendhub.json, README "SendHub: where the doc is silent") and
 * revocation through /_sim/keys: each answers Tastypie's 401 with an empty body, on every route, and
 * stores nothing. Issue 20: a revoked SendHub key used to keep working.
 */
import { describe, expect, it } from 'vitest';
import { sendhub } from '../../../src/providers/sendhub/index.js';
import { DOC_SEND, TENANT, expectUnauthorized, outbox, sendhubSim, withCredentials } from './helpers.js';
import type { ProviderClient } from '../../support/harness.js';

/** One request per route; each must be the empty 401. */
async function expectRefusedEverywhere(client: ProviderClient): Promise<void> {
  expectUnauthorized(await client.post('/messages/', DOC_SEND));
  expectUnauthorized(await client.get('/messages/'));
  expectUnauthorized(await client.get('/messages/1/'));
  expectUnauthorized(await client.put('/messages/1/', { unread: false }));
  expectUnauthorized(await client.get('/contacts/'));
  expectUnauthorized(await client.get('/contacts/1111/'));
  expectUnauthorized(await client.get('/groups/'));
  expectUnauthorized(await client.get('/groups/1000/'));
}

describe('magic credentials', () => {
  it('INVALIDKEY is a 401 with any username, even one never seen, and never becomes an account', async () => {
    const { sim, anonymous } = await sendhubSim();
    for (const username of ['USERNAME', 'fresh.user', 'contract']) await expectRefusedEverywhere(withCredentials(anonymous, username, 'INVALIDKEY'));
    expect(sim.engine.store.tenants('sendhub')).toEqual([]);
    const inbound = await sim.http.post('/_sim/inbound/sendhub').send({ tenant: 'USERNAME:INVALIDKEY', from: '+14155550132', text: 'Hi' });
    expect(inbound.status).toBe(400);
    expect(inbound.body.error.field).toBe('tenant');
  });

  it('REVOKEDKEY is revoked out of the box: a 401 with any username, and listed by /_sim/keys', async () => {
    const { sim, anonymous } = await sendhubSim();
    await expectRefusedEverywhere(withCredentials(anonymous, 'USERNAME', 'REVOKEDKEY'));
    expect(await outbox(sim, 'USERNAME:REVOKEDKEY')).toHaveLength(0);
    const keys = await sim.http.get('/_sim/keys').query({ provider: 'sendhub' });
    expect(keys.body.data).toEqual([
      expect.objectContaining({ provider: 'sendhub', key: 'INVALIDKEY', properties: { invalid: true } }),
      expect.objectContaining({ provider: 'sendhub', key: 'REVOKEDKEY', properties: { revoked: true } }),
    ]);
  });

  it("the client profile's wrong credentials are the magic invalid key, so they fail whatever the state", () => {
    expect(sendhub.profile.wrongAuth.query).toEqual({ username: 'contract', api_key: 'INVALIDKEY' });
  });
});

describe('POST /_sim/keys/sendhub/<key>/revoke', () => {
  it.each([
    ['the api_key', 'APIKEY'],
    ['the account as /_sim names it', TENANT],
  ])('by %s: every route answers the empty 401, faults included, nothing is stored; DELETE restores the account as it was', async (_label, key) => {
    const { sim, api } = await sendhubSim();
    expect((await api.post('/messages/', DOC_SEND)).status).toBe(201);
    const revoked = await sim.http.post(`/_sim/keys/sendhub/${encodeURIComponent(key)}/revoke`);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body).toMatchObject({ provider: 'sendhub', key, properties: { revoked: true } });

    await expectRefusedEverywhere(api);
    // A test control never gets a revoked key past auth.
    expectUnauthorized(await api.get('/messages/', undefined, { headers: { 'X-Msgsim-Fault': '503' } }));
    expect(await outbox(sim)).toHaveLength(1);

    expect((await sim.http.delete(`/_sim/keys/sendhub/${encodeURIComponent(key)}`)).status).toBe(204);
    const list = await api.get('/messages/');
    expect(list.status).toBe(200);
    expect(list.body.meta.total_count).toBe(1);
  });

  it("revoking one account's key leaves the others alone", async () => {
    const { sim, api, other } = await sendhubSim();
    await sim.http.post('/_sim/keys/sendhub/APIKEY/revoke');
    expectUnauthorized(await api.get('/messages/'));
    expect((await other.get('/messages/')).status).toBe(200);
  });
});
