/**
 * Where MsGine keeps its messages. One send is one MsGine message (record in `sends`) and one engine
 * message per recipient (the shared `messages` collection, so the /_sim outbox, magic recipients and
 * forced transitions work per recipient), linked by `data.parentId`.
 */
import type { Engine } from '../../engine/engine.js';
import { MESSAGES } from '../../engine/engine.js';
import type { SimMessage } from '../../engine/message.js';
import type { BaseRecord } from '../../engine/store.js';
import type { SmsEncoding } from '../../engine/sms.js';
import { NAMESPACE } from './auth.js';
import { aggregateStatus, msgineStatus, type MsgineStatus } from './status.js';

export interface SendRecipient {
  to: string;
  country?: string;
  cost: number;
  /** Id of the engine message that carries this recipient's lifecycle. */
  messageId: string;
}

export interface SendRecord extends BaseRecord {
  to: string[];
  message: string;
  callbackUrl?: string;
  encoding: SmsEncoding;
  segments: number;
  cost: number;
  currency: 'USD';
  recipients: SendRecipient[];
  /** The callback receiver answered 410 Gone: no more callbacks for this message (Standard Webhooks). */
  callbackGone?: boolean;
}

export interface RecipientMessageData {
  parentId: string;
  body: string;
  /** This recipient's share of the charge, so the outbox and dev inbox can show it. */
  cost: number;
  currency: string;
}

export function sendsOf(engine: Engine, tenant: string) {
  return engine.store.collection<SendRecord>(NAMESPACE, tenant, 'sends');
}

export function messagesOf(engine: Engine, tenant: string) {
  return engine.store.collection<SimMessage>(NAMESPACE, tenant, MESSAGES);
}

/** The recipients' engine messages, in the send's order (absent ones skipped). */
export function recipientMessages(engine: Engine, tenant: string, send: SendRecord): SimMessage[] {
  const messages = messagesOf(engine, tenant);
  return send.recipients.flatMap((r) => messages.get(r.messageId) ?? []);
}

export function statusOf(engine: Engine, tenant: string, send: SendRecord): MsgineStatus {
  return aggregateStatus(recipientMessages(engine, tenant, send).map((m) => msgineStatus(m.status)));
}
