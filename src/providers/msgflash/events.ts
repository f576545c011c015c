/** Turns engine events into MsgFlash webhook events: message status changes and instance state changes. */
import type { Engine } from '../../engine/engine.js';
import type { MessageState } from '../../engine/message.js';
import { NAMESPACE } from './account.js';
import { messageView } from './message-content.js';
import { publish, webhooksOf, type WebhookEvent } from './webhooks.js';

/** `undelivered` has no event: MsgFlash shows it as sent, which was already announced. */
const STATUS_EVENTS: Partial<Record<MessageState, WebhookEvent>> = {
  sent: 'message.sent',
  delivered: 'message.delivered',
  read: 'message.read',
  failed: 'message.failed',
};

interface InstanceChange {
  id: string;
  state: 'connected' | 'disconnected';
  changedAt: string;
}

export function subscribeMsgflashEvents(engine: Engine): () => void {
  const events = engine.events.forNamespace(NAMESPACE);
  events.on('message.status', ({ message, to }) => {
    const event = STATUS_EVENTS[to];
    if (event) publish(engine, message.tenant, event, messageView(message, engine.clock.now()), message.id);
  });
  events.on('record.updated', ({ tenant, kind, record }) => {
    if (kind !== 'instance') return;
    const change = record as InstanceChange;
    publish(
      engine,
      tenant,
      change.state === 'connected' ? 'instance.connected' : 'instance.disconnected',
      { instanceId: change.id, state: change.state, since: change.changedAt },
      change.id,
    );
  });
  // A receiver that answers 410 Gone has removed its endpoint: disable it (Standard Webhooks).
  events.on('webhook.gone', ({ delivery }) => {
    if (delivery.endpointId) webhooksOf(engine, delivery.tenant).update(delivery.endpointId, { active: false });
  });
  return () => events.close();
}
