/**
 * The request journal's store: its two bounds, its filters, cursor pages that stay stable while entries
 * arrive, resets. Records here are plain objects; test/control/request-journal.test.ts drives real traffic.
 */
import { describe, expect, it } from 'vitest';
import { SimError } from '../../src/engine/errors.js';
import { RequestJournal, type JournalRecord, type RequestEntry, type RequestFilter } from '../../src/engine/request-journal.js';

const T0 = Date.parse('2024-04-08T10:30:00.000Z');

interface Fake extends JournalRecord {
  name: string;
}

function record(name: string, fields: Partial<Omit<Fake, 'name' | 'seq' | 'view'>> = {}): Fake {
  return {
    name,
    seq: 0,
    provider: 'msghub',
    tenant: 'mk_live_journal0001',
    shownTenant: 'mk_live_…0001',
    method: 'POST',
    path: '/msghub/api/v1/messages/send',
    apiPath: '/messages/send',
    atMs: T0,
    status: 201,
    recipients: [],
    bytes: 100,
    ...fields,
    view: () => ({ id: name }) as unknown as RequestEntry,
  };
}

const names = (records: Iterable<Fake>): string[] => [...records].map((r) => r.name);

function filled(filterable: Fake[]): RequestJournal<Fake> {
  const journal = new RequestJournal<Fake>();
  for (const r of filterable) journal.add(r);
  return journal;
}

function invalidField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SimError);
    expect((error as SimError).status).toBe(400);
    return (error as SimError).field;
  }
  throw new Error('no error');
}

