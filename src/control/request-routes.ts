/** /_sim/requests: the request journal (what the apps sent to the providers, and what was refused), paged with a cursor. */
import type { Router } from 'express';
import type { RequestFilter } from '../engine/request-journal.js';
import type { ControlContext } from './context.js';
import { badRequest, notFound } from './errors.js';
import { optionalString, parseIntParam } from './params.js';

export function registerRequestRoutes(router: Router, { engine }: ControlContext): void {
  const journal = engine.requests;

  router.get('/requests', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const filter = requestFilter(q);
    const limit = parseIntParam(q.limit, 'limit', 1, 1000, 100);
    const cursor = optionalString(q.cursor, 'cursor');
    const page = journal.page({ filter, limit, ...(cursor !== undefined ? { cursor } : {}) });
    res.json({
      data: page.records.map((r) => r.view()),
      total: page.total,
      nextCursor: page.nextCursor,
      journal: { size: journal.size, bytes: journal.bytes, dropped: journal.dropped, maxEntries: journal.maxEntries, maxBytes: journal.maxBytes },
    });
  });

  router.get('/requests/:id', (req, res) => {
    const record = journal.get(req.params.id);
    if (!record) throw notFound(`No request ${req.params.id} in the journal`);
    res.json(record.view());
  });

  router.delete('/requests', (_req, res) => {
    journal.clear();
    res.status(204).end();
  });
}

/** The journal's filters from a query string; a bad one is a 400 naming it. */
export function requestFilter(q: Record<string, unknown>): RequestFilter {
  const filter: RequestFilter = {};
  for (const name of ['provider', 'tenant', 'method', 'path', 'status', 'to'] as const) {
    const value = optionalString(q[name], name);
    if (value !== undefined && value !== '') filter[name] = value;
  }
  const since = optionalString(q.since, 'since');
  if (since !== undefined && since !== '') {
    const ms = Date.parse(since);
    if (Number.isNaN(ms)) throw badRequest('since must be an ISO 8601 timestamp (simulated time)', 'since', since);
    filter.since = ms;
  }
  return filter;
}
