/** Msghub's page/limit pagination: `{ data, pagination: { page, limit, total, pages } }` (default limit 50, max 100). */
import { paginateMatchesByPage } from '../../engine/pagination.js';
import type { BaseRecord, Collection } from '../../engine/store.js';
import { msghubError } from './errors.js';

export const DEFAULT_LIMIT = 50;

/**
 * A page of a collection, newest first. Without a filter only the page itself is read (O(limit)), so a
 * list costs the same at 10 k or 1 M stored; with one, one pass counts the matches and keeps the page.
 */
export function pageOf<T extends BaseRecord, V>(
  collection: Collection<T>,
  predicate: ((item: T) => boolean) | undefined,
  query: Record<string, unknown>,
  view: (item: T) => V,
) {
  const result = paginateMatchesByPage(collection.all(), predicate, toInt(query.page, 1, 'page'), toInt(query.limit, DEFAULT_LIMIT, 'limit'));
  return { data: result.items.map(view), pagination: { page: result.page, limit: result.limit, total: result.total, pages: result.pages } };
}

/**
 * The validator bounds these, but Ajv without strictNumbers lets `Infinity` and `1e400` through as
 * integers, so anything that is not a finite integer is refused here rather than read as the default.
 */
function toInt(value: unknown, fallback: number, field: string): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw msghubError.invalid(`${field} must be an integer`, field, value);
  return n;
}

export function queryString(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
