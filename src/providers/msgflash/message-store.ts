/** Where MsgFlash's messages are kept, and how a checked send becomes one (sends, schedules and campaigns). */
import type { Engine } from '../../engine/engine.js';
import { MESSAGES } from '../../engine/engine.js';
import type { SimMessage } from '../../engine/message.js';
import { NAMESPACE } from './account.js';
import { newId } from './ids.js';
import type { MessageContent, MsgflashMessageData } from './message-content.js';

export function messagesOf(engine: Engine, tenant: string) {
  return engine.store.collection<SimMessage>(NAMESPACE, tenant, MESSAGES);
}

export interface NewMessage {
  instanceId: string;
  to: string;
  content: MessageContent;
  campaignId?: string;
  sendAt?: string;
}

/** Stores a checked send and starts its lifecycle (a scheduled one leaves the queue at `sendAt`). */
export function createMessage(engine: Engine, tenant: string, input: NewMessage): SimMessage {
  const data: MsgflashMessageData = { instanceId: input.instanceId, ...input.content, ...(input.campaignId ? { campaignId: input.campaignId } : {}) };
  return engine.lifecycle.enqueue({
    id: newId(engine),
    namespace: NAMESPACE,
    tenant,
    channel: 'whatsapp',
    to: input.to,
    data,
    ...(input.sendAt ? { sendAt: input.sendAt } : {}),
  });
}
