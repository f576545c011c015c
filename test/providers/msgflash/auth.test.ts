/**
 * Keys and the doc's "Team workspace" rules: personal keys, registered team keys with X-Team-Id,
 * shared team data under the owner's plan, personal-only billing reads, plan features, revocation.
 */
import { describe, expect, it } from 'vitest';
import { DOC_KEY, KEY, MAIN, TEAM_KEY, TEAM_OWNER, TEXT, client, expectError, expectOk, msgflashSim, registerKey } from './helpers.js';

describe('personal keys', () => {
  it.each([
    ['no header', undefined],
    ['an empty key', ''],
    ['another provider', 'mk_live_test0001'],
    ['too short', 'msgf_live_abc'],
    ['bad characters', 'msgf_live_abc-def'],
    ['unknown prefix', 'msgf_test_abcdef'],
  ])('%s → 401 UNAUTHORIZED, the key never echoed', async (_label, key) => {
    const { sim } = await msgflashSim();
    const api = sim.client('msgflash', key === undefined ? {} : { 'x-api-key': key });
    const res = await api.get('/instances');
    expectError(res, 401, 'UNAUTHORIZED', 'x-api-key');
    expect(res.body.error.details.value).toBeUndefined();
  });

  it("any well-formed key is an account of its own, the doc's example key included", async () => {
    const { sim, api, other } = await msgflashSim({ rateLimits: false });
    const doc = client(sim, DOC_KEY);
    const id = expectOk(await api.post('/contacts', { phone: '+14155550123' }), 201).id;
    expectOk(await doc.post('/contacts', { phone: '+14155550123' }), 201);
    expect(expectOk(await api.get('/contacts')).contacts.map((c: any) => c.id)).toEqual([id]);
    expectError(await other.get(`/contacts/${id}`), 404, 'NOT_FOUND', 'id', id);
    expectError(await other.delete(`/contacts/${id}`), 404, 'NOT_FOUND');
    expect(expectOk(await other.get('/contacts')).contacts).toEqual([]);
  });

  it('a personal key with X-Team-Id → 403 TEAM_KEY_REQUIRED, before anything else', async () => {
    const { sim } = await msgflashSim();
    const api = client(sim, KEY, 'acme');
    expectError(await api.get('/instances'), 403, 'TEAM_KEY_REQUIRED', 'X-Team-Id', 'acme');
    expectError(await api.post('/messages/send', TEXT), 403, 'TEAM_KEY_REQUIRED');
    expectError(await api.get('/usage'), 403, 'TEAM_KEY_REQUIRED');
  });

  it('a revoked key → 401; a key registered with an unknown plan → 401 saying so', async () => {
    const { sim, api } = await msgflashSim();
    expectOk(await api.get('/instances'));
    const revoke = await sim.http.post(`/_sim/keys/msgflash/${KEY}/revoke`);
    expect(revoke.status).toBe(200);
    const revoked = await api.get('/instances');
    expectError(revoked, 401, 'UNAUTHORIZED', 'x-api-key');
    expect(revoked.body.error.message).toBe('This API key has been revoked');
    await registerKey(sim, 'msgf_live_weird_plan', { plan: 'enterprise' });
    const weird = await client(sim, 'msgf_live_weird_plan').get('/instances');
    expectError(weird, 401, 'UNAUTHORIZED');
    expect(weird.body.error.message).toContain('enterprise');
  });
});

describe('the magic keys', () => {
  it.each([
    ['msgf_live_invalid_key', 'Missing or invalid API key'],
    ['msgf_live_revoked_key', 'This API key has been revoked'],
  ])('%s → 401 UNAUTHORIZED on every call, nothing stored', async (key, message) => {
    const { sim } = await msgflashSim();
    const api = client(sim, key);
    for (const res of [await api.get('/instances'), await api.post('/messages/send', TEXT)]) {
      expectError(res, 401, 'UNAUTHORIZED', 'x-api-key');
      expect(res.body.error.message).toBe(message);
    }
    expect((await sim.http.get('/_sim/messages').query({ provider: 'msgflash' })).body.total).toBe(0);
  });
});

