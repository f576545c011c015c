/**
 * Tastypie's list shape and paginator (django-tastypie, tastypie/paginator.py):
 * `{"meta": {limit, next, offset, previous, total_count}, "objects": [...]}`.
 *   - limit defaults to 20 (API_LIMIT_PER_PAGE); 0 or more than max_limit (1000) gives max_limit;
 *   - previous is null when offset - limit < 0 (not clamped to 0, unlike Django REST Framework);
 *   - next is null when offset + limit >= total_count;
 *   - next/previous are the list's resource URI plus the request's query string with limit and offset
 *     replaced at the end (Paginator._generate_uri), so username and api_key are carried along.
 * Keys are in sorted order, as Tastypie's JSON serializer writes them (sort_keys=True).
 */
import { paginateByOffset } from '../../engine/pagination.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;

/** `listUri`: the list's URI (links.ts), the same /api/v1/ form as its objects' resource_uri. */
export function tastypiePage<T, V>(items: readonly T[], query: Record<string, unknown>, listUri: string, view: (item: T) => V) {
  const requested = toInt(query.limit, DEFAULT_LIMIT);
  const limit = requested === 0 || requested > MAX_LIMIT ? MAX_LIMIT : requested;
  const offset = toInt(query.offset, 0);
  const page = paginateByOffset(items, offset, limit);
  const uri = (at: number) => `${listUri}?${pageQuery(query, limit, at)}`;
  return {
    meta: {
      limit,
      next: page.nextOffset === null ? null : uri(page.nextOffset),
      offset,
      previous: offset - limit < 0 ? null : uri(offset - limit),
      total_count: page.total,
    },
    objects: page.items.map(view),
  };
}

/** The request's parameters in their order, limit and offset dropped and appended (Tastypie's order). */
function pageQuery(query: Record<string, unknown>, limit: number, offset: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (name === 'limit' || name === 'offset') continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  params.append('limit', String(limit));
  params.append('offset', String(offset));
  return params.toString();
}

/** The validator has already checked these are integers ≥ 0; this only turns query strings into numbers. */
function toInt(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : fallback;
  return Number.isInteger(n) ? n : fallback;
}
