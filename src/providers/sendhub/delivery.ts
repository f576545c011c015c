/**
 * Delivery on the engine: one engine message per distinct recipient number (so the /_sim outbox,
 * forced transitions and the magic recipients work as for every provider), linked to its SendHub
 * message by `data.parentId`. A scheduled send waits in the queue until `sendAt`.
 */
import type { Engine } from '../../engine/engine.js';
import { NAMESPACE, nextMessageId, sendhubMessagesOf, type SendhubMessageRecord } from './account.js';
import type { ResolvedRecipients } from './recipients.js';

export interface DeliveryData {
  parentId: string;
  text: string;
  contactId?: number;
}

/** Stores the SendHub message and starts one engine message per recipient. */
export function createOutbound(engine: Engine, tenant: string, resolved: ResolvedRecipients, text: string, scheduledAt: string | null): SendhubMessageRecord {
  const record = sendhubMessagesOf(engine, tenant).insert({
    id: nextMessageId(engine, tenant),
    direction: 'to',
    contacts: resolved.contacts,
    groups: resolved.groups,
    text,
    scheduledAt,
    sentAt: null,
    unread: null,
    deliveryIds: [],
  });
  for (const recipient of resolved.recipients) {
    const data: DeliveryData = { parentId: record.id, text, ...(recipient.contactId !== undefined ? { contactId: recipient.contactId } : {}) };
    const message = engine.lifecycle.enqueue({
      // Seeded and unique across accounts, so /_sim/messages/sendhub/<id> names one message.
      id: engine.ids.next('sh_'),
      namespace: NAMESPACE,
      tenant,
      channel: 'sms',
      to: recipient.to,
      data,
      ...(scheduledAt ? { sendAt: scheduledAt } : {}),
    });
    record.deliveryIds.push(message.id);
  }
  sendhubMessagesOf(engine, tenant).touch(record);
  return record;
}

/**
 * `sent` on a SendHub message: when the first of its recipients' messages reaches `sent` (they all
 * leave the queue at the same instant unless QA forces one through /_sim).
 */
export function subscribeSendhubDelivery(engine: Engine): () => void {
  return engine.events.forNamespace(NAMESPACE).on('message.status', ({ message, to }) => {
    if (to !== 'sent') return;
    const parentId = (message.data as Partial<DeliveryData>).parentId;
    if (!parentId) return;
    const messages = sendhubMessagesOf(engine, message.tenant);
    const parent = messages.get(parentId);
    if (parent && parent.sentAt === null) messages.update(parent.id, { sentAt: message.sentAt ?? engine.clock.iso() });
  });
}
