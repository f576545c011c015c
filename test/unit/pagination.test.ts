import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { SimError } from '../../src/engine/errors.js';
import {
  decodeCursor,
  encodeCursor,
  isoInstant,
  mergeNewestFirst,
  paginateByCursor,
  paginateByOffset,
  paginateByPage,
  paginateMatchesByPage,
  paginateMergedByOffset,
  paginateRowsByCursor,
  type CursorKey,
} from '../../src/engine/pagination.js';

const START = Date.parse('2024-04-08T10:30:00Z');
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('paginateByPage', () => {
  it.each([
    { total: 25, page: 1, limit: 10, items: range(10), pages: 3 },
    { total: 25, page: 3, limit: 10, items: [20, 21, 22, 23, 24], pages: 3 },
    { total: 25, page: 4, limit: 10, items: [], pages: 3 },
    { total: 25, page: 1000, limit: 10, items: [], pages: 3 },
    { total: 20, page: 2, limit: 10, items: range(20).slice(10), pages: 2 },
    { total: 0, page: 1, limit: 10, items: [], pages: 0 },
    { total: 3, page: 1, limit: 100, items: [0, 1, 2], pages: 1 },
  ])('$total items, page $page of $limit', ({ total, page, limit, items, pages }) => {
    expect(paginateByPage(range(total), page, limit)).toEqual({ items, page, limit, total, pages });
  });

  it.each([
    { page: 0, limit: 10, field: 'page' },
    { page: 1.5, limit: 10, field: 'page' },
    { page: Number.NaN, limit: 10, field: 'page' },
    { page: 1, limit: 0, field: 'limit' },
    { page: 1, limit: -5, field: 'limit' },
  ])('page $page, limit $limit → invalid_request on $field', ({ page, limit, field }) => {
    expect(() => paginateByPage(range(5), page, limit)).toThrow(SimError);
    try {
      paginateByPage(range(5), page, limit);
    } catch (error) {
      expect(error).toMatchObject({ kind: 'invalid_request', status: 400, field });
    }
  });
});

describe('paginateByOffset', () => {
  it.each([
    { offset: 0, limit: 10, items: range(10), next: 10, previous: null },
    { offset: 10, limit: 10, items: range(20).slice(10), next: 20, previous: 0 },
    { offset: 20, limit: 10, items: [20, 21, 22, 23, 24], next: null, previous: 10 },
    { offset: 5, limit: 10, items: range(15).slice(5), next: 15, previous: 0 },
    { offset: 15, limit: 10, items: range(25).slice(15), next: null, previous: 5 },
    { offset: 25, limit: 10, items: [], next: null, previous: 15 },
    { offset: 100, limit: 10, items: [], next: null, previous: 90 },
  ])('25 items, offset $offset limit $limit', ({ offset, limit, items, next, previous }) => {
    expect(paginateByOffset(range(25), offset, limit)).toEqual({
      items,
      offset,
      limit,
      total: 25,
      nextOffset: next,
      previousOffset: previous,
    });
  });

  it.each([
    { offset: -1, limit: 10 },
    { offset: 0.5, limit: 10 },
    { offset: 0, limit: 0 },
  ])('offset $offset, limit $limit → SimError', ({ offset, limit }) => {
    expect(() => paginateByOffset(range(5), offset, limit)).toThrow(SimError);
  });
});

