/** The engine's provider-neutral message record; each provider maps states to its own words. */
import type { BaseRecord } from './store.js';
import type { MagicOutcome } from './magic.js';

/** The engine collection every provider's messages live in (the control outbox reads it). */
export const MESSAGES = 'messages';

export type MessageState = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';

export const MESSAGE_STATES: readonly MessageState[] = ['queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'];

export interface MessageFailure {
  code: string;
  message: string;
}

export interface StatusChange {
  status: MessageState;
  at: string;
  forced?: boolean;
  reason?: string;
}

export interface SimMessage extends BaseRecord {
  namespace: string;
  tenant: string;
  channel: string;
  to: string;
  status: MessageState;
  /** What the recipient's magic (or ordinary) address makes of this message. */
  outcome: MagicOutcome;
  /** When the message leaves the queue (scheduled sends); absent = as soon as possible. */
  sendAt?: string;
  sentAt?: string;
  deliveredAt?: string;
  readAt?: string;
  failedAt?: string;
  undeliveredAt?: string;
  failure?: MessageFailure;
  history: StatusChange[];
  /** Provider-specific fields (body, cost, campaign id…), opaque to the engine. */
  data: Record<string, unknown>;
}
