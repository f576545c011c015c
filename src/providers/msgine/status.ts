/**
 * MsGine's status words. The doc shows only `pending`; msgsim maps the engine's states onto the words
 * an SMS API uses, and derives one status for a message sent to several recipients.
 */
import type { MessageState } from '../../engine/message.js';

export const MSGINE_STATUSES = ['pending', 'sent', 'delivered', 'failed', 'undelivered'] as const;
export type MsgineStatus = (typeof MSGINE_STATUSES)[number];

/** `read` is a delivery receipt SMS does not have: it stays `delivered`. */
const WORD: Record<MessageState, MsgineStatus> = {
  queued: 'pending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  failed: 'failed',
  undelivered: 'undelivered',
};

export function msgineStatus(state: MessageState): MsgineStatus {
  return WORD[state];
}

/**
 * A message's status from its recipients': their common status when they all share one; otherwise
 * pending while any recipient is still pending, else sent (mixed outcomes; each recipient has its own).
 */
export function aggregateStatus(statuses: readonly MsgineStatus[]): MsgineStatus {
  const first = statuses[0];
  if (first === undefined) return 'pending';
  if (statuses.every((s) => s === first)) return first;
  return statuses.includes('pending') ? 'pending' : 'sent';
}