describe('cursors', () => {
  it.each([
    { createdAt: START, seq: 0 },
    { createdAt: START, seq: 123_456 },
    { createdAt: 0, seq: 0 },
    { createdAt: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER },
  ])('round-trips $createdAt/$seq as opaque base64url', (key) => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    if (key.createdAt > 1000) expect(cursor).not.toContain(String(key.createdAt));
    expect(decodeCursor(cursor)).toEqual(key);
  });

  it.each([
    { createdAt: -1, seq: 0 },
    { createdAt: 1.5, seq: 0 },
    { createdAt: 0, seq: Number.NaN },
  ])('refuses to encode $createdAt/$seq', (key) => {
    expect(() => encodeCursor(key)).toThrow(RangeError);
  });

  const valid = encodeCursor({ createdAt: START, seq: 42 });
  const reencode = (text: string): string => Buffer.from(text, 'latin1').toString('base64url');
  const decoded = Buffer.from(valid, 'base64url').toString('latin1');

  it.each([
    { what: 'empty', cursor: '' },
    { what: 'not base64url', cursor: 'abc+/=' },
    { what: 'garbage base64url', cursor: 'aGVsbG8gd29ybGQ' },
    { what: 'truncated', cursor: valid.slice(0, -3) },
    { what: 'extra character', cursor: `${valid}A` },
    { what: 'a number changed (checksum)', cursor: reencode(decoded.replace('.42.', '.43.')) },
    { what: 'a checksum changed', cursor: reencode(decoded.slice(0, -1) + (decoded.endsWith('0') ? '1' : '0')) },
    { what: 'another version', cursor: reencode(decoded.replace('v1.', 'v2.')) },
    { what: 'leading zeros', cursor: reencode(decoded.replace('.42.', '.042.')) },
    { what: 'JSON instead', cursor: reencode('{"createdAt":1,"seq":2}') },
    { what: 'very long', cursor: 'A'.repeat(10_000) },
  ])('decodeCursor rejects $what', ({ cursor }) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});

interface Item {
  id: string;
  createdAt: number;
  seq: number;
}

/** A newest-first list built on the manual clock, several items per millisecond to exercise seq ties. */
class Feed {
  readonly clock = new Clock({ mode: 'manual', start: START });
  items: Item[] = [];
  private seq = 0;

  add(count: number, perMs = 3): void {
    const fresh: Item[] = [];
    for (let i = 0; i < count; i++) {
      if (i % perMs === 0) this.clock.advance(1);
      this.seq += 1;
      fresh.push({ id: `m${this.seq}`, createdAt: this.clock.now(), seq: this.seq });
    }
    this.items = [...fresh.reverse(), ...this.items];
  }

  remove(id: string): void {
    this.items = this.items.filter((item) => item.id !== id);
  }
}

const keyOf = (item: Item): CursorKey => ({ createdAt: item.createdAt, seq: item.seq });
const ids = (items: Item[]): string[] => items.map((i) => i.id);

