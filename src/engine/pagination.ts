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
  const total = items.length;
  return {
    items: items.slice(offset, offset + limit),
    offset,
    limit,
    total,
    nextOffset: offset + limit < total ? offset + limit : null,
    previousOffset: offset > 0 ? Math.max(0, offset - limit) : null,
  };
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
export function paginateByCursor<T>(
  items: readonly T[],
  keyOf: (item: T) => CursorKey,
  options: { cursor?: string; limit: number },
): CursorResult<T> {
  requireInteger('limit', options.limit, 1);
  let start = 0;
  if (options.cursor !== undefined) {
    const after = decodeCursor(options.cursor);
    if (after === undefined) {
      throw new SimError({ kind: 'invalid_request', message: 'The cursor is not valid.', field: 'cursor', value: options.cursor });
    }
    start = firstOlderThan(items, keyOf, after);
  }
  const page = items.slice(start, start + options.limit);
  const hasMore = start + page.length < items.length;
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
    hasMore,
  };
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
