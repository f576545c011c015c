/** MessageHub, after its public API documentation (openapi/messagehub.yaml in msgsim's words): the Provider object that plugs it into msgsim. */
import { specPath } from '../../paths.js';
import type { OperationHandler, Provider } from '../provider.js';
import { authenticateMessageHub, authorizeMessageHub, NAMESPACE } from './auth.js';
import { batchHandlers } from './batch.js';
import { distributeHandlers } from './distribute.js';
import { renderMessageHubError } from './errors.js';
import { AttemptRunner } from './fallback.js';
import { MESSAGEHUB_FIXTURE_FILES, MESSAGEHUB_KEYS } from './fixtures.js';
import { messageHandlers } from './handlers.js';
import { messagehubProfile } from './profile.js';
import { messagehubRecipients } from './request-recipients.js';
import { receiptHandlers } from './receipts.js';
import { rateLimitHeaders, rateWindows } from './tiers.js';

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
  // "Free 60 req/min, Pro 600 req/min, Enterprise 6,000 req/min"; "Rate limit headers are included in every
  // response": the HTTP layer reports the caller's window on each, counted or not (src/http/provider-router.ts).
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
    return { operations };
  },
};
