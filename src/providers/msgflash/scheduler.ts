/**
 * Scheduled messages leave the queue at `sendAt` through the engine's lifecycle; this watch checks
 * their instance at that moment. A WhatsApp session that is disconnected then cannot send, so the
 * message fails with INSTANCE_DISCONNECTED (webhook `message.failed`), as the app itself would show it.
 */
import type { TimerHandle } from '../../engine/clock.js';
import type { Engine } from '../../engine/engine.js';
import type { SimMessage } from '../../engine/message.js';
import { NAMESPACE } from './account.js';
import { instanceState } from './instances.js';
import type { MsgflashMessageData } from './message-content.js';
import { messagesOf } from './messages.js';

export const INSTANCE_DISCONNECTED_FAILURE = { code: 'INSTANCE_DISCONNECTED', message: 'The instance was disconnected when the message was due' };

export class ScheduledSends {
  private readonly timers = new Map<string, { tenant: string; timer: TimerHandle }>();

  constructor(private readonly engine: Engine) {}

  watch(message: SimMessage): void {
    if (!message.sendAt || message.status !== 'queued') return;
    const timer = this.engine.clock.scheduleAt(Date.parse(message.sendAt), () => this.due(message), `msgflash schedule ${message.id}`);
    this.timers.set(message.id, { tenant: message.tenant, timer });
  }

  /** Re-arms the watch of scheduled messages restored from a data file. */
  resumeAll(): void {
    for (const tenant of this.engine.store.tenants(NAMESPACE)) {
      for (const message of messagesOf(this.engine, tenant).all()) this.watch(message);
    }
  }

  clear(tenant?: string): void {
    for (const [id, entry] of this.timers) {
      if (tenant && entry.tenant !== tenant) continue;
      entry.timer.cancel();
      this.timers.delete(id);
    }
  }

  private due(message: SimMessage): void {
    this.timers.delete(message.id);
    // Reset meanwhile, or moved on by a forced transition.
    if (messagesOf(this.engine, message.tenant).get(message.id) !== message || message.status !== 'queued') return;
    const { instanceId } = message.data as unknown as MsgflashMessageData;
    if (instanceState(this.engine, message.tenant, instanceId).state === 'connected') return;
    this.engine.lifecycle.transition(message, 'failed', { failure: INSTANCE_DISCONNECTED_FAILURE });
  }
}