describe('paginateByCursor', () => {
  it.each([
    { total: 0, limit: 10 },
    { total: 1, limit: 10 },
    { total: 10, limit: 10 },
    { total: 11, limit: 10 },
    { total: 100, limit: 7 },
    { total: 100, limit: 1 },
  ])('walks $total items in pages of $limit: every item once, in order', ({ total, limit }) => {
    const feed = new Feed();
    feed.add(total);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = paginateByCursor(feed.items, keyOf, cursor === undefined ? { limit } : { cursor, limit });
      pages += 1;
      seen.push(...ids(page.items));
      expect(page.items.length).toBeLessThanOrEqual(limit);
      expect(page.hasMore).toBe(page.nextCursor !== null);
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(ids(feed.items));
    expect(pages).toBe(Math.max(1, Math.ceil(total / limit)));
  });

  it('new items inserted at the head between calls cause no duplicates and no gaps', () => {
    const feed = new Feed();
    feed.add(30);
    const original = ids(feed.items);
    const first = paginateByCursor(feed.items, keyOf, { limit: 10 });
    feed.add(5);
    const second = paginateByCursor(feed.items, keyOf, { cursor: first.nextCursor ?? '', limit: 10 });
    feed.add(50);
    const third = paginateByCursor(feed.items, keyOf, { cursor: second.nextCursor ?? '', limit: 10 });
    expect([...ids(first.items), ...ids(second.items), ...ids(third.items)]).toEqual(original);
    expect(third).toMatchObject({ hasMore: false, nextCursor: null });
  });

  it.each([
    { what: "the cursor's own item", removeAt: 9 },
    { what: 'the item after the cursor', removeAt: 10 },
  ])('stays correct when $what was deleted', ({ removeAt }) => {
    const feed = new Feed();
    feed.add(20);
    const first = paginateByCursor(feed.items, keyOf, { limit: 10 });
    const removed = feed.items[removeAt]?.id ?? '';
    feed.remove(removed);
    const second = paginateByCursor(feed.items, keyOf, { cursor: first.nextCursor ?? '', limit: 10 });
    const expected = ids(feed.items).filter((id) => !ids(first.items).includes(id));
    expect(ids(second.items)).toEqual(expected);
  });

  it('uses createdAt then seq: items sharing a millisecond are split correctly', () => {
    const feed = new Feed();
    feed.add(9, 9); // all nine in the same millisecond
    const first = paginateByCursor(feed.items, keyOf, { limit: 4 });
    const second = paginateByCursor(feed.items, keyOf, { cursor: first.nextCursor ?? '', limit: 4 });
    expect(ids(first.items)).toEqual(['m9', 'm8', 'm7', 'm6']);
    expect(ids(second.items)).toEqual(['m5', 'm4', 'm3', 'm2']);
  });

  it('finds the position by binary search in 100k items', () => {
    const feed = new Feed();
    feed.add(100_000);
    let calls = 0;
    const countingKeyOf = (item: Item): CursorKey => {
      calls += 1;
      return keyOf(item);
    };
    const target = feed.items[54_321];
    if (target === undefined) throw new Error('fixture');
    const page = paginateByCursor(feed.items, countingKeyOf, { cursor: encodeCursor(keyOf(target)), limit: 3 });
    expect(ids(page.items)).toEqual(ids(feed.items.slice(54_322, 54_325)));
    expect(calls).toBeLessThan(40);
  });

  it.each([
    { what: 'newer than everything', key: { createdAt: START + 10 ** 9, seq: 0 }, first: 'm10' },
    { what: 'older than everything', key: { createdAt: 0, seq: 0 }, first: undefined },
    { what: 'naming an existing item', key: { createdAt: START + 2, seq: 5 }, first: 'm4' },
    { what: 'in a millisecond, past its last seq', key: { createdAt: START + 2, seq: 100 }, first: 'm6' },
    { what: 'in a millisecond, before its first seq', key: { createdAt: START + 3, seq: 0 }, first: 'm6' },
    { what: 'in a millisecond with no items', key: { createdAt: START + 100, seq: 0 }, first: 'm10' },
  ])('a cursor $what', ({ key, first }) => {
    const feed = new Feed();
    feed.add(10); // createdAt START+1: m1..m3, START+2: m4..m6, START+3: m7..m9, START+4: m10
    const page = paginateByCursor(feed.items, keyOf, { cursor: encodeCursor(key), limit: 1 });
    expect(page.items[0]?.id).toBe(first);
  });

  it.each([
    { options: { limit: 0 }, field: 'limit' },
    { options: { limit: 2.5 }, field: 'limit' },
    { options: { cursor: 'not-a-cursor', limit: 10 }, field: 'cursor' },
  ])('invalid options → invalid_request on $field', ({ options, field }) => {
    expect(() => paginateByCursor([], keyOf, options)).toThrow(SimError);
    try {
      paginateByCursor([], keyOf, options);
    } catch (error) {
      expect(error).toMatchObject({ kind: 'invalid_request', field });
    }
  });
});

/**
 * The in-place helpers must answer exactly what the copying ones answer over the same data: rows held
 * oldest first (as a Collection holds them), createdAt as clock.iso() writes it, several rows per ms.
 */
interface Row {
  id: string;
  createdAt: string;
  seq: number;
  tag: number;
}

