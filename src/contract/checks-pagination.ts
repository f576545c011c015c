/**
 * Pagination invariants on the profile's list: walking every page (one item a page) sees no item twice,
 * the count adds up to the documented total, and, for cursors, an insert between pages neither repeats
 * nor skips an item that existed before it.
 */
import { CheckFailure, CheckSkipped, itemId, listItems, type ContractContext } from './context.js';
import type { NamedCheck } from './checks-read.js';
import { present, type Pagination } from '../providers/client-profile.js';

const MAX_PAGES = 200;

interface Walk {
  ids: string[];
  total: number | undefined;
}

async function page(c: ContractContext, path: string, query: Record<string, string>): Promise<unknown> {
  const op = c.operation('get', path);
  if (!op) throw new CheckFailure(`the spec documents no GET ${path}`, `GET ${path}`, 'absent');
  const res = await c.call({ method: 'GET', path, query });
  c.expectConforming(op, res, [200]);
  return res.body;
}

function ids(body: unknown): string[] {
  const items = listItems(body);
  if (!items) throw new CheckFailure('a page has no item array', 'an array of items', JSON.stringify(body).slice(0, 300));
  return items.map((item, i) => itemId(item) ?? `(item ${i} without id)`);
}

async function walk(c: ContractContext, p: Pagination, betweenFirstPages?: () => Promise<void>): Promise<Walk> {
  const seen: string[] = [];
  let total: number | undefined;
  let cursor: string | null = null;
  for (let n = 0; n < MAX_PAGES; n++) {
    const query: Record<string, string> = { [p.limitParam]: '1' };
    if (p.style === 'page') query[p.pageParam] = String(n + 1);
    if (p.style === 'offset') query[p.offsetParam] = String(n);
    if (p.style === 'cursor' && cursor) query[p.cursorParam] = cursor;
    const body = await page(c, p.path, query);
    const got = ids(body);
    if (p.style !== 'cursor') total ??= p.total(body);
    seen.push(...got);
    if (n === 0 && betweenFirstPages) await betweenFirstPages();
    if (p.style === 'cursor') {
      cursor = p.next(body);
      if (!cursor) return { ids: seen, total };
    } else if (got.length === 0 || (total !== undefined && seen.length >= total)) {
      return { ids: seen, total };
    }
  }
  throw new CheckFailure(`pagination did not end within ${MAX_PAGES} pages`, 'a last page', `${MAX_PAGES} pages`);
}

function duplicates(list: string[]): string[] {
  return list.filter((id, i) => list.indexOf(id) !== i);
}

export const paginationCheck: NamedCheck = {
  name: 'pagination: no duplicates or gaps across pages, totals add up',
  async run(c) {
    const p = present(c.profile.pagination);
    if (!p) throw new CheckSkipped(`${c.provider} documents no paginated list`);
    const { ids: seen, total } = await walk(c, p);
    if (seen.length === 0) throw new CheckSkipped(`GET ${p.path} is empty: nothing to page through`);
    const dup = duplicates(seen);
    if (dup.length) throw new CheckFailure('an item appeared on two pages', 'each id once', `repeated: ${dup.join(', ')}`);
    // A single page holding everything is the reference for gaps.
    const all = ids(await page(c, p.path, { [p.limitParam]: String(Math.min(100, Math.max(seen.length, 1))) }));
    const missing = all.filter((id) => !seen.includes(id));
    if (missing.length) throw new CheckFailure('pages skipped items', `all of ${all.join(', ')}`, `missing ${missing.join(', ')}`);
    if (total !== undefined && total !== seen.length)
      throw new CheckFailure('the total does not add up', `total ${total}`, `${seen.length} items across pages`);
  },
};

export const cursorStabilityCheck: NamedCheck = {
  name: 'pagination: cursors are stable under an insert between pages',
  async run(c) {
    const p = present(c.profile.pagination);
    if (!p || p.style !== 'cursor') throw new CheckSkipped(`${c.provider} pages without cursors`);
    const sendOp = c.operation('post', c.profile.send.path);
    const send = async () => {
      const res = await c.call({ method: 'POST', path: c.profile.send.path, body: c.profile.send.body(c.nextRecipient()) });
      if (sendOp) c.expectConforming(sendOp, res, [200, 201, 202]);
    };
    let before = ids(await page(c, p.path, { [p.limitParam]: '100' }));
    if (before.length < 2) {
      // Two items are needed to have a page boundary to insert at.
      const needed = 2 - before.length;
      c.reserveSends(needed + 1);
      for (let i = 0; i < needed; i++) await send();
      before = ids(await page(c, p.path, { [p.limitParam]: '100' }));
    } else {
      c.reserveSends(1);
    }
    const { ids: seen } = await walk(c, p, send);
    const dup = duplicates(seen);
    if (dup.length) throw new CheckFailure('an item appeared twice after the insert', 'each id once', `repeated: ${dup.join(', ')}`);
    const missing = before.filter((id) => !seen.includes(id));
    if (missing.length) throw new CheckFailure('items were skipped after the insert', `all of ${before.join(', ')}`, `missing ${missing.join(', ')}`);
  },
};
