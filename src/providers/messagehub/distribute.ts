/**
 * POST /content/distribute (scope content:distribute): one content to several channel/recipient targets.
 * The doc names the endpoint only. Problems with the content itself (unknown template, missing
 * parameters, missing text) hold for every target and refuse the request; problems of one target
 * (its address, a content type its channel cannot carry, a template not approved there) fail that
 * target alone. Answers 200 with one result per target, in order.
 */
import type { Engine } from '../../engine/engine.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import type { Channel } from './channels.js';
import { prepareContent, type ContentInput } from './content.js';
import type { AttemptRunner } from './fallback.js';
import { sendView } from './messages.js';
import { runItem, summary } from './results.js';
import { checkSend, storeMessage } from './send.js';

/** Also the spec's maxItems. */
export const MAX_TARGETS = 100;

interface DistributeRequest extends ContentInput {
  targets: Array<{ channel: Channel; to: string }>;
}

export function distributeHandlers(engine: Engine, runner: AttemptRunner) {
  return {
    distributeContent(req: HandlerRequest): HandlerResult {
      const { targets, ...input } = req.body as DistributeRequest;
      const content = prepareContent(input);
      const tenant = req.tenant.id;
      const distributionId = engine.ids.next('dst_');
      const results = targets.map((target, index) =>
        runItem(index, { channel: target.channel, to: target.to }, () => {
          const checked = checkSend(engine, req.tenant, { ...input, ...target }, `targets[${index}].`, { content });
          return sendView(engine, storeMessage(engine, runner, tenant, checked, { distributionId }), tenant);
        }),
      );
      return { status: 200, body: { data: { distributionId, ...summary(results) } } };
    },
  };
}
