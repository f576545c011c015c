/**
 * GET /messages: MsGine's page/limit pagination ("page" default 1, "limit" default 20, max 100;
 * `{ data, pagination: { page, limit, total, pages } }`), newest first, with msgsim's filters.
 */
import type { Engine } from '../../engine/engine.js';
import { paginateMatchesByPage, wholeSecondBound } from '../../engine/pagination.js';
import { sendsOf, statusOf, type SendRecord } from './store.js';

export const DEFAULT_LIMIT = 20;

/**
 * A page of the tenant's sends, newest first, filtered by status (the message's own), to (any
 * recipient), createdAfter / createdBefore (inclusive). One pass over the sends, keeping only the page;
 * without a filter only the page is read.
 */
export function pageOfSends<V>(engine: Engine, tenant: string, query: Record<string, unknown>, view: (send: SendRecord) => V) {
  const result = paginateMatchesByPage(
    sendsOf(engine, tenant).all(),
    sendFilter(engine, tenant, query),
    toInt(query.page, 1),
    toInt(query.limit, DEFAULT_LIMIT),
  );
  return {
    data: result.items.map(view),
    pagination: { page: result.page, limit: result.limit, total: result.total, pages: result.pages },
  };
}

function sendFilter(engine: Engine, tenant: string, query: Record<string, unknown>): ((send: SendRecord) => boolean) | undefined {
  const status = queryString(query, 'status');
  const to = phoneQuery(queryString(query, 'to'));
  const after = queryString(query, 'createdAfter');
  const before = queryString(query, 'createdBefore');
  // Clients see whole seconds, so the bounds compare at that resolution.
  const afterIso = wholeSecondBound(after, 'after');
  const beforeIso = wholeSecondBound(before, 'before');
  if (status === undefined && to === undefined && afterIso === undefined && beforeIso === undefined) return undefined;
  return (send) => {
    if (afterIso !== undefined && send.createdAt < afterIso) return false;
    if (beforeIso !== undefined && send.createdAt > beforeIso) return false;
    if (to !== undefined && !send.to.includes(to)) return false;
    return status === undefined || statusOf(engine, tenant, send) === status;
  };
}

/**
 * `?to=+256…` sent without percent-encoding arrives as " 256…" (a `+` is a space in form encoding, as
 * curl users find out), so a leading space is read back as the `+` it was.
 */
function phoneQuery(value: string | undefined): string | undefined {
  return value !== undefined && /^ \d/.test(value) ? `+${value.slice(1)}` : value;
}

/** The validator has already bounded these; this only turns query strings into numbers. */
function toInt(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : fallback;
  return Number.isInteger(n) ? n : fallback;
}

function queryString(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
