/**
 * Scheduled messages leave the queue at `sendAt` through the engine's lifecycle; this job checks their
 * instance at that moment. A WhatsApp session that is disconnected then cannot send, so the message
 * fails with INSTANCE_DISCONNECTED (webhook `message.failed`), as the app itself would show it.
 */
import type { Engine } from '../../engine/engine.js';
import type { SimMessage } from '../../engine/message.js';
import { NAMESPACE } from './account.js';
import { instanceState } from './instances.js';
import type { MsgflashMessageData } from './message-content.js';
import { messagesOf } from './message-store.js';

export const INSTANCE_DISCONNECTED_FAILURE = { code: 'INSTANCE_DISCONNECTED', message: 'The instance was disconnected when the message was due' };

const SCHEDULED_SEND = 'msgflash.scheduled-send';

export class ScheduledSends {
  constructor(private readonly engine: Engine) {
    engine.jobs.define<{ messageId: string }>(SCHEDULED_SEND, (job) => this.due(job.tenant, job.payload.messageId));
  }

  watch(message: SimMessage): void {
    if (!message.sendAt || message.status !== 'queued') return;
    this.engine.jobs.schedule({
      namespace: NAMESPACE,
      tenant: message.tenant,
      kind: SCHEDULED_SEND,
      key: message.id,
      at: Date.parse(message.sendAt),
      payload: { messageId: message.id },
    });
  }

  private due(tenant: string, messageId: string): void {
    const message = messagesOf(this.engine, tenant).get(messageId);
    // Moved on by a forced transition meanwhile.
    if (!message || message.status !== 'queued') return;
    const { instanceId } = message.data as unknown as MsgflashMessageData;
    if (instanceState(this.engine, tenant, instanceId).state === 'connected') return;
    this.engine.lifecycle.transition(message, 'failed', { failure: INSTANCE_DISCONNECTED_FAILURE });
  }
}
