/**
 * MessageHub's status words. The doc's send example answers `status: "sent"` at once and its GET
 * example later shows "delivered", so the engine's queued and sent are both "sent"; then delivered,
 * read, failed, and undelivered (a channel said it could not deliver yet; only receipts and /_sim set it).
 */
import type { MessageState } from '../../engine/message.js';

export const STATUS_WORDS = ['sent', 'delivered', 'read', 'failed', 'undelivered'] as const;
export type StatusWord = (typeof STATUS_WORDS)[number];

const WORD: Record<MessageState, StatusWord> = {
  queued: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'undelivered',
};

export function statusWord(state: MessageState): StatusWord {
  return WORD[state];
}

/** The engine state a delivery receipt's status word moves an attempt to (the words are the engine's own). */
export function stateOfWord(word: StatusWord): MessageState {
  return word;
}
