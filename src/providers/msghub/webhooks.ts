/**
 * Webhook subscriptions (one event and one URL each, as Msghub's Settings page) and delivery of
 * events to them, signed the way the doc's Python check verifies:
 * `X-Msghub-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`.
 */
import type { Engine } from '../../engine/engine.js';
import { isoSeconds } from '../../engine/iso-seconds.js';
import type { BaseRecord } from '../../engine/store.js';
import { generateWebhookSecret, hmacSha256Hex, type WebhookSigner } from '../../engine/webhook-signing.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { MsghubCode, msghubError } from './errors.js';
import { pageOf } from './listing.js';
import { NAMESPACE } from './messages.js';

export const WEBHOOK_EVENTS = ['message.delivered', 'message.read', 'message.failed', 'contact.created', 'campaign.completed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookRecord extends BaseRecord {
  event: WebhookEvent;
  url: string;
  secret: string;
  active: boolean;
}

export function webhooksOf(engine: Engine, tenant: string) {
  return engine.store.collection<WebhookRecord>(NAMESPACE, tenant, 'webhooks');
}

export const signMsghub: WebhookSigner = ({ secret, rawBody, eventId }) => ({
  'X-Msghub-Signature': `sha256=${hmacSha256Hex(secret, rawBody)}`,
  'X-Msghub-Event-Id': eventId,
});

/** Sends one event to every active subscription of the tenant for that event. */
export function publish(engine: Engine, tenant: string, event: WebhookEvent, payload: Record<string, unknown>, subject?: string): void {
  let eventId: string | undefined;
  // Looked up without creating: most tenants have no webhook, and an empty collection would be persisted.
  for (const hook of engine.store.find<WebhookRecord>(NAMESPACE, tenant, 'webhooks')?.all() ?? []) {
    if (!hook.active || hook.event !== event) continue;
    // Drawn only for an event someone receives: most messages' tenants have no webhook, and each draw
    // allocates a string and moves the seeded sequence (still the same run for the same seed).
    eventId ??= engine.ids.next('evt_');
    engine.webhooks.dispatch({
      namespace: NAMESPACE,
      tenant,
      endpointId: hook.id,
      url: hook.url,
      secret: hook.secret,
      eventId,
      eventType: event,
      payload: { event, ...payload },
      sign: signMsghub,
      ...(subject ? { subject } : {}),
    });
  }
}

function webhookView(hook: WebhookRecord, withSecret = false) {
  return {
    webhookId: hook.id,
    event: hook.event,
    url: hook.url,
    ...(withSecret ? { secret: hook.secret } : {}),
    active: hook.active,
    createdAt: isoSeconds(hook.createdAt),
  };
}

export function webhookHandlers(engine: Engine) {
  return {
    createWebhook(req: HandlerRequest): HandlerResult {
      const input = req.body as { event: WebhookEvent; url: string };
      if (!/^https?:\/\//i.test(input.url)) throw msghubError.invalid('url must be an http or https URL', 'url', input.url);
      const hook = webhooksOf(engine, req.tenant.id).insert({
        id: engine.ids.next('wh_'),
        event: input.event,
        url: input.url,
        secret: generateWebhookSecret(engine.random),
        active: true,
      });
      return { status: 201, body: webhookView(hook, true) };
    },

    listWebhooks(req: HandlerRequest): HandlerResult {
      return { status: 200, body: pageOf(webhooksOf(engine, req.tenant.id), undefined, req.query, (h) => webhookView(h)) };
    },

    deleteWebhook(req: HandlerRequest): HandlerResult {
      const id = req.params.webhookId!;
      if (!webhooksOf(engine, req.tenant.id).remove(id)) throw msghubError.notFound(MsghubCode.webhookNotFound, 'Webhook does not exist', 'webhookId', id);
      return { status: 204 };
    },
  };
}
