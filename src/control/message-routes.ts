/** /_sim/messages: the outbox across providers and tenants, and forced status transitions. */
import type { Router } from 'express';
import { MESSAGES } from '../engine/engine.js';
import { MESSAGE_STATES, type MessageState, type SimMessage } from '../engine/message.js';
import { paginateMergedByOffset } from '../engine/pagination.js';
import type { ControlContext } from './context.js';
import { badRequest, notFound } from './errors.js';
import { optionalString, parseIntParam } from './params.js';
import { messageView as view } from './views.js';

export function registerMessageRoutes(router: Router, { engine }: ControlContext): void {
  router.get('/messages', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const provider = optionalString(q.provider, 'provider');
    const tenant = optionalString(q.tenant, 'tenant');
    const status = optionalString(q.status, 'status');
    const channel = optionalString(q.channel, 'channel');
    const to = optionalString(q.to, 'to');
    const limit = parseIntParam(q.limit, 'limit', 1, 1000, 100);
    const offset = parseIntParam(q.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
    if (status && !MESSAGE_STATES.includes(status as MessageState)) throw badRequest(`status must be one of ${MESSAGE_STATES.join(', ')}`, 'status', status);
    const lists = engine.store
      .collections<SimMessage>(MESSAGES, provider)
      .filter((ref) => !tenant || ref.tenant === tenant)
      .map((ref) => ref.collection.all());
    const filter = (message: SimMessage) => (!status || message.status === status) && (!channel || message.channel === channel) && (!to || message.to === to);
    // Newest first across every tenant by seq, merged rather than flattened and sorted.
    const page = paginateMergedByOffset(lists, status || channel || to ? filter : undefined, offset, limit);
    res.json({ data: page.items.map(view), total: page.total, limit: page.limit, offset: page.offset, nextOffset: page.nextOffset });
  });

  router.get('/messages/:provider/:id', (req, res) => {
    res.json(view(find(req.params.provider, req.params.id)));
  });

  /** Body: { status: "delivered" | "read" | "failed" | "undelivered" | "sent", reason? }. */
  router.post('/messages/:provider/:id/status', (req, res) => {
    const message = find(req.params.provider, req.params.id);
    const body = (req.body ?? {}) as { status?: unknown; reason?: unknown };
    if (!MESSAGE_STATES.includes(body.status as MessageState)) throw badRequest(`status must be one of ${MESSAGE_STATES.join(', ')}`, 'status', body.status);
    const reason = optionalString(body.reason, 'reason');
    engine.lifecycle.force(message, body.status as MessageState, reason ? { reason } : {});
    res.json(view(message));
  });

  function find(provider: string, id: string): SimMessage {
    for (const ref of engine.store.collections<SimMessage>(MESSAGES, provider)) {
      const message = ref.collection.get(id);
      if (message) return message;
    }
    throw notFound(`No ${provider} message ${id}`);
  }
}
