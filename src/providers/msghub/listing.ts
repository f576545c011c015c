/** Msghub's page/limit pagination: `{ data, pagination: { page, limit, total, pages } }` (default limit 50, max 100). */
import { paginateByPage } from '../../engine/pagination.js';
import { msghubError } from './errors.js';

export const DEFAULT_LIMIT = 50;

export function pageOf<T, V>(items: readonly T[], query: Record<string, unknown>, view: (item: T) => V) {
  const page = toInt(query.page, 1, 'page');
  const limit = toInt(query.limit, DEFAULT_LIMIT, 'limit');
  const result = paginateByPage(items, page, limit);
  return {
    data: result.items.map(view),
    pagination: { page: result.page, limit: result.limit, total: result.total, pages: result.pages },
  };
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
