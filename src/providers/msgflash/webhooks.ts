/**
 * Webhook endpoints (list, create, delete) and delivery of events to them. The doc names no signing
 * scheme, so deliveries carry Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256>`) keyed with the endpoint's `whsec_…` secret, and go
 * through the engine's dispatcher (retries on the clock, delivery log at /_sim/webhooks/deliveries).
 */
import type { Engine } from '../../engine/engine.js';
import type { BaseRecord } from '../../engine/store.js';
import { generateWebhookSecret, standardWebhooksSigner } from '../../engine/webhook-signing.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { NAMESPACE } from './account.js';
import { msgflashError } from './errors.js';
import { newId } from './ids.js';

export const WEBHOOK_EVENTS = [
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'campaign.completed',
  'instance.connected',
  'instance.disconnected',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookRecord extends BaseRecord {
  url: string;
  events: WebhookEvent[];
  description?: string;
  secret: string;
  active: boolean;
}

export function webhooksOf(engine: Engine, tenant: string) {
  return engine.store.collection<WebhookRecord>(NAMESPACE, tenant, 'webhooks');
}

/** Sends one event (one event id) to every active endpoint of the workspace subscribed to it. */
export function publish(engine: Engine, tenant: string, type: WebhookEvent, data: Record<string, unknown>, subject?: string): void {
  const hooks = webhooksOf(engine, tenant)
    .all()
    .filter((hook) => hook.active && hook.events.includes(type));
  if (hooks.length === 0) return;
  const eventId = newId(engine);
  const payload = { id: eventId, type, createdAt: engine.clock.iso(), data };
  for (const hook of hooks) {
    engine.webhooks.dispatch({
      namespace: NAMESPACE,
      tenant,
      endpointId: hook.id,
      url: hook.url,
      secret: hook.secret,
      eventId,
      eventType: type,
      payload,
      sign: standardWebhooksSigner,
      ...(subject ? { subject } : {}),
    });
  }
}

function webhookView(hook: WebhookRecord, withSecret = false) {
  return {
    id: hook.id,
    url: hook.url,
    events: hook.events,
    ...(hook.description !== undefined ? { description: hook.description } : {}),
    active: hook.active,
    ...(withSecret ? { secret: hook.secret } : {}),
    createdAt: hook.createdAt,
  };
}

export function webhookHandlers(engine: Engine) {
  return {
    listWebhooks(req: HandlerRequest): HandlerResult {
      return {
        status: 200,
        body: {
          data: webhooksOf(engine, req.tenant.id)
            .newestFirst()
            .map((h) => webhookView(h)),
        },
      };
    },

    createWebhook(req: HandlerRequest): HandlerResult {
      const input = req.body as { url: string; events: WebhookEvent[]; description?: string };
      if (!/^https?:\/\//i.test(input.url)) throw msgflashError.invalid('url must be an http or https URL', 'url', input.url);
      const hook = webhooksOf(engine, req.tenant.id).insert({
        id: newId(engine),
        url: input.url,
        events: [...new Set(input.events)],
        ...(input.description !== undefined ? { description: input.description } : {}),
        secret: generateWebhookSecret(engine.random),
        active: true,
      });
      return { status: 201, body: { data: webhookView(hook, true) } };
    },

    deleteWebhook(req: HandlerRequest): HandlerResult {
      const id = req.params.id!;
      if (!webhooksOf(engine, req.tenant.id).remove(id)) throw msgflashError.notFound('Webhook', 'id', id);
      return { status: 200, body: { data: { id, deleted: true } } };
    },
  };
}
