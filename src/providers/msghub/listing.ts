/** Msghub's page/limit pagination: `{ data, pagination: { page, limit, total, pages } }` (default limit 50, max 100). */
import { paginateByPage } from '../../engine/pagination.js';

export const DEFAULT_LIMIT = 50;

export function pageOf<T, V>(items: readonly T[], query: Record<string, unknown>, view: (item: T) => V) {
  const page = toInt(query.page, 1);
  const limit = toInt(query.limit, DEFAULT_LIMIT);
  const result = paginateByPage(items, page, limit);
  return {
    data: result.items.map(view),
    pagination: { page: result.page, limit: result.limit, total: result.total, pages: result.pages },
  };
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
