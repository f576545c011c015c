/**
 * MsgFlash's two list shapes (from its doc): simple lists `{data: [...]}` and cursor-paginated lists
 * `{data: {<items>: [...], nextCursor, hasMore}}`. Cursors are the engine's opaque keyset cursors, so a
 * page stays correct while new items are inserted; a malformed or tampered one is `400 INVALID_CURSOR`.
 */
import { SimError, isSimError } from '../../engine/errors.js';
import { paginateRowsByCursor } from '../../engine/pagination.js';
import type { BaseRecord, Collection } from '../../engine/store.js';
import { MsgflashCode, MsgflashMessage } from './errors.js';

export const DEFAULT_LIMIT = 20;

/**
 * A cursor page of a collection's records that match, newest first, read in place: the cursor's
 * position by binary search and only the rows up to the page's end, whatever the collection holds.
 */
export function cursorPageOf<T extends BaseRecord, V>(
  collection: Collection<T>,
  predicate: ((item: T) => boolean) | undefined,
  query: Record<string, unknown>,
  name: string,
  view: (item: T) => V,
) {
  const limit = toInt(query.limit, DEFAULT_LIMIT);
  const cursor = queryString(query, 'cursor');
  try {
    const page = paginateRowsByCursor(collection.all(), predicate, { limit, ...(cursor !== undefined ? { cursor } : {}) });
    return { data: { [name]: page.items.map(view), nextCursor: page.nextCursor, hasMore: page.hasMore } };
  } catch (error) {
    if (isSimError(error) && error.field === 'cursor') {
      throw new SimError({
        kind: 'invalid_request',
        code: MsgflashCode.invalidCursor,
        message: MsgflashMessage.invalidCursor,
        field: 'cursor',
        value: cursor,
      });
    }
    throw error;
  }
}

/** The validator has already bounded these; this only turns query strings into numbers. */
function toInt(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : fallback;
  return Number.isInteger(n) ? n : fallback;
}

export function queryString(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