describe('team keys', () => {
  it('an unregistered team key → 401, with or without X-Team-Id', async () => {
    const { sim } = await msgflashSim();
    expectError(await client(sim, 'msgf_team_unknown1', 'acme').get('/instances'), 401, 'UNAUTHORIZED');
    expectError(await client(sim, 'msgf_team_unknown1').get('/instances'), 401, 'UNAUTHORIZED');
  });

  it('X-Team-Id missing → 400 TEAM_ID_REQUIRED; another team → 403 TEAM_ID_MISMATCH', async () => {
    const { sim } = await msgflashSim();
    expectError(await client(sim, TEAM_KEY).get('/instances'), 400, 'TEAM_ID_REQUIRED', 'X-Team-Id');
    expectError(await client(sim, TEAM_KEY, 'globex').get('/instances'), 403, 'TEAM_ID_MISMATCH', 'X-Team-Id', 'globex');
    expectOk(await client(sim, TEAM_KEY, 'acme').get('/instances'));
  });

  it("team keys share the team's data; the owner's personal workspace is separate", async () => {
    const { sim } = await msgflashSim({ rateLimits: false });
    const teamA = client(sim, TEAM_KEY, 'acme');
    const teamB = client(sim, 'msgf_team_acme_second', 'acme');
    const owner = client(sim, TEAM_OWNER);
    const contact = expectOk(await teamA.post('/contacts', { phone: '+14155550123', name: 'Shared' }), 201);
    expect(expectOk(await teamB.get(`/contacts/${contact.id}`)).name).toBe('Shared');
    const sent = expectOk(await teamB.post('/messages/send', TEXT), 201);
    expect(expectOk(await teamA.get('/messages')).messages.map((m: any) => m.id)).toEqual([sent.id]);
    expectError(await owner.get(`/contacts/${contact.id}`), 404, 'NOT_FOUND');
    expect(expectOk(await owner.get('/messages')).messages).toEqual([]);
    // The /_sim outbox names the team workspace as the tenant.
    const outbox = await sim.http.get('/_sim/messages').query({ provider: 'msgflash' });
    expect(outbox.body.data.map((m: any) => m.tenant)).toEqual(['team:acme']);
  });

  it.each(['/usage', '/billing/subscription', '/billing/usage', '/billing/payments'])('%s refuses team keys → 403 TEAM_KEY_NOT_ALLOWED', async (path) => {
    const { sim } = await msgflashSim();
    expectError(await client(sim, TEAM_KEY, 'acme').get(path), 403, 'TEAM_KEY_NOT_ALLOWED', 'x-api-key');
    expectOk(await client(sim, TEAM_OWNER).get(path));
  });

  it('the plan catalog is open to team keys', async () => {
    const { sim } = await msgflashSim();
    expect(expectOk(await client(sim, TEAM_KEY, 'acme').get('/billing/plans'))).toHaveLength(3);
  });

  it("team keys use the owner's plan: an owner without team workspaces makes every team call 403", async () => {
    const { sim } = await msgflashSim();
    const res = await client(sim, 'msgf_team_freeteam_demo', 'freeteam').get('/instances');
    expectError(res, 403, 'FEATURE_NOT_AVAILABLE');
    expect(res.body.error.message).toBe('The Free plan does not include team workspaces');
    // Upgrading the owner (re-registering the key with another plan) opens the workspace.
    await registerKey(sim, 'msgf_live_free_demo', { plan: 'pro' });
    expectOk(await client(sim, 'msgf_team_freeteam_demo', 'freeteam').get('/instances'));
  });

  it("a team's keys stop with its owner's key: revoked → 401 saying so; the team key itself revoked → 401", async () => {
    const { sim } = await msgflashSim();
    const team = client(sim, TEAM_KEY, 'acme');
    expectOk(await team.get('/instances'));
    await sim.http.post(`/_sim/keys/msgflash/${TEAM_OWNER}/revoke`);
    const refused = await team.get('/instances');
    expectError(refused, 401, 'UNAUTHORIZED', 'x-api-key');
    expect(refused.body.error.message).toBe("The team owner's key is revoked");
    await sim.http.post(`/_sim/keys/msgflash/msgf_team_acme_second/revoke`);
    const own = await client(sim, 'msgf_team_acme_second', 'acme').get('/instances');
    expectError(own, 401, 'UNAUTHORIZED', 'x-api-key');
    expect(own.body.error.message).toBe('This API key has been revoked');
  });

  it('/_sim/keys registers team keys; one without teamId/ownerKey → 401', async () => {
    const { sim } = await msgflashSim();
    await registerKey(sim, 'msgf_team_newteam1', { teamId: 'newteam', ownerKey: KEY });
    expectOk(await client(sim, 'msgf_team_newteam1', 'newteam').get('/instances'));
    await registerKey(sim, 'msgf_team_broken1', { teamId: 'x' });
    expectError(await client(sim, 'msgf_team_broken1', 'x').get('/instances'), 401, 'UNAUTHORIZED');
    await registerKey(sim, 'msgf_team_broken2', { teamId: 'y', ownerKey: 'not-a-key' });
    expectError(await client(sim, 'msgf_team_broken2', 'y').get('/instances'), 401, 'UNAUTHORIZED');
  });
});

describe('plan features', () => {
  it('the free plan has no campaigns, statuses or bulk jobs (403 FEATURE_NOT_AVAILABLE) but schedules and reads', async () => {
    const { sim } = await msgflashSim({ rateLimits: false });
    const free = client(sim, 'msgf_live_free_demo');
    const campaign = await free.post('/campaigns', { name: 'x', instanceId: MAIN, text: 'Hi', recipients: ['+14155550123'] });
    expectError(campaign, 403, 'FEATURE_NOT_AVAILABLE');
    expect(campaign.body.error.message).toBe('The Free plan does not include campaigns');
    expectError(await free.post('/statuses', { instanceId: MAIN, type: 'text', text: 'Hi' }), 403, 'FEATURE_NOT_AVAILABLE');
    expectError(await free.post('/contacts/bulk-delete', { contactIds: ['a'] }), 403, 'FEATURE_NOT_AVAILABLE');
    expectOk(await free.post('/messages/schedule', { ...TEXT, scheduledAt: '2024-04-09T00:00:00.000Z' }), 201);
    expectError(await free.get('/campaigns/nope'), 404, 'NOT_FOUND');
  });

  it('a registered key chooses its plan, and can change it', async () => {
    const { sim } = await msgflashSim();
    await registerKey(sim, 'msgf_live_mine1', { plan: 'starter' });
    const mine = client(sim, 'msgf_live_mine1');
    expect(expectOk(await mine.get('/usage')).plan).toBe('starter');
    await registerKey(sim, 'msgf_live_mine1', { plan: 'free' });
    expect(expectOk(await mine.get('/usage')).plan).toBe('free');
  });
});
