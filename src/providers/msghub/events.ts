/** Turns engine events into Msghub's webhook events, with the payloads its doc shows. */
import type { Engine } from '../../engine/engine.js';
import { isoSecondsOrUndefined } from '../../engine/iso-seconds.js';
import type { MessageState } from '../../engine/message.js';
import type { ContactRecord } from './contacts.js';
import { contactView } from './contacts.js';
import { NAMESPACE } from './messages.js';
import { publish, webhooksOf, type WebhookEvent } from './webhooks.js';

const STATUS_EVENTS: Partial<Record<MessageState, { event: WebhookEvent; stamp: 'deliveredAt' | 'readAt' | 'failedAt' }>> = {
  delivered: { event: 'message.delivered', stamp: 'deliveredAt' },
  read: { event: 'message.read', stamp: 'readAt' },
  failed: { event: 'message.failed', stamp: 'failedAt' },
};

export function subscribeMsghubEvents(engine: Engine): () => void {
  const events = engine.events.forNamespace(NAMESPACE);
  events.on('message.status', ({ message, to }) => {
    const mapping = STATUS_EVENTS[to];
    if (!mapping) return;
    publish(
      engine,
      message.tenant,
      mapping.event,
      {
        messageId: message.id,
        channel: message.channel,
        to: message.to,
        status: to,
        [mapping.stamp]: isoSecondsOrUndefined(message[mapping.stamp]),
        ...(to === 'failed' && message.failure ? { error: { code: message.failure.code, message: message.failure.message } } : {}),
      },
      message.id,
    );
  });
  events.on('record.created', ({ tenant, kind, record }) => {
    if (kind !== 'contact') return;
    const { contactId, name, phone, email, createdAt } = contactView(record as ContactRecord);
    publish(engine, tenant, 'contact.created', { contactId, name, ...(phone ? { phone } : {}), ...(email ? { email } : {}), createdAt }, contactId);
  });
  // A receiver that answers 410 Gone has removed its endpoint: disable the subscription.
  events.on('webhook.gone', ({ delivery }) => {
    if (delivery.endpointId) webhooksOf(engine, delivery.tenant).update(delivery.endpointId, { active: false });
  });
  return () => events.close();
}
