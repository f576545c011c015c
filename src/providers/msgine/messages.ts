/** POST /messages/sms, GET /messages/{id}, GET /messages. */
import { isE164 } from '../../engine/contact-points.js';
import type { Engine } from '../../engine/engine.js';
import { isoSeconds } from '../../engine/iso-seconds.js';
import { magicOutcome, rejectBySendMagic } from '../../engine/magic.js';
import type { SimMessage } from '../../engine/message.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { NAMESPACE } from './auth.js';
import { priceSend } from './cost.js';
import { MAGIC_REFUSALS, msgineError } from './errors.js';
import { pageOfSends } from './listing.js';
import { recipientMessages, sendsOf, statusOf, type RecipientMessageData, type SendRecord } from './store.js';
import { msgineStatus } from './status.js';

interface SendSmsInput {
  to: string | string[];
  message: string;
  callbackUrl?: string;
}

/**
 * Checks every number (shape was checked by the spec; this adds the numbering plan), then the magic
 * recipients that answer at send time. Any 400 wins over a 429/500, as a client error no retry fixes.
 */
function checkRecipients(to: readonly string[], fieldOf: (i: number) => string): void {
  to.forEach((number, i) => {
    if (!isE164(number) || magicOutcome(number) === 'invalid') throw msgineError.invalidPhone(fieldOf(i), number);
  });
  rejectBySendMagic(to, MAGIC_REFUSALS, (number) => msgineError.invalidPhone(fieldOf(to.indexOf(number)), number));
}

/** Stores the message and one engine message per recipient, and starts their lifecycles. */
function createSend(engine: Engine, tenant: string, input: SendSmsInput, to: string[]): SendRecord {
  const charge = priceSend(input.message, to);
  const id = engine.ids.next('msg_');
  const send = sendsOf(engine, tenant).insert({
    id,
    to,
    message: input.message,
    ...(input.callbackUrl !== undefined ? { callbackUrl: input.callbackUrl } : {}),
    encoding: charge.encoding,
    segments: charge.segments,
    cost: charge.cost,
    currency: charge.currency,
    // Recipient ids derive from the message id, so the /_sim outbox reads msg_…-1, msg_…-2.
    recipients: charge.recipients.map((r, i) => ({ ...r, messageId: `${id}-${i + 1}` })),
  });
  for (const recipient of send.recipients) {
    const data: RecipientMessageData = { parentId: id, body: input.message, cost: recipient.cost, currency: send.currency };
    engine.lifecycle.enqueue({ id: recipient.messageId, namespace: NAMESPACE, tenant, channel: 'sms', to: recipient.to, data, at: send.createdAt });
  }
  return send;
}

/** The send response: exactly the fields of the doc's example. */
function sentView(send: SendRecord) {
  return {
    id: send.id,
    status: 'pending',
    to: send.to,
    message: send.message,
    cost: send.cost,
    currency: send.currency,
    createdAt: isoSeconds(send.createdAt),
  };
}

function recipientView(send: SendRecord, message: SimMessage) {
  const charge = send.recipients.find((r) => r.messageId === message.id);
  return {
    to: message.to,
    status: msgineStatus(message.status),
    ...(charge?.country !== undefined ? { country: charge.country } : {}),
    cost: charge?.cost ?? 0,
    ...(message.sentAt ? { sentAt: isoSeconds(message.sentAt) } : {}),
    ...(message.deliveredAt ? { deliveredAt: isoSeconds(message.deliveredAt) } : {}),
    ...(message.failedAt ? { failedAt: isoSeconds(message.failedAt) } : {}),
    ...(message.undeliveredAt ? { undeliveredAt: isoSeconds(message.undeliveredAt) } : {}),
    ...(message.failure ? { error: { code: message.failure.code, message: message.failure.message } } : {}),
  };
}

export function messageView(engine: Engine, tenant: string, send: SendRecord) {
  const recipients = recipientMessages(engine, tenant, send);
  // The message changes whenever a recipient does.
  const updatedAt = recipients.reduce((latest, m) => (m.updatedAt > latest ? m.updatedAt : latest), send.updatedAt);
  return {
    id: send.id,
    status: statusOf(engine, tenant, send),
    to: send.to,
    message: send.message,
    cost: send.cost,
    currency: send.currency,
    segments: send.segments,
    encoding: send.encoding,
    ...(send.callbackUrl !== undefined ? { callbackUrl: send.callbackUrl } : {}),
    createdAt: isoSeconds(send.createdAt),
    updatedAt: isoSeconds(updatedAt),
    recipients: recipients.map((m) => recipientView(send, m)),
  };
}

export function messageHandlers(engine: Engine) {
  return {
    sendSms(req: HandlerRequest): HandlerResult {
      const input = req.body as SendSmsInput;
      // "to" is one number or a list; the answer's "to" is always a list (the doc's example).
      const list = Array.isArray(input.to);
      const to = list ? (input.to as string[]) : [input.to as string];
      checkRecipients(to, (i) => (list ? `to[${i}]` : 'to'));
      const send = createSend(engine, req.tenant.id, input, to);
      return { status: 201, body: sentView(send) };
    },

    getMessage(req: HandlerRequest): HandlerResult {
      const id = req.params.id!;
      const send = sendsOf(engine, req.tenant.id).get(id);
      if (!send) throw msgineError.notFound('id', id);
      return { status: 200, body: messageView(engine, req.tenant.id, send) };
    },

    listMessages(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      return { status: 200, body: pageOfSends(engine, tenant, req.query, (send) => messageView(engine, tenant, send)) };
    },
  };
}