describe('RequestJournal bounds', () => {
  it('keeps the newest maxEntries entries, dropping the oldest and counting them', () => {
    const journal = new RequestJournal<Fake>({ maxEntries: 3 });
    for (let i = 1; i <= 5; i++) journal.add(record(`r${i}`));
    expect(names(journal.newestFirst())).toEqual(['r5', 'r4', 'r3']);
    expect(journal.size).toBe(3);
    expect(journal.dropped).toBe(2);
    expect(journal.bytes).toBe(300);
    expect(journal.get('req_2')).toBeUndefined();
    expect(journal.get('req_4')?.name).toBe('r4');
  });

  it('keeps what the entries hold under the byte budget, but always the newest entry', () => {
    const journal = new RequestJournal<Fake>({ maxEntries: 1_000, maxBytes: 1_000 });
    for (let i = 1; i <= 5; i++) journal.add(record(`r${i}`, { bytes: 400 }));
    expect(names(journal.newestFirst())).toEqual(['r5', 'r4']);
    expect(journal.bytes).toBe(800);
    journal.add(record('huge', { bytes: 5_000 }));
    expect(names(journal.newestFirst())).toEqual(['huge']);
    journal.add(record('small', { bytes: 10 }));
    expect(names(journal.newestFirst())).toEqual(['small']);
    expect(journal.bytes).toBe(10);
  });

  it('stays bounded through many more entries than it keeps (the dropped prefix is cut off)', () => {
    const journal = new RequestJournal<Fake>({ maxEntries: 100 });
    for (let i = 1; i <= 50_000; i++) journal.add(record(`r${i}`));
    expect(journal.size).toBe(100);
    expect(journal.dropped).toBe(49_900);
    expect(journal.get('req_50000')?.name).toBe('r50000');
    expect(journal.get('req_49901')?.name).toBe('r49901');
    expect(journal.get('req_49900')).toBeUndefined();
    expect((journal as unknown as { order: unknown[] }).order.length).toBeLessThan(2_200);
  });

  it('records nothing with a size of 0, and refuses a size that is no whole number', () => {
    const journal = new RequestJournal<Fake>({ maxEntries: 0 });
    expect(journal.enabled).toBe(false);
    journal.add(record('r1'));
    expect(journal.size).toBe(0);
    expect(() => new RequestJournal({ maxEntries: -1 })).toThrow(RangeError);
    expect(() => new RequestJournal({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => new RequestJournal({ maxBytes: 0 })).toThrow(RangeError);
  });

  it('tells each added record to onAdd, after giving it its seq', () => {
    const seen: number[] = [];
    const journal = new RequestJournal<Fake>({ onAdd: (r) => seen.push(r.seq) });
    journal.add(record('a'));
    journal.add(record('b'));
    expect(seen).toEqual([1, 2]);
  });

  it('finds by id only ids it gave', () => {
    const journal = filled([record('a'), record('b')]);
    expect(journal.get('req_1')?.name).toBe('a');
    for (const id of ['req_0', 'req_01', 'req_3', 'req_', 'req_x', '1', 'msg_1', 'req_99999999999999999999']) expect(journal.get(id)).toBeUndefined();
  });
});

describe('RequestJournal filters', () => {
  const journal = filled([
    record('sent', { recipients: ['+14155550123'] }),
    record('refused', { status: 401, tenant: undefined, shownTenant: null, recipients: ['+14155550124'] }),
    record('invalid', { status: 400, atMs: T0 + 5_000, recipients: ['919876543210'] }),
    record('read', { method: 'GET', path: '/msghub/api/v1/messages/msg_1', apiPath: '/messages/msg_1', atMs: T0 + 6_000 }),
    record('other', {
      provider: 'sendhub',
      tenant: 'bob:abcdef123456',
      shownTenant: 'bob:…3456',
      path: '/sendhub/v1/messages/',
      apiPath: '/messages/',
      recipients: ['+14155550123', '42'],
    }),
    record('broken', { status: null, atMs: T0 + 7_000 }),
    record('typo', { path: '/msghub/api/v2/messages', apiPath: undefined, status: 404 }),
  ]);
  const match = (filter: RequestFilter) => names(journal.list(filter));

  it('by provider, tenant (the key or as shown), method and recipient, across providers', () => {
    expect(match({ provider: 'sendhub' })).toEqual(['other']);
    expect(match({ tenant: 'bob:abcdef123456' })).toEqual(['other']);
    expect(match({ tenant: 'bob:…3456' })).toEqual(['other']);
    expect(match({ method: 'get' })).toEqual(['read']);
    expect(match({ to: '+14155550123' })).toEqual(['other', 'sent']);
    expect(match({ to: '+14155550124' })).toEqual(['refused']);
    expect(match({ to: '+1' })).toEqual([]);
  });

  it('by status, exact or by class; a request with no answer is in no class', () => {
    expect(match({ status: 401 })).toEqual(['refused']);
    expect(match({ status: '4xx' })).toEqual(['typo', 'invalid', 'refused']);
    expect(match({ status: '2XX' })).toEqual(['other', 'read', 'sent']);
    expect(match({ status: '5xx' })).toEqual([]);
    for (const bad of ['4x', '600', 'abc', '', '44', '4xxx']) expect(invalidField(() => journal.list({ status: bad }))).toBe('status');
  });

  it('by path: a prefix of the path as received or below the base URL, or a glob of either', () => {
    expect(match({ path: '/messages/send' })).toEqual(['broken', 'invalid', 'refused', 'sent']);
    expect(match({ path: '/msghub/api/v1/messages/' })).toEqual(['broken', 'read', 'invalid', 'refused', 'sent']);
    // `*` matches an empty segment too: SendHub's `/messages/`.
    expect(match({ path: '/messages/*' })).toEqual(['broken', 'other', 'read', 'invalid', 'refused', 'sent']);
    expect(match({ path: '/*/api/*/messages' })).toEqual(['typo']);
    expect(match({ path: '**/messages/' })).toEqual(['other']);
    expect(invalidField(() => journal.list({ path: `/${'x'.repeat(1_024)}` }))).toBe('path');
  });

  it('matches a pathological glob in linear time', () => {
    const long = new RequestJournal<Fake>();
    for (let i = 0; i < 200; i++)
      long.add(record(`r${i}`, { path: `/msghub/api/v1/messages/${'a'.repeat(1_000)}`, apiPath: `/messages/${'a'.repeat(1_000)}` }));
    const started = performance.now();
    expect(long.list({ path: `/messages/${'*a'.repeat(30)}*b` })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('since a simulated time, and every filter at once', () => {
    expect(match({ since: T0 + 5_000 })).toEqual(['broken', 'read', 'invalid']);
    expect(match({ provider: 'msghub', method: 'POST', status: '4xx', since: T0 + 1, path: '/messages/send', to: '919876543210' })).toEqual(['invalid']);
    expect(invalidField(() => journal.list({ since: Number.NaN }))).toBe('since');
  });
});

describe('RequestJournal pages', () => {
  it('walks every entry once, newest first, while new entries arrive between pages', () => {
    const journal = new RequestJournal<Fake>();
    for (let i = 1; i <= 10; i++) journal.add(record(`r${i}`, { status: i % 2 ? 201 : 400 }));
    const seen: string[] = [];
    let page = journal.page({ limit: 3 });
    expect(page.total).toBe(10);
    seen.push(...names(page.records));
    let arriving = 11;
    while (page.nextCursor) {
      journal.add(record(`r${arriving++}`));
      page = journal.page({ limit: 3, cursor: page.nextCursor });
      seen.push(...names(page.records));
    }
    expect(seen).toEqual(['r10', 'r9', 'r8', 'r7', 'r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
    expect(page.total).toBe(10 + (arriving - 11));
  });

  it('pages through a filter, and skips entries dropped meanwhile', () => {
    const journal = new RequestJournal<Fake>({ maxEntries: 8 });
    for (let i = 1; i <= 8; i++) journal.add(record(`r${i}`, { status: i % 2 ? 201 : 400 }));
    const first = journal.page({ limit: 2, filter: { status: '4xx' } });
    expect(names(first.records)).toEqual(['r8', 'r6']);
    expect(first.total).toBe(4);
    // Three more arrive: r1 to r3 are dropped, so r2 is gone when the walk reaches it.
    for (let i = 9; i <= 11; i++) journal.add(record(`r${i}`, { status: 400 }));
    const second = journal.page({ limit: 2, filter: { status: '4xx' }, cursor: first.nextCursor! });
    expect(names(second.records)).toEqual(['r4']);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not give', () => {
    const journal = filled([record('a')]);
    for (const cursor of ['nope', 'djEuMC4x', '']) expect(invalidField(() => journal.page({ limit: 1, cursor }))).toBe('cursor');
  });
});

describe('RequestJournal resets', () => {
  it('forgets everything, one provider, or one tenant of it; ids keep counting', () => {
    const journal = filled([
      record('a'),
      record('b', { tenant: 'mk_live_journal0002' }),
      record('c', { provider: 'sendhub', tenant: 'bob:abcdef123456' }),
      record('d', { provider: 'msgine', tenant: 'token_journal' }),
    ]);
    journal.reset('msghub', 'mk_live_journal0001');
    expect(names(journal.newestFirst())).toEqual(['d', 'c', 'b']);
    journal.reset('sendhub');
    expect(names(journal.newestFirst())).toEqual(['d', 'b']);
    expect(journal.bytes).toBe(200);
    expect(journal.get('req_4')?.name).toBe('d');
    journal.reset();
    expect(journal.size).toBe(0);
    journal.add(record('e'));
    expect(journal.get('req_5')?.name).toBe('e');
    expect(journal.clear()).toBe(1);
    expect(journal.bytes).toBe(0);
    journal.add(record('f'));
    expect(journal.get('req_6')?.name).toBe('f');
    journal.restartIds();
    journal.add(record('g'));
    expect(names(journal.newestFirst())).toEqual(['g']);
    expect(journal.get('req_1')?.name).toBe('g');
  });
});
