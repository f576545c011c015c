/**
 * A MessageHub message owns its delivery attempts ("Smart Fallback: auto-retry failed messages on
 * alternative channels"). The message lives in this provider's `hub_messages` collection; each attempt is
 * one engine message (collection `messages`, `data.parentId`) on one channel, with its own lifecycle,
 * so the /_sim outbox, forced transitions and the inbox UI see every attempt.
 */
import type { Engine } from '../../engine/engine.js';
import { MESSAGES } from '../../engine/engine.js';
import type { SimMessage } from '../../engine/message.js';
import type { BaseRecord } from '../../engine/store.js';
import { NAMESPACE } from './auth.js';
import type { Channel } from './channels.js';
import type { PreparedContent } from './content.js';
import { statusWord } from './status.js';

export const HUB_MESSAGES = 'hub_messages';

export interface FallbackConfig {
  channels: Channel[];
  timeoutSeconds: number;
  recipients?: Partial<Record<Channel, string>>;
}

export interface HubMessage extends BaseRecord {
  to: string;
  /** The primary channel. */
  channel: Channel;
  content: PreparedContent;
  fallback?: FallbackConfig;
  /** Engine message ids, in the order tried; the last is the current attempt. */
  attemptIds: string[];
  /** When the current attempt times out and the next channel is tried (absent: no timer). */
  timeoutAt?: string;
  batchId?: string;
  distributionId?: string;
}

export interface AttemptData {
  parentId: string;
  /** 1 for the primary channel, 2 for the first fallback… */
  attempt: number;
  text: string;
}

export function hubMessagesOf(engine: Engine, tenant: string) {
  return engine.store.collection<HubMessage>(NAMESPACE, tenant, HUB_MESSAGES);
}

export function attemptsOf(engine: Engine, tenant: string) {
  return engine.store.collection<SimMessage>(NAMESPACE, tenant, MESSAGES);
}

export function attemptList(engine: Engine, message: HubMessage, tenant: string): SimMessage[] {
  const attempts = attemptsOf(engine, tenant);
  return message.attemptIds.map((id) => attempts.get(id)).filter((a): a is SimMessage => a !== undefined);
}

/** The channels in the order they are tried. */
export function chainOf(message: HubMessage): Channel[] {
  return [message.channel, ...(message.fallback?.channels ?? [])];
}

/** Where an attempt on `channel` goes: the fallback's own address for that channel, else `to`. */
export function addressFor(message: HubMessage, channel: Channel): string {
  return channel === message.channel ? message.to : (message.fallback?.recipients?.[channel] ?? message.to);
}

function failureView(attempt: SimMessage) {
  // Delivery failures use the same upper-case code style as API errors.
  return attempt.failure ? { error: { code: attempt.failure.code.toUpperCase(), message: attempt.failure.message } } : {};
}

export function attemptView(attempt: SimMessage) {
  return {
    attemptId: attempt.id,
    channel: attempt.channel,
    to: attempt.to,
    status: statusWord(attempt.status),
    createdAt: attempt.createdAt,
    updatedAt: attempt.updatedAt,
    ...(attempt.sentAt ? { sentAt: attempt.sentAt } : {}),
    ...(attempt.deliveredAt ? { deliveredAt: attempt.deliveredAt } : {}),
    ...(attempt.readAt ? { readAt: attempt.readAt } : {}),
    ...(attempt.failedAt ? { failedAt: attempt.failedAt } : {}),
    ...failureView(attempt),
  };
}

/** GET /messages/:id: the doc's `{ id, status, channel }`, where channel is the one that delivered (or is trying). */
export function messageView(engine: Engine, message: HubMessage, tenant: string) {
  const attempts = attemptList(engine, message, tenant);
  const current = attempts.at(-1);
  const { content } = message;
  const updatedAt = [message.updatedAt, ...attempts.map((a) => a.updatedAt)].sort().at(-1)!;
  return {
    id: message.id,
    status: current ? statusWord(current.status) : 'sent',
    channel: current?.channel ?? message.channel,
    to: message.to,
    contentType: content.contentType,
    ...(content.content !== undefined ? { content: content.content } : {}),
    ...(content.templateId !== undefined ? { templateId: content.templateId, templateParams: content.templateParams ?? {} } : {}),
    ...(content.mediaUrl !== undefined ? { mediaUrl: content.mediaUrl } : {}),
    text: content.text,
    ...(message.fallback ? { fallback: message.fallback } : {}),
    attempts: attempts.map(attemptView),
    ...(message.batchId ? { batchId: message.batchId } : {}),
    ...(message.distributionId ? { distributionId: message.distributionId } : {}),
    createdAt: message.createdAt,
    updatedAt,
    ...(current?.deliveredAt ? { deliveredAt: current.deliveredAt } : {}),
    ...(current?.readAt ? { readAt: current.readAt } : {}),
    ...(current?.failedAt && current.status === 'failed' ? { failedAt: current.failedAt } : {}),
    ...(current?.status === 'failed' ? failureView(current) : {}),
  };
}

/** The send answer, exactly as the doc shows it: `{ messageId, channel, status }`. */
export function sendView(engine: Engine, message: HubMessage, tenant: string) {
  const { id, channel, status } = messageView(engine, message, tenant);
  return { messageId: id, channel, status };
}
