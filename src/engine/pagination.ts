/**
 * The three pagination styles the simulated providers use: page/limit, limit/offset (Tastypie / Django
 * REST Framework style) and opaque cursors (keyset pagination on createdAt + insertion sequence).
 *
 * Out-of-range page/limit/offset values throw a SimError (`invalid_request`, field `page`/`limit`/`offset`)
 * so that an unvalidated query parameter still becomes the provider's 400, never a 500; a provider whose
 * parameters have other names can catch and re-label it.
 */
import { createHash } from 'node:crypto';
import { SimError } from './errors.js';

export interface PageResult<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
  /** ceil(total / limit); 0 for an empty list. */
  pages: number;
}

/** 1-based pages. A page past the end is an empty page, not an error (as the providers' list endpoints do). */
export function paginateByPage<T>(items: readonly T[], page: number, limit: number): PageResult<T> {
  requireInteger('page', page, 1);
  requireInteger('limit', limit, 1);
  const start = (page - 1) * limit;
  return {
    items: items.slice(start, start + limit),
    page,
    limit,
    total: items.length,
    pages: Math.ceil(items.length / limit),
  };
}

/**
 * paginateByPage over the rows that match, newest first, for rows held oldest first (as a Collection
 * holds them): one pass that counts the matches and keeps only the page, instead of copying every
 * match; without a predicate only the page is read.
 */
export function paginateMatchesByPage<T>(rows: readonly T[], predicate: ((row: T) => boolean) | undefined, page: number, limit: number): PageResult<T> {
  requireInteger('page', page, 1);
  requireInteger('limit', limit, 1);
  const { items, total } = newestMatches(rows, predicate, (page - 1) * limit, limit);
  return { items, page, limit, total, pages: Math.ceil(total / limit) };
}

/** Matches number `skip` to `skip + limit - 1`, counted newest first, and how many rows match in all. */
function newestMatches<T>(rows: readonly T[], predicate: ((row: T) => boolean) | undefined, skip: number, limit: number): { items: T[]; total: number } {
  const items: T[] = [];
  const end = skip + limit;
  if (!predicate) {
    for (let i = rows.length - 1 - skip; i >= 0 && items.length < limit; i--) items.push(rows[i]!);
    return { items, total: rows.length };
  }
  let total = 0;
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (!predicate(row)) continue;
    if (total >= skip && total < end) items.push(row);
    total++;
  }
  return { items, total };
}

export interface OffsetResult<T> {
  items: T[];
  offset: number;
  limit: number;
  total: number;
  nextOffset: number | null;
  previousOffset: number | null;
}

/**
 * next: offset + limit while that is before the end (Tastypie's `next`), else null.
 * previous: null at offset 0, otherwise offset - limit clamped to 0 (Django REST Framework's
 * LimitOffsetPagination; Tastypie would give null for 0 < offset < limit and lose the first rows).
 */
export function paginateByOffset<T>(items: readonly T[], offset: number, limit: number): OffsetResult<T> {
  requireInteger('offset', offset, 0);
  requireInteger('limit', limit, 1);
  return { items: items.slice(offset, offset + limit), ...offsetPage(offset, limit, items.length) };
}

/** The page's position and its neighbours' offsets (see paginateByOffset). */
function offsetPage(offset: number, limit: number, total: number): Omit<OffsetResult<never>, 'items'> {
  return {
    offset,
    limit,
    total,
    nextOffset: offset + limit < total ? offset + limit : null,
    previousOffset: offset > 0 ? Math.max(0, offset - limit) : null,
  };
}

/**
 * paginateByOffset over several lists merged newest first by `seq` (each list oldest first, as a
 * Collection holds it; seqs unique across lists). Matches are counted in one pass and the merge stops
 * at the end of the page, so nothing is copied or sorted.
 */
export function paginateMergedByOffset<T extends { seq: number }>(
  lists: readonly (readonly T[])[],
  predicate: ((row: T) => boolean) | undefined,
  offset: number,
  limit: number,
): OffsetResult<T> {
  requireInteger('offset', offset, 0);
  requireInteger('limit', limit, 1);
  let total = 0;
  for (const list of lists) {
    if (!predicate) total += list.length;
    else for (const row of list) if (predicate(row)) total++;
  }
  const items: T[] = [];
  if (offset < total) {
    let skipped = 0;
    for (const row of mergeNewestFirst(lists)) {
      if (predicate && !predicate(row)) continue;
      if (skipped < offset) skipped++;
      else if (items.push(row) === limit) break;
    }
  }
  return { items, ...offsetPage(offset, limit, total) };
}

