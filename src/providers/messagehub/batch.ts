/**
 * POST /messages/batch (scope messages:send). The doc gives the endpoint only; msgsim takes
 * `{ messages: [ <send request>, … ] }`, at most MAX_BATCH, and answers 200 with one result per item in
 * order. A body that does not match the schema is refused whole (400, details.field "messages[3].channel");
 * a well-formed item that cannot be sent fails alone, with the status and error the single send would give.
 */
import type { Engine } from '../../engine/engine.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import type { AttemptRunner } from './fallback.js';
import { sendView } from './messages.js';
import { runItem, summary } from './results.js';
import { checkSend, storeMessage, type SendRequest } from './send.js';

/** Also the spec's maxItems. */
export const MAX_BATCH = 100;

export function batchHandlers(engine: Engine, runner: AttemptRunner) {
  return {
    sendBatch(req: HandlerRequest): HandlerResult {
      const { messages } = req.body as { messages: SendRequest[] };
      const tenant = req.tenant.id;
      const batchId = engine.ids.next('bat_');
      const results = messages.map((item, index) =>
        runItem(index, {}, () => {
          const checked = checkSend(engine, req.tenant, item, `messages[${index}].`);
          return sendView(engine, storeMessage(engine, runner, tenant, checked, { batchId }), tenant);
        }),
      );
      return { status: 200, body: { data: { batchId, ...summary(results) } } };
    },
  };
}
