/**
 * With a data file, a restarted simulator continues what was under way: running campaigns, bulk jobs
 * and the instance check of scheduled messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, MAIN, TEXT, at, createContact, expectOk, msgflashSim, phones, setInstance } from './helpers.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('restart with --data', () => {
  it('a running campaign, a running bulk job and a scheduled message carry on after a restart', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'msgflash-'));
    const dataFile = path.join(dir, 'state.json');
    const before = await msgflashSim({ rateLimits: false, dataFile });
    const campaign = expectOk(await before.api.post('/campaigns', { name: 'C', instanceId: MAIN, text: 'Hi', recipients: phones(25) }), 201).id;
    const ids: string[] = [];
    for (const phone of phones(15, 100)) ids.push(await createContact(before.api, phone));
    const job = expectOk(await before.api.post('/contacts/bulk-delete', { contactIds: ids }), 202).id;
    const scheduled = expectOk(await before.api.post('/messages/schedule', { ...TEXT, scheduledAt: at(3_600_000) }), 201).id;
    await before.sim.advance(1_000);
    expect(expectOk(await before.api.get(`/campaigns/${campaign}`)).dispatchedCount).toBe(20);
    await before.sim.engine.close();

    const after = await msgflashSim({ rateLimits: false, dataFile });
    await after.sim.advance(1_000);
    // Dispatched at 2 s; its last messages are final at 5 s, noticed by the restarted simulator.
    expect(expectOk(await after.api.get(`/campaigns/${campaign}`))).toMatchObject({ status: 'running', dispatchedCount: 25, dispatchedAt: at(2_000) });
    await after.sim.advance(3_000);
    expect(expectOk(await after.api.get(`/campaigns/${campaign}`))).toMatchObject({ status: 'completed', completedAt: at(5_000) });
    expect(expectOk(await after.api.get(`/campaigns/${campaign}/stats`))).toMatchObject({ total: 25, delivered: 25 });
    await after.sim.advance(1_000);
    expect(expectOk(await after.api.get(`/contacts/bulk-jobs/${job}`))).toMatchObject({ status: 'completed', deleted: 15 });
    await setInstance(after.sim, KEY, MAIN, 'disconnected');
    await after.sim.advance(3_600_000);
    expect(expectOk(await after.api.get(`/messages/${scheduled}`))).toMatchObject({ status: 'failed', error: { code: 'INSTANCE_DISCONNECTED' } });
    await after.sim.engine.close();
  });
});