/** K-way merge, highest `seq` first, of lists each sorted by ascending `seq`; lazy, so a caller may stop early. */
export function* mergeNewestFirst<T extends { seq: number }>(lists: readonly (readonly T[])[]): Generator<T> {
  // Max-heap of [list, index of its next (newest unread) row], ordered by that row's seq.
  const heap: Array<[readonly T[], number]> = [];
  const seqAt = (h: [readonly T[], number]) => h[0][h[1]]!.seq;
  const down = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && seqAt(heap[l]!) > seqAt(heap[top]!)) top = l;
      if (r < heap.length && seqAt(heap[r]!) > seqAt(heap[top]!)) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  };
  for (const list of lists) if (list.length > 0) heap.push([list, list.length - 1]);
  for (let i = (heap.length >>> 1) - 1; i >= 0; i--) down(i);
  while (heap.length > 0) {
    const head = heap[0]!;
    yield head[0][head[1]]!;
    if (--head[1] < 0) {
      const last = heap.pop()!;
      if (heap.length === 0) return;
      heap[0] = last;
    }
    down(0);
  }
}

/** Position of an item in a newest-first list; `seq` is a monotonically increasing insertion number. */
export interface CursorKey {
  createdAt: number;
  seq: number;
}

const CURSOR_VERSION = 'v1';
const CURSOR_PATTERN = /^v1\.(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,15})\.([0-9a-f]{8})$/;

/**
 * Opaque base64url cursor. The check digest catches cursors edited by hand or truncated in transit; it
 * is not a secret signature (the engine holds no secret), which is fine because a forged cursor can only
 * reposition the reader within its own tenant's list.
 */
export function encodeCursor(key: CursorKey): string {
  if (!isCursorNumber(key.createdAt) || !isCursorNumber(key.seq)) {
    throw new RangeError('cursor keys must be non-negative safe integers');
  }
  const body = `${CURSOR_VERSION}.${key.createdAt}.${key.seq}`;
  return Buffer.from(`${body}.${check(body)}`, 'utf8').toString('base64url');
}

/** Malformed or tampered cursor → undefined; the caller answers 400. */
export function decodeCursor(cursor: string): CursorKey | undefined {
  if (cursor.length === 0 || cursor.length > 96 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const raw = Buffer.from(cursor, 'base64url');
  // Node's decoder is lenient (ignores stray trailing bits); insist on the one canonical spelling.
  if (raw.toString('base64url') !== cursor) return undefined;
  const match = CURSOR_PATTERN.exec(raw.toString('latin1'));
  if (match === null) return undefined;
  const [, createdAtText, seqText, digest] = match;
  if (createdAtText === undefined || seqText === undefined || digest === undefined) return undefined;
  if (check(`${CURSOR_VERSION}.${createdAtText}.${seqText}`) !== digest) return undefined;
  const key = { createdAt: Number(createdAtText), seq: Number(seqText) };
  return isCursorNumber(key.createdAt) && isCursorNumber(key.seq) ? key : undefined;
}

/** A request's cursor, decoded; a malformed or tampered one is the 400 the providers answer. */
function cursorKey(cursor: string): CursorKey {
  const key = decodeCursor(cursor);
  if (key === undefined) throw new SimError({ kind: 'invalid_request', message: 'The cursor is not valid.', field: 'cursor', value: cursor });
  return key;
}

export interface CursorResult<T> {
  items: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

/**
 * Keyset pagination over a list sorted newest first (createdAt desc, seq desc). The page starts at the
 * first item strictly older than the cursor's key, found by binary search, so it stays correct when new
 * items are inserted at the head between calls and when the cursor's own item has been deleted: the
 * cursor names a position in the ordering, not an item.
 */
export function paginateByCursor<T>(items: readonly T[], keyOf: (item: T) => CursorKey, options: { cursor?: string; limit: number }): CursorResult<T> {
  requireInteger('limit', options.limit, 1);
  const start = options.cursor === undefined ? 0 : firstOlderThan(items, keyOf, cursorKey(options.cursor));
  const page = items.slice(start, start + options.limit);
  const hasMore = start + page.length < items.length;
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
    hasMore,
  };
}

/** What a stored record carries for keyset pagination: createdAt as the store writes it (clock.iso()). */
export interface KeyedRow {
  createdAt: string;
  seq: number;
}

/**
 * paginateByCursor over the rows that match, for rows held oldest first as a Collection holds them
 * (createdAt then seq ascending: the store stamps createdAt from a clock that never goes back). The
 * cursor's position is found by binary search on the rows themselves, comparing createdAt as ISO
 * strings, and the walk stops after the page and one more match, so a page costs O(log n + the rows
 * it passes over) instead of a copy of every match.
 */
export function paginateRowsByCursor<T extends KeyedRow>(
  rows: readonly T[],
  predicate: ((row: T) => boolean) | undefined,
  options: { cursor?: string; limit: number },
): CursorResult<T> {
  requireInteger('limit', options.limit, 1);
  let start = rows.length - 1;
  if (options.cursor !== undefined) {
    const after = cursorKey(options.cursor);
    start = countOlder(rows, isoInstant(after.createdAt) ?? '', after.seq) - 1;
  }
  const items: T[] = [];
  let hasMore = false;
  for (let i = start; i >= 0; i--) {
    const row = rows[i]!;
    if (predicate && !predicate(row)) continue;
    if (items.length === options.limit) {
      hasMore = true;
      break;
    }
    items.push(row);
  }
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: hasMore && last !== undefined ? encodeCursor({ createdAt: Date.parse(last.createdAt), seq: last.seq }) : null,
    hasMore,
  };
}

