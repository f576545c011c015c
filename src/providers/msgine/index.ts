/** MsGine, after its public API documentation (openapi/msgine.yaml in msgsim's words): the Provider object that plugs it into msgsim. */
import { specPath } from '../../paths.js';
import type { Provider } from '../provider.js';
import { NAMESPACE, authenticateMsgine, authorizeMsgine } from './auth.js';
import { msgineTenantSettings, subscribeMsgineCallbacks } from './callbacks.js';
import { msgineValidationError, renderMsgineError } from './errors.js';
import { MSGINE_FIXTURE_FILES, MSGINE_KEYS } from './fixtures.js';
import { messageHandlers } from './messages.js';
import { msgineProfile } from './profile.js';
import { msgineRecipients } from './request-recipients.js';

export const msgine: Provider = {
  name: NAMESPACE,
  title: 'MsGine',
  specFile: specPath('msgine'),
  basePath: '/api/v1',
  authenticate: authenticateMsgine,
  authorize: authorizeMsgine,
  fixtureKeys: MSGINE_KEYS,
  fixtureFiles: MSGINE_FIXTURE_FILES,
  profile: msgineProfile,
  renderError: renderMsgineError,
  validationError: msgineValidationError,
  // "Default: 100 requests per minute per API token; Burst: Up to 20 requests per second"
  rateLimits: [
    { name: 'burst', limit: 20, windowMs: 1_000 },
    { name: 'per-minute', limit: 100, windowMs: 60_000 },
  ],
  // "include an Idempotency-Key header … The API stores idempotency keys for 24 hours"
  idempotentOperations: ['sendSms'],
  requestRecipients: msgineRecipients,
  create(engine) {
    subscribeMsgineCallbacks(engine);
    return {
      operations: messageHandlers(engine),
      tenantSettings: msgineTenantSettings(engine),
    };
  },
};
