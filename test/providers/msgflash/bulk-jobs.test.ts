/**
 * Bulk contact jobs on the clock: bulk-delete creates a job that deletes 10 contacts per simulated
 * second, with progress; cancel stops it and keeps its counts; deleted contacts leave their groups.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderClient } from '../../support/harness.js';
import { at, createContact, expectError, expectOk, msgflashSim, phones } from './helpers.js';

async function contacts(api: ProviderClient, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (const phone of phones(n)) ids.push(await createContact(api, phone));
  return ids;
}

const remaining = async (api: ProviderClient) => expectOk(await api.get('/contacts', undefined, { query: { limit: 100 } })).contacts.length;

describe('POST /contacts/bulk-delete and the job it creates', () => {
  it('deletes 10 contacts per simulated second, with progress, then completes', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const ids = await contacts(api, 25);
    const job = expectOk(await api.post('/contacts/bulk-delete', { contactIds: ids }), 202);
    expect(job).toEqual({
      id: expect.any(String),
      type: 'contacts.delete',
      status: 'running',
      total: 25,
      processed: 0,
      deleted: 0,
      notFound: 0,
      createdAt: at(0),
      updatedAt: at(0),
    });
    const progress = async () => expectOk(await api.get(`/contacts/bulk-jobs/${job.id}/progress`));
    expect(await progress()).toEqual({
      jobId: job.id,
      status: 'running',
      total: 25,
      processed: 0,
      remaining: 25,
      percent: 0,
      estimatedCompletionAt: at(3_000),
    });
    await sim.advance(999);
    expect((await progress()).processed).toBe(0);
    expect(await remaining(api)).toBe(25);
    await sim.advance(1);
    expect(await progress()).toEqual({
      jobId: job.id,
      status: 'running',
      total: 25,
      processed: 10,
      remaining: 15,
      percent: 40,
      estimatedCompletionAt: at(3_000),
    });
    expect(await remaining(api)).toBe(15);
    await sim.advance(1_000);
    expect(await progress()).toMatchObject({ processed: 20, percent: 80 });
    await sim.advance(1_000);
    expect(await progress()).toEqual({ jobId: job.id, status: 'completed', total: 25, processed: 25, remaining: 0, percent: 100, estimatedCompletionAt: null });
    expect(expectOk(await api.get(`/contacts/bulk-jobs/${job.id}`))).toEqual({
      ...job,
      status: 'completed',
      processed: 25,
      deleted: 25,
      completedAt: at(3_000),
      updatedAt: at(3_000),
    });
    expect(await remaining(api)).toBe(0);
  });

  it('ids that name no contact when their turn comes count as notFound; duplicates count once', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const [a, b] = await contacts(api, 2);
    const job = expectOk(await api.post('/contacts/bulk-delete', { contactIds: [a, 'ghost', a, b] }), 202);
    expect(job.total).toBe(3);
    // b is deleted by hand before the job reaches it.
    expectOk(await api.delete(`/contacts/${b}`));
    await sim.advance(1_000);
    expect(expectOk(await api.get(`/contacts/bulk-jobs/${job.id}`))).toMatchObject({ status: 'completed', processed: 3, deleted: 1, notFound: 2 });
  });

  it('deleted contacts leave their groups', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const ids = await contacts(api, 3);
    const group = expectOk(await api.post('/contacts/groups', { name: 'G' }), 201).id;
    expectOk(await api.post(`/contacts/groups/${group}/members`, { contactIds: ids }));
    expectOk(await api.post('/contacts/bulk-delete', { contactIds: ids.slice(0, 2) }), 202);
    await sim.advance(1_000);
    expect(expectOk(await api.get(`/contacts/groups/${group}`)).memberCount).toBe(1);
    expect(expectOk(await api.get(`/contacts/groups/${group}/members`)).members.map((m: any) => m.id)).toEqual([ids[2]]);
  });

  it('cancel stops the job at once and reports what it did; a finished job cannot be cancelled (409)', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const ids = await contacts(api, 35);
    const job = expectOk(await api.post('/contacts/bulk-delete', { contactIds: ids }), 202);
    await sim.advance(2_500);
    const cancelled = expectOk(await api.post(`/contacts/bulk-jobs/${job.id}/cancel`));
    expect(cancelled).toMatchObject({ status: 'cancelled', total: 35, processed: 20, deleted: 20, notFound: 0, cancelledAt: at(2_500) });
    expect(cancelled.completedAt).toBeUndefined();
    await sim.advance(60_000);
    expect(expectOk(await api.get(`/contacts/bulk-jobs/${job.id}`))).toMatchObject({ status: 'cancelled', processed: 20 });
    expect(expectOk(await api.get(`/contacts/bulk-jobs/${job.id}/progress`))).toEqual({
      jobId: job.id,
      status: 'cancelled',
      total: 35,
      processed: 20,
      remaining: 15,
      percent: 57,
      estimatedCompletionAt: null,
    });
    expect(await remaining(api)).toBe(15);
    expectError(await api.post(`/contacts/bulk-jobs/${job.id}/cancel`), 409, 'BULK_JOB_NOT_CANCELLABLE', 'status', 'cancelled');

    const small = expectOk(await api.post('/contacts/bulk-delete', { contactIds: ids.slice(30) }), 202);
    await sim.advance(1_000);
    expectError(await api.post(`/contacts/bulk-jobs/${small.id}/cancel`), 409, 'BULK_JOB_NOT_CANCELLABLE', 'status', 'completed');
  });

  it('the job list filters by status; unknown jobs → 404 naming jobId', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const ids = await contacts(api, 12);
    const first = expectOk(await api.post('/contacts/bulk-delete', { contactIds: ids.slice(0, 2) }), 202).id;
    await sim.advance(1_000);
    const second = expectOk(await api.post('/contacts/bulk-delete', { contactIds: ids.slice(2) }), 202).id;
    const list = async (status?: string) =>
      expectOk(await api.get('/contacts/bulk-jobs', undefined, status ? { query: { status } } : {})).jobs.map((j: any) => j.id);
    expect(await list()).toEqual([second, first]);
    expect(await list('completed')).toEqual([first]);
    expect(await list('running')).toEqual([second]);
    expect(await list('cancelled')).toEqual([]);
    for (const path of ['/contacts/bulk-jobs/nope', '/contacts/bulk-jobs/nope/progress']) expectError(await api.get(path), 404, 'NOT_FOUND', 'jobId', 'nope');
    expectError(await api.post('/contacts/bulk-jobs/nope/cancel'), 404, 'NOT_FOUND', 'jobId', 'nope');
  });

  it.each([
    [{}, 'contactIds'],
    [{ contactIds: [] }, 'contactIds'],
    [{ contactIds: [''] }, 'contactIds[0]'],
    [{ contactIds: ['a'], all: true }, 'all'],
  ])('%j → 400 naming %s, no job', async (body, field) => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/contacts/bulk-delete', body), 400, 'VALIDATION_ERROR', field);
    expect(expectOk(await api.get('/contacts/bulk-jobs')).jobs).toEqual([]);
  });
});
