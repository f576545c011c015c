/** POST /messages/send, GET /messages/{messageId}, GET /messages — and the one send path campaigns and flows reuse. */
import type { Engine } from '../../engine/engine.js';
import { MESSAGES } from '../../engine/engine.js';
import { SimError } from '../../engine/errors.js';
import { rejectBySendMagic } from '../../engine/magic.js';
import type { SimMessage } from '../../engine/message.js';
import { isoSeconds } from '../../engine/iso-seconds.js';
import { wholeSecondBound } from '../../engine/pagination.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { checkRecipient, requireConnected, type Channel } from './channels.js';
import { MAGIC_REFUSALS, MsghubCode, MsghubMessage, msghubError } from './errors.js';
import { findTemplate, renderPlaceholders } from './fixtures.js';
import { pageOf, queryString } from './listing.js';

export const NAMESPACE = 'msghub';

export interface SendInput {
  channel: Channel;
  to: string;
  body?: string;
  subject?: string;
  templateId?: string;
  templateParams?: Record<string, string>;
  mediaUrl?: string;
  metadata?: Record<string, string>;
  campaignId?: string;
  flowId?: string;
}

export interface MsghubMessageData {
  body?: string;
  subject?: string;
  templateId?: string;
  mediaUrl?: string;
  metadata?: Record<string, string>;
  campaignId?: string;
  flowId?: string;
}

export function messagesOf(engine: Engine, tenant: string) {
  return engine.store.collection<SimMessage>(NAMESPACE, tenant, MESSAGES);
}

/** Checks a send the way Msghub does; returns the text to deliver. `field` prefixes error fields (campaigns). */
export function prepareSend(engine: Engine, tenant: string, input: SendInput, toField = 'to'): { body: string; subject?: string } {
  requireConnected(engine, tenant, input.channel);
  checkRecipient(input.channel, input.to, toField);
  if (input.subject !== undefined && input.channel !== 'email') throw msghubError.invalid('subject is only for the email channel', 'subject', input.subject);
  if (input.templateId === undefined) {
    if (input.body === undefined) throw msghubError.invalid('body is required unless templateId is given', 'body');
    return { body: input.body, subject: input.subject };
  }
  const template = findTemplate(input.templateId);
  if (!template) {
    throw new SimError({
      kind: 'not_found',
      code: MsghubCode.templateNotFound,
      message: MsghubMessage.templateNotFound,
      field: 'templateId',
      value: input.templateId,
    });
  }
  if (!template.channels.includes(input.channel)) {
    throw msghubError.invalid(`template ${template.templateId} is not approved for ${input.channel}`, 'templateId', input.templateId);
  }
  const params = input.templateParams ?? {};
  const text = renderPlaceholders(template.text, params);
  const subject = template.subject ? renderPlaceholders(template.subject, params) : undefined;
  const missing = [...new Set([...text.missing, ...(subject?.missing ?? [])])];
  if (missing.length > 0) throw msghubError.invalid(`templateParams is missing ${missing.join(', ')}`, `templateParams.${missing[0]}`);
  const finalSubject = input.subject ?? (input.channel === 'email' ? subject?.text : undefined);
  return { body: text.text, subject: finalSubject };
}

/** Stores a checked send and starts its lifecycle. */
export function createMessage(engine: Engine, tenant: string, input: SendInput, text: { body: string; subject?: string }): SimMessage {
  const data: MsghubMessageData = {
    body: text.body,
    subject: text.subject,
    templateId: input.templateId,
    mediaUrl: input.mediaUrl,
    metadata: input.metadata,
    campaignId: input.campaignId,
    flowId: input.flowId,
  };
  return engine.lifecycle.enqueue({ id: engine.ids.next('msg_'), namespace: NAMESPACE, tenant, channel: input.channel, to: input.to, data });
}

export function messageView(message: SimMessage) {
  const data = message.data as MsghubMessageData;
  return {
    messageId: message.id,
    channel: message.channel,
    to: message.to,
    status: message.status,
    body: data.body,
    subject: data.subject,
    templateId: data.templateId,
    campaignId: data.campaignId,
    flowId: data.flowId,
    metadata: data.metadata,
    createdAt: isoSeconds(message.createdAt),
    updatedAt: isoSeconds(message.updatedAt),
    ...(message.sentAt ? { sentAt: isoSeconds(message.sentAt) } : {}),
    ...(message.deliveredAt ? { deliveredAt: isoSeconds(message.deliveredAt) } : {}),
    ...(message.readAt ? { readAt: isoSeconds(message.readAt) } : {}),
    ...(message.failedAt ? { failedAt: isoSeconds(message.failedAt) } : {}),
    ...(message.failure ? { error: { code: message.failure.code, message: message.failure.message } } : {}),
  };
}

export function messageHandlers(engine: Engine) {
  return {
    sendMessage(req: HandlerRequest): HandlerResult {
      const input = req.body as SendInput;
      const text = prepareSend(engine, req.tenant.id, input);
      rejectBySendMagic(input.to, MAGIC_REFUSALS, (to) =>
        input.channel === 'email' ? msghubError.invalidEmail('to', to) : msghubError.invalidPhone('to', to),
      );
      const message = createMessage(engine, req.tenant.id, input, text);
      return {
        status: 201,
        body: { messageId: message.id, channel: message.channel, to: message.to, status: 'queued', createdAt: isoSeconds(message.createdAt) },
      };
    },

    getMessage(req: HandlerRequest): HandlerResult {
      const message = messagesOf(engine, req.tenant.id).get(req.params.messageId!);
      if (!message) throw msghubError.notFound(MsghubCode.messageNotFound, 'Message does not exist', 'messageId', req.params.messageId);
      return { status: 200, body: messageView(message) };
    },

    listMessages(req: HandlerRequest): HandlerResult {
      const q = req.query;
      const status = queryString(q, 'status');
      const channel = queryString(q, 'channel');
      const to = queryString(q, 'to');
      const campaignId = queryString(q, 'campaignId');
      const after = queryString(q, 'createdAfter');
      const before = queryString(q, 'createdBefore');
      // Clients see whole seconds, so the bounds compare at that resolution.
      const afterIso = wholeSecondBound(after, 'after');
      const beforeIso = wholeSecondBound(before, 'before');
      const filtered = status || channel || to || campaignId || afterIso !== undefined || beforeIso !== undefined;
      const filter = (m: SimMessage) => {
        if (status && m.status !== status) return false;
        if (channel && m.channel !== channel) return false;
        if (to && m.to !== to) return false;
        if (campaignId && (m.data as MsghubMessageData).campaignId !== campaignId) return false;
        if (afterIso !== undefined && m.createdAt < afterIso) return false;
        if (beforeIso !== undefined && m.createdAt > beforeIso) return false;
        return true;
      };
      return { status: 200, body: pageOf(messagesOf(engine, req.tenant.id), filtered ? filter : undefined, q, messageView) };
    },
  };
}