function storeRows(count: number, perMs = 3, firstSeq = 1, seqStep = 1): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r${firstSeq + i * seqStep}`,
    createdAt: new Date(START + Math.floor(i / perMs)).toISOString(),
    seq: firstSeq + i * seqStep,
    tag: (i * 7) % 5,
  }));
}

const newestFirst = <T>(rows: readonly T[], predicate?: (row: T) => boolean): T[] => [...rows].reverse().filter((row) => !predicate || predicate(row));
const rowKey = (row: Row): CursorKey => ({ createdAt: Date.parse(row.createdAt), seq: row.seq });
const rowIds = (rows: readonly Row[]): string[] => rows.map((r) => r.id);
const predicates: Array<[string, ((row: Row) => boolean) | undefined]> = [
  ['no filter', undefined],
  ['one in five', (r) => r.tag === 0],
  ['four in five', (r) => r.tag !== 3],
  ['nothing', () => false],
];

describe('paginateMatchesByPage', () => {
  const rows = storeRows(53);
  it.each(predicates)('%s: the same pages as paginateByPage over the filtered copy', (_, predicate) => {
    for (const limit of [1, 5, 10, 100]) {
      for (let page = 1; page <= Math.ceil(53 / limit) + 2; page++) {
        expect(paginateMatchesByPage(rows, predicate, page, limit)).toEqual(paginateByPage(newestFirst(rows, predicate), page, limit));
      }
    }
  });

  it.each([
    { page: 0, limit: 10, field: 'page' },
    { page: 1, limit: 0, field: 'limit' },
    { page: 1.5, limit: 10, field: 'page' },
  ])('page $page, limit $limit → invalid_request on $field', ({ page, limit, field }) => {
    expect(() => paginateMatchesByPage(rows, undefined, page, limit)).toThrow(expect.objectContaining({ kind: 'invalid_request', field }));
  });
});

describe('paginateRowsByCursor', () => {
  const walk = (rows: readonly Row[], predicate: ((row: Row) => boolean) | undefined, limit: number) => {
    const pages: Array<{ ids: string[]; nextCursor: string | null; hasMore: boolean }> = [];
    let cursor: string | undefined;
    do {
      const page = paginateRowsByCursor(rows, predicate, cursor === undefined ? { limit } : { cursor, limit });
      pages.push({ ids: rowIds(page.items), nextCursor: page.nextCursor, hasMore: page.hasMore });
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return pages;
  };

  it.each(predicates)('%s: the same pages and cursors as paginateByCursor over the filtered copy', (_, predicate) => {
    const rows = storeRows(40);
    for (const limit of [1, 3, 10, 40, 100]) {
      const expected: ReturnType<typeof walk> = [];
      let cursor: string | undefined;
      do {
        const page = paginateByCursor(newestFirst(rows, predicate), rowKey, cursor === undefined ? { limit } : { cursor, limit });
        expected.push({ ids: rowIds(page.items), nextCursor: page.nextCursor, hasMore: page.hasMore });
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(walk(rows, predicate, limit)).toEqual(expected);
    }
  });

  it.each([
    { what: 'newer than everything', key: { createdAt: START + 10 ** 9, seq: 0 } },
    { what: 'past the largest date', key: { createdAt: Number.MAX_SAFE_INTEGER, seq: 0 } },
    { what: 'older than everything', key: { createdAt: 0, seq: 0 } },
    { what: 'naming an existing row', key: { createdAt: START + 2, seq: 7 } },
    { what: 'in a millisecond, past its last seq', key: { createdAt: START + 2, seq: 100 } },
    { what: 'in a millisecond, before its first seq', key: { createdAt: START + 3, seq: 0 } },
    { what: 'after the last row', key: { createdAt: START + 100, seq: 0 } },
  ])('a cursor $what lands where paginateByCursor lands', ({ key }) => {
    const rows = storeRows(14);
    const cursor = encodeCursor(key);
    for (const [, predicate] of predicates) {
      expect(paginateRowsByCursor(rows, predicate, { cursor, limit: 4 })).toEqual(paginateByCursor(newestFirst(rows, predicate), rowKey, { cursor, limit: 4 }));
    }
  });

  it("stays correct when the cursor's own row was deleted", () => {
    const rows = storeRows(20);
    const first = paginateRowsByCursor(rows, undefined, { limit: 5 });
    const rest = rows.filter((r) => r.id !== first.items[4]!.id);
    expect(rowIds(paginateRowsByCursor(rest, undefined, { cursor: first.nextCursor!, limit: 100 }).items)).toEqual(rowIds(newestFirst(rows).slice(5)));
  });

  it('reads a page of 100k rows without parsing every createdAt', () => {
    const rows = storeRows(100_000);
    const parse = Date.parse;
    let parsed = 0;
    Date.parse = (text: string) => {
      parsed++;
      return parse(text);
    };
    try {
      const first = paginateRowsByCursor(rows, undefined, { limit: 10 });
      const second = paginateRowsByCursor(rows, undefined, { cursor: first.nextCursor!, limit: 10 });
      expect(rowIds(second.items)).toEqual(rowIds(newestFirst(rows).slice(10, 20)));
    } finally {
      Date.parse = parse;
    }
    expect(parsed).toBeLessThan(5);
  });

  it.each([
    { options: { limit: 0 }, field: 'limit' },
    { options: { cursor: 'not-a-cursor', limit: 10 }, field: 'cursor' },
  ])('invalid options → invalid_request on $field', ({ options, field }) => {
    expect(() => paginateRowsByCursor([], undefined, options)).toThrow(expect.objectContaining({ kind: 'invalid_request', field }));
  });
});

describe('mergeNewestFirst and paginateMergedByOffset', () => {
  // Three tenants' collections whose seqs interleave, as one store's global sequence does.
  const lists = [storeRows(20, 3, 1, 3), storeRows(7, 3, 2, 3), [], storeRows(12, 3, 3, 3), storeRows(1, 1, 100)];
  const sorted = lists.flat().sort((a, b) => b.seq - a.seq);

  it('merges by descending seq, lazily', () => {
    expect(rowIds([...mergeNewestFirst(lists)])).toEqual(rowIds(sorted));
    expect([...mergeNewestFirst([])]).toEqual([]);
    const it = mergeNewestFirst(lists);
    expect(it.next().value?.seq).toBe(100);
  });

  it.each(predicates)('%s: the same pages as paginateByOffset over the filtered, sorted copy', (_, predicate) => {
    const filtered = sorted.filter((r) => !predicate || predicate(r));
    for (const limit of [1, 4, 10, 1000]) {
      for (let offset = 0; offset <= sorted.length + 1; offset += 3) {
        expect(paginateMergedByOffset(lists, predicate, offset, limit)).toEqual(paginateByOffset(filtered, offset, limit));
      }
    }
  });

  it.each([
    { offset: -1, limit: 10, field: 'offset' },
    { offset: 0, limit: 0, field: 'limit' },
  ])('offset $offset, limit $limit → invalid_request on $field', ({ offset, limit, field }) => {
    expect(() => paginateMergedByOffset(lists, undefined, offset, limit)).toThrow(expect.objectContaining({ kind: 'invalid_request', field }));
  });
});

describe('isoInstant', () => {
  const stored = ['0000-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2024-04-08T10:30:00.000Z', '9999-12-31T23:59:59.999Z'];

  it.each([
    '2024-04-08T10:30:00Z',
    '2024-04-08',
    '2024-04-08T12:30:00.5+02:00',
    '1900-02-28T00:00:00.000Z',
    '-000001-01-01T00:00:00.000Z',
    '+010000-01-01T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
  ])('%s compares with stored timestamps as the instants do', (bound) => {
    const ms = Date.parse(bound);
    const iso = isoInstant(ms)!;
    for (const createdAt of stored) {
      const at = Date.parse(createdAt);
      expect([createdAt < iso, createdAt > iso]).toEqual([at < ms, at > ms]);
    }
  });

  it('gives no bound for NaN', () => {
    expect(isoInstant(Date.parse('not a date'))).toBeUndefined();
  });
});
