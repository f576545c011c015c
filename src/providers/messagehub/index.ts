/** MessageHub (../shared/provider-docs/messagehub.txt): the Provider object that plugs it into msgsim. */
import type { Engine } from '../../engine/engine.js';
import { isSimError } from '../../engine/errors.js';
import { specPath } from '../../paths.js';
import { PUBLIC_TENANT, type OperationHandler, type Provider } from '../provider.js';
import { authenticateMessageHub, authorizeMessageHub, NAMESPACE } from './auth.js';
import { batchHandlers } from './batch.js';
import { distributeHandlers } from './distribute.js';
import { renderMessageHubError, withHeaders } from './errors.js';
import { AttemptRunner } from './fallback.js';
import { MESSAGEHUB_FIXTURE_FILES, MESSAGEHUB_KEYS } from './fixtures.js';
import { messageHandlers } from './handlers.js';
import { messagehubProfile } from './profile.js';
import { messagehubRecipients } from './request-recipients.js';
import { receiptHandlers } from './receipts.js';
import { currentRateLimitHeaders, rateLimitHeaders, rateWindows } from './tiers.js';

export const messagehub: Provider = {
  name: NAMESPACE,
  title: 'MessageHub',
  specFile: specPath('messagehub'),
  basePath: '/api/v1',
  authenticate: authenticateMessageHub,
  authorize: authorizeMessageHub,
  fixtureKeys: MESSAGEHUB_KEYS,
  fixtureFiles: MESSAGEHUB_FIXTURE_FILES,
  profile: messagehubProfile,
  renderError: renderMessageHubError,
  // "Free 60 req/min, Pro 600 req/min, Enterprise 6,000 req/min"
  rateLimits: (tenant) => rateWindows(tenant),
  rateLimitHeaders,
  idempotentOperations: ['sendMessage', 'sendBatch', 'distributeContent'],
  requestRecipients: messagehubRecipients,
  create(engine) {
    const runner = new AttemptRunner(engine);
    runner.subscribe();
    const operations: Record<string, OperationHandler> = {
      ...messageHandlers(engine, runner),
      ...batchHandlers(engine, runner),
      ...distributeHandlers(engine, runner),
      ...receiptHandlers(engine),
    };
    for (const [id, handler] of Object.entries(operations)) operations[id] = withRateLimitHeaders(engine, handler);
    return { operations };
  },
};

/**
 * "Rate limit headers are included in every response". The HTTP layer adds them whenever it counts a
 * request; when it does not (the public delivery webhook, or limits switched off through /_sim/config),
 * the handler's answer carries the window as it stands — the Free tier's, untouched, for the webhook.
 */
function withRateLimitHeaders(engine: Engine, handler: OperationHandler): OperationHandler {
  return async (req) => {
    const isPublic = req.tenant.id === PUBLIC_TENANT.id;
    if (!isPublic && engine.settings.rateLimits) return handler(req);
    const headers = isPublic ? rateLimitHeaders(undefined, engine.clock.now()) : currentRateLimitHeaders(engine, req.tenant);
    try {
      const result = await handler(req);
      return { ...result, headers: { ...headers, ...result.headers } };
    } catch (error) {
      throw isSimError(error) ? withHeaders(error, headers) : error;
    }
  };
}