/** How many of the oldest-first rows sort strictly before (createdAt, seq): they are rows[0 .. n-1]. */
function countOlder(rows: readonly KeyedRow[], createdAt: string, seq: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const row = rows[mid]!;
    if (row.createdAt < createdAt || (row.createdAt === createdAt && row.seq < seq)) low = mid + 1;
    else high = mid;
  }
  return low;
}

const FIRST_4_DIGIT_YEAR = Date.parse('0000-01-01T00:00:00.000Z');
const LAST_4_DIGIT_YEAR = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * An instant spelt as the store spells createdAt (`YYYY-MM-DDTHH:mm:ss.sssZ`), so that it compares with
 * stored timestamps as a string, in the instants' order, without parsing every row. Outside years
 * 0000–9999 (where toISOString adds a sign) it is a string that sorts before ('') or after ('~') every
 * such timestamp. NaN gives undefined: a bound that excludes nothing, as `x < NaN` did.
 */
export function isoInstant(ms: number): string | undefined {
  if (Number.isNaN(ms)) return undefined;
  if (ms < FIRST_4_DIGIT_YEAR) return '';
  if (ms > LAST_4_DIGIT_YEAR) return '~';
  return new Date(ms).toISOString();
}

/**
 * A date filter from the query (`createdAfter=2024-04-08T10:00:00Z`) as an isoInstant bound, parsed once
 * per request so rows compare as strings; undefined when the parameter is absent.
 */
export function isoBound(text: string | undefined): string | undefined {
  return text ? isoInstant(Date.parse(text)) : undefined;
}

/**
 * isoBound for APIs that show times in whole seconds (engine/iso-seconds.ts): a row matches as its
 * client sees it, truncated to the second. An `after` bound keeps rows from the first whole second at
 * or after it; a `before` bound keeps rows up to the end of its second, so `createdBefore` set to a
 * `createdAt` the client read includes that row.
 */
export function wholeSecondBound(text: string | undefined, side: 'after' | 'before'): string | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return isoInstant(ms);
  return isoInstant(side === 'after' ? Math.ceil(ms / 1000) * 1000 : Math.floor(ms / 1000) * 1000 + 999);
}

/** Index of the first item whose key sorts strictly after `key` in newest-first order (lower bound). */
function firstOlderThan<T>(items: readonly T[], keyOf: (item: T) => CursorKey, key: CursorKey): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (isOlder(keyOf(items[mid] as T), key)) high = mid;
    else low = mid + 1;
  }
  return low;
}

function isOlder(a: CursorKey, b: CursorKey): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.seq < b.seq);
}

function isCursorNumber(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function check(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 8);
}

function requireInteger(field: 'page' | 'limit' | 'offset', value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new SimError({
      kind: 'invalid_request',
      message: `${field} must be an integer of at least ${min}.`,
      field,
      value,
    });
  }
}
