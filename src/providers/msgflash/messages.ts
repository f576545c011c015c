/**
 * POST /messages/send, POST /messages/schedule, GET /messages, GET /messages/{id}: one SimMessage per
 * send, through an instance, on the engine's lifecycle (message-store.ts, which campaigns share).
 */
import type { Engine } from '../../engine/engine.js';
import { isE164 } from '../../engine/contact-points.js';
import { magicOutcome, rejectBySendMagic } from '../../engine/magic.js';
import type { SimMessage } from '../../engine/message.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { requireMessageAllowance } from './account.js';
import { MAGIC_REFUSALS, msgflashError } from './errors.js';
import { requireConnectedInstance, requireInstance } from './instances.js';
import { cursorPageOf, queryString } from './listing.js';
import { messageView, prepareContent, statusWord, type ContentInput, type MessageContent, type MsgflashMessageData } from './message-content.js';
import { createMessage, messagesOf } from './message-store.js';
import type { ScheduledSends } from './scheduler.js';

/** How far ahead a message may be scheduled. */
const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 3_600_000;

interface SendInput extends ContentInput {
  instanceId: string;
  to: string;
}

export function checkPhone(to: string, field: string): void {
  if (!isE164(to)) throw msgflashError.invalidPhone(field, to);
}

export function messageHandlers(engine: Engine, scheduled: ScheduledSends) {
  /** The checks shared by send and schedule, in the order a client meets them. */
  const prepare = (req: HandlerRequest, instanceMustBeConnected: boolean): { input: SendInput; content: MessageContent } => {
    const input = req.body as SendInput;
    requireInstance(input.instanceId);
    const content = prepareContent(engine, req.tenant.id, input);
    checkPhone(input.to, 'to');
    // The invalid magic number is a bad number, refused with the others; the 429 and 500 come last.
    if (magicOutcome(input.to) === 'invalid') throw msgflashError.invalidPhone('to', input.to);
    if (instanceMustBeConnected) requireConnectedInstance(engine, req.tenant.id, input.instanceId);
    requireMessageAllowance(engine, req.tenant, 1);
    rejectBySendMagic(input.to, MAGIC_REFUSALS, (to) => msgflashError.invalidPhone('to', to));
    return { input, content };
  };

  return {
    sendMessage(req: HandlerRequest): HandlerResult {
      const { input, content } = prepare(req, true);
      const message = createMessage(engine, req.tenant.id, { instanceId: input.instanceId, to: input.to, content });
      return { status: 201, body: { data: messageView(message, engine.clock.now()) } };
    },

    scheduleMessage(req: HandlerRequest): HandlerResult {
      const { scheduledAt } = req.body as { scheduledAt: string };
      const at = Date.parse(scheduledAt);
      const now = engine.clock.now();
      if (!(at > now)) throw msgflashError.invalid('scheduledAt must be in the future', 'scheduledAt', scheduledAt);
      if (at - now > MAX_SCHEDULE_AHEAD_MS) throw msgflashError.invalid('scheduledAt must be within 365 days', 'scheduledAt', scheduledAt);
      // The instance may be offline now; it must be connected when the message's time comes.
      const { input, content } = prepare(req, false);
      const message = createMessage(engine, req.tenant.id, { instanceId: input.instanceId, to: input.to, content, sendAt: new Date(at).toISOString() });
      scheduled.watch(message);
      return { status: 201, body: { data: messageView(message, now) } };
    },

    getMessage(req: HandlerRequest): HandlerResult {
      const message = messagesOf(engine, req.tenant.id).get(req.params.id!);
      if (!message) throw msgflashError.notFound('Message', 'id', req.params.id);
      return { status: 200, body: { data: messageView(message, engine.clock.now()) } };
    },

    listMessages(req: HandlerRequest): HandlerResult {
      const q = req.query;
      const now = engine.clock.now();
      const status = queryString(q, 'status');
      const instanceId = queryString(q, 'instanceId');
      const campaignId = queryString(q, 'campaignId');
      const to = queryString(q, 'to');
      const filter = (m: SimMessage) => {
        const data = m.data as unknown as MsgflashMessageData;
        if (status && statusWord(m, now) !== status) return false;
        if (instanceId && data.instanceId !== instanceId) return false;
        if (campaignId && data.campaignId !== campaignId) return false;
        if (to && m.to !== to) return false;
        return true;
      };
      const filtered = status || instanceId || campaignId || to;
      return { status: 200, body: cursorPageOf(messagesOf(engine, req.tenant.id), filtered ? filter : undefined, q, 'messages', (m) => messageView(m, now)) };
    },
  };
}
