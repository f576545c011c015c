/** /_sim/webhooks/deliveries: every attempt of every webhook, paged with a cursor, with replay. */
import type { Router } from 'express';
import type { DeliveryStatus } from '../engine/webhooks.js';
import type { ControlContext } from './context.js';
import { badRequest, notFound } from './errors.js';
import { optionalString, parseIntParam } from './params.js';
import { deliveryView as view } from './views.js';

const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'retrying', 'succeeded', 'failed', 'disabled'];

export function registerWebhookRoutes(router: Router, { engine }: ControlContext): void {
  router.get('/webhooks/deliveries', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const filter = {
      namespace: optionalString(q.provider, 'provider'),
      tenant: optionalString(q.tenant, 'tenant'),
      eventType: optionalString(q.eventType, 'eventType'),
      status: optionalString(q.status, 'status') as DeliveryStatus | undefined,
      subject: optionalString(q.subject, 'subject'),
    };
    if (filter.status !== undefined && !DELIVERY_STATUSES.includes(filter.status))
      throw badRequest(`status must be one of ${DELIVERY_STATUSES.join(', ')}`, 'status', filter.status);
    const limit = parseIntParam(q.limit, 'limit', 1, 1000, 100);
    const cursor = optionalString(q.cursor, 'cursor');
    const defined = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    const page = engine.webhooks.page({ filter: defined, limit, ...(cursor !== undefined ? { cursor } : {}) });
    res.json({ data: page.deliveries.map(view), total: page.total, nextCursor: page.nextCursor });
  });

  router.get('/webhooks/deliveries/:id', (req, res) => {
    const delivery = engine.webhooks.get(req.params.id);
    if (!delivery) throw notFound(`No webhook delivery ${req.params.id}`);
    res.json(view(delivery));
  });

  router.post('/webhooks/deliveries/:id/replay', (req, res) => {
    const delivery = engine.webhooks.replay(req.params.id);
    if (!delivery) throw notFound(`No webhook delivery ${req.params.id}`);
    res.status(202).json(view(delivery));
  });
}
