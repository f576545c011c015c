/** POST /messages/send and GET /messages/{messageId}. */
import type { Engine } from '../../engine/engine.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { HubCode, hubError } from './errors.js';
import type { AttemptRunner } from './fallback.js';
import { hubMessagesOf, messageView, sendView } from './messages.js';
import { checkSend, storeMessage, type SendRequest } from './send.js';

export function messageHandlers(engine: Engine, runner: AttemptRunner) {
  return {
    /** The doc's answer: `{ data: { messageId: "msg_abc123", channel: "whatsapp", status: "sent" } }`. */
    sendMessage(req: HandlerRequest): HandlerResult {
      const checked = checkSend(engine, req.tenant, req.body as SendRequest);
      const message = storeMessage(engine, runner, req.tenant.id, checked);
      return { status: 201, body: { data: sendView(engine, message, req.tenant.id) } };
    },

    /** Another key's message is a 404, never a 403: its existence is not disclosed. */
    getMessage(req: HandlerRequest): HandlerResult {
      const id = req.params.messageId!;
      const message = hubMessagesOf(engine, req.tenant.id).get(id);
      if (!message) throw hubError.notFound(HubCode.messageNotFound, `Message ${id} does not exist`, 'messageId', id);
      return { status: 200, body: { data: messageView(engine, message, req.tenant.id) } };
    },
  };
}
