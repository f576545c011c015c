/**
 * What a WhatsApp message carries and how MsgFlash shows it: the content rules shared by sends,
 * schedules and campaigns, the engine's states in MsgFlash's words, and the message object.
 */
import type { Engine } from '../../engine/engine.js';
import type { MessageState, SimMessage } from '../../engine/message.js';
import { msgflashError } from './errors.js';
import { renderForSend } from './templates.js';

export const MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Engine states in MsgFlash's words, plus `scheduled` for a queued message whose time has not come. */
export const STATUS_WORDS = ['scheduled', 'queued', 'sent', 'delivered', 'read', 'failed'] as const;
export type StatusWord = (typeof STATUS_WORDS)[number];

/** WhatsApp has no "undelivered": a message that never reaches the phone stays sent (one grey tick). */
const WORD_OF: Record<MessageState, StatusWord> = {
  queued: 'queued',
  sent: 'sent',
  undelivered: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

export interface ContentInput {
  type?: MessageType;
  text?: string;
  mediaUrl?: string;
  caption?: string;
  templateId?: string;
  variables?: Record<string, string>;
}

export interface MessageContent {
  type: MessageType;
  text?: string;
  mediaUrl?: string;
  caption?: string;
  templateId?: string;
}

export interface MsgflashMessageData extends MessageContent {
  instanceId: string;
  campaignId?: string;
}

/** Checks the content of a send and renders its template; returns what is stored on the message. */
export function prepareContent(engine: Engine, tenant: string, input: ContentInput): MessageContent {
  const type = input.type ?? 'text';
  if (type === 'text') {
    if (input.mediaUrl !== undefined) throw msgflashError.invalid('mediaUrl needs a media type (image, video, audio or document)', 'mediaUrl', input.mediaUrl);
    if (input.caption !== undefined) throw msgflashError.invalid('caption is only for image, video and document messages', 'caption', input.caption);
    if (input.text !== undefined && input.templateId !== undefined)
      throw msgflashError.invalid('give either text or templateId, not both', 'templateId', input.templateId);
    if (input.templateId !== undefined) {
      return { type, text: renderForSend(engine, tenant, input.templateId, input.variables ?? {}), templateId: input.templateId };
    }
    if (input.variables !== undefined) throw msgflashError.invalid('variables are only used with templateId', 'variables');
    if (input.text === undefined) throw msgflashError.invalid('text is required for a text message (or give templateId)', 'text');
    return { type, text: input.text };
  }
  if (input.mediaUrl === undefined) throw msgflashError.invalid(`mediaUrl is required for ${type} messages`, 'mediaUrl');
  if (input.text !== undefined) throw msgflashError.invalid(`${type} messages take caption, not text`, 'text', input.text);
  if (input.templateId !== undefined) throw msgflashError.invalid('templateId is only for text messages', 'templateId', input.templateId);
  if (input.variables !== undefined) throw msgflashError.invalid('variables are only used with templateId', 'variables');
  if (type === 'audio' && input.caption !== undefined) throw msgflashError.invalid('audio messages have no caption', 'caption', input.caption);
  return { type, mediaUrl: input.mediaUrl, ...(input.caption !== undefined ? { caption: input.caption } : {}) };
}

export function statusWord(message: SimMessage, nowMs: number): StatusWord {
  if (message.status === 'queued' && message.sendAt && Date.parse(message.sendAt) > nowMs) return 'scheduled';
  return WORD_OF[message.status];
}

export function messageView(message: SimMessage, nowMs: number) {
  const data = message.data as unknown as MsgflashMessageData;
  return {
    id: message.id,
    instanceId: data.instanceId,
    to: message.to,
    type: data.type,
    ...(data.text !== undefined ? { text: data.text } : {}),
    ...(data.mediaUrl !== undefined ? { mediaUrl: data.mediaUrl } : {}),
    ...(data.caption !== undefined ? { caption: data.caption } : {}),
    ...(data.templateId !== undefined ? { templateId: data.templateId } : {}),
    ...(data.campaignId !== undefined ? { campaignId: data.campaignId } : {}),
    status: statusWord(message, nowMs),
    ...(message.sendAt ? { scheduledAt: message.sendAt } : {}),
    ...(message.sentAt ? { sentAt: message.sentAt } : {}),
    ...(message.deliveredAt ? { deliveredAt: message.deliveredAt } : {}),
    ...(message.readAt ? { readAt: message.readAt } : {}),
    ...(message.failedAt ? { failedAt: message.failedAt } : {}),
    ...(message.failure ? { error: { code: message.failure.code.toUpperCase(), message: message.failure.message } } : {}),
    createdAt: message.createdAt,
    updatedAt: message.updatedAt,
  };
}
