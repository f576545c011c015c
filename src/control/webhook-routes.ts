/** /_sim/webhooks/deliveries: every attempt of every webhook, with replay. */
import type { Router } from 'express';
import type { DeliveryStatus } from '../engine/webhooks.js';
import type { ControlContext } from './context.js';
import { badRequest, notFound } from './errors.js';

const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'retrying', 'succeeded', 'failed', 'disabled'];
import { optionalString, parseIntParam } from './params.js';
import { deliveryView as view } from './views.js';

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
    if (filter.status !== undefined && !DELIVERY_STATUSES.includes(filter.status)) throw badRequest(`status must be one of ${DELIVERY_STATUSES.join(', ')}`, 'status', filter.status);
    const limit = parseIntParam(q.limit, 'limit', 1, 1000, 100);
    const defined = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    const all = engine.webhooks.list(defined);
    res.json({ data: all.slice(0, limit).map(view), total: all.length });
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
