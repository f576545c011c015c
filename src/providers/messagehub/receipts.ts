/**
 * POST /webhooks/delivery ("public" in the doc's endpoint table): delivery receipts from channel partners.
 * The doc gives no body; msgsim takes `{ messageId, status, channel?, errorCode?, errorMessage? }`.
 * A receipt moves the message's current attempt through the engine's lifecycle (a "failed" receipt sets
 * the fallback chain going); a repeated receipt is accepted and changes nothing (partners deliver at least
 * once). A rejected receipt (unknown message 404, bad body 400, impossible move or another channel's
 * receipt 409) changes nothing.
 */
import type { Engine } from '../../engine/engine.js';
import { isSimError } from '../../engine/errors.js';
import type { SimMessage } from '../../engine/message.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { NAMESPACE } from './auth.js';
import type { Channel } from './channels.js';
import { HubCode, hubError } from './errors.js';
import { attemptsOf, HUB_MESSAGES, messageView, type HubMessage } from './messages.js';
import { stateOfWord, statusWord, type StatusWord } from './status.js';

interface DeliveryReceipt {
  messageId: string;
  status: StatusWord;
  channel?: Channel;
  errorCode?: string;
  errorMessage?: string;
}

/** The partner does not know whose message it is: every account is searched. */
function findMessage(engine: Engine, id: string): { tenant: string; message: HubMessage } | undefined {
  for (const ref of engine.store.collections<HubMessage>(HUB_MESSAGES, NAMESPACE)) {
    const message = ref.collection.get(id);
    if (message) return { tenant: ref.tenant, message };
  }
  return undefined;
}

export function receiptHandlers(engine: Engine) {
  return {
    receiveDeliveryReceipt(req: HandlerRequest): HandlerResult {
      const receipt = req.body as DeliveryReceipt;
      const found = findMessage(engine, receipt.messageId);
      if (!found) throw hubError.notFound(HubCode.messageNotFound, `Message ${receipt.messageId} does not exist`, 'messageId', receipt.messageId);
      const { tenant, message } = found;
      if (receipt.status !== 'failed') {
        const extra = receipt.errorCode !== undefined ? 'errorCode' : receipt.errorMessage !== undefined ? 'errorMessage' : undefined;
        if (extra) throw hubError.invalid(HubCode.validationError, `${extra} is only for status failed`, extra, receipt[extra]);
      }
      const attempt = attemptsOf(engine, tenant).get(message.attemptIds.at(-1) ?? '')!;
      if (receipt.channel !== undefined && receipt.channel !== attempt.channel) {
        throw hubError.conflict(
          HubCode.receiptChannelMismatch,
          `Message ${message.id} is being delivered on ${attempt.channel}, not ${receipt.channel}`,
          'channel',
          receipt.channel,
        );
      }
      if (attempt.status !== stateOfWord(receipt.status)) apply(engine, attempt, receipt);
      return { status: 200, body: { data: messageView(engine, message, tenant) } };
    },
  };
}

function apply(engine: Engine, attempt: SimMessage, receipt: DeliveryReceipt): void {
  const to = stateOfWord(receipt.status);
  const options =
    to === 'failed'
      ? { failure: { code: receipt.errorCode ?? 'channel_failed', message: receipt.errorMessage ?? `The ${attempt.channel} partner reported a failure` } }
      : { reason: 'delivery receipt' };
  try {
    // force walks the real path (a queued attempt receipted "delivered" passes through sent) or refuses
    // before changing anything.
    engine.lifecycle.force(attempt, to, options);
  } catch (error) {
    if (isSimError(error) && error.kind === 'conflict') {
      throw hubError.conflict(
        HubCode.invalidStatusTransition,
        `A ${statusWord(attempt.status)} message cannot become ${receipt.status}`,
        'status',
        receipt.status,
      );
    }
    throw error;
  }
}
